// Django-shaped synthetic traces recorded through a real OTel JS tracer with explicit start
// times: what opentelemetry-instrumentation-django + psycopg + hotpath-django would send, without
// Python. Used by the `synthetic` CLI command (exported over OTLP) and by benchmarks
// (syntheticSpans: ReadableSpan[] from an in-memory exporter).

import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import conventions from '../hotpath-django/src/hotpath_django/conventions.json' with { type: 'json' };
import { planRoutes } from './synthetic-routes.js';
import type { RoutePlan } from './synthetic-routes.js';
import { poolStatement, spanNameFor } from './synthetic-sql.js';

const A = conventions.attributes;
const N = conventions.span_names;

export interface SyntheticOptions {
  /** Distinct `http.route`s. */
  routes: number;
  /** Distinct SQL fingerprints over all routes. */
  fingerprints: number;
  /** DB CLIENT spans per request, drawn uniformly from [dbSpansMin, dbSpansMax]. */
  dbSpansMin: number;
  dbSpansMax: number;
  /** Share of routes with an N+1 loop (5-15 repeats of a `... WHERE "x"."id" = %s LIMIT 21`). */
  nPlusOneShare: number;
  cacheSpans: number;
  /** Nested `django.middleware <class>.__call__` spans (at most MIDDLEWARE.length). */
  middlewareSpans: number;
  /** Share of requests answered 500 with an exception event. */
  errorRate: number;
  seed: number;
  serviceName: string;
  serviceVersion: string;
  environment: string;
}

export const DEFAULT_SYNTHETIC_OPTIONS: Readonly<SyntheticOptions> = Object.freeze({
  routes: 8,
  fingerprints: 40,
  dbSpansMin: 10,
  dbSpansMax: 40,
  nPlusOneShare: 0.25,
  cacheSpans: 2,
  middlewareSpans: 4,
  errorRate: 0.01,
  seed: 1,
  serviceName: 'django-demo',
  serviceVersion: '1.0.0',
  environment: 'loadgen',
});

const MIDDLEWARE = [
  'django.middleware.security.SecurityMiddleware',
  'django.contrib.sessions.middleware.SessionMiddleware',
  'django.middleware.common.CommonMiddleware',
  'django.middleware.csrf.CsrfViewMiddleware',
  'django.contrib.auth.middleware.AuthenticationMiddleware',
  'django.contrib.messages.middleware.MessageMiddleware',
];
const CACHE_BACKEND = 'django.core.cache.backends.redis.RedisCache';

/** mulberry32: small, fast, seedable; the traffic only needs to be reproducible, not random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RecordedRequest {
  traceId: string;
  route: string;
  spans: number;
  dbSpans: number;
  nPlusOneRepeats: number;
  endMs: number;
}

export function validateOptions(o: SyntheticOptions): void {
  const intAtLeast = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  };
  intAtLeast('dbSpansMin', o.dbSpansMin, 0);
  intAtLeast('dbSpansMax', o.dbSpansMax, o.dbSpansMin);
  intAtLeast('cacheSpans', o.cacheSpans, 0);
  intAtLeast('middlewareSpans', o.middlewareSpans, 0);
  if (o.middlewareSpans > MIDDLEWARE.length) throw new RangeError(`middlewareSpans must be <= ${MIDDLEWARE.length}`);
  for (const [name, v] of [['nPlusOneShare', o.nPlusOneShare], ['errorRate', o.errorRate]] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be within [0, 1], got ${v}`);
  }
}

/** Records Django-shaped requests through `provider`; times come from the caller, never a clock. */
export class SyntheticTraffic {
  readonly options: SyntheticOptions;
  readonly plans: RoutePlan[];
  private readonly rand: () => number;
  private readonly django: Tracer;
  private readonly db: Tracer;
  private readonly hotpath: Tracer;
  private next = 0;

  constructor(provider: TracerProvider, options: Partial<SyntheticOptions> = {}) {
    this.options = { ...DEFAULT_SYNTHETIC_OPTIONS, ...options };
    validateOptions(this.options);
    this.plans = planRoutes(this.options.routes, this.options.fingerprints, this.options.nPlusOneShare);
    this.rand = seededRandom(this.options.seed);
    this.django = provider.getTracer('opentelemetry.instrumentation.django', '0.55b0');
    this.db = provider.getTracer('opentelemetry.instrumentation.psycopg', '0.55b0');
    this.hotpath = provider.getTracer(conventions.scope, '0.1.0');
  }

  /** One request starting at `startMs` (ms since the epoch); routes are taken round-robin. */
  record(startMs: number): RecordedRequest {
    const plan = this.plans[this.next++ % this.plans.length] as RoutePlan;
    const o = this.options;
    const r = this.rand;
    const error = r() < o.errorRate;
    const status = error ? 500 : plan.method === 'POST' ? 302 : 200;
    const root = this.django.startSpan(`${plan.method} ${plan.route}`, {
      kind: SpanKind.SERVER,
      startTime: startMs,
      attributes: {
        'http.method': plan.method, 'http.route': plan.route, 'http.target': plan.path, 'http.scheme': 'http',
        'http.flavor': '1.1', 'net.host.name': '127.0.0.1:8000', [A.view]: plan.view,
      },
    });
    let t = startMs + 0.05;
    let parent: Span = root;
    const chain: Span[] = [];
    for (let m = 0; m < o.middlewareSpans; m++) {
      const cls = MIDDLEWARE[m] as string;
      parent = this.child(this.hotpath, parent, N.middleware.replace('{class}', cls).replace('{hook}', '__call__'), t, SpanKind.INTERNAL, {
        [A.kind]: conventions.kinds.middleware, [A.middleware_class]: cls, [A.middleware_hook]: '__call__',
      });
      chain.push(parent);
      t += 0.02 + r() * 0.1;
    }
    const dbSpans = o.dbSpansMin + Math.floor(r() * (o.dbSpansMax - o.dbSpansMin + 1));
    const repeats = plan.nPlusOne >= 0 ? Math.min(dbSpans, 5 + Math.floor(r() * 11)) : 0;
    const before = Math.floor((dbSpans - repeats) / 2);
    let cacheLeft = o.cacheSpans;
    for (let i = 0; i < before; i++) {
      if (cacheLeft > 0 && i % 3 === 0) { t = this.cacheCall(parent, t, plan); cacheLeft--; }
      t = this.query(parent, t, plan.statements[i % plan.statements.length] as number);
    }
    while (cacheLeft > 0) { t = this.cacheCall(parent, t, plan); cacheLeft--; }
    // The N+1 loop runs while the template renders (lazy FK access from the template).
    const tpl = this.child(this.hotpath, parent, N.template.replace('{name}', plan.template), t, SpanKind.INTERNAL, {
      [A.kind]: conventions.kinds.template, [A.template_name]: plan.template, [A.template_engine]: 'django',
    });
    t += 0.05;
    for (let i = 0; i < repeats; i++) t = this.query(tpl, t, plan.nPlusOne);
    for (let i = before; i < dbSpans - repeats; i++) t = this.query(tpl, t, plan.statements[i % plan.statements.length] as number);
    t += 0.2 + r() * 2;
    tpl.end(t);
    for (let m = chain.length - 1; m >= 0; m--) {
      t += 0.01 + r() * 0.05;
      (chain[m] as Span).end(t);
    }
    t += 0.05;
    root.setAttribute('http.status_code', status);
    if (error) {
      root.recordException({ name: 'ZeroDivisionError', message: 'division by zero' }, t);
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'ZeroDivisionError: division by zero' });
    }
    root.end(t);
    const spans = 2 + o.middlewareSpans + o.cacheSpans + dbSpans;
    return { traceId: root.spanContext().traceId, route: plan.route, spans, dbSpans, nPlusOneRepeats: repeats, endMs: t };
  }

  private child(tracer: Tracer, parent: Span, name: string, start: number, kind: SpanKind, attributes: Record<string, string | number | boolean>): Span {
    return tracer.startSpan(name, { kind, startTime: start, attributes }, trace.setSpan(context.active(), parent));
  }

  private hex32(): string {
    return Math.floor(this.rand() * 2 ** 32).toString(16).padStart(8, '0');
  }

  private query(parent: Span, t: number, k: number): number {
    const sql = poolStatement(k, 1 + Math.floor(this.rand() * 20));
    const span = this.child(this.db, parent, spanNameFor(sql), t, SpanKind.CLIENT, {
      'db.system': 'postgresql', 'db.name': 'demo', 'db.user': 'demo', 'db.statement': sql,
      'net.peer.name': '127.0.0.1', 'net.peer.port': 5432,
      // A hash of the bound values as hotpath-django sends it (16 hex characters, db.py
      // params_hash): N+1 iterations differ here.
      [A.db_params_hash]: this.hex32() + this.hex32(),
      [A.db_rows]: 1 + Math.floor(this.rand() * 20),
    });
    const end = t + 0.2 + this.rand() * 2.8;
    span.end(end);
    return end + 0.05 + this.rand() * 0.25;
  }

  private cacheCall(parent: Span, t: number, plan: RoutePlan): number {
    const hit = this.rand() < 0.7;
    const span = this.child(this.hotpath, parent, N.cache.replace('{operation}', 'get'), t, SpanKind.INTERNAL, {
      [A.kind]: conventions.kinds.cache, [A.cache_operation]: 'get', [A.cache_backend]: CACHE_BACKEND,
      [A.cache_alias]: 'default', [A.cache_key_prefix]: `${plan.view.split('.').pop() ?? 'view'}:`, [A.cache_hit]: hit,
    });
    const end = t + 0.1 + this.rand() * 0.4;
    span.end(end);
    return end + 0.02;
  }
}

export function syntheticResource(o: Pick<SyntheticOptions, 'serviceName' | 'serviceVersion' | 'environment'>, instance = 'loadgen-1'): Resource {
  return resourceFromAttributes({
    'service.name': o.serviceName, 'service.version': o.serviceVersion,
    'deployment.environment': o.environment, 'service.instance.id': instance,
    'telemetry.sdk.language': 'python', 'telemetry.sdk.name': 'opentelemetry',
  });
}

/**
 * `requests` synthetic requests as finished ReadableSpans (children before their parents, the
 * order they end in), one request every `spacingMs` from `startMs`. For benchmarks and tests.
 */
export function syntheticSpans(requests: number, options: Partial<SyntheticOptions> = {}, startMs = 1_767_225_600_000, spacingMs = 50): ReadableSpan[] {
  const o = { ...DEFAULT_SYNTHETIC_OPTIONS, ...options };
  const finished: ReadableSpan[] = [];
  // Collect on end directly: SimpleSpanProcessor + InMemorySpanExporter go through an async
  // export per span, which measured about 3x slower for the same spans.
  const collect: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) => void finished.push(span),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const provider = new BasicTracerProvider({ resource: syntheticResource(o), spanProcessors: [collect] });
  const traffic = new SyntheticTraffic(provider, o);
  for (let i = 0; i < requests; i++) traffic.record(startMs + i * spacingMs);
  return finished;
}
