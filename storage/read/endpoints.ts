import type { Database } from 'better-sqlite3';
import { bucketedSource, ratio, round3 } from './bucketed-source.js';
import type { Filters, TimeRange } from './bucketed-source.js';
import { pageOf } from './page.js';
import type { Page, PageRequest } from './page.js';
import { prepared } from './statement-cache.js';
import { mergedSketchSql } from '../sketch-sql.js';

const SKETCH = mergedSketchSql();

export interface EndpointRow {
  service: string;
  kind: string;
  method: string;
  route: string;
  count: number;
  errors: number;
  total_ms: number;
  mean_ms: number;
  /** This endpoint's part of all request time in the selection (sums to 1 over all endpoints). */
  share: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number;
  db_ms: number;
  db_queries: number;
  cache_ms: number;
  cache_hits: number;
  cache_misses: number;
  template_ms: number;
  middleware_ms: number;
  outbound_ms: number;
  self_ms: number;
}

export const ENDPOINT_SORTS = ['total_time', 'p95', 'p99', 'mean', 'count', 'errors'] as const;
export type EndpointSort = (typeof ENDPOINT_SORTS)[number];

// The whitelist: a sort key from the client selects one of these constant clauses, nothing else.
// They name the group sums of `g` (and sort_q, the sort quantile, for the quantile sorts).
const ORDER_BY: Record<EndpointSort, string> = {
  total_time: 'total_ms DESC',
  p95: 'sort_q DESC',
  p99: 'sort_q DESC',
  mean: 'total_ms / count DESC',
  count: 'count DESC',
  errors: 'errors DESC, total_ms DESC',
};

/** The quantile a quantile sort ranks by. */
const SORT_QUANTILE: Partial<Record<EndpointSort, number>> = { p95: 0.95, p99: 0.99 };

const SOURCE_COLUMNS =
  'service, kind, method, route, count, errors, total_ms, max_ms, sketch, db_ms, db_count, cache_ms, ' +
  'cache_hits, cache_misses, template_ms, middleware_ms, outbound_ms, self_ms';

type RawEndpoint = Omit<EndpointRow, 'mean_ms' | 'share' | 'p50_ms' | 'p95_ms' | 'p99_ms'> & {
  all_ms: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};

/** Per-endpoint totals over `range`, ranked by `sort`; `kind` defaults to Django requests. */
export function listEndpoints(
  db: Database,
  range: TimeRange,
  filters: Filters,
  sort: EndpointSort,
  page: PageRequest,
): Page<EndpointRow> {
  const src = bucketedSource(db, 'endpoint', SOURCE_COLUMNS, range, { kind: 'request', ...filters }, [
    'service', 'version', 'kind', 'method', 'route',
  ]);
  const q = SORT_QUANTILE[sort];
  // One pass merges every group's sketch along with the sums. Endpoints are few (tens to hundreds),
  // and for them this beat ranking by sums first and merging the page's sketches in a second
  // statement (queries.ts does that): 50 endpoints over 24 h, 11 against 16 ms CPU; 150, 29-33 ms
  // both (api-latency.bench.ts). The share denominator is a window sum over every group, taken
  // before LIMIT cuts the page; quantiles are read for the page's rows only.
  const sql = `
    WITH g AS MATERIALIZED (
      SELECT service, kind, method, route, SUM(count) AS count, SUM(errors) AS errors,
             SUM(total_ms) AS total_ms, MAX(max_ms) AS max_ms,
             SUM(db_ms) AS db_ms, SUM(db_count) AS db_queries, SUM(cache_ms) AS cache_ms,
             SUM(cache_hits) AS cache_hits, SUM(cache_misses) AS cache_misses, SUM(template_ms) AS template_ms,
             SUM(middleware_ms) AS middleware_ms, SUM(outbound_ms) AS outbound_ms, SUM(self_ms) AS self_ms,
             ${SKETCH} AS sk
      FROM ${src.sql}
      GROUP BY service, kind, method, route
    ), p AS MATERIALIZED (
      SELECT *, SUM(total_ms) OVER () AS all_ms${q === undefined ? '' : ', ddsketch_quantile(sk, ?) AS sort_q'}
      FROM g ORDER BY ${ORDER_BY[sort]}, service, method, route LIMIT ? OFFSET ?
    )
    SELECT service, kind, method, route, count, errors, total_ms, all_ms, max_ms, db_ms, db_queries, cache_ms,
           cache_hits, cache_misses, template_ms, middleware_ms, outbound_ms, self_ms,
           ddsketch_quantile(sk, 0.5) AS p50, ddsketch_quantile(sk, 0.95) AS p95, ddsketch_quantile(sk, 0.99) AS p99
    FROM p ORDER BY ${ORDER_BY[sort]}, service, method, route`;
  const params = q === undefined ? src.params : [...src.params, q];
  const rows = prepared(db, sql).all(...params, page.limit + 1, page.offset) as RawEndpoint[];
  const p = pageOf(rows, page);
  return { items: p.items.map((r) => toEndpointRow(r)), nextOffset: p.nextOffset };
}

function toEndpointRow(r: RawEndpoint): EndpointRow {
  return {
    service: r.service,
    kind: r.kind,
    method: r.method,
    route: r.route,
    count: r.count,
    errors: r.errors,
    total_ms: round3(r.total_ms) ?? 0,
    mean_ms: round3(ratio(r.total_ms, r.count)) ?? 0,
    share: ratio(r.total_ms, r.all_ms),
    p50_ms: round3(r.p50),
    p95_ms: round3(r.p95),
    p99_ms: round3(r.p99),
    max_ms: round3(r.max_ms) ?? 0,
    db_ms: round3(r.db_ms) ?? 0,
    db_queries: r.db_queries,
    cache_ms: round3(r.cache_ms) ?? 0,
    cache_hits: r.cache_hits,
    cache_misses: r.cache_misses,
    template_ms: round3(r.template_ms) ?? 0,
    middleware_ms: round3(r.middleware_ms) ?? 0,
    outbound_ms: round3(r.outbound_ms) ?? 0,
    self_ms: round3(r.self_ms) ?? 0,
  };
}
