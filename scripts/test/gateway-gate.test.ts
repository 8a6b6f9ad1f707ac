import { admissionGate } from '../platform/gateway';

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
