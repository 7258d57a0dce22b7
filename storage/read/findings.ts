import type { Database } from 'better-sqlite3';
import { bucketedSource, iso, round3 } from './bucketed-source.js';
import type { Filters, TimeRange } from './bucketed-source.js';
import { pageOf } from './page.js';
import type { Page, PageRequest } from './page.js';
import { stringArray } from './json-column.js';
import { prepared } from './statement-cache.js';

export interface FindingSummary {
  type: string;
  service: string;
  method: string;
  route: string;
  fingerprint: string;
  /** Counters over the requested range. */
  occurrences: number;
  requests: number;
  total_ms: number;
  /** Most recent first (at most 5), from the whole retained history. */
  sample_trace_ids: string[];
  suggestion: string;
  /** First and last detection within the retained history, RFC 3339. */
  first_seen: string;
  last_seen: string;
}

export { FINDING_TYPES } from '../../collector/contract.js';

interface RawFinding {
  type: string;
  service: string;
  method: string;
  route: string;
  fingerprint: string;
  occurrences: number;
  requests: number;
  total_ms: number;
  sample_trace_ids: string | null;
  suggestion: string | null;
  first_seen_ms: number | null;
  last_seen_ms: number | null;
}

/** Findings detected in `range`, most time lost first. */
export function listFindings(db: Database, range: TimeRange, filters: Filters, page: PageRequest): Page<FindingSummary> {
  const src = bucketedSource(
    db,
    'finding',
    'service, method, route, type, fingerprint, occurrences, requests, total_ms',
    range,
    filters,
    ['service', 'version', 'method', 'route', 'type', 'fingerprint'],
  );
  const sql = `
    SELECT g.*, s.sample_trace_ids, s.suggestion, s.first_seen_ms, s.last_seen_ms
    FROM (
      SELECT service, method, route, type, fingerprint, SUM(occurrences) AS occurrences,
             SUM(requests) AS requests, SUM(total_ms) AS total_ms
      FROM ${src.sql}
      GROUP BY service, method, route, type, fingerprint
    ) g
    LEFT JOIN findings s ON s.service = g.service AND s.method = g.method AND s.route = g.route
      AND s.type = g.type AND s.fingerprint = g.fingerprint
    ORDER BY g.total_ms DESC, g.service, g.method, g.route, g.type, g.fingerprint
    LIMIT ? OFFSET ?`;
  const rows = prepared(db, sql).all(...src.params, page.limit + 1, page.offset) as RawFinding[];
  const p = pageOf(rows, page);
  return { items: p.items.map((r) => toFinding(r, range)), nextOffset: p.nextOffset };
}


function toFinding(r: RawFinding, range: TimeRange): FindingSummary {
  return {
    type: r.type,
    service: r.service,
    method: r.method,
    route: r.route,
    fingerprint: r.fingerprint,
    occurrences: r.occurrences,
    requests: r.requests,
    total_ms: round3(r.total_ms) ?? 0,
    sample_trace_ids: stringArray(r.sample_trace_ids),
    suggestion: r.suggestion ?? '',
    // The summary row can be missing only if retention dropped it first; the range is the best bound.
    first_seen: iso(r.first_seen_ms ?? range.fromMs),
    last_seen: iso(r.last_seen_ms ?? range.toMs),
  };
}
