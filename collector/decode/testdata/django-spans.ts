// Django-shaped ReadableSpans for decoder tests, fixtures and the benchmark. They are fed to the real
// OTel JS serializers, so the bytes under test are what an OTel SDK really sends. Attribute sets follow
// django-otel-conventions.md (old, new and dup semconv; hotpath-django keys).
import type { Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource as OtelResource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

export interface SpanSpec {
  name: string;
  /** API SpanKind (0 INTERNAL, 1 SERVER, 2 CLIENT, 3 PRODUCER, 4 CONSUMER); OTLP adds one. */
  kind: number;
  scope: string;
  attributes: Attributes;
  events?: TimedEvent[];
  status?: { code: number; message?: string };
  parentIndex?: number;
  remoteParent?: string;
  durationNs: number;
}

export const DJANGO_RESOURCE_ATTRIBUTES: Attributes = {
  'service.name': 'shop-web',
  'service.version': '1.4.2',
  'deployment.environment.name': 'production',
  'deployment.environment': 'prod-legacy',
  'service.instance.id': '6f1c1e7e-3c55-4a55-9b1c-1f1d2c3b4a59',
  'telemetry.sdk.language': 'python',
  'telemetry.sdk.name': 'opentelemetry',
  'process.pid': 4242,
  'host.name': 'web-1',
};

const SQL = 'SELECT "shop_order"."id", "shop_order"."customer_id", "shop_order"."total" FROM "shop_order" WHERE "shop_order"."id" = %s LIMIT 21';

/** One request of every span shape the decoder maps, in parent-before-child order. */
export function requestSpecs(route: string, dbSpans: number, error: boolean): SpanSpec[] {
  const specs: SpanSpec[] = [
    {
      name: `GET ${route}`, kind: 1, scope: 'opentelemetry.instrumentation.django', durationNs: 48_123_457,
      attributes: {
        'http.method': 'GET', 'http.request.method': 'GET', 'http.route': route,
        'http.status_code': error ? 500 : 200, 'http.response.status_code': error ? 500 : 200,
        'server.address': 'shop.example.com', 'net.peer.name': 'client.example.net',
        'url.path': '/api/orders/17/', 'url.query': 'token=secret', 'user_agent.original': 'loadgen/1.0',
        'hotpath.django.view': 'shop.views.order_detail', 'code.function.name': 'order_detail',
      },
      status: error ? { code: 2, message: 'ValueError: bad order' } : { code: 0 },
      remoteParent: 'b7ad6b7169203331',
      events: error ? [{ name: 'exception', time: [1763700000, 999_999_999], attributes: {
        'exception.type': 'ValueError', 'exception.message': 'bad order', 'exception.stacktrace': 'Traceback...' } }] : [],
    },
    {
      name: 'django.middleware shop.middleware.TenantMiddleware.__call__', kind: 0, scope: 'hotpath_django',
      parentIndex: 0, durationNs: 45_000_001,
      attributes: { 'hotpath.kind': 'middleware', 'hotpath.middleware.class': 'shop.middleware.TenantMiddleware', 'hotpath.middleware.hook': '__call__' },
    },
  ];
  for (let i = 0; i < dbSpans; i++) {
    specs.push({
      name: 'SELECT', kind: 2, scope: 'opentelemetry.instrumentation.psycopg', parentIndex: 0, durationNs: 812_345 + i,
      attributes: {
        'db.system': 'postgresql', 'db.system.name': 'postgresql', 'db.name': 'shop', 'db.namespace': 'shop',
        'db.statement': SQL, 'db.query.text': SQL, 'db.user': 'shop', 'net.peer.name': 'db.internal',
        'server.address': 'db.internal', 'net.peer.port': 5432, 'db.statement.parameters': `(${17 + i},)`,
        'db.response.returned_rows': 1,
      },
    });
  }
  specs.push(
    {
      name: 'GET', kind: 2, scope: 'opentelemetry.instrumentation.redis', parentIndex: 0, durationNs: 210_001,
      attributes: { 'db.system': 'redis', 'db.statement': 'GET ?', 'net.peer.name': 'redis.internal', 'db.redis.database_index': 0 },
    },
    {
      name: 'django.cache.get_many', kind: 0, scope: 'hotpath_django', parentIndex: 0, durationNs: 400_003,
      attributes: {
        'hotpath.kind': 'cache', 'hotpath.cache.operation': 'get_many', 'hotpath.cache.backend': 'django_redis.cache.RedisCache',
        'hotpath.cache.key_prefix': 'order', 'hotpath.cache.key': 'order:17:secret', 'hotpath.cache.hit': false,
        'hotpath.cache.hits': 3, 'hotpath.cache.misses': 1,
      },
    },
    {
      name: 'django.template.render shop/order.html', kind: 0, scope: 'hotpath_django', parentIndex: 0, durationNs: 3_000_007,
      attributes: { 'hotpath.kind': 'template', 'hotpath.template.name': 'shop/order.html', 'hotpath.template.engine': 'django' },
    },
    {
      name: 'POST', kind: 2, scope: 'opentelemetry.instrumentation.requests', parentIndex: 0, durationNs: 25_000_011,
      attributes: {
        'http.request.method': 'POST', 'url.full': 'https://user:pw@api.payments.example:8443/v1/charge?token=secret',
        'http.response.status_code': 502, 'error.type': '502',
      },
    },
  );
  return specs;
}

/** Spans outside a request: a Celery worker span (task name only in the span name) and a Jinja2 render. */
export function backgroundSpecs(): SpanSpec[] {
  return [
    { name: 'run/shop.tasks.send_receipt', kind: 4, scope: 'opentelemetry.instrumentation.celery', durationNs: 5_000_000,
      remoteParent: '00f067aa0ba902b7', attributes: { 'celery.action': 'run', 'messaging.message.id': 'abc' } },
    { name: 'apply_async/shop.tasks.send_receipt', kind: 3, scope: 'opentelemetry.instrumentation.celery', durationNs: 1_000,
      attributes: { 'celery.action': 'apply_async', 'celery.task_name': 'shop.tasks.send_receipt', 'net.peer.name': 'broker.internal' } },
    { name: 'jinja2.render', kind: 0, scope: 'opentelemetry.instrumentation.jinja2', durationNs: 77,
      attributes: { 'jinja2.template_name': 'mail/receipt.txt' } },
    { name: 'POST', kind: 1, scope: 'opentelemetry.instrumentation.django', durationNs: 9_000_000,
      attributes: { 'http.method': 'POST', 'http.status_code': '404', 'http.url': 'http://testserver/missing/?q=1', 'code.function': 'legacy_view' } },
  ];
}

function hex(n: number, bytes: number): string {
  return (n + 1).toString(16).padStart(bytes * 2, '0');
}

/**
 * Builds ReadableSpans; ids are deterministic (counter-based) so fixtures are reproducible. Start
 * times are above 2^53 ns with odd nanoseconds, so any float conversion of fixed64 would show.
 */
export function buildSpans(groups: SpanSpec[][], resourceAttrs: Attributes = DJANGO_RESOURCE_ATTRIBUTES): ReadableSpan[] {
  const resource: OtelResource = resourceFromAttributes(resourceAttrs);
  const out: ReadableSpan[] = [];
  let id = 0;
  groups.forEach((specs, g) => {
    const traceId = `4bf92f3577b34da6a3ce929d${hex(g, 4)}`;
    const ids: string[] = [];
    specs.forEach((s, i) => {
      const spanId = hex(0x10000000 + id++, 8);
      ids.push(spanId);
      const start: HrTime = [1763700000 + g, 123_456_789 + i * 1001];
      const endTotal = start[1] + s.durationNs;
      const end: HrTime = [start[0] + Math.floor(endTotal / 1e9), endTotal % 1e9];
      const ctx: SpanContext = { traceId, spanId, traceFlags: 1 };
      const parentId = s.parentIndex !== undefined ? ids[s.parentIndex] : s.remoteParent;
      const parent: SpanContext | undefined = parentId === undefined ? undefined
        : { traceId, spanId: parentId, traceFlags: 1, isRemote: s.parentIndex === undefined };
      out.push({
        name: s.name, kind: s.kind, spanContext: () => ctx, parentSpanContext: parent, startTime: start, endTime: end,
        status: s.status ?? { code: 0 }, attributes: s.attributes, links: [], events: s.events ?? [],
        duration: [Math.floor(s.durationNs / 1e9), s.durationNs % 1e9], ended: true, resource,
        instrumentationScope: { name: s.scope, version: '0.60b0' },
        droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
      });
    });
  });
  return out;
}

/** A realistic export batch of about `n` spans: requests of 1 server + 20 DB + 6 other spans. */
export function djangoBatch(n: number): ReadableSpan[] {
  const groups: SpanSpec[][] = [];
  let count = 0;
  for (let g = 0; count < n; g++) {
    const specs = requestSpecs(`/api/orders/<int:order_id>/`, 20, g % 10 === 9);
    groups.push(specs);
    count += specs.length;
  }
  return buildSpans(groups).slice(0, n);
}

/** The curated scenario used by the mapping tests: two requests (one failing) plus background spans. */
export function djangoScenario(): ReadableSpan[] {
  return buildSpans([requestSpecs('/api/orders/<int:order_id>/', 2, false), requestSpecs('/api/cart/', 1, true), backgroundSpecs()]);
}
