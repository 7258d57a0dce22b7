import type { Database } from 'better-sqlite3';
import { filterSql, iso, round3 } from './bucketed-source.js';
import type { Filters, TimeRange } from './bucketed-source.js';
import { pageOf } from './page.js';
import type { Page, PageRequest } from './page.js';
import { prepared } from './statement-cache.js';

export interface SlowQuery {
  time: string;
  service: string;
  version: string;
  method: string;
  route: string;
  trace_id: string;
  span_id: string;
  duration_ms: number;
  fingerprint: string;
  operation: string;
  rows: number | null;
  /** Normalised (literals as `?`) unless the operator opted in to raw SQL; then `raw` is true. */
  statement: string;
  raw: boolean;
}

export const SLOW_QUERY_SORTS = ['time', 'duration'] as const;
export type SlowQuerySort = (typeof SLOW_QUERY_SORTS)[number];

const ORDER_BY: Record<SlowQuerySort, string> = {
  time: 'time_ms DESC, id DESC',
  duration: 'duration_ms DESC, id DESC',
};

interface RawSlow {
  time_ms: number;
  service: string;
  version: string;
  method: string;
  route: string;
  trace_id: string;
  span_id: string;
  duration_ms: number;
  fingerprint: string;
  operation: string;
  rows: number;
  statement: string;
  raw: number;
}

/** The long-query log over `range`, newest (or slowest) first. */
export function listSlowQueries(
  db: Database,
  range: TimeRange,
  filters: Filters,
  sort: SlowQuerySort,
  page: PageRequest,
): Page<SlowQuery> {
  // The (service, fingerprint, time_ms) index only when both are pinned: with the service alone,
  // SQLite (no ANALYZE statistics) read the service's whole log instead of the window (see bucketed-source.ts).
  const pinned = filters.service !== undefined && filters.fingerprint !== undefined;
  const f = filterSql(filters, ['service', 'version', 'method', 'route', 'fingerprint'], !pinned);
  const sql = `SELECT time_ms, service, version, method, route, trace_id, span_id, duration_ms, fingerprint,
      operation, rows, statement, raw FROM slow_queries WHERE time_ms >= ? AND time_ms < ?${f.sql}
    ORDER BY ${ORDER_BY[sort]} LIMIT ? OFFSET ?`;
  const rows = prepared(db, sql).all(range.fromMs, range.toMs, ...f.params, page.limit + 1, page.offset) as RawSlow[];
  const p = pageOf(rows, page);
  return { items: p.items.map(toSlowQuery), nextOffset: p.nextOffset };
}

function toSlowQuery(r: RawSlow): SlowQuery {
  return {
    time: iso(r.time_ms),
    service: r.service,
    version: r.version,
    method: r.method,
    route: r.route,
    trace_id: r.trace_id,
    span_id: r.span_id,
    duration_ms: round3(r.duration_ms) ?? 0,
    fingerprint: r.fingerprint,
    operation: r.operation,
    rows: r.rows < 0 ? null : r.rows,
    statement: r.statement,
    raw: r.raw === 1,
  };
}
