// SQL functions over sketch BLOBs, registered on every connection so that readers can compute
// percentiles over any window in SQL (see SCHEMA.md) and the writer can merge on UPSERT.
import type { Database } from 'better-sqlite3';
import { BinAccumulator, encodedCount, encodedQuantile } from './sketch-accumulator.js';
import { mergeEncoded } from './sketch-merge.js';

function asBytes(v: unknown): Uint8Array | null {
  return v instanceof Uint8Array && v.length > 0 ? v : null;
}

// Accumulators are recycled once a group's result is out: a GROUP BY over hundreds of groups would
// otherwise allocate (and collect) one array per group. Bounded in count and in size (an unusually
// wide sketch's array is left to the GC) so one odd query cannot pin memory.
const pool: BinAccumulator[] = [];
const POOL_MAX = 32;
const POOL_MAX_CAPACITY = 4096;

function take(): BinAccumulator {
  return pool.pop() ?? new BinAccumulator();
}

function give(acc: BinAccumulator): void {
  acc.reset();
  if (pool.length < POOL_MAX && acc.capacity <= POOL_MAX_CAPACITY) pool.push(acc);
}

/** The q-quantile of a stored sketch BLOB, as SQL's ddsketch_quantile gives it: null when empty. */
export function sketchQuantile(s: unknown, q: number): number | null {
  const x = asBytes(s);
  if (x === null) return null;
  const v = encodedQuantile(x, q);
  return Number.isNaN(v) ? null : v;
}

/**
 * SQL for "the merged sketch of `column` over the group", for readers. SQLite concatenates the
 * group's BLOBs natively and JS runs once per group, instead of once per row as with
 * ddsketch_merge_agg: calling into JS (and copying each BLOB into a Buffer) cost about 1 us a row,
 * which was most of a 24 h list (api-latency.bench.ts). The encoding is self-delimiting, so the
 * concatenation parses back into its sketches; CAST keeps the bytes (group_concat types them TEXT).
 */
export const mergedSketchSql = (column = 'sketch'): string =>
  `ddsketch_merge_concat(CAST(group_concat(${column}, '') AS BLOB))`;

export function registerSketchFunctions(db: Database): void {
  db.function('ddsketch_merge_concat', { deterministic: true }, (s: unknown) => {
    const x = asBytes(s);
    if (x === null) return null;
    const acc = take();
    try {
      acc.addConcat(x);
      return acc.encode();
    } finally {
      give(acc);
    }
  });
  db.function('ddsketch_merge', { deterministic: true }, (a: unknown, b: unknown) => {
    const x = asBytes(a);
    const y = asBytes(b);
    if (x === null) return y;
    if (y === null) return x;
    return mergeEncoded(x, y);
  });
  db.function('ddsketch_quantile', { deterministic: true }, (s: unknown, q: unknown) => (typeof q === 'number' ? sketchQuantile(s, q) : null));
  db.function('ddsketch_count', { deterministic: true }, (s: unknown) => {
    const x = asBytes(s);
    return x === null ? 0 : encodedCount(x);
  });
  db.aggregate('ddsketch_merge_agg', {
    start: take,
    step: (acc: BinAccumulator, s: unknown) => {
      const x = asBytes(s);
      if (x !== null) acc.addEncoded(x);
    },
    result: (acc: BinAccumulator) => {
      const out = acc.any ? acc.encode() : null;
      give(acc);
      return out;
    },
  });
}
