// Row constructors and folding helpers for the aggregator; kept apart so aggregator.ts stays the
// control flow. Each fold mutates a row in place: no allocation per span beyond the first sight of a key.
import type { AnalysedRequest, Finding, Resource, Span, SqlInfo } from '../contract.js';
import { StatusCode } from '../contract.js';
import { RowSketch } from '../../storage/row-sketch.js';
import type { EndpointRow, FindingRow, QueryInfoRow, QueryRouteRow, QueryRow } from './aggregate-batch.js';
import { MAX_SAMPLE_TRACE_IDS } from './aggregate-batch.js';

/** Marks the last request that touched a row, so `requests` counts distinct requests without a Set. */
export interface Marked {
  lastSeq: number;
}

export function newEndpointRow(bucketMs: number, req: AnalysedRequest, kind: 'request' | 'task'): EndpointRow {
  return {
    bucketMs,
    service: req.resource.serviceName,
    version: req.resource.serviceVersion,
    kind,
    method: req.method,
    route: req.route,
    count: 0,
    errors: 0,
    partial: 0,
    status4xx: 0,
    status5xx: 0,
    totalMs: 0,
    maxMs: 0,
    sketch: new RowSketch(),
    dbMs: 0,
    dbCount: 0,
    cacheMs: 0,
    cacheHits: 0,
    cacheMisses: 0,
    cacheUnknown: 0,
    templateMs: 0,
    middlewareMs: 0,
    outboundMs: 0,
    selfMs: 0,
    findings: 0,
  };
}

export function foldEndpoint(row: EndpointRow, req: AnalysedRequest): void {
  const b = req.breakdown;
  const d = Math.max(0, b.durationMs);
  row.count++;
  if (req.error) row.errors++;
  if (req.partial) row.partial++;
  if (req.status >= 400 && req.status < 500) row.status4xx++;
  else if (req.status >= 500 && req.status < 600) row.status5xx++;
  row.totalMs += d;
  if (d > row.maxMs) row.maxMs = d;
  row.sketch.accept(d);
  row.dbMs += b.dbMs;
  row.dbCount += b.dbQueries;
  row.cacheMs += b.cacheMs;
  row.cacheHits += b.cacheHits;
  row.cacheMisses += b.cacheMisses;
  row.cacheUnknown += b.cacheUnknown;
  row.templateMs += b.templateMs;
  row.middlewareMs += b.middlewareMs;
  row.outboundMs += b.outboundMs;
  row.selfMs += b.selfMs;
  row.findings += req.findings.length;
}

export function newQueryRow(bucketMs: number, service: string, version: string, fingerprint: string): QueryRow & Marked {
  return {
    bucketMs,
    service,
    version,
    fingerprint,
    calls: 0,
    requests: 0,
    errors: 0,
    duplicates: 0,
    totalMs: 0,
    maxMs: 0,
    sketch: new RowSketch(),
    rows: 0,
    rowsCalls: 0,
    lastSeq: -1,
  };
}

/**
 * A query-by-route row as the aggregator holds it: with what the service-wide rows of its
 * fingerprint (query_minute, queries) are made from at drain (Aggregator.drain).
 */
export interface HeldQueryRouteRow extends QueryRouteRow, Marked {
  sql: SqlInfo;
  dbSystem: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

export function newQueryRouteRow(bucketMs: number, res: Resource, sql: SqlInfo, dbSystem: string, method: string, route: string, startMs: number): HeldQueryRouteRow {
  // Written out rather than spread over newQueryRow: one object of one shape per new row (a new row
  // per DB span is the common case at 1,000 routes, bench/ cost growth).
  return {
    bucketMs, service: res.serviceName, version: res.serviceVersion, fingerprint: sql.fingerprint, calls: 0, requests: 0, errors: 0,
    duplicates: 0, totalMs: 0, maxMs: 0, sketch: new RowSketch(), rows: 0, rowsCalls: 0, lastSeq: -1, method, route,
    sql, dbSystem, firstSeenMs: startMs, lastSeenMs: startMs,
  };
}

/** Adds a route's row of a fingerprint to the fingerprint's service-wide row. */
export function mergeQuery(into: QueryRow, from: QueryRow): void {
  into.calls += from.calls;
  // A request has one route, so its distinct requests per route add up to its distinct requests.
  into.requests += from.requests;
  into.errors += from.errors;
  into.duplicates += from.duplicates;
  into.totalMs += from.totalMs;
  if (from.maxMs > into.maxMs) into.maxMs = from.maxMs;
  into.sketch.merge(from.sketch);
  into.rows += from.rows;
  into.rowsCalls += from.rowsCalls;
}

/** The statement row of a fingerprint, from the first of its route rows (drain widens the time span). */
export function queryInfoFrom(row: HeldQueryRouteRow): QueryInfoRow {
  const sql = row.sql;
  return {
    service: row.service, fingerprint: sql.fingerprint, normalized: sql.normalized, operation: sql.operation,
    tables: [...sql.tables], dbSystem: row.dbSystem, firstSeenMs: row.firstSeenMs, lastSeenMs: row.lastSeenMs,
  };
}

export function foldQuery(row: HeldQueryRouteRow, span: Span, duplicate: boolean, seq: number): void {
  const d = Math.max(0, span.durationMs);
  if (span.startMs < row.firstSeenMs) row.firstSeenMs = span.startMs;
  if (span.startMs > row.lastSeenMs) row.lastSeenMs = span.startMs;
  row.calls++;
  if (row.lastSeq !== seq) {
    row.lastSeq = seq;
    row.requests++;
  }
  if (span.statusCode === StatusCode.ERROR || span.hasException) row.errors++;
  if (duplicate) row.duplicates++;
  row.totalMs += d;
  if (d > row.maxMs) row.maxMs = d;
  row.sketch.accept(d);
  if (span.dbRows >= 0) {
    row.rows += span.dbRows;
    row.rowsCalls++;
  }
}

export function newFindingRow(bucketMs: number, version: string, f: Finding, timeMs: number): FindingRow & Marked {
  return {
    bucketMs,
    service: f.service,
    version,
    method: f.method,
    route: f.route,
    type: f.type,
    fingerprint: f.fingerprint,
    occurrences: 0,
    requests: 0,
    totalMs: 0,
    firstSeenMs: timeMs,
    lastSeenMs: timeMs,
    suggestion: f.suggestion,
    sampleTraceIds: [],
    lastSeq: -1,
  };
}

export function foldFinding(row: FindingRow & Marked, f: Finding, timeMs: number, seq: number): void {
  row.occurrences += f.occurrences;
  row.totalMs += f.totalMs;
  if (row.lastSeq !== seq) {
    row.lastSeq = seq;
    row.requests++;
    if (!row.sampleTraceIds.includes(f.traceId)) {
      row.sampleTraceIds.unshift(f.traceId);
      if (row.sampleTraceIds.length > MAX_SAMPLE_TRACE_IDS) row.sampleTraceIds.pop();
    }
  }
  if (timeMs < row.firstSeenMs) row.firstSeenMs = timeMs;
  if (timeMs > row.lastSeenMs) row.lastSeenMs = timeMs;
  if (f.suggestion !== '') row.suggestion = f.suggestion;
}
