// Per-thing message rate: fixed one-second windows by arrival time. Within a second the first
// `maxMessagesPerSecond` messages are admitted and the rest dropped (and counted by the caller).
// Messages are processed concurrently (IoT rule invocations), so one that arrived late in a second may be
// processed after the next second's first message: the windows of the last two seconds are both kept, in two
// slots chosen by the parity of the second, so such a message still counts against its own second. A message
// two or more seconds behind (a retried delivery; AWS retries after about a minute) finds its slot taken by a
// newer second and is admitted without counting: it was counted when it first came.
// The store applies the same rule with conditional writes (adapters/device-store.ts).

export const maxMessagesPerSecond = 10;

export interface RateWindow {
  /** Epoch second of the window. */
  second: number;
  count: number;
}

export type RateSlot = 'even' | 'odd';

/** The windows of the latest even and the latest odd second a message was counted in. */
export type RateWindows = Record<RateSlot, RateWindow | null>;

export const noRateWindows = (): RateWindows => ({ even: null, odd: null });

export const rateSlotOf = (second: number): RateSlot => (second % 2 === 0 ? 'even' : 'odd');

export interface RateDecision {
  admitted: boolean;
  windows: RateWindows;
}

export function admitMessage(windows: RateWindows, receivedAt: number, limit = maxMessagesPerSecond): RateDecision {
  const second = Math.floor(receivedAt / 1000);
  const slot = rateSlotOf(second);
  const window = windows[slot];
  if (window === null || window.second < second) return { admitted: true, windows: { ...windows, [slot]: { second, count: 1 } } };
  if (window.second === second) return window.count < limit ? { admitted: true, windows: { ...windows, [slot]: { second, count: window.count + 1 } } } : { admitted: false, windows };
  // Its slot holds a newer second already: too late to be counted.
  return { admitted: true, windows };
}
