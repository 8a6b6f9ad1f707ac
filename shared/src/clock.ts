// The clock every service's domain reads the time from: injected as `clock` so unit tests control it.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
