// Minute -> hour rollup. Each bucketed table has a watermark in rollup_state: every minute bucket
// before it has been merged into the hour table. Only minutes of completed hours are rolled up, and
// one step merges ONE minute bucket of one table in its own short transaction: a step's cost is the
// number of keys in a minute, not in an hour, so the writer's flushes are never held up for long.
// Minute rows arriving behind the watermark are written to the hour table by the writer too.
import type { Database } from 'better-sqlite3';
import { cachedStatement } from './statement-cache.js';
import type { BucketedTable } from './tables.js';
import { BUCKETED_TABLES, mergeExpr } from './tables.js';

export const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Watermark per table base name (absent: nothing rolled yet). */
export function rollupWatermarks(db: Database): Map<string, number> {
  const rows = cachedStatement(db, 'SELECT name, done_before_ms FROM rollup_state').all() as { name: string; done_before_ms: number }[];
  return new Map(rows.map((r) => [r.name, r.done_before_ms]));
}

function aggregateExpr(c: BucketedTable['values'][number]): string {
  switch (c.merge) {
    case 'max':
      return `max(${c.name})`;
    case 'sketch':
      return `ddsketch_merge_agg(${c.name})`;
    default:
      return `sum(${c.name})`;
  }
}

function rollupSql(t: BucketedTable): string {
  const keys = t.keys.map((c) => c.name).join(', ');
  const values = t.values.map((c) => c.name);
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint (sqlite.org/lang_upsert.html).
  return (
    `INSERT INTO ${t.base}_hour (bucket_ms, ${keys}, ${values.join(', ')}) ` +
    `SELECT ?, ${keys}, ${t.values.map(aggregateExpr).join(', ')} FROM ${t.base}_minute ` +
    `WHERE bucket_ms = ? GROUP BY ${keys} ` +
    `ON CONFLICT (bucket_ms, ${keys}) DO UPDATE SET ` +
    t.values.map((c) => `${c.name} = ${mergeExpr(c, c.name, `excluded.${c.name}`)}`).join(', ')
  );
}

export interface RollupConfig {
  /** An hour is rolled up this long after it ends, leaving room for late spans and the last flush. */
  graceMs: number;
}

export const DEFAULT_ROLLUP_CONFIG: RollupConfig = { graceMs: 5 * 60_000 };

/**
 * Rolls up at most one (table, minute). Returns true if it did work (call again), false when every
 * table is up to date for `nowMs`.
 */
export function rollupStep(db: Database, nowMs: number, cfg: RollupConfig = DEFAULT_ROLLUP_CONFIG): boolean {
  const complete = Math.floor((nowMs - cfg.graceMs) / HOUR_MS) * HOUR_MS;
  const marks = rollupWatermarks(db);
  const setMark = cachedStatement(db, 'INSERT INTO rollup_state (name, done_before_ms) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET done_before_ms = excluded.done_before_ms');
  for (const t of BUCKETED_TABLES) {
    const mark = marks.get(t.base) ?? 0;
    if (mark >= complete) continue;
    const next = cachedStatement(db, `SELECT min(bucket_ms) AS b FROM ${t.base}_minute WHERE bucket_ms >= ?`).get(mark) as { b: number | null };
    if (next.b === null || next.b >= complete) {
      // Nothing left to roll up before `complete`: move the watermark without touching data.
      setMark.run(t.base, complete);
      continue;
    }
    const minute = next.b;
    db.transaction(() => {
      cachedStatement(db, rollupSql(t)).run(Math.floor(minute / HOUR_MS) * HOUR_MS, minute);
      setMark.run(t.base, minute + MINUTE_MS);
    })();
    return true;
  }
  return false;
}
