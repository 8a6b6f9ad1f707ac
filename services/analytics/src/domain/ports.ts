// What the analytics domain needs from the outside world; adapters implement these over DynamoDB and S3,
// test/unit/support/fakes.ts over memory.
import type { AcceptedBatch, EventRow } from './batch';

export interface ActorKeys {
  /** The user's key, created on first use (a concurrent creation reads the winner's). */
  keyOf(userId: string): Promise<Uint8Array>;
  /** Idempotent. */
  destroy(userId: string): Promise<void>;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export interface InstallRates {
  /** Counts one batch of the install in the second of `nowMs`; refuses it beyond `limit` batches a second. */
  admit(installId: string, nowMs: number, limit: number): Promise<Admission>;
}

export interface EventBuffer {
  /** Durably hands the batch to processEvents (the buffer table's stream). */
  put(batch: AcceptedBatch): Promise<void>;
}

export interface EventClaims {
  /**
   * Claims each event id for `owner` (kept 7 days). Answers the ids that are this owner's: claimed now, or by the
   * same owner before (a retry of the same work). The others were seen before: repeats, counted once already.
   */
  claim(ids: string[], owner: string): Promise<Set<string>>;
}

export interface EventArchive {
  /** Writes (or rewrites, with the same content) one object of rows. */
  write(key: string, rows: EventRow[]): Promise<void>;
}

export interface EventAggregates {
  /**
   * Folds fresh events (claimed by `workId`, never counted before) into the daily aggregates. Idempotent for the
   * same `workId` and rows: a retry of the same work changes nothing that was already applied.
   */
  apply(workId: string, rows: EventRow[]): Promise<void>;
}
