// A stand-in sketch for unit tests: the exact set of values, so counts can be asserted to the unit. Its bytes are
// the sorted values as JSON (canonical, like a HyperLogLog's).
import type { DistinctSketch, SketchCodec } from '../../../src/domain/sketch';

class ExactSketch implements DistinctSketch {
  constructor(readonly values = new Set<string>()) {}

  add(value: string): boolean {
    if (this.values.has(value)) return false;
    this.values.add(value);
    return true;
  }

  merge(other: DistinctSketch): boolean {
    let changed = false;
    for (const value of (other as ExactSketch).values) if (this.add(value)) changed = true;
    return changed;
  }

  count(): number {
    return this.values.size;
  }

  toBytes(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify([...this.values].sort()));
  }
}

export const exactSketches: SketchCodec = {
  empty: () => new ExactSketch(),
  fromBytes: (bytes) => new ExactSketch(new Set(JSON.parse(new TextDecoder().decode(bytes)) as string[])),
};
