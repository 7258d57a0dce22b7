import type { Database } from 'better-sqlite3';
import type { SampleBody, SampleSpan } from '../../collector/aggregate/aggregate-batch.js';
import type { Breakdown } from '../../collector/contract.js';
import { iso, round3 } from './bucketed-source.js';
import { stringArray } from './json-column.js';
import { prepared } from './statement-cache.js';

export interface StoredSpan {
  span_id: string;
  parent_span_id: string;
  name: string;
  category: string;
  offset_ms: number;
  duration_ms: number;
  error: boolean;
  fingerprint: string | null;
  /** Normalised SQL (raw only when the operator opted in). */
  statement: string | null;
  operation: string | null;
  duplicate: boolean;
  rows: number | null;
  /** true hit, false miss, null when not a cache call or not reported. */
  cache_hit: boolean | null;
  detail: string;
  /** Types of the request's findings this span is part of. */
  finding_types: string[];
}

export interface StoredFinding {
  type: string;
  fingerprint: string;
  occurrences: number;
  total_ms: number;
  span_ids: string[];
  suggestion: string;
}

export interface StoredRequest {
  trace_id: string;
  span_id: string;
  time: string;
  service: string;
  version: string;
  kind: string;
  method: string;
  route: string;
  status: number;
  error: boolean;
  partial: boolean;
  duration_ms: number;
  reasons: string[];
  breakdown: Record<string, number>;
  spans: StoredSpan[];
  findings: StoredFinding[];
  /** Other processes' requests kept for the same trace (fetch one with span_id). */
  other_requests: { service: string; span_id: string; method: string; route: string }[];
}

interface SampleRaw {
  time_ms: number;
  service: string;
  version: string;
  kind: string;
  method: string;
  route: string;
  trace_id: string;
  span_id: string;
  duration_ms: number;
  status: number;
  error: number;
  partial: number;
  reasons: string;
  body: string;
}

/** The stored request of a trace (its earliest, or the one whose root is `spanId`); null if none. */
export function getStoredRequest(db: Database, traceId: string, spanId?: string): StoredRequest | null {
  const rows = prepared(
    db,
    `SELECT time_ms, service, version, kind, method, route, trace_id, span_id, duration_ms, status, error, partial,
            reasons, body FROM samples WHERE trace_id = ? ORDER BY time_ms, id LIMIT 50`,
  ).all(traceId) as SampleRaw[];
  const row = spanId === undefined ? rows[0] : rows.find((r) => r.span_id === spanId);
  if (row === undefined) return null;
  const body = JSON.parse(row.body) as SampleBody;
  const typesBySpan = new Map<string, string[]>();
  for (const f of body.findings) {
    for (const id of f.spanIds) typesBySpan.set(id, [...(typesBySpan.get(id) ?? []), f.type]);
  }
  return {
    trace_id: row.trace_id,
    span_id: row.span_id,
    time: iso(row.time_ms),
    service: row.service,
    version: row.version,
    kind: row.kind,
    method: row.method,
    route: row.route,
    status: row.status,
    error: row.error === 1,
    partial: row.partial === 1,
    duration_ms: round3(row.duration_ms) ?? 0,
    reasons: stringArray(row.reasons),
    breakdown: breakdownJson(body.breakdown),
    spans: body.spans.map((s) => toStoredSpan(s, typesBySpan.get(s.spanId) ?? [])),
    findings: body.findings.map((f) => ({
      type: f.type,
      fingerprint: f.fingerprint,
      occurrences: f.occurrences,
      total_ms: round3(f.totalMs) ?? 0,
      span_ids: f.spanIds,
      suggestion: f.suggestion,
    })),
    other_requests: rows
      .filter((r) => r !== row)
      .map((r) => ({ service: r.service, span_id: r.span_id, method: r.method, route: r.route })),
  };
}

function breakdownJson(b: Breakdown): Record<string, number> {
  const ms = (x: number) => round3(x) ?? 0;
  return {
    duration_ms: ms(b.durationMs), db_ms: ms(b.dbMs), cache_ms: ms(b.cacheMs), template_ms: ms(b.templateMs),
    middleware_ms: ms(b.middlewareMs), outbound_ms: ms(b.outboundMs), self_ms: ms(b.selfMs), db_queries: b.dbQueries,
    distinct_fingerprints: b.distinctFingerprints, cache_hits: b.cacheHits, cache_misses: b.cacheMisses,
    cache_unknown: b.cacheUnknown, errors: b.errors,
  };
}

/** One human-readable line per category: what a reader needs next to the bar in a waterfall. */
function detailOf(s: SampleSpan): string {
  if (s.cache !== null) return [s.cache.operation, s.cache.backend, s.cache.keyPrefix].filter((x) => x !== '').join(' ');
  if (s.template !== '') return s.template;
  if (s.middleware !== null) return [s.middleware.class, s.middleware.hook].filter((x) => x !== '').join('.');
  if (s.http !== null) return s.http.serverAddress !== '' ? s.http.serverAddress : s.http.route;
  if (s.task !== '') return s.task;
  return '';
}

function toStoredSpan(s: SampleSpan, findingTypes: string[]): StoredSpan {
  return {
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    name: s.name,
    category: s.category,
    offset_ms: round3(s.offsetMs) ?? 0,
    duration_ms: round3(s.durationMs) ?? 0,
    error: s.error,
    fingerprint: s.sql?.fingerprint ?? null,
    statement: s.statement !== '' ? s.statement : (s.sql?.normalized ?? null),
    operation: s.sql?.operation ?? null,
    duplicate: s.duplicate,
    rows: s.rows < 0 ? null : s.rows,
    cache_hit: s.cache === null || s.cache.result === 'unknown' ? null : s.cache.result === 'hit',
    detail: detailOf(s),
    finding_types: findingTypes,
  };
}
