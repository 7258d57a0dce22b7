// Builders of contract objects for tests and benchmarks (no pipeline needed to exercise storage).
import type { AnalysedRequest, AnalysedSpan, Breakdown, Category, Finding, Resource, Span } from '../contract.js';

export function makeResource(over: Partial<Resource> = {}): Resource {
  return { serviceName: 'shop', serviceNameUnknown: false, serviceVersion: '1.0.0', environment: 'prod', serviceInstanceId: '', ...over };
}

let nextId = 1;
const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');

export function makeSpan(over: Partial<Span> = {}): Span {
  const id = nextId++;
  const startMs = over.startMs ?? 1_700_000_000_000;
  const durationMs = over.durationMs ?? 1;
  return {
    traceId: hex(1, 32), spanId: hex(id, 16), parentSpanId: '', parentIsRemote: false, name: 'span', kind: 1,
    startMs, durationMs, statusCode: 0, statusMessage: '', hasException: false, exceptionType: '', scope: '',
    resource: makeResource(), httpMethod: '', httpRoute: '', httpStatus: 0, serverAddress: '', dbSystem: '',
    dbNamespace: '', dbStatement: '', dbOperation: '', dbParamsHash: '', dbRows: -1, hotpathKind: '',
    cacheResult: 'unknown', cacheOperation: '', cacheBackend: '', cacheKeyPrefix: '', cacheHits: 0, cacheMisses: 0,
    templateName: '', middlewareClass: '', middlewareHook: '', viewFunction: '', taskName: '', truncatedAttributes: 0,
    ...over,
  };
}

/** A DB span with its SqlInfo; `fingerprint` doubles as a stand-in for the real hash. */
export function makeDbSpan(fingerprint: string, durationMs: number, over: Partial<Span> = {}, duplicate = false): AnalysedSpan {
  const normalized = `SELECT * FROM t_${fingerprint} WHERE id = ?`;
  return {
    span: makeSpan({ name: 'SELECT', kind: 3, dbSystem: 'postgresql', dbStatement: normalized.replace('?', '42'), durationMs, ...over }),
    category: 'db',
    sql: { fingerprint, normalized, operation: 'SELECT', tables: [`t_${fingerprint}`] },
    duplicate,
  };
}

export function makeOtherSpan(category: Category, durationMs: number, over: Partial<Span> = {}): AnalysedSpan {
  return { span: makeSpan({ durationMs, ...over }), category, sql: null, duplicate: false };
}

export function makeBreakdown(over: Partial<Breakdown> = {}): Breakdown {
  return {
    durationMs: 10, dbMs: 0, cacheMs: 0, templateMs: 0, middlewareMs: 0, outboundMs: 0, selfMs: 0, dbQueries: 0,
    distinctFingerprints: 0, cacheHits: 0, cacheMisses: 0, cacheUnknown: 0, errors: 0, ...over,
  };
}

export function makeFinding(over: Partial<Finding> = {}): Finding {
  return {
    type: 'n_plus_one', service: 'shop', method: 'GET', route: '/books/', fingerprint: 'aaaa', occurrences: 10,
    totalMs: 20, traceId: hex(1, 32), spanIds: [], suggestion: "use select_related('author')", ...over,
  };
}

export interface RequestOptions extends Partial<Omit<AnalysedRequest, 'breakdown'>> {
  breakdown?: Partial<Breakdown>;
}

export function makeRequest(opts: RequestOptions = {}): AnalysedRequest {
  const { breakdown, ...rest } = opts;
  const startMs = rest.startMs ?? 1_700_000_000_000;
  return {
    kind: 'request', traceId: hex(nextId++, 32), spanId: hex(nextId++, 16), resource: makeResource(), method: 'GET',
    route: '/books/', status: 200, error: false, startMs, partial: false, spans: [], findings: [],
    breakdown: makeBreakdown({ ...breakdown }), ...rest,
  };
}
