// The latency sketch of one aggregate row between two flushes. A row sees a handful of durations
// per flush interval, and at 1,000 routes x 1,000 fingerprints nearly every request creates new rows:
// the library's DDSketch allocates two dense stores that grow in 128-bin chunks per row, which
// showed in the 1,000-route profile (bench/profile.ts --routes=1000: DenseStore, sketch encoding
// and the GC behind them). This keeps only the occupied bins, sorted, keyed by the library's own
// mapping, so the bins, the encoding (sketch-codec.ts) and every quantile are exactly what a
// DDSketch of the same values would give (row-sketch.test.ts compares them).
import { DDSketch } from '@datadog/sketches-js';
import { encodeSparse, SKETCH_ACCURACY, sparseQuantile, type SparseBins } from './sketch-codec.js';

const mapping = new DDSketch({ relativeAccuracy: SKETCH_ACCURACY }).mapping;
const MIN_INDEXABLE = mapping.minPossible;

export class RowSketch implements SparseBins {
  zeroCount = 0;
  count = 0;
  /** Ascending bin keys and their counts. */
  keys: number[] = [];
  counts: number[] = [];

  /** Adds one duration (ms, never negative: callers clamp at 0). */
  accept(value: number): void {
    this.count++;
    if (!(value > MIN_INDEXABLE)) {
      this.zeroCount++;
      return;
    }
    const key = mapping.key(value);
    const keys = this.keys;
    // Binary search: a busy row holds a few hundred bins at most (1 us .. 1 h is ~1,100 keys).
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    if (lo < keys.length && keys[lo] === key) {
      this.counts[lo]!++;
      return;
    }
    keys.splice(lo, 0, key);
    this.counts.splice(lo, 0, 1);
  }

  /**
   * Adds another row's durations: counts of equal keys add, which is what a DDSketch of both rows'
   * values would hold (same mapping), so a merged row encodes and answers quantiles exactly.
   */
  merge(o: RowSketch): void {
    this.count += o.count;
    this.zeroCount += o.zeroCount;
    const a = this.keys;
    const b = o.keys;
    if (b.length === 0) return;
    if (a.length === 0) {
      this.keys = b.slice();
      this.counts = o.counts.slice();
      return;
    }
    const keys: number[] = [];
    const counts: number[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i]! < b[j]!) {
        keys.push(a[i]!);
        counts.push(this.counts[i++]!);
      } else if (b[j]! < a[i]!) {
        keys.push(b[j]!);
        counts.push(o.counts[j++]!);
      } else {
        keys.push(a[i]!);
        counts.push(this.counts[i++]! + o.counts[j++]!);
      }
    }
    for (; i < a.length; i++) {
      keys.push(a[i]!);
      counts.push(this.counts[i]!);
    }
    for (; j < b.length; j++) {
      keys.push(b[j]!);
      counts.push(o.counts[j]!);
    }
    this.keys = keys;
    this.counts = counts;
  }

  /** The stored BLOB (sketch-codec.ts layout). */
  encode(): Buffer {
    return encodeSparse(this);
  }

  /** Same rank rule as DDSketch.getValueAtQuantile; NaN when empty. */
  quantile(q: number): number {
    return sparseQuantile(this, q);
  }
}
