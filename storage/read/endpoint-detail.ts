import type { Database } from 'better-sqlite3';
import { bucketedSource, filterSql, iso, ratio, round3, seriesSource, seriesStepMs } from './bucketed-source.js';
import type { Filters, TimeRange } from './bucketed-source.js';
import { listEndpoints } from './endpoints.js';
import type { EndpointRow } from './endpoints.js';
import { listFindings } from './findings.js';
import type { FindingSummary } from './findings.js';
import { stringArray } from './json-column.js';
import { prepared } from './statement-cache.js';
import { mergedSketchSql } from '../sketch-sql.js';

const SKETCH = mergedSketchSql();

export interface EndpointKey {
  service: string;
  method: string;
  route: string;
}

export interface SeriesPoint {
  time: string;
  count: number;
  errors: number;
  total_ms: number;
  mean_ms: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  db_ms: number;
  db_queries: number;
  cache_ms: number;
  template_ms: number;
  middleware_ms: number;
  outbound_ms: number;
  self_ms: number;
}

export interface EndpointQuery {
  fingerprint: string;
  normalized: string;
  operation: string;
  calls: number;
  calls_per_request: number;
  duplicates: number;
  total_ms: number;
  mean_ms: number;
  p95_ms: number | null;
  max_ms: number;
  /** Part of the endpoint's request time spent in this query. */
  share_of_endpoint: number;
}

export interface EndpointSample {
  time: string;
  trace_id: string;
  span_id: string;
  duration_ms: number;
  status: number;
  error: boolean;
  reasons: string[];
  finding_types: string[];
}

export interface EndpointDetail {
  endpoint: EndpointRow;
  /** Bucket width of `series` in seconds: 60 up to a 6 h range, else 3600. */
  step_seconds: number;
  series: SeriesPoint[];
  top_queries: EndpointQuery[];
  findings: FindingSummary[];
  samples: EndpointSample[];
}

/** Everything about one endpoint over `range`; null when it has no requests there. */
export function getEndpointDetail(
  db: Database,
  range: TimeRange,
  key: EndpointKey,
  version: string | undefined,
): EndpointDetail | null {
  const filters: Filters = { ...key, version };
  const found = listEndpoints(db, range, { ...filters, kind: undefined }, 'total_time', { limit: 1, offset: 0 });
  const ep = found.items[0];
  if (ep === undefined) return null;
  const all = bucketedSource(db, 'endpoint', 'total_ms', range, { kind: 'request' }, ['kind']);
  const allMs = (prepared(db, `SELECT SUM(total_ms) AS ms FROM ${all.sql}`).get(...all.params) as { ms: number | null }).ms;
  const endpoint = { ...ep, share: ratio(ep.total_ms, allMs ?? 0) };
  const stepMs = seriesStepMs(range);
  return {
    endpoint,
    step_seconds: stepMs / 1000,
    series: seriesOf(db, range, filters, stepMs),
    top_queries: topQueries(db, range, filters, endpoint),
    findings: listFindings(db, range, filters, { limit: 100, offset: 0 }).items,
    samples: samplesOf(db, range, filters),
  };
}

function seriesOf(db: Database, range: TimeRange, filters: Filters, stepMs: number): SeriesPoint[] {
  const cols =
    'bucket_ms, count, errors, total_ms, sketch, db_ms, db_count, cache_ms, template_ms, middleware_ms, outbound_ms, self_ms';
  const src = seriesSource(db, 'endpoint', cols, range, filters, ['service', 'version', 'method', 'route'], stepMs);
  const sql = `
    WITH g AS MATERIALIZED (
      SELECT (bucket_ms / ?) * ? AS t, SUM(count) AS count, SUM(errors) AS errors, SUM(total_ms) AS total_ms,
             ${SKETCH} AS sk, SUM(db_ms) AS db_ms, SUM(db_count) AS db_queries,
             SUM(cache_ms) AS cache_ms, SUM(template_ms) AS template_ms, SUM(middleware_ms) AS middleware_ms,
             SUM(outbound_ms) AS outbound_ms, SUM(self_ms) AS self_ms
      FROM ${src.sql} GROUP BY t
    )
    SELECT t, count, errors, total_ms, db_ms, db_queries, cache_ms, template_ms, middleware_ms, outbound_ms, self_ms,
           ddsketch_quantile(sk, 0.5) AS p50, ddsketch_quantile(sk, 0.95) AS p95, ddsketch_quantile(sk, 0.99) AS p99
    FROM g ORDER BY t`;
  type Raw = Omit<SeriesPoint, 'time' | 'mean_ms' | 'p50_ms' | 'p95_ms' | 'p99_ms'> & {
    t: number; p50: number | null; p95: number | null; p99: number | null;
  };
  const rows = prepared(db, sql).all(stepMs, stepMs, ...src.params) as Raw[];
  const ms = (x: number) => round3(x) ?? 0;
  return rows.map((r) => ({
    time: iso(r.t), count: r.count, errors: r.errors, total_ms: ms(r.total_ms), mean_ms: ms(ratio(r.total_ms, r.count)),
    p50_ms: round3(r.p50), p95_ms: round3(r.p95), p99_ms: round3(r.p99), db_ms: ms(r.db_ms), db_queries: r.db_queries,
    cache_ms: ms(r.cache_ms), template_ms: ms(r.template_ms), middleware_ms: ms(r.middleware_ms),
    outbound_ms: ms(r.outbound_ms), self_ms: ms(r.self_ms),
  }));
}

function topQueries(db: Database, range: TimeRange, filters: Filters, ep: EndpointRow, max = 20): EndpointQuery[] {
  const src = bucketedSource(db, 'query_route', 'service, fingerprint, calls, duplicates, total_ms, max_ms, sketch', range, filters, [
    'service', 'version', 'method', 'route',
  ]);
  const sql = `
    WITH g AS MATERIALIZED (
      SELECT service, fingerprint, SUM(calls) AS calls, SUM(duplicates) AS duplicates, SUM(total_ms) AS total_ms,
             MAX(max_ms) AS max_ms, ${SKETCH} AS sk
      FROM ${src.sql} GROUP BY service, fingerprint
    )
    SELECT g.fingerprint, g.calls, g.duplicates, g.total_ms, g.max_ms, ddsketch_quantile(g.sk, 0.95) AS p95_ms,
           q.normalized, q.operation
    FROM g LEFT JOIN queries q ON q.service = g.service AND q.fingerprint = g.fingerprint
    ORDER BY g.total_ms DESC, g.fingerprint LIMIT ?`;
  type Raw = { fingerprint: string; normalized: string | null; operation: string | null; calls: number; duplicates: number;
    total_ms: number; max_ms: number; p95_ms: number | null };
  const rows = prepared(db, sql).all(...src.params, max) as Raw[];
  return rows.map((r) => ({
    fingerprint: r.fingerprint, normalized: r.normalized ?? '', operation: r.operation ?? '', calls: r.calls,
    calls_per_request: round3(ratio(r.calls, ep.count)) ?? 0, duplicates: r.duplicates,
    total_ms: round3(r.total_ms) ?? 0, mean_ms: round3(ratio(r.total_ms, r.calls)) ?? 0, p95_ms: round3(r.p95_ms),
    max_ms: round3(r.max_ms) ?? 0, share_of_endpoint: ratio(r.total_ms, ep.total_ms),
  }));
}

function samplesOf(db: Database, range: TimeRange, filters: Filters, max = 20): EndpointSample[] {
  const f = filterSql(filters, ['service', 'version', 'method', 'route']);
  const sql = `SELECT time_ms, trace_id, span_id, duration_ms, status, error, reasons, finding_types FROM samples
    WHERE time_ms >= ? AND time_ms < ?${f.sql} ORDER BY time_ms DESC, id DESC LIMIT ?`;
  type Raw = { time_ms: number; trace_id: string; span_id: string; duration_ms: number; status: number; error: number;
    reasons: string; finding_types: string };
  const rows = prepared(db, sql).all(range.fromMs, range.toMs, ...f.params, max) as Raw[];
  return rows.map((r) => ({
    time: iso(r.time_ms), trace_id: r.trace_id, span_id: r.span_id, duration_ms: round3(r.duration_ms) ?? 0,
    status: r.status, error: r.error === 1, reasons: stringArray(r.reasons), finding_types: stringArray(r.finding_types),
  }));
}
