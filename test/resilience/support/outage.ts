// How the fault drills judge an answer: by whether an outage (a component stopped, or its recovery grace) was under
// way while it was asked or answered. During one a quick JSON 503 (or a success) is right, never a 500 or a hang;
// outside one no 5xx at all. The workload (support/workload.ts) records every answer against an OutageClock when it
// is given one; faults.test.ts sets the clock around each drill.

/** An answer slower than this is a hang (well under the 10 s function timeout plus the gateway's own). */
export const hangMs = 10_000;

/** Is an outage (or its recovery) under way now? */
export interface OutageClock {
  active(): boolean;
}

/** A clock the drill sets: down while a component is stopped, and until `until` (its recovery grace) after. */
export interface DrillClock extends OutageClock {
  down: boolean;
  until: number;
}

export function drillClock(): DrillClock {
  const clock: DrillClock = { down: false, until: 0, active: () => clock.down || Date.now() < clock.until };
  return clock;
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
