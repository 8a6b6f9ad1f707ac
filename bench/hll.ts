// The HyperLogLog sketches analytics keeps per day (shared/src/hyperloglog.ts), in one process, no platform:
//   add throughput   values/s into one sketch, for install-id-like UUIDs (36 bytes) and short ids, in wall time and
//                    in CPU time (this machine is shared: CPU time moves less with the load); the hash alone, and
//                    the same XXH64 on BigInt (shared/test/support/xxhash64-reference.ts) for comparison
//   error at 1M      several independent sets of 1,000,000 distinct values, counted at checkpoints on the way
//                    (the RMS over the sets at each checkpoint; p = 14 promises 0.81 %)
//   30-day merge     30 daily sketches of 30k–100k distinct actors each, drawn with overlap from one population
//                    (a few regulars are in most days, most actors in a few), each stored as bytes; the union read
//                    back like a 30-day query (decode 30, merge, count) against the exact union and each day's
//                    count against its exact count; then every day merged again into the union must change
//                    nothing (a replayed batch counts once)
//   sizes            the bytes of a sketch of n distinct values, and where sparse gives way to dense
//   read cost        time to decode, merge and count 90 dense sketches (a 90-day active-user count)
import os from 'node:os';
import { HyperLogLog, mergeBytes } from '@photonotes/shared/hyperloglog';
import { xxhash64 } from '@photonotes/shared/xxhash64';
import { seededRandom } from '../scripts/seeded-random';
import { referenceXxh64 } from '../shared/test/support/xxhash64-reference';
import { median, round, writeResult } from './support';

const rounds = Number(process.env.BENCH_HLL_ROUNDS ?? 5);
const errorSets = Number(process.env.BENCH_HLL_SETS ?? 20);
const mergeTrials = Number(process.env.BENCH_HLL_MERGE_TRIALS ?? 10);
const throughputValues = 1_000_000;
const checkpoints = [1_000, 10_000, 40_000, 100_000, 1_000_000];

const percent = (estimate: number, exact: number) => round(((estimate - exact) / exact) * 100, 3);
const rms = (values: number[]) => round(Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length), 3);

/** Deterministic UUID-shaped strings (throughput does not care about randomness, only about their length and shape). */
function uuids(count: number, random: () => number): string[] {
  const hex = () => Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return Array.from({ length: count }, () => {
    const [a, b, c, d] = [hex(), hex(), hex(), hex()];
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
  });
}

/** Runs `work` over `values` for several rounds; per round, values per wall second and per CPU second. */
function rate(values: string[], work: (value: string) => unknown) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    for (const value of values) work(value);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuStart);
    wall.push(values.length / seconds);
    cpu.push(values.length / ((used.user + used.system) / 1e6));
  }
  return { perWallSecond: Math.round(median(wall)), perCpuSecond: Math.round(median(cpu)) };
}

function throughput() {
  const random = seededRandom(1);
  const ids = uuids(throughputValues, random);
  const shortIds = Array.from({ length: throughputValues }, (_, i) => `u${i}`);
  const out = new Uint32Array(2);
  const encoder = new TextEncoder();
  const bigintSample = ids.slice(0, 100_000);
  const result = {
    addUuid: (() => {
      const sketch = HyperLogLog.empty();
      return rate(ids, (value) => sketch.add(value));
    })(),
    addShortId: (() => {
      const sketch = HyperLogLog.empty();
      return rate(shortIds, (value) => sketch.add(value));
    })(),
    hashUuid: rate(ids, (value) => xxhash64(value, out)),
    hashUuidBigInt: rate(bigintSample, (value) => referenceXxh64(encoder.encode(value))),
  };
  return result;
}

function errorAt1M() {
  const errors = checkpoints.map(() => [] as number[]);
  for (let set = 0; set < errorSets; set++) {
    const sketch = HyperLogLog.empty();
    let next = 0;
    checkpoints.forEach((checkpoint, k) => {
      for (; next < checkpoint; next++) sketch.add(`set${set}-actor-${next}`);
      errors[k]?.push(percent(sketch.count(), checkpoint));
    });
    process.stdout.write(`\r  error sets: ${set + 1} of ${errorSets}`);
  }
  process.stdout.write('\n');
  return checkpoints.map((distinct, k) => {
    const at = errors[k] ?? [];
    return { distinct, rmsPercent: rms(at), meanPercent: round(at.reduce((a, b) => a + b, 0) / at.length, 3), maxAbsPercent: round(Math.max(...at.map(Math.abs)), 3), errorsPercent: at };
  });
}

/**
 * 30 days of a population of `population` actors: each day 30k–100k distinct actors, actor i drawn with a weight
 * falling with i (a square of a uniform draw), so low ids come back most days and high ids rarely.
 */
function thirtyDayMerge(trial: number) {
  const population = 1_500_000;
  const random = seededRandom(100 + trial);
  const seenOnDay = new Int32Array(population).fill(-1);
  const inUnion = new Uint8Array(population);
  let exactUnion = 0;
  const stored: Uint8Array[] = [];
  const days: Array<{ exact: number; estimate: number; errorPercent: number; bytes: number }> = [];
  for (let day = 0; day < 30; day++) {
    const size = 30_000 + Math.floor(random() * 70_001);
    const sketch = HyperLogLog.empty();
    let distinct = 0;
    while (distinct < size) {
      const actor = Math.floor(population * random() ** 2);
      if (seenOnDay[actor] === day) continue;
      seenOnDay[actor] = day;
      distinct++;
      if (!inUnion[actor]) {
        inUnion[actor] = 1;
        exactUnion++;
      }
      sketch.add(`trial${trial}-actor-${actor}`);
    }
    const bytes = sketch.toBytes();
    stored.push(bytes);
    days.push({ exact: size, estimate: sketch.count(), errorPercent: percent(sketch.count(), size), bytes: bytes.length });
  }
  // The read path: decode each stored day and merge; mergeBytes for half of them, as a writer folding batches would.
  let merged = HyperLogLog.empty().toBytes();
  for (const bytes of stored.slice(0, 15)) merged = mergeBytes(merged, bytes).bytes;
  const union = HyperLogLog.union([HyperLogLog.fromBytes(merged), ...stored.slice(15).map((bytes) => HyperLogLog.fromBytes(bytes))]);
  const replayChanged = stored.some((bytes) => mergeBytes(union.toBytes(), bytes).changed);
  const estimate = union.count();
  return {
    exactUnion,
    estimate,
    errorPercent: percent(estimate, exactUnion),
    dailyDistinct: { min: Math.min(...days.map((d) => d.exact)), max: Math.max(...days.map((d) => d.exact)), sum: days.reduce((a, d) => a + d.exact, 0) },
    dailyErrorsPercent: days.map((d) => d.errorPercent),
    dailyErrorRmsPercent: rms(days.map((d) => d.errorPercent)),
    dailyMaxAbsErrorPercent: round(Math.max(...days.map((d) => Math.abs(d.errorPercent))), 3),
    replayOfAnyDayChangedTheUnion: replayChanged,
  };
}

function sizes() {
  const sizesOf = [0, 1, 10, 100, 1_000, 5_000, 10_000, 20_000, 100_000, 1_000_000];
  const sketch = HyperLogLog.empty();
  const bytesAt: Array<{ distinct: number; bytes: number; format: string }> = [];
  let firstDense: number | null = null;
  let next = 0;
  for (const target of sizesOf) {
    for (; next < target; next++) {
      sketch.add(`size-${next}`);
      // Find the crossover exactly on the way (every 100 values in its neighbourhood).
      if (firstDense === null && next >= 5_000 && next % 100 === 0 && sketch.toBytes()[0] === 2) firstDense = next + 1;
    }
    const bytes = sketch.toBytes();
    bytesAt.push({ distinct: target, bytes: bytes.length, format: bytes[0] === 1 ? 'sparse' : 'dense' });
  }
  return { bytesAt, denseFromAboutDistinct: firstDense };
}

function readCost() {
  const dense = Array.from({ length: 90 }, (_, day) => {
    const sketch = HyperLogLog.empty();
    for (let i = 0; i < 50_000; i++) sketch.add(`day${day}-actor-${i}`);
    return sketch.toBytes();
  });
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    HyperLogLog.union(dense.map((bytes) => HyperLogLog.fromBytes(bytes))).count();
    times.push(performance.now() - started);
  }
  return { sketches: dense.length, bytesEach: dense[0]?.length ?? 0, msMedian: round(median(times), 2) };
}

function main(): void {
  const loadAtStart = round(os.loadavg()[0] ?? 0, 1);
  console.log('throughput…');
  const speed = throughput();
  console.log(JSON.stringify(speed));
  console.log('error over 1M distinct…');
  const error = errorAt1M();
  console.log(JSON.stringify(error.map(({ errorsPercent: _e, ...rest }) => rest)));
  console.log('30-day merges…');
  const merges = Array.from({ length: mergeTrials }, (_, trial) => thirtyDayMerge(trial));
  console.log(JSON.stringify(merges.map(({ dailyErrorsPercent: _d, ...rest }) => rest)));
  const size = sizes();
  console.log(JSON.stringify(size));
  const read = readCost();
  console.log(JSON.stringify(read));

  const at1M = error[error.length - 1];
  const mergeErrors = merges.map((m) => m.errorPercent);
  const mergeRms = rms(mergeErrors);
  const mergeMax = round(Math.max(...mergeErrors.map(Math.abs)), 3);
  // Every estimate of 30k or more distinct values made here (sets at 40k, 100k and 1M, each day, each union): all
  // have the same expected RMS error, 0.81 %, so together they measure it far more steadily than any one group.
  const pooled = [...error.filter((e) => e.distinct >= 40_000).flatMap((e) => e.errorsPercent), ...merges.flatMap((m) => [m.errorPercent, ...m.dailyErrorsPercent])];
  const share = (limit: number) => round((pooled.filter((e) => Math.abs(e) > limit).length / pooled.length) * 100, 1);
  const allEstimates = { count: pooled.length, rmsPercent: rms(pooled), meanPercent: round(pooled.reduce((a, b) => a + b, 0) / pooled.length, 3), percentOver1Percent: share(1), percentOver2Percent: share(2) };
  const dense = size.bytesAt[size.bytesAt.length - 1]?.bytes;
  const millions = (n: number) => round(n / 1e6, 2);
  const result = {
    description: 'shared/src/hyperloglog.ts at p = 14 (16384 registers, 0.81 % standard error): add throughput, error against exact counts up to 1M distinct and over 30-day merges, encoded sizes, cost of a 90-day read',
    loadAverage1m: { atStart: loadAtStart, atEnd: round(os.loadavg()[0] ?? 0, 1) },
    rounds,
    throughput: { ...speed, fastVsBigIntHashCpu: round(speed.hashUuid.perCpuSecond / speed.hashUuidBigInt.perCpuSecond, 1) },
    errorByDistinct: error,
    errorSets,
    thirtyDayMerges: { rmsPercent: mergeRms, maxAbsPercent: mergeMax, trials: merges.map(({ dailyErrorsPercent: _d, ...rest }) => rest) },
    allEstimatesFrom30k: allEstimates,
    sizes: size,
    ninetyDayRead: read,
    summary:
      `add ${millions(speed.addUuid.perCpuSecond)} M UUIDs/CPU-s (${millions(speed.addUuid.perWallSecond)} M/s wall), XXH64 ${round(speed.hashUuid.perCpuSecond / speed.hashUuidBigInt.perCpuSecond, 1)}× its BigInt form; ` +
      `1M distinct: RMS error ${at1M?.rmsPercent} % over ${errorSets} sets (max ${at1M?.maxAbsPercent} %); 30-day merges of 30k–100k/day: RMS ${mergeRms} % off the exact union over ${mergeTrials} (max ${mergeMax} %); ` +
      `all ${allEstimates.count} estimates ≥ 30k: RMS ${allEstimates.rmsPercent} %, mean ${allEstimates.meanPercent} %, ${allEstimates.percentOver1Percent} % of them past 1 %, ${allEstimates.percentOver2Percent} % past 2 %; ` +
      `${dense} B dense, sparse below ~${size.denseFromAboutDistinct} distinct; 90-day read ${read.msMedian} ms`,
    // One p = 14 sketch is off by more than 1 % about one time in five (1 % is 1.2 standard errors), and an RMS over
    // ten or twenty trials still wanders by ±20 %: the goal is on the RMS of all estimates together, and a stray
    // estimate past 1 % is expected. (The HTTP contract allows 2 %: 2.5 σ, passed by ~1 % of estimates.)
    goal: 'RMS error ≤ 1 % over all estimates of 30k–1M distinct values, single sketches and 30-day merges (p = 14: 0.81 %)',
    pass: allEstimates.rmsPercent <= 1,
  };
  console.log(result.summary);
  console.log(`written to ${writeResult('hll', result)}`);
}

main();
