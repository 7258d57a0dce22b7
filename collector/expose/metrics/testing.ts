// Builders of contract-shaped requests for the metrics tests (excluded from the build).
import type { AnalysedRequest, AnalysedSpan, Breakdown, Category, Finding, Resource, Span } from '../../contract.js';

export function resource(serviceName = 'shop', serviceVersion = '1.0.0'): Resource {
  return { serviceName, serviceNameUnknown: false, serviceVersion, environment: 'test', serviceInstanceId: 'w1' };
}

let idSeq = 0;
function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

export function span(over: Partial<Span> = {}): Span {
  idSeq++;
  const durationMs = over.durationMs ?? 1;
  return {
    traceId: hex(idSeq, 32), spanId: hex(idSeq, 16), parentSpanId: '', parentIsRemote: false, name: 'span', kind: 1,
    startMs: 0, durationMs, statusCode: 0, statusMessage: '',
    hasException: false, exceptionType: '', scope: '', resource: resource(), httpMethod: '', httpRoute: '', httpStatus: 0,
    serverAddress: '', dbSystem: '', dbNamespace: '', dbStatement: '', dbOperation: '', dbParamsHash: '', dbRows: -1,
    hotpathKind: '', cacheResult: 'unknown', cacheOperation: '', cacheBackend: '', cacheKeyPrefix: '', cacheHits: 0,
    cacheMisses: 0, templateName: '', middlewareClass: '', middlewareHook: '', viewFunction: '', taskName: '',
    truncatedAttributes: 0, ...over,
  };
}

export function analysedSpan(category: Category, over: Partial<Span> = {}, fingerprint = ''): AnalysedSpan {
  const s = span(over);
  const sql = fingerprint === '' ? null : { fingerprint, normalized: 'SELECT ?', operation: s.dbOperation || 'SELECT', tables: [] };
  return { span: s, category, sql, duplicate: false };
}

export function breakdown(over: Partial<Breakdown> = {}): Breakdown {
  return {
    durationMs: 100, dbMs: 0, cacheMs: 0, templateMs: 0, middlewareMs: 0, outboundMs: 0, selfMs: 100, dbQueries: 0,
    distinctFingerprints: 0, cacheHits: 0, cacheMisses: 0, cacheUnknown: 0, errors: 0, ...over,
  };
}

export function finding(type: Finding['type'], occurrences: number, route = 'api/items/'): Finding {
  return { type, service: 'shop', method: 'GET', route, fingerprint: '', occurrences, totalMs: 0, traceId: '', spanIds: [], suggestion: '' };
}

export interface RequestOptions {
  service?: string;
  version?: string;
  route?: string;
  method?: string;
  status?: number;
  kind?: AnalysedRequest['kind'];
  breakdown?: Partial<Breakdown>;
  spans?: AnalysedSpan[];
  findings?: Finding[];
  traceId?: string;
  spanId?: string;
}

export function request(o: RequestOptions = {}): AnalysedRequest {
  idSeq++;
  return {
    kind: o.kind ?? 'request',
    traceId: o.traceId ?? hex(idSeq, 32),
    spanId: o.spanId ?? hex(idSeq, 16),
    resource: resource(o.service ?? 'shop', o.version ?? '1.0.0'),
    method: o.method ?? 'GET',
    route: o.route ?? 'api/items/',
    status: o.status ?? 200,
    error: (o.status ?? 200) >= 500,
    startMs: 0,
    partial: false,
    spans: o.spans ?? [],
    breakdown: breakdown(o.breakdown),
    findings: o.findings ?? [],
  };
}

/** Value of the sample `name{labels}` in a text exposition (labels matched as a subset). */
export function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{ ]+)(?:\{(.*?)\})? (\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => got.includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return undefined;
}

const FINDING_TYPES: Finding['type'][] = ['n_plus_one', 'duplicate_query', 'slow_query', 'cache_heavy', 'slow_template', 'slow_middleware'];

/** A varied batch of requests that touches every request-derived metric family. */
export function sampleTraffic(round: number): AnalysedRequest[] {
  const out: AnalysedRequest[] = [];
  const routes = ['books/n-plus-one/', 'books/select-related/', 'reports/slow/', 'boom/'];
  for (let i = 0; i < 12; i++) {
    const route = routes[i % routes.length]!;
    const dbSpans = [1, 2, 3].map((k) =>
      analysedSpan('db', { dbSystem: 'postgresql', dbOperation: 'SELECT', durationMs: 2 * k + (i % 5) }, `${(k + 10).toString(16).padStart(16, '0')}`),
    );
    const spans = [
      ...dbSpans,
      analysedSpan('template', { templateName: 'shop/books.html', durationMs: 8 }),
      analysedSpan('middleware', { middlewareClass: 'django.contrib.sessions.middleware.SessionMiddleware', durationMs: 1 }),
      analysedSpan('middleware', { middlewareClass: 'django.middleware.common.CommonMiddleware', durationMs: 0.5 }),
    ];
    out.push(request({
      service: 'django-demo',
      version: round < 3 ? '1.0.0' : '1.1.0',
      route,
      status: route === 'boom/' ? 500 : 200,
      spans,
      findings: [finding(FINDING_TYPES[i % FINDING_TYPES.length]!, 6, route)],
      breakdown: { durationMs: 20 + 150 * (i % 4), dbMs: 12, cacheMs: 2, templateMs: 8, middlewareMs: 1, outboundMs: 3, selfMs: 4, dbQueries: 3 + i, cacheHits: 2, cacheMisses: 1 },
    }));
  }
  out.push(request({ service: 'django-demo', kind: 'task', route: 'shop.tasks.rebuild', status: 0 }));
  return out;
}
