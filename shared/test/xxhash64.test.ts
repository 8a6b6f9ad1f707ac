import { xxhash64, xxhash64Hex } from '../src/xxhash64';

/** XXH64 (seed 0) written straight from the specification on BigInt: slow, but nothing shared with the fast one. */
function referenceXxh64(bytes: Uint8Array): string {
  const mask = (1n << 64n) - 1n;
  const [p1, p2, p3, p4, p5] = [0x9e3779b185ebca87n, 0xc2b2ae3d27d4eb4fn, 0x165667b19e3779f9n, 0x85ebca77c2b2ae63n, 0x27d4eb2f165667c5n];
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & mask;
  const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * p2) & mask, 31n) * p1) & mask;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = bytes.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    const v = [(p1 + p2) & mask, p2, 0n, (mask + 1n - p1) & mask];
    for (; i + 32 <= n; i += 32) v.forEach((acc, k) => (v[k] = round(acc, view.getBigUint64(i + 8 * k, true))));
    h = v.reduce((sum, acc, k) => (sum + rotl(acc, [1n, 7n, 12n, 18n][k] as bigint)) & mask, 0n);
    for (const acc of v) h = (((h ^ round(0n, acc)) * p1) + p4) & mask;
  } else {
    h = p5;
  }
  h = (h + BigInt(n)) & mask;
  for (; i + 8 <= n; i += 8) h = (rotl(h ^ round(0n, view.getBigUint64(i, true)), 27n) * p1 + p4) & mask;
  if (i + 4 <= n) {
    h = (rotl(h ^ ((BigInt(view.getUint32(i, true)) * p1) & mask), 23n) * p2 + p3) & mask;
    i += 4;
  }
  for (; i < n; i++) h = (rotl(h ^ ((BigInt(bytes[i] as number) * p5) & mask), 11n) * p1) & mask;
  h ^= h >> 33n;
  h = (h * p2) & mask;
  h ^= h >> 29n;
  h = (h * p3) & mask;
  h ^= h >> 32n;
  return h.toString(16).padStart(16, '0');
}

/** Deterministic, varied bytes (a multiplicative hash of the position and a salt). */
const someBytes = (length: number, salt: number) => Uint8Array.from({ length }, (_, i) => Math.imul(i + 1, 0x9e3779b1 + salt) >>> 24);

describe('xxhash64', () => {
  test('matches the published XXH64 vectors (seed 0)', () => {
    // Prepare: lengths below 4, 4..7, 8..31, one 32-byte stripe and more.
    const vectors: Array<[string, string]> = [
      ['', 'ef46db3751d8e999'],
      ['a', 'd24ec4f1a98c6e5b'],
      ['abc', '44bc2cf5ad770999'],
      ['1234', 'd8316e61d84f6ba4'],
      ['hello world', '45ab6734b21e6968'],
      ['message digest', '066ed728fceeb3be'],
      ['1234567890123456', 'b61c33dc6c59f270'],
      ['abcdefghijklmnopqrstuvwxyz', 'cfe1f278fa89835c'],
      ['Nobody inspects the spammish repetition', 'fbcea83c8a378bf1'],
      ['The quick brown fox jumps over the lazy dog', '0b242d361fda71bc'],
    ];

    // Act
    const hashes = vectors.map(([input]) => xxhash64Hex(input));

    // Assess
    expect(hashes).toEqual(vectors.map(([, hash]) => hash));
    expect(xxhash64Hex(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe('1facbe8406cd904b');
  });

  test('agrees with a BigInt reference on every length from 0 to 160 bytes', () => {
    // Prepare
    const inputs = Array.from({ length: 161 }, (_, length) => someBytes(length, length));

    // Act
    const fast = inputs.map((bytes) => xxhash64Hex(bytes));

    // Assess
    expect(fast).toEqual(inputs.map(referenceXxh64));
  });

  test('hashes a string as its UTF-8 bytes, a lone surrogate as U+FFFD', () => {
    // Prepare: accents, CJK, an emoji (a surrogate pair), and a string longer than the first scratch buffer.
    const strings = ['é', 'actor-ü', '日本語のテキスト', 'launch 🚀 now', 'x'.repeat(300) + 'ß', `long-${'é'.repeat(500)}`];

    // Act
    const hashes = strings.map((value) => xxhash64Hex(value));

    // Assess
    expect(hashes).toEqual(strings.map((value) => referenceXxh64(Buffer.from(value, 'utf8'))));
    expect(xxhash64Hex('a\ud800b')).toBe(referenceXxh64(Buffer.from('a\ufffdb', 'utf8')));
  });

  test('writes the two halves into a reused output array', () => {
    // Prepare
    const out = new Uint32Array(2);

    // Act
    const returned = xxhash64('abc', out);

    // Assess
    expect(returned).toBe(out);
    expect([...out]).toEqual([0x44bc2cf5, 0xad770999]);
  });
});
