// Test support: builds AnalysedRequest objects the way analyse would, with a consistent breakdown,
// so read-side tests can populate a real database through the real aggregator and writer.
import type {
  AnalysedRequest,
  AnalysedSpan,
  Category,
  Finding,
  Resource,
  Span,
} from '../../collector/contract.js';

export interface TestQuery {
  fingerprint: string;
  normalized: string;
  operation?: string;
  tables?: string[];
  ms: number;
  duplicate?: boolean;
}

export interface TestRequestInput {
  service?: string;
  version?: string;
  method?: string;
  route?: string;
  traceId: string;
  startMs: number;
  durationMs: number;
  status?: number;
  queries?: TestQuery[];
  cache?: { hit: boolean; ms: number }[];
  templateMs?: number;
  middlewareMs?: number;
  outboundMs?: number;
  findings?: Omit<Finding, 'service' | 'method' | 'route' | 'traceId'>[];
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0').slice(-width);

function resourceOf(service: string, version: string): Resource {
  return { serviceName: service, serviceNameUnknown: false, serviceVersion: version, environment: 'test', serviceInstanceId: 'w1' };
}

function baseSpan(resource: Resource, traceId: string, spanId: string, parent: string, name: string, startMs: number, ms: number): Span {
  return {
    traceId, spanId, parentSpanId: parent, parentIsRemote: false, name, kind: parent === '' ? 2 : 1,
    startMs, durationMs: ms, statusCode: 0,
    statusMessage: '', hasException: false, exceptionType: '', scope: 'test', resource,
    httpMethod: '', httpRoute: '', httpStatus: 0, serverAddress: '', dbSystem: '', dbNamespace: '',
    dbStatement: '', dbOperation: '', dbParamsHash: '', dbRows: -1, hotpathKind: '', cacheResult: 'unknown',
    cacheOperation: '', cacheBackend: '', cacheKeyPrefix: '', cacheHits: 0, cacheMisses: 0, templateName: '',
    middlewareClass: '', middlewareHook: '', viewFunction: '', taskName: '', truncatedAttributes: 0,
  };
}

/** Child spans are laid out back to back from the request start, so offsets are predictable. */
export function makeRequest(input: TestRequestInput): AnalysedRequest {
  const service = input.service ?? 'shop';
  const method = input.method ?? 'GET';
  const route = input.route ?? 'books/';
  const status = input.status ?? 200;
  const resource = resourceOf(service, input.version ?? '1.0');
  const rootId = hex(1, 16);
  const root = baseSpan(resource, input.traceId, rootId, '', `${method} ${route}`, input.startMs, input.durationMs);
  root.httpMethod = method;
  root.httpRoute = route;
  root.httpStatus = status;
  const spans: AnalysedSpan[] = [{ span: root, category: 'request', sql: null, duplicate: false }];
  let cursor = input.startMs;
  const add = (category: Category, name: string, ms: number, fill?: (s: Span) => void): AnalysedSpan => {
    const s = baseSpan(resource, input.traceId, hex(spans.length + 1, 16), rootId, name, cursor, ms);
    cursor += ms;
    fill?.(s);
    const a: AnalysedSpan = { span: s, category, sql: null, duplicate: false };
    spans.push(a);
    return a;
  };
  if (input.middlewareMs) add('middleware', 'middleware', input.middlewareMs, (s) => (s.middlewareClass = 'M'));
  const queries = input.queries ?? [];
  for (const q of queries) {
    const a = add('db', q.operation ?? 'SELECT', q.ms, (s) => {
      s.dbSystem = 'postgresql';
      s.dbStatement = q.normalized;
      s.dbOperation = q.operation ?? 'SELECT';
    });
    a.sql = { fingerprint: q.fingerprint, normalized: q.normalized, operation: q.operation ?? 'SELECT', tables: q.tables ?? [] };
    a.duplicate = q.duplicate ?? false;
  }
  const cache = input.cache ?? [];
  for (const c of cache) add('cache', 'cache get', c.ms, (s) => (s.cacheResult = c.hit ? 'hit' : 'miss'));
  if (input.templateMs) add('template', 'render', input.templateMs, (s) => (s.templateName = 'page.html'));
  if (input.outboundMs) add('outbound_http', 'GET', input.outboundMs, (s) => (s.serverAddress = 'api.example'));
  const dbMs = queries.reduce((t, q) => t + q.ms, 0);
  const cacheMs = cache.reduce((t, c) => t + c.ms, 0);
  const childMs = cursor - input.startMs;
  const findings: Finding[] = (input.findings ?? []).map((f) => ({ ...f, service, method, route, traceId: input.traceId }));
  return {
    kind: 'request', traceId: input.traceId, spanId: rootId, resource, method, route, status,
    error: status >= 500, startMs: input.startMs, partial: false, spans, findings,
    breakdown: {
      durationMs: input.durationMs, dbMs, cacheMs, templateMs: input.templateMs ?? 0,
      middlewareMs: input.middlewareMs ?? 0, outboundMs: input.outboundMs ?? 0,
      selfMs: Math.max(0, input.durationMs - childMs), dbQueries: queries.length,
      distinctFingerprints: new Set(queries.map((q) => q.fingerprint)).size,
      cacheHits: cache.filter((c) => c.hit).length, cacheMisses: cache.filter((c) => !c.hit).length,
      cacheUnknown: 0, errors: status >= 500 ? 1 : 0,
    },
  };
}
