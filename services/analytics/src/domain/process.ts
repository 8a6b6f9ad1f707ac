// processEvents: the batches one invocation reads from the buffer's stream, as one unit of work. Its id (workId)
// is derived from the stream records it covers, so Lambda's retry of the same batch is the same work, and each step
// is idempotent for it:
//   1. repeats dropped: within the work by event id, then across works by claiming each id for 7 days (a claim
//      names its work, so the retry finds its own claims and keeps those events);
//   2. the raw archive: one object per (dt, hr) of the events' `at`, named by the work: a retry rewrites it whole;
//   3. the aggregates, given the same fresh events again on a retry (EventAggregates.apply is idempotent per work).
import { createHash } from 'node:crypto';
import type { AcceptedBatch, EventRow } from './batch';
import { rowsOf } from './batch';
import type { EventAggregates, EventArchive, EventClaims } from './ports';

export interface ProcessDeps {
  claims: EventClaims;
  archive: EventArchive;
  aggregates: EventAggregates;
}

export interface ProcessOutcome {
  workId: string;
  received: number;
  repeats: number;
  archived: string[];
}

/** The work's id from the stream positions it covers (first and last sequence number, and how many records). */
export function workIdOf(sequenceNumbers: string[]): string {
  const first = sequenceNumbers[0] ?? '';
  const last = sequenceNumbers[sequenceNumbers.length - 1] ?? '';
  return createHash('sha256').update(`${first}:${last}:${sequenceNumbers.length}`).digest('hex').slice(0, 32);
}

/** `dt=YYYY-MM-DD/hr=HH` of a UTC timestamp: the partition the row is archived in. */
export function partitionOf(at: string): string {
  return `dt=${at.slice(0, 10)}/hr=${at.slice(11, 13)}`;
}

export function archiveKey(partition: string, workId: string): string {
  return `events/${partition}/${workId}.json.gz`;
}

export async function processBatches(batches: AcceptedBatch[], workId: string, deps: ProcessDeps): Promise<ProcessOutcome> {
  const rows = batches.flatMap(rowsOf);
  const unique = new Map<string, EventRow>();
  for (const row of rows) if (!unique.has(row.id)) unique.set(row.id, row);
  const ours = unique.size === 0 ? new Set<string>() : await deps.claims.claim([...unique.keys()], workId);
  const fresh = [...unique.values()].filter((row) => ours.has(row.id));

  const partitions = new Map<string, EventRow[]>();
  for (const row of fresh) {
    const partition = partitionOf(row.at);
    const group = partitions.get(partition);
    if (group) group.push(row);
    else partitions.set(partition, [row]);
  }
  const archived: string[] = [];
  await Promise.all(
    [...partitions].map(async ([partition, group]) => {
      const key = archiveKey(partition, workId);
      await deps.archive.write(key, group.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)));
      archived.push(key);
    }),
  );
  if (fresh.length > 0) await deps.aggregates.apply(workId, fresh);
  return { workId, received: rows.length, repeats: rows.length - fresh.length, archived: archived.sort() };
}
