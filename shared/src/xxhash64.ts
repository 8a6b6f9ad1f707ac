// XXH64 (xxHash, 64-bit, seed 0) computed on 32-bit halves, without BigInt: a sketch hashes millions of values, and
// this is ~6× faster than the same algorithm on BigInt (bench/hll.ts). Strings are hashed as their UTF-8 bytes.
// A 64-bit value is a pair of unsigned 32-bit numbers, high and low; products are split so every step is exact.

// Read once: a global looked up in the hot path is slow where the global object is a sandbox's (jest's vm).
const { floor, imul } = Math;

// The five primes of XXH64, high and low halves.
const p1h = 0x9e3779b1;
const p1l = 0x85ebca87;
const p2h = 0xc2b2ae3d;
const p2l = 0x27d4eb4f;
const p3h = 0x165667b1;
const p3l = 0x9e3779f9;
const p4h = 0x85ebca77;
const p4l = 0xc2b2ae63;
const p5h = 0x27d4eb2f;
const p5l = 0x165667c5;

/** Low half of (ah:al) × (bh:bl) mod 2^64. */
const mulLow = (al: number, bl: number): number => imul(al, bl) >>> 0;

/** High half of (ah:al) × (bh:bl) mod 2^64: al × bl's high word in two exact float steps (each < 2^53), plus the cross terms. */
function mulHigh(ah: number, al: number, bh: number, bl: number): number {
  const carry = floor(((al >>> 16) * bl + floor(((al & 0xffff) * bl) / 0x10000)) / 0x10000);
  return (carry + imul(ah, bl) + imul(al, bh)) >>> 0;
}

/** Rotations by 1..31 bits (XXH64 never rotates by 32 or more). */
const rotlHigh = (h: number, l: number, bits: number): number => ((h << bits) | (l >>> (32 - bits))) >>> 0;
const rotlLow = (h: number, l: number, bits: number): number => ((l << bits) | (h >>> (32 - bits))) >>> 0;

const u32 = (b: Uint8Array, i: number): number => ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;

// The running state as (high, low) pairs: the four accumulators at 0, 2, 4, 6, the hash at 8. A typed array
// rather than module variables, which would box every number above 2^30; the helpers stay allocation-free.
const s = new Uint32Array(10);
const hash = 8;

/** XXH64_round on the pair at `at`: rotl(acc + lane × P2, 31) × P1. */
function round(at: number, laneh: number, lanel: number): void {
  const ml = mulLow(lanel, p2l);
  const mh = mulHigh(laneh, lanel, p2h, p2l);
  const sl = ((s[at + 1] as number) + ml) >>> 0;
  const sh = ((s[at] as number) + mh + (sl < ml ? 1 : 0)) >>> 0;
  const xh = rotlHigh(sh, sl, 31);
  const xl = rotlLow(sh, sl, 31);
  s[at] = mulHigh(xh, xl, p1h, p1l);
  s[at + 1] = mulLow(xl, p1l);
}

/** hash += (h:l) */
function addToHash(h: number, l: number): void {
  const sl = ((s[hash + 1] as number) + l) >>> 0;
  s[hash] = ((s[hash] as number) + h + (sl < l ? 1 : 0)) >>> 0;
  s[hash + 1] = sl;
}

/** hash += rotl(accumulator at `at`, bits) */
function addRotated(at: number, bits: number): void {
  const h = s[at] as number;
  const l = s[at + 1] as number;
  addToHash(rotlHigh(h, l, bits), rotlLow(h, l, bits));
}

/** hash = rotl(hash ^ k, bits) × P + Q, the shape of every step after the stripes (with `bits` 0, no rotation). */
function step(kh: number, kl: number, bits: number, ph: number, pl: number, qh: number, ql: number): void {
  let xh = ((s[hash] as number) ^ kh) >>> 0;
  let xl = ((s[hash + 1] as number) ^ kl) >>> 0;
  if (bits > 0) {
    const h = xh;
    xh = rotlHigh(h, xl, bits);
    xl = rotlLow(h, xl, bits);
  }
  const ml = mulLow(xl, pl);
  const sl = (ml + ql) >>> 0;
  s[hash] = (mulHigh(xh, xl, ph, pl) + qh + (sl < ml ? 1 : 0)) >>> 0;
  s[hash + 1] = sl;
}

/** XXH64 of the first `length` bytes of `b` into out[0] (high) and out[1] (low). */
function hashBytes(b: Uint8Array, length: number, out: Uint32Array): void {
  let i = 0;
  if (length >= 32) {
    // Accumulators for seed 0: P1 + P2, P2, 0, −P1 (mod 2^64).
    s.set([0x60ea27ee, 0xadc0b5d6, p2h, p2l, 0, 0, 0x61c8864e, 0x7a143579]);
    for (; i + 32 <= length; i += 32) {
      round(0, u32(b, i + 4), u32(b, i));
      round(2, u32(b, i + 12), u32(b, i + 8));
      round(4, u32(b, i + 20), u32(b, i + 16));
      round(6, u32(b, i + 28), u32(b, i + 24));
    }
    s[hash] = 0;
    s[hash + 1] = 0;
    addRotated(0, 1);
    addRotated(2, 7);
    addRotated(4, 12);
    addRotated(6, 18);
    for (let at = 0; at < 8; at += 2) {
      // XXH64_mergeRound: hash = (hash ^ round(0, v)) × P1 + P4.
      const vh = s[at] as number;
      const vl = s[at + 1] as number;
      s[at] = 0;
      s[at + 1] = 0;
      round(at, vh, vl);
      step(s[at] as number, s[at + 1] as number, 0, p1h, p1l, p4h, p4l);
    }
  } else {
    s[hash] = p5h;
    s[hash + 1] = p5l;
  }
  addToHash(0, length);
  for (; i + 8 <= length; i += 8) {
    s[0] = 0;
    s[1] = 0;
    round(0, u32(b, i + 4), u32(b, i));
    step(s[0] as number, s[1] as number, 27, p1h, p1l, p4h, p4l);
  }
  if (i + 4 <= length) {
    const k = u32(b, i);
    step(mulHigh(0, k, p1h, p1l), mulLow(k, p1l), 23, p2h, p2l, p3h, p3l);
    i += 4;
  }
  for (; i < length; i++) {
    const k = b[i] as number;
    step(mulHigh(0, k, p5h, p5l), mulLow(k, p5l), 11, p1h, p1l, 0, 0);
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  let hh = s[hash] as number;
  let hl = ((s[hash + 1] as number) ^ (hh >>> 1)) >>> 0;
  const mh = mulHigh(hh, hl, p2h, p2l);
  const ml = mulLow(hl, p2l);
  hh = (mh ^ (mh >>> 29)) >>> 0;
  hl = (ml ^ ((ml >>> 29) | (mh << 3))) >>> 0;
  out[0] = mulHigh(hh, hl, p3h, p3l);
  out[1] = (mulLow(hl, p3l) ^ (out[0] as number)) >>> 0;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** The UTF-8 bytes of `value` into `scratch` (grown when short); returns their count. ASCII skips TextEncoder. */
function utf8(value: string): number {
  const length = value.length;
  // A UTF-16 code unit takes at most 3 UTF-8 bytes (a surrogate pair, two units, takes 4).
  if (length * 3 > scratch.length) scratch = new Uint8Array(Math.max(length * 3, scratch.length * 2));
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80) return encoder.encodeInto(value, scratch).written;
    scratch[i] = code;
  }
  return length;
}

/**
 * XXH64 (seed 0) of a string's UTF-8 bytes (a lone surrogate counts as U+FFFD, as TextEncoder has it) or of
 * bytes, as two unsigned 32-bit halves: out[0] high, out[1] low. Pass `out` to reuse it across calls.
 */
export function xxhash64(input: string | Uint8Array, out: Uint32Array = new Uint32Array(2)): Uint32Array {
  if (typeof input === 'string') {
    const length = utf8(input); // first: it may replace `scratch` with a larger buffer
    hashBytes(scratch, length, out);
  } else {
    hashBytes(input, input.length, out);
  }
  return out;
}

/** XXH64 as the usual 16 hex digits (for logs and tests). */
export function xxhash64Hex(input: string | Uint8Array): string {
  const [high = 0, low = 0] = xxhash64(input);
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}
