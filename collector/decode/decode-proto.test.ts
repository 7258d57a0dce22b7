import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, SpanKind as ApiSpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { assertSameAsSdk, byName, serialize, serializeJson } from './testdata/sdk-compare.js';
import { decodeJsonRequest } from './index.js';
import { cat, fixed32, len, request as rawRequest, span as rawSpan, str } from './testdata/proto-writer.js';
import { decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from './index.js';
import { backgroundSpecs, buildSpans, djangoBatch, djangoScenario, requestSpecs } from './testdata/django-spans.js';
import { plainSpan } from './span-factory.js';

describe('decodeProtoRequest on bytes from the OTel JS protobuf serializer', () => {
  const sdk = djangoScenario();
  const result = decodeProtoRequest(serialize(sdk), DEFAULT_DECODE_OPTIONS);

  test('returns every span with ids, names, kinds, exact nanosecond times and scopes as sent', () => {
    assert.equal(result.rejectedSpans, 0);
    assert.equal(result.rejectMessage, '');
    assertSameAsSdk(result.spans, sdk);
  });

  test('maps the resource, preferring deployment.environment.name over deployment.environment', () => {
    const r = result.spans[0]!.resource;
    assert.deepEqual({ ...r }, {
      serviceName: 'shop-web', serviceNameUnknown: false, serviceVersion: '1.4.2',
      environment: 'production', serviceInstanceId: '6f1c1e7e-3c55-4a55-9b1c-1f1d2c3b4a59',
    });
    assert.ok(result.spans.every((s) => s.resource === r), 'one Resource object shared by reference');
  });

  test('maps dup-mode HTTP server attributes once, and keeps no server.address on SERVER spans', () => {
    const [ok, failed] = [byName(result.spans, 'GET /api/orders/<int:order_id>/')[0]!, byName(result.spans, 'GET /api/cart/')[0]!];
    assert.equal(ok.httpMethod, 'GET');
    assert.equal(ok.httpRoute, '/api/orders/<int:order_id>/');
    assert.equal(ok.httpStatus, 200);
    assert.equal(ok.serverAddress, '');
    assert.equal(ok.viewFunction, 'shop.views.order_detail');
    assert.equal(ok.hasException, false);
    assert.equal(failed.httpStatus, 500);
    assert.equal(failed.statusCode, 2);
    assert.equal(failed.hasException, true);
    assert.equal(failed.exceptionType, 'ValueError');
  });

  test('maps database spans and keeps only a hash of the bound parameters', () => {
    const db = byName(result.spans, 'SELECT');
    assert.equal(db.length, 3);
    for (const s of db) {
      assert.equal(s.dbSystem, 'postgresql');
      assert.equal(s.dbNamespace, 'shop');
      assert.match(s.dbStatement, /^SELECT "shop_order"\."id".* LIMIT 21$/);
      assert.equal(s.serverAddress, 'db.internal');
      assert.equal(s.dbRows, 1);
    }
    const expectedHash = createHash('sha1').update('(17,)').digest('hex').slice(0, 16);
    assert.equal(db[0]!.dbParamsHash, expectedHash);
    assert.notEqual(db[1]!.dbParamsHash, expectedHash);
    assert.ok(!JSON.stringify(db, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).includes('(17,)'));
  });

  test('maps hotpath-django cache, template and middleware spans', () => {
    const cache = byName(result.spans, 'django.cache.get_many')[0]!;
    assert.deepEqual(
      [cache.hotpathKind, cache.cacheOperation, cache.cacheBackend, cache.cacheKeyPrefix, cache.cacheResult, cache.cacheHits, cache.cacheMisses],
      ['cache', 'get_many', 'django_redis.cache.RedisCache', 'order', 'miss', 3, 1],
    );
    const tpl = byName(result.spans, 'django.template.render shop/order.html')[0]!;
    assert.equal(tpl.hotpathKind, 'template');
    assert.equal(tpl.templateName, 'shop/order.html');
    const mw = byName(result.spans, 'django.middleware shop.middleware.TenantMiddleware.__call__')[0]!;
    assert.deepEqual([mw.hotpathKind, mw.middlewareClass, mw.middlewareHook], ['middleware', 'shop.middleware.TenantMiddleware', '__call__']);
  });

  test('keeps only the host of an outbound URL, never its credentials, path or query', () => {
    const out = byName(result.spans, 'POST').find((s) => s.kind === 3)!;
    assert.equal(out.serverAddress, 'api.payments.example');
    assert.equal(out.httpMethod, 'POST');
    assert.equal(out.httpStatus, 502);
    assert.ok(!Object.values(out).some((v) => typeof v === 'string' && (v.includes('token') || v.includes('pw@'))));
  });

  test('maps redis command, Celery task names, Jinja2 templates and old-only semconv', () => {
    const redis = byName(result.spans, 'GET').find((s) => s.dbSystem === 'redis')!;
    assert.deepEqual([redis.cacheOperation, redis.dbStatement, redis.serverAddress], ['GET', 'GET ?', 'redis.internal']);
    assert.equal(byName(result.spans, 'run/shop.tasks.send_receipt')[0]!.taskName, 'shop.tasks.send_receipt');
    const producer = byName(result.spans, 'apply_async/shop.tasks.send_receipt')[0]!;
    assert.deepEqual([producer.taskName, producer.serverAddress], ['shop.tasks.send_receipt', 'broker.internal']);
    assert.equal(byName(result.spans, 'jinja2.render')[0]!.templateName, 'mail/receipt.txt');
    const old = byName(result.spans, 'POST').find((s) => s.kind === 2)!;
    assert.deepEqual([old.httpMethod, old.httpStatus, old.viewFunction, old.serverAddress], ['POST', 404, 'legacy_view', '']);
  });

  test('gives every span the same property order (one hidden class)', () => {
    const keys = Object.keys(result.spans[0]!).join();
    assert.ok(result.spans.every((s) => Object.keys(s).join() === keys));
  });
});

describe('decodeProtoRequest limits and defaults', () => {
  test('cuts attribute values above maxAttributeLength and counts them per span and per request', () => {
    const sdk = djangoBatch(27); // one request: 20 DB statements of 125 chars
    const r = decodeProtoRequest(serialize(sdk), { maxAttributeLength: 50 });
    const db = r.spans.filter((s) => s.dbSystem === 'postgresql');
    assert.equal(db.length, 20);
    assert.ok(db.every((s) => s.dbStatement.length === 50 && s.truncatedAttributes === 1));
    assert.ok(r.truncatedAttributes >= 20);
    assert.equal(r.truncatedAttributes, r.spans.reduce((n, s) => n + s.truncatedAttributes, 0));
  });

  test('treats unknown_service:<exe> and a missing service.name as unnamed', () => {
    const named = decodeProtoRequest(serialize(buildSpans([backgroundSpecs()], { 'service.name': 'unknown_service:python3' })), DEFAULT_DECODE_OPTIONS);
    assert.deepEqual([named.spans[0]!.resource.serviceName, named.spans[0]!.resource.serviceNameUnknown], ['unknown_service:python3', true]);
    const missing = decodeProtoRequest(serialize(buildSpans([backgroundSpecs()], { 'host.name': 'x' })), DEFAULT_DECODE_OPTIONS);
    assert.deepEqual({ ...missing.spans[0]!.resource }, {
      serviceName: 'unknown_service', serviceNameUnknown: true, serviceVersion: '', environment: '', serviceInstanceId: '',
    });
  });

  test('reads a 512-span batch completely', () => {
    const sdk = djangoBatch(512);
    const r = decodeProtoRequest(serialize(sdk), DEFAULT_DECODE_OPTIONS);
    assertSameAsSdk(r.spans, sdk);
  });

  test('decodes the empty body as a request with no spans', () => {
    assert.deepEqual(decodeProtoRequest(new Uint8Array(0), DEFAULT_DECODE_OPTIONS), {
      spans: [], idHalves: new Int32Array(0), rejectedSpans: 0, rejectMessage: '', truncatedAttributes: 0,
    });
  });

  test('keeps the newest semconv key whatever order the attributes arrive in', () => {
    const specs = requestSpecs('/r/', 1, false);
    const db = specs[2]!;
    // Reverse insertion order: new keys first, old keys after.
    db.attributes = Object.fromEntries(Object.entries(db.attributes).reverse());
    db.attributes['db.statement'] = 'SELECT old';
    db.attributes['db.system'] = 'oldsystem';
    const r = decodeProtoRequest(serialize(buildSpans([specs])), DEFAULT_DECODE_OPTIONS);
    const s = r.spans.find((x) => x.name === 'SELECT')!;
    assert.equal(s.dbSystem, 'postgresql');
    assert.match(s.dbStatement, /^SELECT "shop_order"/);
  });
});

describe('spans recorded by a real SDK tracer', () => {
  test('decode identically from protobuf and JSON and match the SDK spans', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'sdk-test', 'service.version': '2' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('opentelemetry.instrumentation.django');
    const root = tracer.startSpan('GET /items/', { kind: ApiSpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/items/' } });
    const dbAttrs = { 'db.system.name': 'sqlite', 'db.query.text': 'SELECT 1' };
    tracer.startSpan('SELECT', { kind: ApiSpanKind.CLIENT, attributes: dbAttrs }, trace.setSpan(context.active(), root)).end();
    root.recordException(new TypeError('boom'));
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'TypeError: boom' });
    root.end();
    await provider.forceFlush();
    const sdk = exporter.getFinishedSpans();
    assert.equal(sdk.length, 2);
    const pb = decodeProtoRequest(serialize(sdk), DEFAULT_DECODE_OPTIONS);
    assertSameAsSdk(pb.spans, sdk);
    const server = byName(pb.spans, 'GET /items/')[0]!;
    assert.deepEqual([server.httpMethod, server.httpRoute, server.hasException, server.exceptionType, server.resource.serviceName], ['GET', '/items/', true, 'TypeError', 'sdk-test']);
    const db = byName(pb.spans, 'SELECT')[0]!;
    assert.equal(db.parentSpanId, server.spanId);
    assert.deepEqual([db.dbSystem, db.dbStatement], ['sqlite', 'SELECT 1']);
    const js = decodeJsonRequest(serializeJson(sdk), DEFAULT_DECODE_OPTIONS);
    assert.deepEqual(js.spans.map((s) => ({ ...plainSpan(s), resource: { ...s.resource } })), pb.spans.map((s) => ({ ...plainSpan(s), resource: { ...s.resource } })));
    await provider.shutdown();
  });
});

describe('field order on the wire', () => {
  test('a repeated parent id counts last, in the id string and in the id halves handed to the store alike', () => {
    const parent = Buffer.from('00f067aa0ba902b7', 'hex');
    const zero = Buffer.alloc(8);
    const cleared = decodeProtoRequest(rawRequest(rawSpan({ parentSpanId: parent, extra: str(4, zero) })), DEFAULT_DECODE_OPTIONS);
    const set = decodeProtoRequest(rawRequest(rawSpan({ parentSpanId: zero, extra: str(4, parent) })), DEFAULT_DECODE_OPTIONS);
    assert.equal(cleared.spans[0]!.parentSpanId, '');
    assert.deepEqual([...cleared.idHalves!], [0xb7ad6b71 | 0, 0x69203331, 0, 0]);
    assert.equal(set.spans[0]!.parentSpanId, '00f067aa0ba902b7');
    assert.deepEqual([...set.idHalves!], [0xb7ad6b71 | 0, 0x69203331, 0x00f067aa, 0x0ba902b7]);
  });

  test('accepts resource after scope_spans, scope after spans and value before key', () => {
    const attr = len(9, cat(len(2, str(1, 'GET')), str(1, 'http.request.method'))); // value first
    const spanBytes = rawSpan({ extra: cat(attr, fixed32(16, 0x300)) });
    const scopeSpans = cat(len(2, spanBytes), len(1, str(1, 'late.scope')));
    const resource = len(1, len(1, cat(len(2, str(1, 'late-service')), str(1, 'service.name'))));
    const body = len(1, cat(len(2, scopeSpans), resource));
    const r = decodeProtoRequest(body, DEFAULT_DECODE_OPTIONS);
    assert.equal(r.spans.length, 1);
    const s = r.spans[0]!;
    assert.deepEqual([s.scope, s.resource.serviceName, s.httpMethod, s.parentIsRemote], ['late.scope', 'late-service', 'GET', true]);
  });
});
