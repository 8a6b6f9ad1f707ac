// HyperLogLog sketches of distinct strings (actors, sessions), mergeable across days: a 90-day distinct count is
// the register-wise max of 90 daily sketches. Precision 14: 16384 registers, standard error 1.04/√16384 ≈ 0.81 %.
//
// Hash: XXH64 of the value's UTF-8 bytes; the top 14 bits pick the register, the rank is 1 + the leading zeros of
// the other 50 (1..51). A register only ever grows to a max, so adding a value twice, or merging a batch twice,
// changes nothing: a replayed batch counts once, and `add`/`merge` say whether anything changed so a writer can
// skip a write that would change nothing.
//
// Estimate: Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog sketches",
// 2017; the one Redis uses), from the histogram of register values. It behaves like linear counting while
// registers are mostly empty (small counts come out exact or nearly) and stays unbiased through the range where
// the classic estimator switches from linear counting to the raw mean (2.5–5 × 16384 values, exactly the size of
// a busy app's day), with no empirical bias tables (HLL++).
//
// Bytes (a DynamoDB binary attribute): [format, precision, ...body].
//   format 1, sparse: the non-zero registers in index order, each one LEB128 varint of (gap << 6 | rank), gap being
//     the count of zero registers skipped since the previous one; ~2 bytes a register, up to 3.
//   format 2, dense: all 16384 registers, 6 bits each, four to three bytes (little-endian): 12,290 bytes in all.
// `toBytes` writes whichever is shorter (sparse up to ~6,000 non-zero registers, ~7,000 distinct values), so the
// same registers always give the same bytes: a stored sketch can be compared, or conditioned on, byte for byte.
import { xxhash64 } from './xxhash64';

export const hllPrecision = 14;
const registerCount = 1 << hllPrecision;
const valueBits = 64 - hllPrecision;
const maxRank = valueBits + 1;
const sparseFormat = 1;
const denseFormat = 2;
const headerBytes = 2;
const denseBytes = headerBytes + (registerCount * 6) / 8;

const hash = new Uint32Array(2);
// Read once: a global looked up in the hot path is slow where the global object is a sandbox's (jest's vm).
const { clz32 } = Math;

export class HyperLogLog {
  private constructor(private readonly registers: Uint8Array) {}

  static empty(): HyperLogLog {
    return new HyperLogLog(new Uint8Array(registerCount));
  }

  /** The union of `sketches` (an empty sketch for none). */
  static union(sketches: Iterable<HyperLogLog>): HyperLogLog {
    const result = HyperLogLog.empty();
    for (const sketch of sketches) result.merge(sketch);
    return result;
  }

  /** Adds a value; true when a register grew (false for a value already counted, or one that changes nothing). */
  add(value: string): boolean {
    xxhash64(value, hash);
    const high = hash[0] as number;
    const index = high >>> (32 - hllPrecision);
    // The 50 bits after the index: the low 18 of `high`, then all of the low word.
    const rest = high << hllPrecision;
    const low = hash[1] as number;
    const rank = rest !== 0 ? clz32(rest) + 1 : low !== 0 ? 32 - hllPrecision + clz32(low) + 1 : maxRank;
    if (rank <= (this.registers[index] as number)) return false;
    this.registers[index] = rank;
    return true;
  }

  /** Adds every value; true when any register grew. */
  addAll(values: Iterable<string>): boolean {
    let changed = false;
    for (const value of values) if (this.add(value)) changed = true;
    return changed;
  }

  /** Folds `other` into this sketch (register-wise max); true when any register grew. */
  merge(other: HyperLogLog): boolean {
    const mine = this.registers;
    const theirs = other.registers;
    let changed = false;
    for (let i = 0; i < registerCount; i++) {
      const rank = theirs[i] as number;
      if (rank > (mine[i] as number)) {
        mine[i] = rank;
        changed = true;
      }
    }
    return changed;
  }

  /** The estimated number of distinct values added (0 for an empty sketch). */
  count(): number {
    const histogram = new Uint32Array(maxRank + 1);
    for (const rank of this.registers) histogram[rank] = (histogram[rank] as number) + 1;
    const m = registerCount;
    let z = m * tau(1 - (histogram[maxRank] as number) / m);
    for (let rank = valueBits; rank >= 1; rank--) z = 0.5 * (z + (histogram[rank] as number));
    z += m * sigma((histogram[0] as number) / m);
    return Math.round((m * m) / (2 * Math.LN2) / z);
  }

  isEmpty(): boolean {
    return this.registers.every((rank) => rank === 0);
  }

  equals(other: HyperLogLog): boolean {
    for (let i = 0; i < registerCount; i++) if (this.registers[i] !== other.registers[i]) return false;
    return true;
  }

  clone(): HyperLogLog {
    return new HyperLogLog(this.registers.slice());
  }

  /** The sketch's canonical bytes: sparse or dense, whichever is shorter (see the top of this file). */
  toBytes(): Uint8Array {
    return encodeSparse(this.registers) ?? encodeDense(this.registers);
  }

  /** A sketch from `toBytes` output; throws a RangeError on anything else. */
  static fromBytes(bytes: Uint8Array): HyperLogLog {
    if (bytes.length < headerBytes) throw invalid('shorter than its header');
    if (bytes[1] !== hllPrecision) throw invalid(`precision ${bytes[1]}, expected ${hllPrecision}`);
    if (bytes[0] === sparseFormat) return new HyperLogLog(decodeSparse(bytes));
    if (bytes[0] === denseFormat) return new HyperLogLog(decodeDense(bytes));
    throw invalid(`unknown format ${bytes[0]}`);
  }
}

/**
 * Merges two encoded sketches (`stored` absent counts as empty): the union's canonical bytes, and whether they
 * differ from `stored`. Unchanged means the write can be skipped: the batch was already counted.
 */
export function mergeBytes(stored: Uint8Array | undefined, incoming: Uint8Array): { bytes: Uint8Array; changed: boolean } {
  const sketch = stored ? HyperLogLog.fromBytes(stored) : HyperLogLog.empty();
  const changed = sketch.merge(HyperLogLog.fromBytes(incoming));
  return { bytes: changed || !stored ? sketch.toBytes() : stored, changed };
}

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k−1), for the share x of empty registers. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

/** Ertl's τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² · 2^−k) / 3, for the share x of registers below the top rank. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}

function invalid(reason: string): RangeError {
  return new RangeError(`Invalid HyperLogLog sketch: ${reason}`);
}

/** The sparse bytes, or undefined once they would not be shorter than the dense ones. */
function encodeSparse(registers: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(denseBytes - 1);
  out[0] = sparseFormat;
  out[1] = hllPrecision;
  let length = headerBytes;
  let previous = -1;
  for (let index = 0; index < registerCount; index++) {
    const rank = registers[index] as number;
    if (rank === 0) continue;
    let entry = ((index - previous - 1) << 6) | rank; // < 2^20: at most 3 varint bytes
    previous = index;
    if (length + (entry < 0x80 ? 1 : entry < 0x4000 ? 2 : 3) > out.length) return undefined;
    while (entry >= 0x80) {
      out[length++] = (entry & 0x7f) | 0x80;
      entry >>>= 7;
    }
    out[length++] = entry;
  }
  return out.slice(0, length);
}

function decodeSparse(bytes: Uint8Array): Uint8Array {
  const registers = new Uint8Array(registerCount);
  let index = -1;
  let offset = headerBytes;
  while (offset < bytes.length) {
    let entry = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 14 || offset >= bytes.length) throw invalid('bad sparse entry');
      const byte = bytes[offset++] as number;
      entry |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    const rank = entry & 0x3f;
    index += (entry >>> 6) + 1;
    if (index >= registerCount) throw invalid('register index out of range');
    if (rank === 0 || rank > maxRank) throw invalid(`rank ${rank} out of range`);
    registers[index] = rank;
  }
  return registers;
}

function encodeDense(registers: Uint8Array): Uint8Array {
  const out = new Uint8Array(denseBytes);
  out[0] = denseFormat;
  out[1] = hllPrecision;
  for (let i = 0, o = headerBytes; i < registerCount; i += 4, o += 3) {
    const packed = (registers[i] as number) | ((registers[i + 1] as number) << 6) | ((registers[i + 2] as number) << 12) | ((registers[i + 3] as number) << 18);
    out[o] = packed & 0xff;
    out[o + 1] = (packed >>> 8) & 0xff;
    out[o + 2] = packed >>> 16;
  }
  return out;
}

function decodeDense(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== denseBytes) throw invalid(`dense sketch of ${bytes.length} bytes, expected ${denseBytes}`);
  const registers = new Uint8Array(registerCount);
  for (let i = 0, o = headerBytes; i < registerCount; i += 4, o += 3) {
    const packed = (bytes[o] as number) | ((bytes[o + 1] as number) << 8) | ((bytes[o + 2] as number) << 16);
    for (let k = 0; k < 4; k++) {
      const rank = (packed >>> (6 * k)) & 0x3f;
      if (rank > maxRank) throw invalid(`rank ${rank} out of range`);
      registers[i + k] = rank;
    }
  }
  return registers;
}
