import type { Database } from 'better-sqlite3';
import { iso, ratio, round3, seriesSource, seriesStepMs } from './bucketed-source.js';
import type { Filters, TimeRange } from './bucketed-source.js';
import { listFindings } from './findings.js';
import type { FindingSummary } from './findings.js';
import { listQueries } from './queries.js';
import type { QueryStatsRow } from './queries.js';
import { listSlowQueries } from './slow-queries.js';
import type { SlowQuery } from './slow-queries.js';
import { stringArray } from './json-column.js';
import { prepared } from './statement-cache.js';
import { mergedSketchSql } from '../sketch-sql.js';

const SKETCH = mergedSketchSql();

export interface QuerySeriesPoint {
  time: string;
  calls: number;
  total_ms: number;
  mean_ms: number;
  p95_ms: number | null;
  max_ms: number;
}

export interface QueryDetail {
  /** One entry per service that ran this fingerprint in the range (usually one). */
  stats: QueryStatsRow[];
  normalized: string;
  operation: string;
  tables: string[];
  first_seen: string;
  last_seen: string;
  step_seconds: number;
  series: QuerySeriesPoint[];
  slow_samples: SlowQuery[];
  findings: FindingSummary[];
}

interface InfoRaw {
  normalized: string;
  operation: string;
  tables: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

/** One fingerprint over `range`; null when no retained service ever ran it. */
export function getQueryDetail(db: Database, range: TimeRange, fingerprint: string, filters: Filters): QueryDetail | null {
  const f: Filters = { ...filters, fingerprint };
  const info = (
    filters.service === undefined
      ? prepared(db, `SELECT normalized, operation, tables, MIN(first_seen_ms) AS first_seen_ms, MAX(last_seen_ms) AS last_seen_ms
           FROM queries WHERE fingerprint = ? GROUP BY fingerprint`).get(fingerprint)
      : prepared(db, `SELECT normalized, operation, tables, first_seen_ms, last_seen_ms FROM queries
           WHERE fingerprint = ? AND service = ?`).get(fingerprint, filters.service)
  ) as InfoRaw | undefined;
  if (info === undefined) return null;
  const stepMs = seriesStepMs(range);
  return {
    stats: listQueries(db, range, f, 'total_time', { limit: 100, offset: 0 }).items,
    normalized: info.normalized,
    operation: info.operation,
    tables: stringArray(info.tables),
    first_seen: iso(info.first_seen_ms),
    last_seen: iso(info.last_seen_ms),
    step_seconds: stepMs / 1000,
    series: seriesOf(db, range, f, stepMs),
    slow_samples: listSlowQueries(db, range, f, 'time', { limit: 20, offset: 0 }).items,
    findings: listFindings(db, range, f, { limit: 100, offset: 0 }).items,
  };
}

function seriesOf(db: Database, range: TimeRange, filters: Filters, stepMs: number): QuerySeriesPoint[] {
  const perRoute = filters.route !== undefined || filters.method !== undefined;
  const src = seriesSource(db, perRoute ? 'query_route' : 'query', 'bucket_ms, calls, total_ms, max_ms, sketch', range, filters,
    perRoute ? ['service', 'version', 'fingerprint', 'method', 'route'] : ['service', 'version', 'fingerprint'], stepMs);
  const sql = `WITH g AS MATERIALIZED (
      SELECT (bucket_ms / ?) * ? AS t, SUM(calls) AS calls, SUM(total_ms) AS total_ms, MAX(max_ms) AS max_ms,
             ${SKETCH} AS sk
      FROM ${src.sql} GROUP BY t)
    SELECT t, calls, total_ms, max_ms, ddsketch_quantile(sk, 0.95) AS p95 FROM g ORDER BY t`;
  type Raw = { t: number; calls: number; total_ms: number; max_ms: number; p95: number | null };
  const rows = prepared(db, sql).all(stepMs, stepMs, ...src.params) as Raw[];
  return rows.map((r) => ({
    time: iso(r.t), calls: r.calls, total_ms: round3(r.total_ms) ?? 0, mean_ms: round3(ratio(r.total_ms, r.calls)) ?? 0,
    p95_ms: round3(r.p95), max_ms: round3(r.max_ms) ?? 0,
  }));
}
