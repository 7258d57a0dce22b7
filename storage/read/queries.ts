import type { Database } from 'better-sqlite3';
import { bucketedSource, ratio, round3 } from './bucketed-source.js';
import type { FilterColumn, Filters, TimeRange } from './bucketed-source.js';
import { pageOf } from './page.js';
import type { Page, PageRequest } from './page.js';
import { stringArray } from './json-column.js';
import { joinKey, pageQuantiles } from './page-quantiles.js';
import { prepared } from './statement-cache.js';
import { mergedSketchSql } from '../sketch-sql.js';

const SKETCH = mergedSketchSql();

export interface QueryRouteRef {
  method: string;
  route: string;
  calls: number;
  total_ms: number;
}

export interface QueryStatsRow {
  service: string;
  fingerprint: string;
  normalized: string;
  operation: string;
  tables: string[];
  db_system: string;
  calls: number;
  requests: number;
  /** Executions per request that ran the query at all (the N+1 signal). */
  calls_per_request: number;
  duplicates: number;
  errors: number;
  total_ms: number;
  mean_ms: number;
  p95_ms: number | null;
  max_ms: number;
  /** Routes that ran it in the range, most total time first. */
  routes: QueryRouteRef[];
}

export const QUERY_SORTS = ['total_time', 'calls', 'mean', 'max', 'p95'] as const;
export type QuerySort = (typeof QUERY_SORTS)[number];

const ORDER_BY: Record<QuerySort, string> = {
  total_time: 'g.total_ms DESC',
  calls: 'g.calls DESC',
  mean: 'g.total_ms / g.calls DESC',
  max: 'g.max_ms DESC',
  p95: 'g.sort_q DESC',
};

const STAT_COLUMNS = 'service, fingerprint, calls, requests, errors, duplicates, total_ms, max_ms, sketch';

interface RawQuery {
  service: string;
  fingerprint: string;
  normalized: string | null;
  operation: string | null;
  tables: string | null;
  db_system: string | null;
  calls: number;
  requests: number;
  errors: number;
  duplicates: number;
  total_ms: number;
  max_ms: number;
}

/**
 * Per (service, fingerprint) over `range`. A route or method filter reads the per-route tables,
 * so the figures are then those of the query inside that route only.
 */
export function listQueries(
  db: Database,
  range: TimeRange,
  filters: Filters,
  sort: QuerySort,
  page: PageRequest,
): Page<QueryStatsRow> {
  const perRoute = filters.route !== undefined || filters.method !== undefined;
  const cols: readonly FilterColumn[] = perRoute ? ['service', 'version', 'fingerprint', 'method', 'route'] : ['service', 'version', 'fingerprint'];
  const src = bucketedSource(db, perRoute ? 'query_route' : 'query', STAT_COLUMNS, range, filters, cols);
  const ranked = sort === 'p95';
  // Ranked by sums, the page's p95 is merged afterwards from its own rows (page-quantiles.ts); the
  // p95 sort needs every group's merged sketch, so its page reads them from the same pass.
  const sql = `
    WITH g AS MATERIALIZED (
      SELECT service, fingerprint, SUM(calls) AS calls, SUM(requests) AS requests, SUM(errors) AS errors,
             SUM(duplicates) AS duplicates, SUM(total_ms) AS total_ms, MAX(max_ms) AS max_ms
             ${ranked ? `, ${SKETCH} AS sk` : ''}
      FROM ${src.sql}
      GROUP BY service, fingerprint
    ), p AS MATERIALIZED (
      SELECT * FROM (SELECT *${ranked ? ', ddsketch_quantile(sk, 0.95) AS sort_q' : ''} FROM g) AS g
      ORDER BY ${ORDER_BY[sort]}, g.service, g.fingerprint LIMIT ? OFFSET ?
    )
    SELECT g.service, g.fingerprint, g.calls, g.requests, g.errors, g.duplicates, g.total_ms, g.max_ms,
           ${ranked ? 'ddsketch_quantile(g.sk, 0.95)' : 'NULL'} AS p95_ms, q.normalized, q.operation, q.tables, q.db_system
    FROM p AS g LEFT JOIN queries q ON q.service = g.service AND q.fingerprint = g.fingerprint
    ORDER BY ${ORDER_BY[sort]}, g.service, g.fingerprint`;
  const rows = prepared(db, sql).all(...src.params, page.limit + 1, page.offset) as (RawQuery & { p95_ms: number | null })[];
  const result = pageOf(rows, page);
  if (!ranked) {
    const keys = result.items.map((r) => [r.service, r.fingerprint]);
    const p95 = pageQuantiles(db, src, ['service', 'fingerprint'], keys, [0.95]);
    for (const r of result.items) r.p95_ms = p95.get(joinKey([r.service, r.fingerprint]))?.[0] ?? null;
  }
  const routes = routesOf(db, range, filters, [...new Set(result.items.map((r) => r.fingerprint))]);
  return {
    items: result.items.map((r) => toQueryStats(r, routes.get(joinKey([r.service, r.fingerprint])) ?? [])),
    nextOffset: result.nextOffset,
  };
}

/**
 * Routes running each of `fingerprints`, most time first, capped per fingerprint: a shared query
 * (the session lookup) runs everywhere. One statement for the whole page; the list is one bound
 * JSON parameter, so the SQL text never varies with the page.
 */
export function routesOf(
  db: Database,
  range: TimeRange,
  filters: Filters,
  fingerprints: string[],
  max = 20,
): Map<string, QueryRouteRef[]> {
  const out = new Map<string, QueryRouteRef[]>();
  if (fingerprints.length === 0) return out;
  const src = bucketedSource(db, 'query_route', 'service, fingerprint, method, route, calls, total_ms', range, filters, [
    'service', 'version', 'method', 'route',
  ]);
  const sql = `SELECT service, fingerprint, method, route, SUM(calls) AS calls, SUM(total_ms) AS total_ms FROM ${src.sql}
    WHERE fingerprint IN (SELECT value FROM json_each(?))
    GROUP BY service, fingerprint, method, route ORDER BY total_ms DESC, method, route`;
  type Raw = QueryRouteRef & { service: string; fingerprint: string };
  for (const r of prepared(db, sql).all(...src.params, JSON.stringify(fingerprints)) as Raw[]) {
    const key = joinKey([r.service, r.fingerprint]);
    const list = out.get(key) ?? [];
    if (list.length < max) list.push({ method: r.method, route: r.route, calls: r.calls, total_ms: round3(r.total_ms) ?? 0 });
    out.set(key, list);
  }
  return out;
}

function toQueryStats(r: RawQuery & { p95_ms: number | null }, routes: QueryRouteRef[]): QueryStatsRow {
  return {
    service: r.service,
    fingerprint: r.fingerprint,
    normalized: r.normalized ?? '',
    operation: r.operation ?? '',
    tables: stringArray(r.tables),
    db_system: r.db_system ?? '',
    calls: r.calls,
    requests: r.requests,
    calls_per_request: round3(ratio(r.calls, r.requests)) ?? 0,
    duplicates: r.duplicates,
    errors: r.errors,
    total_ms: round3(r.total_ms) ?? 0,
    mean_ms: round3(ratio(r.total_ms, r.calls)) ?? 0,
    p95_ms: round3(r.p95_ms),
    max_ms: round3(r.max_ms) ?? 0,
    routes,
  };
}
