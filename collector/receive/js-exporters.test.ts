// The real OpenTelemetry JS exporters (OTLP/HTTP JSON, OTLP/HTTP protobuf, OTLP/gRPC) send
// Django-shaped spans to real receivers; every span that arrives is compared with what was sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, SpanKind as ApiKind, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { Span } from '../contract.js';
import { startTestReceivers, waitFor, type TestReceivers } from './testing.js';

function recordDjangoRequest(tracer: Tracer): void {
  const t0 = Date.now() - 1000;
  const root = tracer.startSpan('GET books/<int:pk>/', {
    kind: ApiKind.SERVER,
    startTime: t0,
    attributes: { 'http.method': 'GET', 'http.request.method': 'GET', 'http.route': 'books/<int:pk>/', 'http.status_code': 200, 'http.response.status_code': 200 },
  });
  const ctx = trace.setSpan(context.active(), root);
  for (let i = 0; i < 6; i++) {
    const q = tracer.startSpan(
      'SELECT',
      {
        kind: ApiKind.CLIENT,
        startTime: t0 + 1 + i,
        attributes: {
          'db.system': 'postgresql',
          'db.name': 'shop',
          'db.statement': `SELECT "shop_author"."id", "shop_author"."name" FROM "shop_author" WHERE "shop_author"."id" = %s LIMIT 21`,
        },
      },
      ctx,
    );
    q.end(t0 + 1.5 + i);
  }
  const cache = tracer.startSpan('GET', { kind: ApiKind.CLIENT, startTime: t0 + 8, attributes: { 'db.system.name': 'redis', 'db.query.text': 'GET ?' } }, ctx);
  cache.end(t0 + 8.2);
  root.end(t0 + 20);
}

function ns(hr: [number, number]): bigint {
  return BigInt(hr[0]) * 1_000_000_000n + BigInt(hr[1]);
}

function compare(sent: ReadableSpan[], received: Span[], service: string): void {
  assert.equal(received.length, sent.length, 'every sent span arrives exactly once');
  const byId = new Map(received.map((s) => [s.spanId, s]));
  for (const s of sent) {
    const ctx = s.spanContext();
    const r = byId.get(ctx.spanId);
    assert.ok(r, `span ${ctx.spanId} (${s.name}) arrived`);
    assert.equal(r.traceId, ctx.traceId);
    assert.equal(r.parentSpanId, s.parentSpanContext?.spanId ?? '');
    assert.equal(r.name, s.name);
    assert.equal(r.kind, s.kind + 1, 'OTLP kind = API kind + 1');
    // The nanosecond timestamps rounded once to ms, as decode does; the duration from their exact difference.
    assert.equal(r.startMs, Number(ns(s.startTime)) / 1e6, 'start timestamp');
    assert.equal(r.durationMs, Number(ns(s.endTime) - ns(s.startTime)) / 1e6, 'duration exact to the nanosecond');
    assert.equal(r.resource.serviceName, service);
    assert.equal(r.resource.serviceVersion, '1.2.3');
    const a = s.attributes;
    if (a['http.route'] !== undefined) {
      assert.equal(r.httpRoute, a['http.route']);
      assert.equal(r.httpMethod, 'GET');
      assert.equal(r.httpStatus, 200);
    }
    if (a['db.statement'] !== undefined) {
      assert.equal(r.dbStatement, a['db.statement']);
      assert.equal(r.dbSystem, 'postgresql');
      assert.equal(r.dbNamespace, 'shop');
    }
    if (a['db.system.name'] === 'redis') {
      assert.equal(r.dbSystem, 'redis');
      assert.equal(r.dbStatement, 'GET ?');
    }
  }
}

const EXPORTERS: Array<[string, (url: string, grpcUrl: string) => SpanExporter]> = [
  ['OTLP/HTTP JSON (exporter-trace-otlp-http)', (url) => new JsonExporter({ url })],
  ['OTLP/HTTP protobuf (exporter-trace-otlp-proto)', (url) => new ProtoExporter({ url })],
  ['OTLP/HTTP protobuf gzip (exporter-trace-otlp-proto)', (url) => new ProtoExporter({ url, compression: 'gzip' as never })],
  ['OTLP/gRPC (exporter-trace-otlp-grpc)', (_url, grpcUrl) => new GrpcExporter({ url: grpcUrl })],
  ['OTLP/gRPC gzip (exporter-trace-otlp-grpc)', (_url, grpcUrl) => new GrpcExporter({ url: grpcUrl, compression: 'gzip' as never })],
];

describe('real OpenTelemetry JS exporters', () => {
  let rx: TestReceivers;
  before(async () => {
    rx = await startTestReceivers();
  });
  after(async () => {
    await rx.close();
  });

  for (const [label, make] of EXPORTERS) {
    test(`${label}: every span arrives with ids, timestamps and Django attributes intact`, async () => {
      rx.received.length = 0;
      const memory = new InMemorySpanExporter();
      const exporter = make(rx.httpUrl, `http://127.0.0.1:${rx.grpcPort}`);
      const service = `js-${label.length}`;
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.2.3' }),
        spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(exporter)],
      });
      recordDjangoRequest(provider.getTracer('opentelemetry.instrumentation.django'));
      await provider.forceFlush();
      const sent = memory.getFinishedSpans();
      await waitFor(() => rx.received.length >= sent.length, 10_000, 'spans to arrive');
      compare(sent, rx.received, service);
      await provider.shutdown();
    });
  }
});
