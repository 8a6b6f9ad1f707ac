// The platform's bounds on concurrent work: the gateway's and delivery's gate, the broker's limiter.
import { admissionGate, limiter } from '../platform/admission';

describe('admissionGate', () => {
  test('lets `limit` in at once, the rest in arrival order as holders leave; leaving twice frees one place', async () => {
    // Prepare
    const gate = admissionGate(2);
    const order: number[] = [];
    const leaves: Array<() => void> = [];
    const entries = [1, 2, 3, 4].map((n) =>
      gate.enter().then((leave) => {
        order.push(n);
        leaves.push(leave);
      }),
    );
    await Promise.resolve();
    await Promise.resolve();

    // Act / Assess
    expect(order).toEqual([1, 2]);
    expect(gate.waiting).toBe(2);
    leaves[0]?.();
    leaves[0]?.();
    await entries[2];
    expect(order).toEqual([1, 2, 3]);
    expect(gate.waiting).toBe(1);
    leaves[1]?.();
    await entries[3];
    expect(order).toEqual([1, 2, 3, 4]);
    expect(gate.waiting).toBe(0);
  });
});

describe('the limiter', () => {
  it('never runs more than its maximum, and serves waiters in order', async () => {
    // Prepare
    const run = limiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (id: number) => async () => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 2));
      order.push(id);
      active -= 1;
      return id;
    };

    // Act
    const first = [1, 2, 3, 4, 5, 6].map((id) => run(task(id)));
    // Arrivals while every slot is taken and others wait: they queue behind the waiters.
    await new Promise((resolve) => setTimeout(resolve, 3));
    const late = [7, 8].map((id) => run(task(id)));
    const results = await Promise.all([...first, ...late]);

    // Assess
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(peak).toBe(2);
    expect(order.slice(-2).sort()).toEqual([7, 8]);
  });

  it('frees the slot when a task fails', async () => {
    const run = limiter(1);
    await expect(run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(run(async () => 'yes')).resolves.toBe('yes');
  });
});
