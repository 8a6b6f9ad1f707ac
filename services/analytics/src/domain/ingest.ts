// POST /analytics/events after the envelope is valid: each event judged on its own against the server's receive
// time, the install's rate window, then the accepted ones handed to the buffer as one batch. Nothing is written
// when nothing is accepted; a batch is written whole or not at all (one item), so a failed request loses nothing a
// retry would not send again.
import { RateLimitedError } from '@photonotes/shared/errors';
import type { Metrics } from '@photonotes/shared/metrics';
import { installActor, userActor } from './actors';
import type { AcceptedBatch } from './batch';
import type { IngestEnvelope, JudgedBatch } from './event-input';
import { judgeEvents } from './event-input';
import type { ActorKeys, EventBuffer, InstallRates } from './ports';

/** API.md: more than 10 batches a second from one install is a 429. */
export const maxBatchesPerSecond = 10;

export interface IngestDeps {
  actorKeys: ActorKeys;
  rates: InstallRates;
  buffer: EventBuffer;
  newBatchId: () => string;
  /** AnalyticsEventsAccepted and AnalyticsEventsRejected, per batch answered 202. */
  metrics: Metrics;
}

export interface IngestRequest {
  envelope: IngestEnvelope;
  /** The verified caller, or null without an Authorization header. */
  userId: string | null;
  receivedAt: Date;
}

export interface IngestAnswer {
  accepted: number;
  rejected: JudgedBatch['rejected'];
}

export async function ingestEvents({ envelope, userId, receivedAt }: IngestRequest, deps: IngestDeps): Promise<IngestAnswer> {
  // Judging needs nothing from outside, so it comes first: the user's key (needed only when something is kept) is
  // then read side by side with the install's rate window, one round trip instead of two.
  const { accepted, rejected } = judgeEvents(envelope.events, receivedAt.getTime());
  const [admission, key] = await Promise.allSettled([
    deps.rates.admit(envelope.installId, receivedAt.getTime(), maxBatchesPerSecond),
    userId !== null && accepted.length > 0 ? deps.actorKeys.keyOf(userId) : Promise.resolve(null),
  ]);
  if (admission.status === 'rejected') throw admission.reason;
  if (!admission.value.admitted) {
    throw new RateLimitedError(`More than ${maxBatchesPerSecond} batches a second from this install`, undefined, { retryAfterSeconds: admission.value.retryAfterSeconds });
  }
  if (key.status === 'rejected') throw key.reason;
  if (accepted.length > 0) {
    const actor = userId === null || key.value === null ? installActor(envelope.installId) : userActor(userId, key.value);
    const batch: AcceptedBatch = {
      batchId: deps.newBatchId(),
      receivedAt: receivedAt.toISOString(),
      installId: envelope.installId.toLowerCase(),
      actor,
      platform: envelope.platform ?? null,
      appVersion: envelope.appVersion ?? null,
      events: accepted,
    };
    await deps.buffer.put(batch);
  }
  deps.metrics.count('AnalyticsEventsAccepted', accepted.length);
  deps.metrics.count('AnalyticsEventsRejected', rejected.length);
  return { accepted: accepted.length, rejected };
}
