import { HyperLogLog, mergeBytes } from '../src/hyperloglog';
import { xxhash64Hex } from '../src/xxhash64';

/** A sketch of `count` distinct values `${prefix}${from}`, `${prefix}${from + 1}`, … */
function sketchOf(count: number, prefix = 'actor-', from = 0): HyperLogLog {
  const sketch = HyperLogLog.empty();
  for (let i = from; i < from + count; i++) sketch.add(`${prefix}${i}`);
  return sketch;
}

const relativeError = (estimate: number, exact: number) => Math.abs(estimate - exact) / exact;
const denseLength = 2 + (16384 * 6) / 8;

describe('HyperLogLog counts', () => {
  test('an empty sketch counts 0', () => {
    // Prepare
    const sketch = HyperLogLog.empty();

    // Act
    const count = sketch.count();

    // Assess
    expect(count).toBe(0);
    expect(sketch.isEmpty()).toBe(true);
  });

  test('small counts are exact while the registers are mostly empty (linear counting)', () => {
    // Prepare
    const sizes = [1, 2, 10, 100];

    // Act
    const counts = sizes.map((size) => sketchOf(size).count());

    // Assess
    expect(counts).toEqual(sizes);
  });

  test('1000 distinct values count within linear counting accuracy (3σ ≈ 1.7 %)', () => {
    // Prepare
    const sketch = sketchOf(1000);

    // Act
    const count = sketch.count();

    // Assess
    expect(relativeError(count, 1000)).toBeLessThanOrEqual(0.017);
  });

  test('1,000,000 distinct values count within 1 %', () => {
    // Prepare
    const sketch = sketchOf(1_000_000, 'install-');

    // Act
    const count = sketch.count();

    // Assess
    expect(relativeError(count, 1_000_000)).toBeLessThanOrEqual(0.01);
  });

  test('no bias where the classic estimator switches from linear counting (2.5–5 × 16384 values)', () => {
    // Prepare: ten independent sets of 45,000, where the classic estimator reads ~1.5 % high on average.
    const exact = 45_000;
    const sketches = Array.from({ length: 10 }, (_, set) => sketchOf(exact, `set${set}-`));

    // Act
    const errors = sketches.map((sketch) => (sketch.count() - exact) / exact);

    // Assess: the mean of ten has a standard error of 0.81 % / √10 ≈ 0.26 %.
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(Math.abs(mean)).toBeLessThanOrEqual(0.006);
    for (const error of errors) expect(Math.abs(error)).toBeLessThanOrEqual(0.025);
  });
});

describe('HyperLogLog adds and merges', () => {
  test('adding a value again changes nothing', () => {
    // Prepare
    const sketch = sketchOf(500);
    const before = sketch.toBytes();

    // Act
    const first = sketch.add('new-actor');
    const again = sketch.add('new-actor');
    const replay = sketch.addAll(Array.from({ length: 500 }, (_, i) => `actor-${i}`));

    // Assess
    expect(first).toBe(true);
    expect(again).toBe(false);
    expect(replay).toBe(false);
    expect(Buffer.from(sketch.toBytes()).equals(Buffer.from(before))).toBe(false);
    expect(sketch.equals(HyperLogLog.fromBytes(sketch.toBytes()))).toBe(true);
  });

  test('the merge of two sketches is the sketch of the union, whatever the order', () => {
    // Prepare: 0..59,999 and 40,000..99,999 overlap on 20,000.
    const a = sketchOf(60_000);
    const b = sketchOf(60_000, 'actor-', 40_000);
    const union = sketchOf(100_000);

    // Act
    const ab = a.clone();
    const changed = ab.merge(b);
    const ba = b.clone();
    ba.merge(a);

    // Assess
    expect(changed).toBe(true);
    expect(ab.equals(union)).toBe(true);
    expect(ba.equals(union)).toBe(true);
    expect(HyperLogLog.union([a, b]).equals(union)).toBe(true);
    expect(a.equals(sketchOf(60_000))).toBe(true); // clone left the original alone
    expect(relativeError(ab.count(), 100_000)).toBeLessThanOrEqual(0.02);
  });

  test('merging a sketch already contained changes nothing', () => {
    // Prepare
    const whole = sketchOf(5000);
    const part = sketchOf(1000, 'actor-', 2000);

    // Act
    const changed = whole.merge(part);

    // Assess
    expect(changed).toBe(false);
    expect(whole.equals(sketchOf(5000))).toBe(true);
    expect(HyperLogLog.union([]).isEmpty()).toBe(true);
  });

  test('mergeBytes folds a batch into a stored sketch once: a replay reports no change', () => {
    // Prepare
    const batch = sketchOf(300, 'batch-').toBytes();

    // Act
    const created = mergeBytes(undefined, batch);
    const grown = mergeBytes(sketchOf(2000).toBytes(), batch);
    const replayed = mergeBytes(grown.bytes, batch);
    const emptyFirst = mergeBytes(undefined, HyperLogLog.empty().toBytes());

    // Assess
    expect(created).toEqual({ bytes: batch, changed: true });
    expect(grown.changed).toBe(true);
    expect(HyperLogLog.fromBytes(grown.bytes).equals(HyperLogLog.union([sketchOf(2000), sketchOf(300, 'batch-')]))).toBe(true);
    expect(replayed.changed).toBe(false);
    expect(replayed.bytes).toBe(grown.bytes);
    expect(emptyFirst.changed).toBe(false);
  });
});

describe('HyperLogLog bytes', () => {
  test('a one-value sketch is a single sparse entry: register index and rank from the top of its hash', () => {
    // Prepare: XXH64('a') = d24ec4f1a98c6e5b; its top 14 bits are the register, the rank 1 + the leading zeros of
    // the other 50.
    const hash = BigInt(`0x${xxhash64Hex('a')}`);
    const index = Number(hash >> 50n);
    const rank = 51 - (hash & ((1n << 50n) - 1n)).toString(2).length;
    const sketch = HyperLogLog.empty();
    sketch.add('a');

    // Act
    const bytes = sketch.toBytes();

    // Assess: (index << 6 | rank) as a LEB128 varint after [format 1, precision 14].
    expect([index, rank]).toEqual([13459, 1]);
    expect([...bytes]).toEqual([1, 14, 0xc1, 0xc9, 0x34]);
  });

  test('dense bytes pack four 6-bit registers into three bytes, little-endian', () => {
    // Prepare: registers 0..3 = 5, 0, 51, 1 and register 16383 = 2, written densely by hand.
    const dense = new Uint8Array(denseLength);
    dense.set([2, 14]);
    const packed = 5 | (0 << 6) | (51 << 12) | (1 << 18);
    dense.set([packed & 0xff, (packed >>> 8) & 0xff, packed >>> 16], 2);
    dense[denseLength - 1] = 2 << 2; // register 16383 is the top 6 bits of the last byte

    // Act: five registers are cheaper sparse, so the sketch re-encodes itself that way.
    const bytes = HyperLogLog.fromBytes(dense).toBytes();

    // Assess: gaps 0, 1, 0, 16379 before registers 0, 2, 3, 16383.
    const entry = (gap: number, rank: number) => {
      const out: number[] = [];
      let value = (gap << 6) | rank;
      while (value >= 0x80) {
        out.push((value & 0x7f) | 0x80);
        value >>>= 7;
      }
      return [...out, value];
    };
    expect([...bytes]).toEqual([1, 14, ...entry(0, 5), ...entry(1, 51), ...entry(0, 1), ...entry(16379, 2)]);
  });

  test.each([
    ['an empty sketch', 0, 1],
    ['a sketch of 100 values', 100, 1],
    ['a sketch of 3000 values', 3000, 1],
    ['a sketch of 100,000 values', 100_000, 2],
  ])('%s round-trips through its bytes', (_name, size, format) => {
    // Prepare
    const sketch = sketchOf(size);

    // Act
    const bytes = sketch.toBytes();
    const back = HyperLogLog.fromBytes(bytes);

    // Assess
    expect(bytes[0]).toBe(format);
    expect(back.equals(sketch)).toBe(true);
    expect(back.count()).toBe(sketch.count());
    expect(Buffer.from(back.toBytes()).equals(Buffer.from(bytes))).toBe(true);
  });

  test('sparse bytes stay shorter than dense ones, and a full sketch is dense at 12,290 bytes', () => {
    // Prepare
    const sizes = [0, 10, 100, 1000, 10_000, 20_000, 1_000_000];

    // Act
    const lengths = sizes.map((size) => sketchOf(size).toBytes().length);

    // Assess
    expect(lengths[0]).toBe(2);
    expect(lengths[1]).toBeLessThanOrEqual(2 + 10 * 3);
    expect(lengths[2]).toBeLessThanOrEqual(2 + 100 * 3);
    expect(lengths[3]).toBeLessThanOrEqual(2 + 1000 * 2);
    expect(lengths.slice(4).every((length) => length <= denseLength)).toBe(true);
    expect(lengths.slice(5)).toEqual([denseLength, denseLength]);
  });

  test('the same registers give the same bytes, whatever order the values came in', () => {
    // Prepare
    const values = Array.from({ length: 2000 }, (_, i) => `actor-${i}`);
    const forward = HyperLogLog.empty();
    forward.addAll(values);
    const backward = HyperLogLog.empty();
    backward.addAll([...values].reverse());

    // Act
    const [a, b] = [forward.toBytes(), backward.toBytes()];

    // Assess
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  test.each([
    ['no header', [1]],
    ['another precision', [1, 12]],
    ['an unknown format', [3, 14]],
    ['a dense body of the wrong length', [2, 14, 0, 0, 0]],
    ['a sparse varint cut short', [1, 14, 0x81]],
    ['a sparse varint over 3 bytes', [1, 14, 0x81, 0x80, 0x80, 0x00]],
    ['a sparse rank of 0', [1, 14, 0x40]],
    ['a sparse rank above 51', [1, 14, 52]],
    ['a sparse index past the last register', [1, 14, 0x81, 0x80, 0x40]],
  ])('bytes with %s are refused', (_name, bytes) => {
    // Prepare
    const input = Uint8Array.from(bytes);

    // Act
    const decode = () => HyperLogLog.fromBytes(input);

    // Assess
    expect(decode).toThrow(RangeError);
    expect(decode).toThrow(/Invalid HyperLogLog sketch/);
  });

  test('a dense register above 51 is refused', () => {
    // Prepare
    const dense = new Uint8Array(denseLength);
    dense.set([2, 14, 52]);

    // Act
    const decode = () => HyperLogLog.fromBytes(dense);

    // Assess
    expect(decode).toThrow(/rank 52 out of range/);
  });
});
