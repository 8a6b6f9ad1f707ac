// How the fault drills judge an answer: by whether an outage (a component stopped, or its recovery grace) was under
// way while it was asked or answered. During one a quick JSON 503 (or a success) is right, never a 500 or a hang;
// outside one no 5xx at all. The workload (support/workload.ts) records every answer against an OutageClock when it
// is given one; faults.test.ts sets the clock around each drill.

/** An answer slower than this is a hang (well under the 10 s function timeout plus the gateway's own). */
export const hangMs = 10_000;

/** Is an outage (or its recovery) under way now? */
export interface OutageClock {
  active(): boolean;
  /** How long components were down (stop to restart) between two instants (epoch ms). */
  downMsBetween?(from: number, to: number): number;
}

/** A clock the drill sets: down from `stop()` to `start()`, and active until `graceMs` after the start. */
export interface DrillClock extends OutageClock {
  stop(): void;
  start(graceMs: number): void;
  /** When the current recovery grace ends (epoch ms). */
  readonly until: number;
  downMsBetween(from: number, to: number): number;
}

export function drillClock(): DrillClock {
  const outages: Array<{ from: number; to: number | undefined }> = [];
  let until = 0;
  const current = () => outages.at(-1);
  return {
    get until() {
      return until;
    },
    active: () => current()?.to === undefined ? outages.length > 0 : Date.now() < until,
    stop() {
      outages.push({ from: Date.now(), to: undefined });
    },
    start(graceMs) {
      const outage = current();
      const now = Date.now();
      if (outage && outage.to === undefined) outage.to = now;
      until = now + graceMs;
    },
    downMsBetween(from, to) {
      let down = 0;
      for (const outage of outages) down += Math.max(0, Math.min(to, outage.to ?? Date.now()) - Math.max(from, outage.from));
      return down;
    },
  };
}

/** The contract's error shape: a JSON `error` with a code and the request id of the `x-request-id` header. */
export function wellFormedError(body: unknown, headers: Headers): boolean {
  const error = (body as { error?: { code?: unknown; requestId?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.requestId === 'string' && headers.get('x-request-id') === error.requestId;
}

/** What is wrong with an answer given during an outage, or undefined (status 0: no answer before the timeout). */
export function outageAnswerProblem(answer: { status: number; ms: number; wellFormed: boolean }): string | undefined {
  if (answer.status === 0) return 'no answer';
  if (answer.status >= 500 && answer.status !== 503) return `a ${answer.status}`;
  if (answer.ms > hangMs) return `answered after ${Math.round(answer.ms)} ms`;
  if (!answer.wellFormed) return `a ${answer.status} without the contract's error shape`;
  return undefined;
}

/**
 * A QoS 1 publish the client gave up on between `startedAt` and `now` (epoch ms): explained by an outage when one
 * was under way at its end or any part was down meanwhile (the reading may or may not have landed), else a
 * publish without an answer, which no healthy broker causes.
 */
export function publishFailureVerdict(clock: OutageClock | undefined, startedAt: number, now: number): 'outage' | 'no answer' {
  if (!clock) return 'no answer';
  if (clock.active() || (clock.downMsBetween?.(startedAt, now) ?? 0) > 0) return 'outage';
  return 'no answer';
}
