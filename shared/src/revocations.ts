// The revocation list as the auth chain reads it (layout: contracts/revocation-list.ts): a per-container cache of the
// revoked accounts, brought up to date by one Query of the entries written since the last read, at most every
// `maxAgeMs`, awaited only when a request finds it older than that; from half that age on, a request starts the read
// in the background and still answers at once, so under steady traffic no request waits for the list. API.md promises refusal within 5 s of the deletion's
// 204; the entry is written before that 204, so any read that starts after it sees it (consistent reads), and every
// answer comes from a read that started at most `maxAgeMs` (2 s) before the request.
import { revocationPartition, revocationRetentionMs, revocationSortKeyFrom } from './contracts/revocation-list';
import type { RevocationEntry } from './contracts/revocation-list';
import { tableClient } from './dynamodb';
import type { DocumentSender } from './dynamodb';
import { ServiceUnavailableError } from './errors';

/** Whether a user's tokens are refused. `false`/`true` when the cache is fresh; a promise when it must be read first. */
export interface RevocationList {
  isRevoked(userId: string): boolean | Promise<boolean>;
}

/** Where the entries come from: every entry written at or after `since`, in any order. */
export interface RevocationSource {
  entriesSince(since: Date): AsyncIterable<RevocationEntry>;
}

/** API.md: a deleted account's tokens are refused everywhere within 5 s. */
export const refusalDeadlineMs = 5_000;

export interface RevocationCacheOptions {
  source: RevocationSource;
  /** How old an answer may be: the list is read again when a request finds the last read older (default 2 s). */
  maxAgeMs?: number;
  /** From this age on, a question starts a read without waiting for it (default: half the maximum age). */
  refreshAheadMs?: number;
  /**
   * How far before the previous read's start the next one begins. An entry's time is taken before it is written, so
   * one can become visible after a later one; the writer (a 10 s Lambda) commits within this. Default 15 s.
   */
  overlapMs?: number;
  /** Milliseconds since the epoch; a fake in tests. */
  now?: () => number;
}

/**
 * The cache. A read that fails leaves the last answer in use while it is younger than the deadline allows (so one
 * DynamoDB hiccup is not an outage), then every request is a 503: refusal must stay certain.
 */
export function cachedRevocationList(options: RevocationCacheOptions): RevocationList {
  const { source, maxAgeMs = 2_000, overlapMs = 15_000, now = Date.now } = options;
  const refreshAheadMs = options.refreshAheadMs ?? maxAgeMs / 2;
  // What still keeps the promise when a read fails: the last successful read began after (request - this).
  const usableAfterFailureMs = refusalDeadlineMs - 1_000;
  if (!(maxAgeMs > 0 && maxAgeMs <= usableAfterFailureMs)) {
    throw new Error(`The revocation cache's maximum age must be within 0..${usableAfterFailureMs} ms (API.md: refusal within ${refusalDeadlineMs / 1000} s), got ${maxAgeMs}`);
  }
  const revoked = new Map<string, number>();
  /** When the last successful read began: what every answer is as fresh as. */
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  let readingStartedAt = Number.NEGATIVE_INFINITY;

  async function read(): Promise<void> {
    const startedAt = now();
    const oldestThatMatters = startedAt - revocationRetentionMs;
    const since = Math.max(oldestThatMatters, readAt - overlapMs);
    for await (const entry of source.entriesSince(new Date(since))) {
      const at = Date.parse(entry.revokedAt);
      revoked.set(entry.userId, Math.max(at, revoked.get(entry.userId) ?? at));
    }
    // Tokens issued before an older revocation have all expired: forget it, so the cache never outgrows the window.
    for (const [userId, at] of revoked) if (at < oldestThatMatters) revoked.delete(userId);
    readAt = Math.max(readAt, startedAt);
  }

  function refresh(): Promise<void> {
    const startedAt = now();
    // A read that began too long ago cannot make an answer fresh enough (on Lambda, a container frozen between
    // invocations mid-read): start another rather than wait for it.
    if (reading && startedAt - readingStartedAt < maxAgeMs) return reading;
    readingStartedAt = startedAt;
    const current: Promise<void> = read().finally(() => {
      if (reading === current) reading = undefined;
    });
    reading = current;
    return current;
  }

  // After a read (or a failed one): the cache answers while its last successful read is recent enough. A read that
  // took seconds (DynamoDB in trouble) leaves it too old as well, which is a 503 rather than an answer out of date.
  const answerOr503 = (userId: string, cause?: unknown): boolean => {
    if (now() - readAt < usableAfterFailureMs) return revoked.has(userId);
    throw new ServiceUnavailableError('Revocation list unavailable', undefined, cause === undefined ? undefined : { cause });
  };

  return {
    isRevoked(userId) {
      const age = now() - readAt;
      if (age < maxAgeMs) {
        // Read ahead, unawaited: if it fails, the first question that finds the list too old reads again itself.
        if (age >= refreshAheadMs && !reading) refresh().catch(() => undefined);
        return revoked.has(userId);
      }
      return refresh().then(
        () => answerOr503(userId),
        (err: unknown) => answerOr503(userId, err),
      );
    },
  };
}

/** Most entries one read takes: a deleted account each, within the retention window. More fails loudly (a 503). */
const maxEntriesPerRead = 100_000;

/** The users service's revocations table, read with one consistent Query per refresh (never a Scan). */
export function revocationsTableSource(tableName: string, client?: DocumentSender): RevocationSource {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });
  return {
    entriesSince(since) {
      return table.queryAll<RevocationEntry>({
        keyCondition: 'pk = :pk AND sk > :since',
        values: { ':pk': revocationPartition, ':since': revocationSortKeyFrom(since) },
        projection: 'userId, revokedAt',
        // A read that starts after the deletion's write must see it.
        consistentRead: true,
        maxItems: maxEntriesPerRead,
      });
    },
  };
}
