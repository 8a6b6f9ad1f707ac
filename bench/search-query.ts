// Search query latency on the real index layout in DynamoDB Local versus a Scan-and-filter baseline over
// the same notes, at 10 000 and 100 000 notes, plus indexing throughput of the stream consumer's code.
// The corpus is generated (seeded): Zipf-distributed words, 1 000 owners, 10 % public notes, 10 % shared.
// Queries are asked by one user (own + shared + public notes visible), taken from words of visible notes.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { noMetrics } from '@photonotes/shared/metrics';
import { searchIndex } from '../services/search/src/adapters/search-index';
import { applyNoteChange } from '../services/search/src/domain/apply-note-change';
import { shareesOf, termImpacts } from '../services/search/src/domain/index-entry';
import type { NoteSnapshot } from '../services/search/src/domain/index-entry';
import { matchesTerm, parseQuery } from '../services/search/src/domain/query';
import { roundScore, termScore } from '../services/search/src/domain/scoring';
import { searchNotes } from '../services/search/src/domain/search-notes';
import { tokenize } from '../services/search/src/domain/text';
import { startDynamoDbLocal } from '../scripts/platform/emulators';
import { createLogSink, ProcessGroup } from '../scripts/platform/processes';
import { percentile, round, writeResult } from './support';

process.env.CURSOR_SECRET ??= 'bench-cursor-secret';

const port = Number(process.env.BENCH_DYNAMODB_PORT ?? 8124);
/** Corpus sizes to measure at, smallest first; the corpus grows from one to the next. */
const sizes = (process.env.BENCH_SEARCH_SIZES ?? '10000,100000').split(',').map(Number);
/**
 * DynamoDB Local writes a few thousand items a second here, so the whole run gets a time budget: a level
 * whose indexing would not fit (at the throughput measured so far) is skipped, and the result says so.
 */
const budgetSeconds = Number(process.env.BENCH_SEARCH_BUDGET_SECONDS ?? 570);
const owners = 1000;
const caller = 'user0';
const indexConcurrency = Number(process.env.BENCH_INDEX_CONCURRENCY ?? 16);
const queriesPerClass = 30;
/** The baseline reads the whole table per query: a few runs per class are enough for its median. */
const baselineRunsPerClass = (size: number) => (size <= 10_000 ? 5 : 2);
/** Untimed searches before each level's measurements (JIT, connections, DynamoDB Local's caches). */
const warmupQueries = 15;

// --- a seeded corpus -----------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(42);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;

const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'pe', 'da', 'gri', 'mon', 'tal', 'ber', 'sen', 'cor', 'fla', 'quin', 'dro', 'lem'];
const vocabulary = Array.from({ length: 20_000 }, (_, i) => {
  let word = '';
  let n = i + 7;
  do {
    word += syllables[n % syllables.length];
    n = Math.floor(n / syllables.length);
  } while (n > 0);
  return word;
});
// Zipf (s = 1): the rank-r word has weight 1/r.
const cumulative: number[] = [];
vocabulary.reduce((sum, _word, rank) => (cumulative[rank] = sum + 1 / (rank + 1)), 0);
const totalWeight = cumulative.at(-1) as number;

function zipfWord(): string {
  const target = random() * totalWeight;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo] as string;
}

const words = (min: number, max: number) => Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, zipfWord);

function generateNote(n: number): NoteSnapshot {
  const ownerId = `user${n % owners}`;
  const shared = random() < 0.1 ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => `user${Math.floor(random() * owners)}`).filter((id) => id !== ownerId) : [];
  return {
    id: `note-${String(n).padStart(7, '0')}`,
    ownerId,
    title: words(2, 5).join(' '),
    body: words(6, 16).join(' '),
    tags: words(0, 2),
    visibility: random() < 0.1 ? 'public' : 'private',
    sharedWith: [...new Set(shared)],
    version: 1,
    updatedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
  };
}

// --- the baseline: Scan the notes, filter visibility and terms, score, sort ----------------------------

async function scanAndFilter(client: DynamoDBDocumentClient, q: string, limit: number): Promise<string[]> {
  const terms = parseQuery(q);
  const matches: Array<{ id: string; impacts: number[] }> = [];
  let startKey: Record<string, NativeAttributeValue> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: 'bench-notes',
        FilterExpression: 'ownerId = :me OR visibility = :public OR contains(sharedWith, :me)',
        ExpressionAttributeValues: { ':me': caller, ':public': 'public' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (out.Items ?? []) as NoteSnapshot[]) {
      const indexed = [...tokenize(`${item.title} ${item.tags.join(' ')} ${item.body}`)].map((token) => token.term);
      if (!terms.every((term) => indexed.some((word) => matchesTerm(word, term)))) continue;
      const impacts = termImpacts(item);
      matches.push({ id: item.id, impacts: terms.map((term) => Math.max(0, ...Object.entries(impacts).filter(([word]) => matchesTerm(word, term)).map(([, impact]) => impact))) });
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  // Rounded and tie-broken by id like the index, so equal scores do not count as disagreements.
  const scored = matches.map((match) => ({ id: match.id, score: roundScore(match.impacts.reduce((sum, impact) => sum + termScore(impact, matches.length), 0)) }));
  return scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit).map((match) => match.id);
}

// --- the run ------------------------------------------------------------------------------------------

async function forEachConcurrently<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function queriesFor(visible: NoteSnapshot[], termCount: number): string[] {
  return Array.from({ length: queriesPerClass }, () => {
    const note = pick(visible);
    const pool = [...new Set(`${note.title} ${note.body}`.split(' '))];
    const chosen = Array.from({ length: termCount }, () => pick(pool));
    // Half the queries end in an unfinished word, as a search box sees them while typing.
    const last = chosen.length - 1;
    if (random() < 0.5) chosen[last] = (chosen[last] as string).slice(0, Math.max(3, (chosen[last] as string).length - 2));
    return chosen.join(' ');
  });
}

interface Timed {
  p50: number;
  p95: number;
}

const stats = (times: number[]): Timed => ({ p50: round(percentile(times, 50), 2), p95: round(percentile(times, 95), 2) });

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const group = new ProcessGroup(createLogSink(), () => undefined);
  await startDynamoDbLocal(group, { port, dataDir: null });
  const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const keySchema = (withSort: boolean) => ({
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }, ...(withSort ? [{ AttributeName: 'sk', AttributeType: 'S' as const }] : [])],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }, ...(withSort ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
  });
  await client.send(new CreateTableCommand({ TableName: 'bench-index', ...keySchema(true) }));
  await client.send(new CreateTableCommand({ TableName: 'bench-notes', ...keySchema(false) }));
  const index = searchIndex({ tableName: 'bench-index', client });

  const corpus: NoteSnapshot[] = [];
  const levels: Array<Record<string, unknown>> = [];
  const indexing: Array<{ notes: number; seconds: number; notesPerSecond: number; writesPerSecond: number }> = [];
  const skipped: Array<{ notes: number; projectedSeconds: number }> = [];
  const runStarted = Date.now();
  let lastScanMs = 0;
  try {
    for (const size of sizes) {
      // Grow the corpus to `size`: index the new notes with the stream consumer's code, and store them for the baseline.
      const fresh = Array.from({ length: size - corpus.length }, (_, i) => generateNote(corpus.length + i));
      // Index writes: a posting per term (filed once), a share entry per sharee, the note's record.
      const writes = fresh.reduce((sum, note) => sum + Object.keys(termImpacts(note)).length + shareesOf(note).length + 1, 0);
      const rate = indexing.length > 0 ? indexing.reduce((sum, run) => sum + run.writesPerSecond, 0) / indexing.length : Infinity;
      // Indexing, plus the baseline's scans, which grow with the corpus.
      const scanSeconds = (lastScanMs / 1000) * (size / Math.max(corpus.length, 1)) * 3 * baselineRunsPerClass(size);
      const projectedSeconds = writes / rate + scanSeconds;
      const elapsed = (Date.now() - runStarted) / 1000;
      if (elapsed + projectedSeconds > budgetSeconds) {
        skipped.push({ notes: size, projectedSeconds: Math.round(elapsed + projectedSeconds) });
        console.log(`  skipping ${size} notes: about ${Math.round(projectedSeconds)} s more would pass the ${budgetSeconds} s budget`);
        break;
      }
      corpus.push(...fresh);
      const started = Date.now();
      let done = 0;
      await forEachConcurrently(fresh, indexConcurrency, async (note) => {
        await applyNoteChange({ kind: 'upsert', note }, { index });
        if (++done % 5000 === 0) console.log(`  indexed ${corpus.length - fresh.length + done} notes`);
      });
      const seconds = (Date.now() - started) / 1000;
      indexing.push({ notes: fresh.length, seconds: round(seconds, 1), notesPerSecond: Math.round(fresh.length / seconds), writesPerSecond: Math.round(writes / seconds) });
      console.log(`  ${fresh.length} notes (${writes} index writes) indexed in ${round(seconds, 1)} s`);
      const chunks = Array.from({ length: Math.ceil(fresh.length / 25) }, (_, i) => fresh.slice(i * 25, i * 25 + 25));
      await forEachConcurrently(chunks, 4, async (chunk) => {
        const items = chunk.map((note) => ({ PutRequest: { Item: { pk: note.id, ...note } } }));
        await client.send(new BatchWriteCommand({ RequestItems: { 'bench-notes': items } }));
      });

      const visible = corpus.filter((note) => note.ownerId === caller || note.visibility === 'public' || note.sharedWith.includes(caller));
      for (const q of queriesFor(visible, 2).slice(0, warmupQueries)) await searchNotes({ q, limit: 20 }, caller, { index, metrics: noMetrics, nowMs: () => performance.now() });
      if (levels.length === 0) await scanAndFilter(client, 'warmup', 20);
      const perClass: Record<string, unknown> = {};
      for (const termCount of [1, 2, 3]) {
        const queries = queriesFor(visible, termCount);
        const indexTimes: number[] = [];
        let overlap = 0;
        let compared = 0;
        for (const q of queries) indexTimes.push(await time(() => searchNotes({ q, limit: 20 }, caller, { index, metrics: noMetrics, nowMs: () => performance.now() })));
        const baselineTimes: number[] = [];
        for (const q of queries.slice(0, baselineRunsPerClass(size))) {
          let baseline: string[] = [];
          let indexed: string[] = [];
          baselineTimes.push(await time(async () => (baseline = await scanAndFilter(client, q, 20))));
          indexed = (await searchNotes({ q, limit: 20 }, caller, { index, metrics: noMetrics, nowMs: () => performance.now() })).items.map((item) => item.id);
          // How many of the baseline's top 20 the index also lists (the index bounds postings read per term).
          overlap += baseline.filter((id) => indexed.includes(id)).length;
          compared += baseline.length;
        }
        const indexStats = stats(indexTimes);
        const baselineStats = stats(baselineTimes);
        lastScanMs = Math.max(lastScanMs, baselineStats.p50);
        perClass[`${termCount}-term`] = {
          indexMs: indexStats,
          scanMs: baselineStats,
          speedupP50: round(baselineStats.p50 / indexStats.p50, 1),
          top20AgreementWithScan: compared === 0 ? null : round(overlap / compared, 3),
          example: queries[0],
        };
        console.log(`  ${size} notes, ${termCount}-term: index p50 ${indexStats.p50} ms p95 ${indexStats.p95} ms; scan p50 ${baselineStats.p50} ms; ${round(baselineStats.p50 / indexStats.p50, 1)}x`);
      }
      levels.push({ notes: size, visibleToCaller: visible.length, queries: perClass });
    }
  } finally {
    client.destroy();
    await group.stopAll();
  }

  type Level = { notes: number; queries: Record<string, { indexMs: Timed; speedupP50: number }> };
  const small = (levels as Level[])[0];
  const large = levels.length > 1 ? (levels as Level[]).at(-1) : undefined;
  const minSpeedup = small ? Math.min(...Object.values(small.queries).map((c) => c.speedupP50)) : NaN;
  const growth = small && large ? Math.max(...Object.keys(small.queries).map((k) => (large.queries[k]?.indexMs.p50 ?? NaN) / (small.queries[k]?.indexMs.p50 ?? NaN))) : NaN;
  const indexingSeconds = indexing.reduce((sum, run) => sum + run.seconds, 0);
  const throughput = Math.round(indexing.reduce((sum, run) => sum + run.notes, 0) / indexingSeconds);
  const writesRate = Math.round(indexing.reduce((sum, run) => sum + run.writesPerSecond * run.seconds, 0) / indexingSeconds);
  const p50s = small ? Object.values(small.queries).map((c) => c.indexMs.p50).join('/') : '';
  const summary =
    `${small?.notes ?? '?'} notes: index p50 ${p50s} ms (1/2/3 terms), ≥${round(minSpeedup, 1)}× faster than Scan` +
    (large && small ? `; ${large.notes} notes: p50 grows ≤${round(growth, 2)}× for ${large.notes / small.notes}× the notes` : '') +
    `; indexing ${throughput} notes/s (${writesRate} index writes/s)` +
    (skipped.length > 0 ? `; ${skipped.map((s) => s.notes).join(', ')} notes not measured (DynamoDB Local too slow for the time budget)` : '');
  const result = {
    description:
      'searchNotes (the GET /search domain code with the DynamoDB repository) vs Scan-and-filter of the same notes, DynamoDB Local in memory, one process; generated Zipf corpus, caller sees own + shared + public (10 %) notes',
    queriesPerClass,
    indexing,
    levels,
    notMeasured: skipped,
    budgetSeconds,
    minSpeedupAtSmallest: round(minSpeedup, 1),
    worstP50GrowthSmallToLarge: Number.isFinite(growth) ? round(growth, 2) : null,
    summary,
    goal: '≥ 20× faster than Scan at 10 000 notes; p50 grows far slower than the corpus from 10 000 to 100 000',
    // "Far slower than the corpus": under a third of the corpus's own growth.
    pass: minSpeedup >= 20 && Number.isFinite(growth) && small !== undefined && large !== undefined && growth < large.notes / small.notes / 3,
  };
  console.log(summary);
  console.log(`wrote ${writeResult('search-query', result)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
