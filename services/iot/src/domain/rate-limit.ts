// Per-thing message rate: a fixed one-second window by arrival time. Within a second the first
// `maxMessagesPerSecond` messages are admitted and the rest dropped (and counted by the caller).
// The store applies the same rule with conditional writes (adapters/device-store.ts).

export const maxMessagesPerSecond = 10;

export interface RateWindow {
  /** Epoch second of the window. */
  second: number;
  count: number;
}

export interface RateDecision {
  admitted: boolean;
  window: RateWindow | null;
}

export function admitMessage(window: RateWindow | null, receivedAt: number, limit = maxMessagesPerSecond): RateDecision {
  const second = Math.floor(receivedAt / 1000);
  if (window === null || window.second < second) return { admitted: true, window: { second, count: 1 } };
  if (window.second === second) return window.count < limit ? { admitted: true, window: { second, count: window.count + 1 } } : { admitted: false, window };
  // Arrived in a second the window has left already (a retried delivery): its second cannot be counted any more.
  return { admitted: true, window };
}
