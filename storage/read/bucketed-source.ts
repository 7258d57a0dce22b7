import type { Database } from 'better-sqlite3';
import { prepared } from './statement-cache.js';

/** A half-open time range [fromMs, toMs) in milliseconds since the epoch. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** Columns a client may filter on. Only these names ever reach SQL text; values are always bound. */
export type FilterColumn = 'service' | 'version' | 'kind' | 'method' | 'route' | 'fingerprint' | 'type';
export type Filters = Partial<Record<FilterColumn, string>>;

const FILTER_ORDER: readonly FilterColumn[] = ['service', 'version', 'kind', 'method', 'route', 'fingerprint', 'type'];

export const HOUR_MS = 3_600_000;

export interface SqlPart {
  sql: string;
  params: (string | number)[];
}

/**
 * ` AND col = ?` for each present filter, in a fixed order so equal filter sets share one statement.
 * With `unindexed`, the columns are written `+col` so SQLite cannot pick an index on them.
 */
export function filterSql(filters: Filters, only: readonly FilterColumn[] = FILTER_ORDER, unindexed = false): SqlPart {
  let sql = '';
  const params: string[] = [];
  for (const col of FILTER_ORDER) {
    const v = filters[col];
    if (v === undefined || !only.includes(col)) continue;
    sql += unindexed ? ` AND +${col} = ?` : ` AND ${col} = ?`;
    params.push(v);
  }
  return { sql, params };
}

/** Columns of each bucketed table's `*_series` index before `bucket_ms` (migrations/001-initial.ts). */
const SERIES_INDEX: Record<string, readonly FilterColumn[]> = {
  endpoint: ['service', 'route'],
  background: ['service'],
  query: ['service', 'fingerprint'],
  query_route: ['service', 'route'],
  finding: ['service', 'route'],
};

/**
 * Filters for a bucketed table. The database has no ANALYZE statistics, so SQLite prefers any
 * equality on an index to the primary key's bucket_ms range: with `service = ?` alone it read the
 * service's whole history through the series index (compare, 7 d window: 48 ms, 25 ms once bounded
 * by bucket_ms; api-latency.bench.ts, 50 endpoints). The series index is only allowed when it pins
 * every column before bucket_ms; otherwise the time range on the primary key bounds the work.
 */
function bucketFilters(table: string, filters: Filters, only: readonly FilterColumn[] | undefined): SqlPart {
  const applied = (c: FilterColumn) => filters[c] !== undefined && (only === undefined || only.includes(c));
  const series = SERIES_INDEX[table] ?? [];
  return filterSql(filters, only, !(series.length > 0 && series.every(applied)));
}

/** The pieces of a range served by hour rows and by minute rows, so no bucket is counted twice. */
export interface RangeSplit {
  hour: [number, number];
  minuteHead: [number, number];
  minuteTail: [number, number];
}

/**
 * Whole hours already rolled up come from `*_hour`, the ragged edges and the not-yet-rolled present
 * from `*_minute` (storage/SCHEMA.md "rollup_state"). Minute rows past their 48 h retention are gone,
 * so a ragged edge older than that reads as empty rather than double-counted.
 */
export function splitRange(db: Database, table: string, range: TimeRange): RangeSplit {
  // One watermark per table base name (storage/rollup.ts), since each table is rolled up on its own.
  const row = prepared(db, 'SELECT done_before_ms AS done FROM rollup_state WHERE name = ?').get(table) as
    | { done: number }
    | undefined;
  const done = row?.done ?? 0;
  const hs = Math.ceil(range.fromMs / HOUR_MS) * HOUR_MS;
  const he = Math.min(Math.floor(range.toMs / HOUR_MS) * HOUR_MS, Math.floor(done / HOUR_MS) * HOUR_MS);
  if (hs >= he) return { hour: [0, 0], minuteHead: [range.fromMs, range.toMs], minuteTail: [0, 0] };
  return { hour: [hs, he], minuteHead: [range.fromMs, hs], minuteTail: [he, range.toMs] };
}

/**
 * `(SELECT cols FROM t_hour ... UNION ALL SELECT cols FROM t_minute ... UNION ALL ...)` over the split
 * range with the filters applied in every branch; use it as a FROM source. The two minute edges are
 * separate branches rather than one OR, so a key condition pushed into them (pageQuantiles) can seek
 * the series index in each range instead of scanning both.
 */
export function bucketedSource(
  db: Database,
  table: string,
  columns: string,
  range: TimeRange,
  filters: Filters,
  only?: readonly FilterColumn[],
): SqlPart {
  const s = splitRange(db, table, range);
  const f = bucketFilters(table, filters, only);
  const branch = (t: string) => `SELECT ${columns} FROM ${t} WHERE bucket_ms >= ? AND bucket_ms < ?${f.sql}`;
  const sql = `(${branch(`${table}_hour`)} UNION ALL ${branch(`${table}_minute`)} UNION ALL ${branch(`${table}_minute`)})`;
  return { sql, params: [...s.hour, ...f.params, ...s.minuteHead, ...f.params, ...s.minuteTail, ...f.params] };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Ratio that is 0 instead of NaN/Infinity when the denominator is 0 (JSON has no NaN). */
export const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

/** Bucket width for a time series over `range`: minute points (<= 360) up to 6 h, else hours. */
export function seriesStepMs(range: TimeRange): number {
  return range.toMs - range.fromMs <= 6 * HOUR_MS ? 60_000 : HOUR_MS;
}

/**
 * Source for a series at `stepMs`: minute steps read only minute rows (hour rows would land as one
 * spike at the hour start); hour steps read the split range like any other window.
 */
export function seriesSource(
  db: Database,
  table: string,
  columns: string,
  range: TimeRange,
  filters: Filters,
  only: readonly FilterColumn[],
  stepMs: number,
): SqlPart {
  if (stepMs >= HOUR_MS) return bucketedSource(db, table, columns, range, filters, only);
  const f = bucketFilters(table, filters, only);
  return {
    sql: `(SELECT ${columns} FROM ${table}_minute WHERE bucket_ms >= ? AND bucket_ms < ?${f.sql})`,
    params: [range.fromMs, range.toMs, ...f.params],
  };
}
