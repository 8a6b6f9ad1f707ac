// The model the telemetry tests hold storage to: random deliveries of readings (redelivered, replaced,
// reordered), what must be stored for them, and the aggregates computed straight from raw readings.
import type { Rollup } from '../../src/domain/resolutions';
import { bucketStart } from '../../src/domain/resolutions';
import type { Bucket } from '../../src/domain/rollups';
import { aggregate } from '../../src/domain/rollups';
import { shuffle } from './random';

export interface Delivery {
  ts: number;
  value: number;
  receivedAt: number;
}

/**
 * Messages at a small pool of timestamps (so many collide and replace each other) spread over three days
 * after `base`, each delivered one to three times: a Lambda retry (same arrival time) or a device
 * retransmission (a later arrival, same value); then shuffled. Values are quarters, so sums are exact in
 * floating point and `avg` can be compared exactly. Arrivals start 4 days after `base`.
 */
export function deliveries(random: () => number, messages: number, base: number): Delivery[] {
  const pool = Array.from({ length: 60 }, () => base + Math.floor(random() * 3 * 86_400_000));
  // Several readings inside one minute and one hour, so recomputes have neighbours.
  pool.push(base + 1_000, base + 2_000, base + 59_999, base + 60_000, base + 3_599_999);
  const arrivals = shuffle(Array.from({ length: messages * 4 }, (_, index) => base + 4 * 86_400_000 + index * 10), random);
  const result: Delivery[] = [];
  for (let index = 0; index < messages; index++) {
    const ts = pool[Math.floor(random() * pool.length)] as number;
    const value = Math.round((random() * 200 - 100) * 4) / 4;
    const receivedAt = arrivals[index] as number;
    result.push({ ts, value, receivedAt });
    const copies = Math.floor(random() * 3);
    for (let copy = 0; copy < copies; copy++) {
      result.push(random() < 0.5 ? { ts, value, receivedAt } : { ts, value, receivedAt: arrivals[messages + index * 3 + copy] as number });
    }
  }
  return shuffle(result, random);
}

/** What must be stored at each ts: the delivery that arrived last (ties: the larger value). */
export function expectedRaw(all: Delivery[]): Map<number, number> {
  const winners = new Map<number, Delivery>();
  for (const delivery of all) {
    const current = winners.get(delivery.ts);
    if (!current || delivery.receivedAt > current.receivedAt || (delivery.receivedAt === current.receivedAt && delivery.value > current.value)) {
      winners.set(delivery.ts, delivery);
    }
  }
  return new Map([...winners.entries()].map(([ts, delivery]) => [ts, delivery.value]));
}

/** The aggregates computed from raw readings, by bucket start. */
export function aggregatesOf(raw: Map<number, number>, rollup: Rollup): Map<number, Bucket> {
  const groups = new Map<number, number[]>();
  for (const [ts, value] of [...raw.entries()].sort(([a], [b]) => a - b)) {
    const start = bucketStart(ts, rollup);
    groups.set(start, [...(groups.get(start) ?? []), value]);
  }
  return new Map([...groups.entries()].map(([start, values]) => [start, aggregate(values) as Bucket]));
}

export function sortedEntries<T>(map: Map<number, T>): Array<[number, T]> {
  return [...map.entries()].sort(([a], [b]) => a - b);
}
