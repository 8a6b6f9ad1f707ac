// The domain's TelemetryStore over two tables: readings and buckets in the telemetry table (one partition
// per thing, metric and level, sorted by time), and each series' head in the things table (beside the
// thing, so `latest` is one query of the thing's partition). A message's write is one transaction: per series
// the head, conditional on its revision, with the reading and buckets it was computed with (domain/series.ts).
import { ConditionFailedError, documentClient, maxTransactionItems, tableClient, TransactionConflictError } from '@photonotes/shared/dynamodb';
import type { AttributeMap, DocumentSender, Transaction } from '@photonotes/shared/dynamodb';
import type { AlertState, FiredAlert, RuleSet } from '../domain/alerts';
import type { SeriesCommit, SeriesHead, SeriesKey, SeriesSnapshot, SeriesWrite, TelemetryStore, TimedBucket } from '../domain/ports';
import type { Resolution, Rollup } from '../domain/resolutions';
import { bucketStart, resolutions } from '../domain/resolutions';
import type { Bucket } from '../domain/rollups';
import { ruleSetOf } from './alert-rules-store';
import { entities, keys } from './keys';
import type { TelemetryKey } from './keys';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

export interface TelemetryTableOptions {
  /** Holds the series heads. */
  thingsTableName: string;
  telemetryTableName: string;
  client?: DocumentSender;
}

/**
 * Caps of the key ranges read whole: a minute holds at most 10 readings a second, an hour 60 minutes, a day 24
 * hours; a thing at most 1000 series heads. A purge deletes up to `maxPurgeItems` per level and run (a repeated
 * run resumes: what it deleted stays deleted).
 */
const maxRangeItems = 10_000;
const maxHeads = 1000;
const maxPurgeItems = 100_000;

interface HeadItem {
  pk: string;
  sk: string;
  entity: typeof entities.series;
  thingId: string;
  metric: string;
  rev: number;
  latest: { value: number; at: number } | null;
  alerts: AlertState;
  pending: Record<string, FiredAlert>;
  expiresAt: number;
}

interface ReadingItem {
  pk: string;
  sk: number;
  value: number;
  receivedAt: number;
  expiresAt: number;
}

interface BucketItem extends Bucket {
  pk: string;
  sk: number;
  expiresAt: number;
}

const toBucket = (item: Bucket): Bucket => ({ min: item.min, max: item.max, sum: item.sum, count: item.count });

const itemsOf = (commit: SeriesCommit): number => 1 + (commit.write.reading ? 1 : 0) + commit.write.buckets.length;

/** Consecutive groups of series writes that each fit one transaction (a message's 20 metrics of 5 items: one). */
function transactionGroups(commits: SeriesCommit[]): SeriesCommit[][] {
  const groups: SeriesCommit[][] = [];
  let items = 0;
  for (const commit of commits) {
    const last = groups[groups.length - 1];
    if (last && items + itemsOf(commit) <= maxTransactionItems) {
      last.push(commit);
      items += itemsOf(commit);
    } else {
      groups.push([commit]);
      items = itemsOf(commit);
    }
  }
  return groups;
}

/** Commits; false when a revision had moved or a concurrent transaction held one of the items: either way, read again. */
async function commitOrLose(tx: Transaction): Promise<boolean> {
  try {
    await tx.commit();
    return true;
  } catch (err) {
    if (err instanceof ConditionFailedError || err instanceof TransactionConflictError) return false;
    throw err;
  }
}

export function telemetryTable({ thingsTableName, telemetryTableName, client = documentClient() }: TelemetryTableOptions): TelemetryStore {
  const heads = tableClient({ tableName: thingsTableName, client });
  const telemetry = tableClient({ tableName: telemetryTableName, client });

  const item = (series: SeriesKey, level: Resolution, at: number) => keys.telemetryItem(series.thingId, series.metric, level, at);

  /** sk in [from, to): timestamps and bucket starts are whole milliseconds. */
  const range = (series: SeriesKey, level: Resolution, from: number, to: number) => ({
    keyCondition: 'pk = :pk AND sk BETWEEN :from AND :last',
    values: { ':pk': keys.seriesPartition(series.thingId, series.metric, level), ':from': from, ':last': to - 1 },
  });

  function headOf(stored: HeadItem | undefined): SeriesHead {
    if (!stored) return { rev: 0, latest: null, alerts: { rulesVersion: 0, rules: {} }, pending: [] };
    return { rev: stored.rev, latest: stored.latest ?? null, alerts: stored.alerts, pending: Object.values(stored.pending ?? {}) };
  }

  function headWrite(tx: Transaction, series: SeriesKey, expectedRev: number, write: SeriesWrite): Transaction {
    const key = keys.seriesHead(series.thingId, series.metric);
    if (expectedRev === 0) {
      const created: HeadItem = {
        ...key,
        entity: entities.series,
        thingId: series.thingId,
        metric: series.metric,
        rev: 1,
        latest: write.latest,
        alerts: write.alerts,
        pending: Object.fromEntries(write.fired.map((fired) => [fired.id, fired])),
        expiresAt: write.headExpiresAt,
      };
      return tx.put(created, { table: thingsTableName, tag: 'head', condition: 'attribute_not_exists(pk)' });
    }
    // Pending firings are added one path each, never rewritten whole: an acknowledgement that removed one
    // meanwhile is not undone by this write.
    // Every name aliased: several everyday words (RULES, VALUE, COUNT...) are DynamoDB reserved words.
    const names: Record<string, string> = { '#rev': 'rev', '#latest': 'latest', '#alerts': 'alerts', '#expiresAt': 'expiresAt' };
    const values: AttributeMap = { ':next': expectedRev + 1, ':expected': expectedRev, ':latest': write.latest, ':alerts': write.alerts, ':expiresAt': write.headExpiresAt };
    const added = write.fired.map((fired, index) => {
      names['#pending'] = 'pending';
      names[`#p${index}`] = fired.id;
      values[`:p${index}`] = fired;
      return `#pending.#p${index} = :p${index}`;
    });
    return tx.update(key, `SET ${['#rev = :next', '#latest = :latest', '#alerts = :alerts', '#expiresAt = :expiresAt', ...added].join(', ')}`, {
      table: thingsTableName,
      tag: 'head',
      condition: '#rev = :expected',
      names,
      values,
    });
  }

  /** The head (conditional on its revision), the reading and the buckets of one series. */
  function seriesWrite(tx: Transaction, series: SeriesKey, expectedRev: number, write: SeriesWrite): void {
    headWrite(tx, series, expectedRev, write);
    if (write.reading) {
      const { ts, value, receivedAt, expiresAt } = write.reading;
      tx.put({ ...item(series, 'raw', ts), value, receivedAt, expiresAt });
    }
    for (const bucket of write.buckets) {
      tx.put({ ...item(series, bucket.rollup, bucket.start), ...toBucket(bucket.bucket), expiresAt: bucket.expiresAt });
    }
  }

  return {
    async load(thingId, metrics, ts) {
      // The heads first (the rule set beside them): whatever is read after them is at least as new as their revisions.
      const rulesKey = keys.alertRules(thingId);
      const found = await heads.batchGet<(HeadItem | RuleSet) & { sk: string }>([rulesKey, ...metrics.map((metric) => keys.seriesHead(thingId, metric))], { consistentRead: true });
      const atSk = new Map(found.map((stored) => [stored.sk, stored]));
      // Then every reading and its three buckets in one request (as strongly consistent as GetItems, far fewer calls).
      const rollups: Rollup[] = ['1m', '1h', '1d'];
      const wanted = (metric: string): TelemetryKey[] => [item({ thingId, metric }, 'raw', ts), ...rollups.map((rollup) => item({ thingId, metric }, rollup, bucketStart(ts, rollup)))];
      const stored = await telemetry.batchGet<ReadingItem | BucketItem>(
        metrics.flatMap((metric) => wanted(metric)),
        { consistentRead: true },
      );
      const atKey = new Map(stored.map((found) => [`${found.pk}|${found.sk}`, found]));
      const at = (key: TelemetryKey) => atKey.get(`${key.pk}|${key.sk}`);
      const series = metrics.map((metric): SeriesSnapshot => {
        const [readingKey, ...bucketKeys] = wanted(metric) as [TelemetryKey, ...TelemetryKey[]];
        const buckets: Partial<Record<Rollup, Bucket>> = {};
        rollups.forEach((rollup, index) => {
          const bucket = at(bucketKeys[index] as TelemetryKey) as BucketItem | undefined;
          if (bucket) buckets[rollup] = toBucket(bucket);
        });
        const reading = at(readingKey) as ReadingItem | undefined;
        return {
          head: headOf(atSk.get(keys.seriesHead(thingId, metric).sk) as HeadItem | undefined),
          reading: reading ? { ts, value: reading.value, receivedAt: reading.receivedAt } : undefined,
          buckets,
        };
      });
      return { rules: ruleSetOf(atSk.get(rulesKey.sk) as RuleSet | undefined), series };
    },

    async readings(series, from, to) {
      const items = await collect(telemetry.queryAll<ReadingItem>({ ...range(series, 'raw', from, to), consistentRead: true, maxItems: maxRangeItems }));
      return items.map((stored) => ({ ts: stored.sk, value: stored.value }));
    },

    async buckets(series, rollup, from, to) {
      const items = await collect(telemetry.queryAll<BucketItem>({ ...range(series, rollup, from, to), consistentRead: true, maxItems: maxRangeItems }));
      return items.map((stored): TimedBucket => ({ start: stored.sk, bucket: toBucket(stored) }));
    },

    async commit(commits) {
      const written: boolean[] = [];
      for (const group of transactionGroups(commits)) {
        const tx = telemetry.transaction();
        for (const { series, expectedRev, write } of group) seriesWrite(tx, series, expectedRev, write);
        const committed = await commitOrLose(tx);
        written.push(...group.map(() => committed));
      }
      return written;
    },

    async acknowledge(series, alertIds) {
      if (alertIds.length === 0) return;
      const names = { '#pending': 'pending', ...Object.fromEntries(alertIds.map((id, index) => [`#p${index}`, id])) };
      try {
        await heads.updateItem({
          key: keys.seriesHead(series.thingId, series.metric),
          update: `REMOVE ${alertIds.map((_, index) => `#pending.#p${index}`).join(', ')}`,
          condition: 'attribute_exists(pk)',
          names,
        });
      } catch (err) {
        // The series was purged meanwhile: nothing left to acknowledge.
        if (!(err instanceof ConditionFailedError)) throw err;
      }
    },

    async queryReadings(series, from, to, page) {
      const result = await telemetry.queryPage<ReadingItem>({
        ...range(series, 'raw', from, to),
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `telemetry:${series.thingId}:${series.metric}:raw:${from}:${to}`,
      });
      return { items: result.items.map((stored) => ({ ts: stored.sk, value: stored.value })), nextCursor: result.nextCursor };
    },

    async queryBuckets(series, rollup, from, to, page) {
      const result = await telemetry.queryPage<BucketItem>({
        ...range(series, rollup, from, to),
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `telemetry:${series.thingId}:${series.metric}:${rollup}:${from}:${to}`,
      });
      return { items: result.items.map((stored) => ({ start: stored.sk, bucket: toBucket(stored) })), nextCursor: result.nextCursor };
    },

    async latest(thingId) {
      const found = await collect(
        heads.queryAll<Pick<HeadItem, 'metric' | 'latest'>>({
          maxItems: maxHeads,
          keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
          values: { ':pk': keys.thingPartition(thingId), ':prefix': keys.seriesHeadPrefix },
          names: { '#metric': 'metric', '#latest': 'latest' },
          projection: '#metric, #latest',
        }),
      );
      return found.flatMap((head) => (head.latest ? [{ metric: head.metric, value: head.latest.value, at: head.latest.at }] : []));
    },

    async purge(thingId) {
      const headKeys = await collect(
        heads.queryAll<{ pk: string; sk: string; metric: string }>({
          maxItems: maxHeads,
          keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
          values: { ':pk': keys.thingPartition(thingId), ':prefix': keys.seriesHeadPrefix },
          names: { '#metric': 'metric' },
          projection: 'pk, sk, #metric',
          consistentRead: true,
        }),
      );
      let deleted = 0;
      for (const head of headKeys) {
        for (const level of resolutions) {
          const stored = telemetry.queryAll<{ pk: string; sk: number }>({
            keyCondition: 'pk = :pk',
            values: { ':pk': keys.seriesPartition(thingId, head.metric, level) },
            projection: 'pk, sk',
            maxItems: maxPurgeItems,
          });
          deleted += await telemetry.deleteAll(stored);
        }
        // The head goes last, so a purge that stops half-way can be run again and find the series.
        await heads.deleteItem({ pk: head.pk, sk: head.sk });
        deleted++;
      }
      return deleted;
    },
  };
}
