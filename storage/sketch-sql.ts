// SQL functions over sketch BLOBs, registered on every connection so that readers can compute
// percentiles over any window in SQL (see SCHEMA.md) and the writer can merge on UPSERT.
import type { Database } from 'better-sqlite3';
import { decodeSparse, encodeSparse, mergeEncoded, mergeSparse, sparseCount, sparseQuantile } from './sketch-codec.js';
import type { SparseBins } from './sketch-codec.js';

function asBytes(v: unknown): Uint8Array | null {
  return v instanceof Uint8Array && v.length > 0 ? v : null;
}

export function registerSketchFunctions(db: Database): void {
  db.function('ddsketch_merge', { deterministic: true }, (a: unknown, b: unknown) => {
    const x = asBytes(a);
    const y = asBytes(b);
    if (x === null) return y;
    if (y === null) return x;
    return mergeEncoded(x, y);
  });
  db.function('ddsketch_quantile', { deterministic: true }, (s: unknown, q: unknown) => {
    const x = asBytes(s);
    if (x === null || typeof q !== 'number') return null;
    const v = sparseQuantile(decodeSparse(x), q);
    return Number.isNaN(v) ? null : v;
  });
  db.function('ddsketch_count', { deterministic: true }, (s: unknown) => {
    const x = asBytes(s);
    return x === null ? 0 : sparseCount(decodeSparse(x));
  });
  db.aggregate('ddsketch_merge_agg', {
    start: (): SparseBins | null => null,
    step: (acc: SparseBins | null, s: unknown) => {
      const x = asBytes(s);
      if (x === null) return acc;
      const bins = decodeSparse(x);
      return acc === null ? bins : mergeSparse(acc, bins);
    },
    result: (acc: SparseBins | null) => (acc === null ? null : encodeSparse(acc)),
  });
}
