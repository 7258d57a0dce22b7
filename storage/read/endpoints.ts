import type { Database } from 'better-sqlite3';
import { bucketedSource, ratio, round3 } from './bucketed-source.js';
import type { Filters, TimeRange } from './bucketed-source.js';
import { pageOf } from './page.js';
import type { Page, PageRequest } from './page.js';
import { prepared } from './statement-cache.js';
import { mergedSketchSql, sketchQuantile } from '../sketch-sql.js';

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

type Group = Omit<EndpointRow, 'mean_ms' | 'share' | 'p50_ms' | 'p95_ms' | 'p99_ms'> & {
  /** The group's merged duration sketch (sketch-codec layout), null when no row had one. */
  sk: Uint8Array | null;
  /** The quantile a quantile sort ranks by (null when the group has no sketch). */
  sortQ: number | null;
};

const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
/** Ties keep a stable order: by service, method, route (UTF-16 order; SQLite's would be UTF-8's). */
const byKey = (a: Group, b: Group): number => cmp(a.service, b.service) || cmp(a.method, b.method) || cmp(a.route, b.route);
const desc = (x: number, y: number): number => (x === y ? 0 : x > y ? -1 : 1);
const descNull = (x: number | null, y: number | null): number => desc(x ?? -Infinity, y ?? -Infinity);

// The whitelist: a sort key from the client selects one of these comparators, nothing else.
const ORDER_BY: Record<EndpointSort, (a: Group, b: Group) => number> = {
  total_time: (a, b) => desc(a.total_ms, b.total_ms) || byKey(a, b),
  p95: (a, b) => descNull(a.sortQ, b.sortQ) || byKey(a, b),
  p99: (a, b) => descNull(a.sortQ, b.sortQ) || byKey(a, b),
  mean: (a, b) => desc(a.total_ms / a.count, b.total_ms / b.count) || byKey(a, b),
  count: (a, b) => desc(a.count, b.count) || byKey(a, b),
  errors: (a, b) => desc(a.errors, b.errors) || desc(a.total_ms, b.total_ms) || byKey(a, b),
};

/** The quantile a quantile sort ranks by. */
const SORT_QUANTILE: Partial<Record<EndpointSort, number>> = { p95: 0.95, p99: 0.99 };

const SOURCE_COLUMNS =
  'service, kind, method, route, count, errors, total_ms, max_ms, sketch, db_ms, db_count, cache_ms, ' +
  'cache_hits, cache_misses, template_ms, middleware_ms, outbound_ms, self_ms';

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
  // One statement sums and merges every group's sketch; the share's denominator, the ranking, the
  // page and the page's quantiles are then done here. Endpoints are few (tens to hundreds), and for
  // them one merging pass beat ranking by sums first and merging the page's sketches in a second
  // statement (queries.ts does that): 50 endpoints over 24 h, 11 against 16 ms CPU; 150, 29-33 ms
  // both (api-latency.bench.ts). Ranking in SQL took two materialised CTEs, a window sum and three
  // quantile calls a row through SQLite: 0.66-0.69 ms for 46 endpoints over 15 minutes, against
  // 0.36 ms for the sums pass and the rest here (bench/README.md, session 12).
  const sql = `
    SELECT service, kind, method, route, SUM(count) AS count, SUM(errors) AS errors,
           SUM(total_ms) AS total_ms, MAX(max_ms) AS max_ms,
           SUM(db_ms) AS db_ms, SUM(db_count) AS db_queries, SUM(cache_ms) AS cache_ms,
           SUM(cache_hits) AS cache_hits, SUM(cache_misses) AS cache_misses, SUM(template_ms) AS template_ms,
           SUM(middleware_ms) AS middleware_ms, SUM(outbound_ms) AS outbound_ms, SUM(self_ms) AS self_ms,
           ${SKETCH} AS sk
    FROM ${src.sql}
    GROUP BY service, kind, method, route`;
  const groups = prepared(db, sql).all(...src.params) as Group[];
  let allMs = 0;
  for (const g of groups) allMs += g.total_ms;
  const q = SORT_QUANTILE[sort];
  for (const g of groups) g.sortQ = q === undefined ? null : sketchQuantile(g.sk, q);
  groups.sort(ORDER_BY[sort]);
  const p = pageOf(groups.slice(page.offset, page.offset + page.limit + 1), page);
  return { items: p.items.map((g) => toEndpointRow(g, allMs)), nextOffset: p.nextOffset };
}

function toEndpointRow(r: Group, allMs: number): EndpointRow {
  return {
    service: r.service,
    kind: r.kind,
    method: r.method,
    route: r.route,
    count: r.count,
    errors: r.errors,
    total_ms: round3(r.total_ms) ?? 0,
    mean_ms: round3(ratio(r.total_ms, r.count)) ?? 0,
    share: ratio(r.total_ms, allMs),
    p50_ms: round3(sketchQuantile(r.sk, 0.5)),
    p95_ms: round3(sketchQuantile(r.sk, 0.95)),
    p99_ms: round3(sketchQuantile(r.sk, 0.99)),
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
