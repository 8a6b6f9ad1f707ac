// A 30-day chart of one thing's metric at 1h resolution through the gateway (GET /things/{id}/telemetry), versus
// reading the same window's raw points through the same route (resolution=raw, every page of 1000), on the
// local platform. The series is one reading every 10 s for 30 days (259,200 points).
//
// Loading: pushing 259,200 messages through MQTT would take hours here, so the telemetry table is filled
// directly with what the ingest path writes for those readings: raw items and their 1m/1h/1d buckets, keyed by
// the service's adapters/keys.ts, aggregated with domain/rollups.ts (each bucket folded reading by reading in
// ts order, as ingest adds them) and given domain/resolutions.ts' expiresAt. The last reading then goes through
// the service's own write path (domain/series.ts recordReading over adapters/telemetry-table.ts), which creates
// the series head and adds itself to the buckets. Before anything is timed, one hour of the same readings is
// written both ways (bulk and recordReading) under two other metrics and every item is compared: the bulk
// loader must write exactly what ingest writes.
//
// Measured, interleaved over several rounds: wall time of the chart (one request) and of the raw read (260
// requests); items returned; and what DynamoDB reads for each (the same key-range Queries sent directly with
// ReturnConsumedCapacity: items read and read capacity units).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { tableClient } from '@photonotes/shared/dynamodb';
import { keys } from '../services/iot/src/adapters/keys';
import { telemetryTable } from '../services/iot/src/adapters/telemetry-table';
import type { TelemetryStore } from '../services/iot/src/domain/ports';
import type { Resolution } from '../services/iot/src/domain/resolutions';
import { bucketStart, defaultRetention, expiresAt, rollups } from '../services/iot/src/domain/resolutions';
import { aggregate } from '../services/iot/src/domain/rollups';
import { recordReading } from '../services/iot/src/domain/series';
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import type { TestUser } from '../test/support/users';
import type { BenchPlatform } from './iot-support';
import { check, registerThing, seededRandom, startBenchPlatform } from './iot-support';
import { median, round, writeResult } from './support';

const dayMs = 86_400_000;
const intervalMs = 10_000;
const days = Number(process.env.BENCH_CHART_DAYS ?? 30);
const rounds = Number(process.env.BENCH_CHART_ROUNDS ?? 5);
/** Chart requests per round: one takes a few ms, so a few of them give a steadier per-round figure. */
const chartsPerRound = 5;
const metric = 'temp';
const pageLimit = 1000;
const retention = defaultRetention;

interface Reading {
  ts: number;
  value: number;
  receivedAt: number;
}

/** A day's temperature swing with noise, two decimals, as a thermostat might report it. */
function readings(from: number, to: number, seed: number): Reading[] {
  const random = seededRandom(seed);
  const result: Reading[] = [];
  for (let ts = from; ts < to; ts += intervalMs) {
    const value = Math.round((20 + 5 * Math.sin((2 * Math.PI * (ts % dayMs)) / dayMs) + (random() - 0.5)) * 100) / 100;
    result.push({ ts, value, receivedAt: ts + 150 + Math.floor(random() * 100) });
  }
  return result;
}

type Item = Record<string, NativeAttributeValue>;

/** The items ingest writes for `series` readings (all of them new, in ts order): raw readings and their buckets. */
function ingestItems(thingId: string, series: string, points: Reading[]): Item[] {
  const items: Item[] = points.map(({ ts, value, receivedAt }) => ({ ...keys.telemetryItem(thingId, series, 'raw', ts), value, receivedAt, expiresAt: expiresAt('raw', ts, retention) }));
  for (const rollup of rollups) {
    const values = new Map<number, number[]>();
    for (const { ts, value } of points) {
      const start = bucketStart(ts, rollup);
      const list = values.get(start) ?? [];
      list.push(value);
      values.set(start, list);
    }
    for (const [start, list] of values) {
      const bucket = aggregate(list);
      if (bucket) items.push({ ...keys.telemetryItem(thingId, series, rollup, start), ...bucket, expiresAt: expiresAt(rollup, start, retention) });
    }
  }
  return items;
}

async function bulkLoad(bench: BenchPlatform, items: Item[]): Promise<number> {
  const table = tableClient({ tableName: bench.tables.telemetry, client: bench.dynamo });
  const started = performance.now();
  const chunk = 20_000;
  for (let i = 0; i < items.length; i += chunk) {
    await table.batchWrite({ puts: items.slice(i, i + chunk), concurrency: 8 });
    process.stdout.write(`\r  loaded ${Math.min(items.length, i + chunk)} of ${items.length} items`);
  }
  process.stdout.write('\n');
  return (performance.now() - started) / 1000;
}

async function ingest(store: TelemetryStore, thingId: string, ownerId: string, series: string, reading: Reading): Promise<void> {
  const outcome = await recordReading({ thingId, ownerId, metric: series, ...reading }, { telemetry: store, config: { retention } });
  if (outcome.outcome !== 'inserted') throw new Error(`reading at ${reading.ts} of ${series} was ${outcome.outcome}, not inserted`);
}

/** Every item of one series level, without its partition key (which names the metric). */
async function partition(bench: BenchPlatform, thingId: string, series: string, level: Resolution): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const out = await bench.dynamo.send(
      new QueryCommand({ TableName: bench.tables.telemetry, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.seriesPartition(thingId, series, level) }, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of out.Items ?? []) {
      const { pk: _pk, ...rest } = item;
      items.push(rest);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** One hour of readings written by the bulk loader and by recordReading must leave identical items. */
async function checkLoaderMatchesIngest(bench: BenchPlatform, store: TelemetryStore, thingId: string, ownerId: string, points: Reading[]): Promise<{ readings: number; items: number }> {
  await bulkLoad(bench, ingestItems(thingId, 'check_bulk', points));
  for (const reading of points) await ingest(store, thingId, ownerId, 'check_ingest', reading);
  let compared = 0;
  for (const level of ['raw', ...rollups] as const) {
    const [bulk, ingested] = await Promise.all([partition(bench, thingId, 'check_bulk', level), partition(bench, thingId, 'check_ingest', level)]);
    const canonical = (items: Item[]) => JSON.stringify(items.map((item) => Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))));
    if (bulk.length === 0 || canonical(bulk) !== canonical(ingested)) {
      throw new Error(`bulk loader and recordReading disagree at ${level}: ${bulk.length} vs ${ingested.length} items; first ${JSON.stringify(bulk[0])} vs ${JSON.stringify(ingested[0])}`);
    }
    compared += bulk.length;
  }
  return { readings: points.length, items: compared };
}

interface TelemetryBody {
  items: Array<{ at: string; count?: number }>;
  nextCursor: string | null;
}

async function readAll(user: TestUser, thingId: string, resolution: Resolution, from: number, to: number): Promise<{ ms: number; items: number; requests: number; counted: number }> {
  const started = performance.now();
  let cursor: string | null = null;
  let items = 0;
  let counted = 0;
  let requests = 0;
  do {
    const query = new URLSearchParams({ metric, resolution, from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: String(pageLimit) });
    if (cursor) query.set('cursor', cursor);
    const page: TelemetryBody = await check(`GET telemetry ${resolution}`, api<TelemetryBody>(`/things/${thingId}/telemetry?${query.toString()}`, { token: user.accessToken }), 200);
    requests++;
    items += page.items.length;
    counted += page.items.reduce((sum, item) => sum + (item.count ?? 1), 0);
    cursor = page.nextCursor;
  } while (cursor);
  return { ms: performance.now() - started, items, requests, counted };
}

/** The route's key-range Query sent directly, with what DynamoDB says it read. */
async function consumed(bench: BenchPlatform, thingId: string, level: Resolution, from: number, to: number) {
  let capacityUnits = 0;
  let scanned = 0;
  let requests = 0;
  let reported = true;
  let startKey: Item | undefined;
  do {
    const out = await bench.dynamo.send(
      new QueryCommand({
        TableName: bench.tables.telemetry,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :last',
        ExpressionAttributeValues: { ':pk': keys.seriesPartition(thingId, metric, level), ':from': from, ':last': to - 1 },
        Limit: pageLimit,
        ReturnConsumedCapacity: 'TOTAL',
        ExclusiveStartKey: startKey,
      }),
    );
    requests++;
    scanned += out.ScannedCount ?? 0;
    if (out.ConsumedCapacity?.CapacityUnits === undefined) reported = false;
    capacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return { itemsRead: scanned, readCapacityUnits: reported ? round(capacityUnits, 1) : null, requests };
}

async function main(): Promise<void> {
  const bench = await startBenchPlatform('chart-query');
  try {
    const user = await createTestUser('bench-chart');
    const { thingId } = await registerThing(user, 'Chart thermostat');
    const store = telemetryTable({ thingsTableName: bench.tables.things, telemetryTableName: bench.tables.telemetry, client: bench.dynamo });

    // The window: the last `days` days up to the start of the current hour, so 1h buckets are whole.
    const to = bucketStart(Date.now(), '1h');
    const from = to - days * dayMs;
    const points = readings(from, to, 7);

    const sampleFrom = bucketStart(from + (to - from) / 3, '1h');
    const sample = points.filter((point) => point.ts >= sampleFrom && point.ts < sampleFrom + 3_600_000);
    console.log(`checking the bulk loader against recordReading on ${sample.length} readings`);
    const loaderCheck = await checkLoaderMatchesIngest(bench, store, thingId, user.userId, sample);

    const items = ingestItems(thingId, metric, points.slice(0, -1));
    console.log(`loading ${points.length - 1} readings (${items.length} items) into ${bench.tables.telemetry}`);
    const loadSeconds = await bulkLoad(bench, items);
    await ingest(store, thingId, user.userId, metric, points.at(-1) as Reading);

    // What the chart must show: 720 whole hours of 360 readings each.
    const chart = await readAll(user, thingId, '1h', from, to);
    const expectedBuckets = (to - from) / 3_600_000;
    if (chart.items !== expectedBuckets || chart.counted !== points.length || chart.requests !== 1) {
      throw new Error(`chart returned ${chart.items} buckets over ${chart.requests} request(s) counting ${chart.counted} readings; expected ${expectedBuckets} in one, counting ${points.length}`);
    }
    // Warm-up: every Lambda and connection on both paths.
    const warmRaw = await readAll(user, thingId, 'raw', from, to);
    if (warmRaw.items !== points.length) throw new Error(`raw read returned ${warmRaw.items} readings, expected ${points.length}`);

    const chartMs: number[] = [];
    const rawMs: number[] = [];
    let rawRequests = 0;
    for (let r = 0; r < rounds; r++) {
      const timeChart = async () => {
        for (let i = 0; i < chartsPerRound; i++) chartMs.push((await readAll(user, thingId, '1h', from, to)).ms);
      };
      const timeRaw = async () => {
        const raw = await readAll(user, thingId, 'raw', from, to);
        if (raw.items !== points.length) throw new Error(`raw read returned ${raw.items} readings, expected ${points.length}`);
        rawMs.push(raw.ms);
        rawRequests = raw.requests;
      };
      if (r % 2 === 0) {
        await timeChart();
        await timeRaw();
      } else {
        await timeRaw();
        await timeChart();
      }
      console.log(`round ${r + 1}: chart ${round(chartMs.at(-1) ?? NaN, 1)} ms, raw ${round(rawMs.at(-1) ?? NaN, 0)} ms`);
    }

    const [chartReads, rawReads] = [await consumed(bench, thingId, '1h', from, to), await consumed(bench, thingId, 'raw', from, to)];
    const chartP50 = round(median(chartMs), 1);
    const rawP50 = round(median(rawMs), 0);
    const speedup = round(rawP50 / chartP50, 0);
    const result = {
      description: `one thing, one metric, one reading every ${intervalMs / 1000} s for ${days} days; GET /things/{id}/telemetry through the gateway at resolution=1h (one request) vs resolution=raw (every page of ${pageLimit}); ${rounds} interleaved rounds`,
      window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      readings: points.length,
      load: {
        items: items.length,
        seconds: round(loadSeconds, 1),
        itemsPerSecond: Math.round(items.length / loadSeconds),
        method: 'BatchWriteItem of the items ingest writes (keys.ts, rollups.ts, resolutions.ts), last reading through recordReading',
        checkedAgainstRecordReading: loaderCheck,
      },
      chart: { resolution: '1h', buckets: chart.items, requests: chart.requests, ms: { p50: chartP50, max: round(Math.max(...chartMs), 1) }, samples: chartMs.map((ms) => round(ms, 1)), dynamodb: chartReads },
      raw: { resolution: 'raw', points: warmRaw.items, requests: rawRequests, ms: { p50: rawP50, max: round(Math.max(...rawMs), 0) }, samples: rawMs.map((ms) => round(ms, 0)), dynamodb: rawReads },
      speedup,
      summary:
        `${days}-day chart at 1h: ${chart.items} buckets in ${chartP50} ms (1 request, ${chartReads.itemsRead} items read${chartReads.readCapacityUnits === null ? '' : `, ${chartReads.readCapacityUnits} RCU`}) ` +
        `vs the raw points: ${warmRaw.items} in ${rawP50} ms (${rawRequests} requests, ${rawReads.itemsRead} items read${rawReads.readCapacityUnits === null ? '' : `, ${rawReads.readCapacityUnits} RCU`}): ${speedup}× faster`,
      goal: '≥ 20× faster than reading the raw points; items read ≈ buckets returned (~720)',
    };
    console.log(JSON.stringify({ ...result, chart: { ...result.chart, samples: undefined }, raw: { ...result.raw, samples: undefined } }, null, 2));
    console.log(`written to ${writeResult('chart-query', result)}`);
  } finally {
    await bench.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
