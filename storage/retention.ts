// Retention in small steps: each call deletes at most deleteBatchRows rows from one table, so a
// step costs milliseconds and the writer's next flush is never held up for long. Deleted pages are
// reused by SQLite, which keeps the file size flat under steady load.
import type { Database } from 'better-sqlite3';
import { cachedStatement } from './statement-cache.js';
import { rollupWatermarks } from './rollup.js';
import { BUCKETED_TABLES } from './tables.js';

export interface RetentionConfig {
  minuteRetentionHours: number;
  /** Hour rows, findings, queries and service versions (by last seen). */
  hourRetentionDays: number;
  slowQueryRetentionDays: number;
  sampleRetentionDays: number;
  /** Newest samples kept per (service, method, route). */
  maxSamplesPerRoute: number;
  /** Hard caps on the two logs whatever the age, for size under a flood of slow requests. */
  maxSampleRows: number;
  maxSlowQueryRows: number;
  deleteBatchRows: number;
}

export const DEFAULT_RETENTION_CONFIG: RetentionConfig = {
  minuteRetentionHours: 48,
  hourRetentionDays: 90,
  slowQueryRetentionDays: 14,
  sampleRetentionDays: 14,
  maxSamplesPerRoute: 50,
  maxSampleRows: 10_000,
  maxSlowQueryRows: 500_000,
  deleteBatchRows: 1000,
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function deleteOlder(db: Database, table: string, column: string, cutoff: number, limit: number): number {
  return cachedStatement(db, `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ?)`).run(cutoff, limit).changes;
}

/** Deletes the oldest rows beyond `cap` by id (ids grow with time), without counting the table. */
function deleteOverCap(db: Database, table: string, cap: number, limit: number): number {
  const r = cachedStatement(db, `SELECT max(id) AS hi FROM ${table}`).get() as { hi: number | null };
  if (r.hi === null) return 0;
  return cachedStatement(db, `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE id <= ? ORDER BY id LIMIT ?)`).run(r.hi - cap, limit).changes;
}

function deleteSamplesOverRouteCap(db: Database, cap: number, limit: number): number {
  return db
    .prepare(`DELETE FROM samples WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (
        PARTITION BY service, method, route ORDER BY time_ms DESC, id DESC) AS rn FROM samples) WHERE rn > ? LIMIT ?)`)
    .run(cap, limit).changes;
}

/** One bounded delete on the first table with expired rows; returns rows deleted (0: all done). */
export function retentionStep(db: Database, nowMs: number, cfg: RetentionConfig = DEFAULT_RETENTION_CONFIG): number {
  const n = cfg.deleteBatchRows;
  const marks = rollupWatermarks(db);
  const minuteCutoff = nowMs - cfg.minuteRetentionHours * HOUR;
  const hourCutoff = nowMs - cfg.hourRetentionDays * DAY;
  for (const t of BUCKETED_TABLES) {
    // Never drop minute rows the rollup has not merged yet.
    const cutoff = Math.min(minuteCutoff, marks.get(t.base) ?? 0);
    const d = deleteOlder(db, `${t.base}_minute`, 'bucket_ms', cutoff, n) || deleteOlder(db, `${t.base}_hour`, 'bucket_ms', hourCutoff, n);
    if (d > 0) return d;
  }
  const steps: (() => number)[] = [
    () => deleteOlder(db, 'findings', 'last_seen_ms', hourCutoff, n),
    () => deleteOlder(db, 'queries', 'last_seen_ms', hourCutoff, n),
    () => deleteOlder(db, 'service_versions', 'last_seen_ms', hourCutoff, n),
    () => deleteOlder(db, 'slow_queries', 'time_ms', nowMs - cfg.slowQueryRetentionDays * DAY, n),
    () => deleteOverCap(db, 'slow_queries', cfg.maxSlowQueryRows, n),
    () => deleteOlder(db, 'samples', 'time_ms', nowMs - cfg.sampleRetentionDays * DAY, n),
    () => deleteOverCap(db, 'samples', cfg.maxSampleRows, n),
    () => deleteSamplesOverRouteCap(db, cfg.maxSamplesPerRoute, n),
  ];
  for (const step of steps) {
    const d = step();
    if (d > 0) return d;
  }
  return 0;
}
