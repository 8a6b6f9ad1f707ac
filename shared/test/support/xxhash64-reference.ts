// XXH64 (seed 0) written straight from the specification on BigInt: slow, but sharing nothing with the fast one in
// shared/src/xxhash64.ts, so the tests check that one against it and the benchmark times both.

const mask = (1n << 64n) - 1n;
const [p1, p2, p3, p4, p5] = [0x9e3779b185ebca87n, 0xc2b2ae3d27d4eb4fn, 0x165667b19e3779f9n, 0x85ebca77c2b2ae63n, 0x27d4eb2f165667c5n];
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & mask;
const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * p2) & mask, 31n) * p1) & mask;
const mergeRound = (h: bigint, acc: bigint) => ((h ^ round(0n, acc)) * p1 + p4) & mask;

export function referenceXxh64(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = bytes.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let [v1, v2, v3, v4] = [(p1 + p2) & mask, p2, 0n, (mask + 1n - p1) & mask];
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, view.getBigUint64(i, true));
      v2 = round(v2, view.getBigUint64(i + 8, true));
      v3 = round(v3, view.getBigUint64(i + 16, true));
      v4 = round(v4, view.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & mask;
    h = mergeRound(mergeRound(mergeRound(mergeRound(h, v1), v2), v3), v4);
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
  return h ^ (h >> 32n);
}

export const referenceXxh64Hex = (bytes: Uint8Array): string => referenceXxh64(bytes).toString(16).padStart(16, '0');
