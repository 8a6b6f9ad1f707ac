import type { RateWindows } from '../../src/domain/rate-limit';
import { admitMessage, maxMessagesPerSecond, noRateWindows } from '../../src/domain/rate-limit';
import { seededRandom, shuffle } from '../support/random';

const t0 = Date.parse('2026-11-28T09:00:00.000Z');

/** Admits arrivals (epoch ms) in the given processing order; the admitted ones. */
function admitted(arrivals: number[], start: RateWindows = noRateWindows()): number[] {
  let windows = start;
  const result: number[] = [];
  for (const receivedAt of arrivals) {
    const decision = admitMessage(windows, receivedAt);
    windows = decision.windows;
    if (decision.admitted) result.push(receivedAt);
  }
  return result;
}

const perSecond = (times: number[]) => {
  const counts = new Map<number, number>();
  for (const at of times) counts.set(Math.floor(at / 1000), (counts.get(Math.floor(at / 1000)) ?? 0) + 1);
  return counts;
};

describe('admitMessage', () => {
  it('admits 10 messages a second and drops the rest', () => {
    // Prepare
    const burst = Array.from({ length: 15 }, (_, index) => t0 + index * 10);

    // Act
    const result = admitted([...burst, t0 + 1000]);

    // Assess
    expect(result).toEqual([...burst.slice(0, maxMessagesPerSecond), t0 + 1000]);
  });

  it('counts a message processed after the next second began against its own second', () => {
    // Prepare: second 0 full, then a message of second 1, then late messages of second 0.
    const full = Array.from({ length: 10 }, (_, index) => t0 + index * 10);

    // Act
    const result = admitted([...full, t0 + 1000, t0 + 990, t0 + 995]);

    // Assess
    expect(result).toEqual([...full, t0 + 1000]);
  });

  it('still admits late messages of the previous second while its window has room, and counts them there', () => {
    // Act
    const first = admitMessage(noRateWindows(), t0);
    const next = admitMessage(first.windows, t0 + 1000);
    const late = admitMessage(next.windows, t0 + 500);

    // Assess
    expect([first.admitted, next.admitted, late.admitted]).toEqual([true, true, true]);
    expect(late.windows).toEqual({ even: { second: t0 / 1000, count: 2 }, odd: { second: t0 / 1000 + 1, count: 1 } });
  });

  it('admits a message two or more seconds behind without counting it (a retried delivery)', () => {
    // Prepare: seconds 2 and 3 full.
    const second2 = Array.from({ length: 10 }, (_, index) => t0 + 2000 + index);
    const second3 = Array.from({ length: 10 }, (_, index) => t0 + 3000 + index);

    // Act
    const result = admitted([...second2, ...second3, t0 + 500, t0 + 1500, t0 + 2500]);

    // Assess: seconds 0 and 1 lost their slots to 2 and 3; second 2 is full.
    expect(result).toEqual([...second2, ...second3, t0 + 500, t0 + 1500]);
  });

  it('never admits more than 10 messages of any second when neighbouring seconds are processed interleaved', () => {
    for (let seed = 1; seed <= 50; seed++) {
      // Prepare: 40 messages a second for 5 seconds, processed in windows of 8 shuffled (concurrent invocations).
      const random = seededRandom(seed);
      const arrivals = Array.from({ length: 200 }, (_, index) => t0 + index * 25);
      const order: number[] = [];
      for (let index = 0; index < arrivals.length; index += 8) order.push(...shuffle(arrivals.slice(index, index + 8), random));

      // Act
      const result = admitted(order);

      // Assess
      expect([...perSecond(result).values()]).toEqual([10, 10, 10, 10, 10]);
    }
  });
});
