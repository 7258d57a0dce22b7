// Copies a request's classified span tree into the plain shape stored in samples.body. Privacy:
// the raw statement is kept only on opt-in; cache keys, parameters and URLs never reach a Span.
import type { AnalysedRequest, AnalysedSpan } from '../contract.js';
import { StatusCode } from '../contract.js';
import type { SampleBody, SampleSpan } from './aggregate-batch.js';

function toSampleSpan(a: AnalysedSpan, requestStartMs: number, storeRawSql: boolean): SampleSpan {
  const s = a.span;
  const isCache = a.category === 'cache';
  const isHttp = a.category === 'request' || a.category === 'outbound_http';
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    category: a.category,
    kind: s.kind,
    offsetMs: s.startMs - requestStartMs,
    durationMs: s.durationMs,
    status: s.statusCode,
    error: s.statusCode === StatusCode.ERROR || s.hasException,
    exceptionType: s.exceptionType,
    sql: a.sql === null ? null : { fingerprint: a.sql.fingerprint, normalized: a.sql.normalized, operation: a.sql.operation, tables: a.sql.tables },
    statement: storeRawSql ? s.dbStatement : '',
    duplicate: a.duplicate,
    rows: s.dbRows,
    dbSystem: s.dbSystem,
    cache: isCache
      ? { result: s.cacheResult, operation: s.cacheOperation, backend: s.cacheBackend, keyPrefix: s.cacheKeyPrefix, hits: s.cacheHits, misses: s.cacheMisses }
      : null,
    template: s.templateName,
    middleware: s.middlewareClass === '' ? null : { class: s.middlewareClass, hook: s.middlewareHook },
    http: isHttp ? { method: s.httpMethod, route: s.httpRoute, status: s.httpStatus, serverAddress: s.serverAddress } : null,
    task: s.taskName,
  };
}

export function toSampleBody(req: AnalysedRequest, storeRawSql: boolean): SampleBody {
  return {
    breakdown: { ...req.breakdown },
    findings: req.findings.map((f) => ({ ...f, spanIds: [...f.spanIds] })),
    spans: req.spans.map((a) => toSampleSpan(a, req.startMs, storeRawSql)),
  };
}
