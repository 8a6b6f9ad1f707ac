// In-memory telemetry store with the same contract as the DynamoDB adapter: a message's series written in one
// transaction, each conditional on its head's revision, readings and buckets by time, pending firings, plus
// accessors for assertions.
import type { FiredAlert, RuleSet } from '../../../src/domain/alerts';
import type { MessageSnapshot, PageRequest, SeriesCommit, SeriesHead, SeriesKey, SeriesSnapshot, StoredReading, TelemetryStore, TimedBucket } from '../../../src/domain/ports';
import type { Rollup } from '../../../src/domain/resolutions';
import { bucketStart } from '../../../src/domain/resolutions';
import type { Bucket } from '../../../src/domain/rollups';
import { clone, paginate, tick } from './fake-support';

interface HeadItem extends Omit<SeriesHead, 'pending'> {
  pending: Map<string, FiredAlert>;
  expiresAt: number;
}

const seriesId = (series: SeriesKey) => `${series.thingId}|${series.metric}`;

export class FakeTelemetry implements TelemetryStore {
  readonly heads = new Map<string, HeadItem>();
  readonly raw = new Map<string, Map<number, StoredReading & { expiresAt: number }>>();
  readonly rollups = new Map<string, Map<number, Bucket & { expiresAt: number }>>();
  /** Transactions written, the series they wrote, and transactions refused for a moved revision. */
  commits = 0;
  seriesWrites = 0;
  conflicts = 0;
  /** Runs before every commit is checked, e.g. to slip a concurrent write in. */
  beforeCommit: ((series: SeriesKey[]) => Promise<void> | void) | undefined;
  /** Runs in a load between reading the rule set and the heads (one BatchGetItem reads them in no set order). */
  afterRulesRead: ((thingId: string) => Promise<void> | void) | undefined;

  /** `rulesOf`: the thing's stored rule set, which a load reads with the heads. */
  constructor(private readonly rulesOf: (thingId: string) => RuleSet | undefined = () => undefined) {}

  private rawOf(series: SeriesKey) {
    const key = seriesId(series);
    let map = this.raw.get(key);
    if (!map) this.raw.set(key, (map = new Map()));
    return map;
  }

  private rollupOf(series: SeriesKey, rollup: Rollup) {
    const key = `${seriesId(series)}|${rollup}`;
    let map = this.rollups.get(key);
    if (!map) this.rollups.set(key, (map = new Map()));
    return map;
  }

  private headOf(series: SeriesKey): SeriesHead {
    const head = this.heads.get(seriesId(series));
    if (!head) return { rev: 0, latest: null, alerts: { rulesVersion: 0, rules: {} }, pending: [] };
    return clone({ rev: head.rev, latest: head.latest, alerts: head.alerts, pending: [...head.pending.values()] });
  }

  async load(thingId: string, metrics: string[], ts: number): Promise<MessageSnapshot> {
    await tick();
    const rules = clone(this.rulesOf(thingId) ?? { version: 0, rules: [] });
    await this.afterRulesRead?.(thingId);
    // One read of the heads, but not a snapshot: other writes may land between two of them.
    const heads: SeriesHead[] = [];
    for (const metric of metrics) {
      heads.push(this.headOf({ thingId, metric }));
      await tick();
    }
    const series = metrics.map((metric, index): SeriesSnapshot => {
      const key = { thingId, metric };
      const reading = this.rawOf(key).get(ts);
      const buckets: Partial<Record<Rollup, Bucket>> = {};
      for (const rollup of ['1m', '1h', '1d'] as const) {
        const found = this.rollupOf(key, rollup).get(bucketStart(ts, rollup));
        if (found) buckets[rollup] = { min: found.min, max: found.max, sum: found.sum, count: found.count };
      }
      return { head: heads[index] as SeriesHead, reading: reading ? { ts: reading.ts, value: reading.value, receivedAt: reading.receivedAt } : undefined, buckets };
    });
    return { rules, series };
  }

  async readings(series: SeriesKey, from: number, to: number) {
    await tick();
    return [...this.rawOf(series).values()].filter((item) => item.ts >= from && item.ts < to).sort((a, b) => a.ts - b.ts).map(({ ts, value }) => ({ ts, value }));
  }

  async buckets(series: SeriesKey, rollup: Rollup, from: number, to: number): Promise<TimedBucket[]> {
    await tick();
    return [...this.rollupOf(series, rollup).entries()]
      .filter(([start]) => start >= from && start < to)
      .sort(([a], [b]) => a - b)
      .map(([start, { min, max, sum, count }]) => ({ start, bucket: { min, max, sum, count } }));
  }

  /** One transaction, whatever the number of series (the adapter's grouping is DynamoDB's business). */
  async commit(commits: SeriesCommit[]): Promise<boolean[]> {
    await tick();
    await this.beforeCommit?.(commits.map((commit) => commit.series));
    if (commits.some(({ series, expectedRev }) => (this.heads.get(seriesId(series))?.rev ?? 0) !== expectedRev)) {
      this.conflicts++;
      return commits.map(() => false);
    }
    for (const { series, expectedRev, write } of commits) {
      const key = seriesId(series);
      const pending = this.heads.get(key)?.pending ?? new Map<string, FiredAlert>();
      for (const fired of write.fired) pending.set(fired.id, clone(fired));
      this.heads.set(key, { rev: expectedRev + 1, latest: clone(write.latest), alerts: clone(write.alerts), pending, expiresAt: write.headExpiresAt });
      if (write.reading) this.rawOf(series).set(write.reading.ts, clone(write.reading));
      for (const item of write.buckets) this.rollupOf(series, item.rollup).set(item.start, { ...item.bucket, expiresAt: item.expiresAt });
    }
    this.commits++;
    this.seriesWrites += commits.length;
    return commits.map(() => true);
  }

  async acknowledge(series: SeriesKey, alertIds: string[]): Promise<void> {
    await tick();
    const head = this.heads.get(seriesId(series));
    for (const id of alertIds) head?.pending.delete(id);
  }

  async queryReadings(series: SeriesKey, from: number, to: number, page: PageRequest) {
    return paginate(await this.readings(series, from, to), page);
  }

  async queryBuckets(series: SeriesKey, rollup: Rollup, from: number, to: number, page: PageRequest) {
    return paginate(await this.buckets(series, rollup, from, to), page);
  }

  async latest(thingId: string) {
    await tick();
    return [...this.heads.entries()]
      .filter(([key, head]) => key.startsWith(`${thingId}|`) && head.latest !== null)
      .map(([key, head]) => ({ metric: key.slice(thingId.length + 1), value: (head.latest as { value: number }).value, at: (head.latest as { at: number }).at }));
  }

  async purge(thingId: string): Promise<number> {
    await tick();
    let count = 0;
    for (const map of [this.heads, this.raw, this.rollups] as Array<Map<string, unknown>>) {
      for (const [key, value] of [...map.entries()]) {
        if (!key.startsWith(`${thingId}|`)) continue;
        count += value instanceof Map ? value.size : 1;
        map.delete(key);
      }
    }
    return count;
  }

  /** The stored raw readings of a series, by ts. */
  rawValues(series: SeriesKey): Map<number, number> {
    return new Map([...this.rawOf(series).entries()].map(([ts, item]) => [ts, item.value]));
  }

  storedBuckets(series: SeriesKey, rollup: Rollup): Map<number, Bucket> {
    return new Map([...this.rollupOf(series, rollup).entries()].map(([start, { min, max, sum, count }]) => [start, { min, max, sum, count }]));
  }

  pendingOf(series: SeriesKey): FiredAlert[] {
    return [...(this.heads.get(seriesId(series))?.pending.values() ?? [])];
  }
}
