// Overload against the real collector process with the real OpenTelemetry JS exporters: a burst
// far above what a 2000-span ingest queue absorbs, from many concurrent exporters at once.
// Exact accounting: every span the exporters report as exported was accepted
// (hotpath_receiver_accepted_spans_total) and analysed, every other span was reported to the
// application as failed; nothing in between. Refusals really happened, memory stayed bounded,
// and afterwards the collector is ready with an empty queue by itself.
//
// Retry behaviour of the exporters (read in node_modules, v0.223): OTLP/HTTP goes through
// otlp-exporter-base's RetryingTransport: 429/502/503/504 are retryable, Retry-After is honoured,
// up to 5 retries within the 10 s export timeout. The JS OTLP/gRPC exporter has no retrying
// transport: every gRPC error, RESOURCE_EXHAUSTED included, fails the export at once. The Python
// gRPC exporter (what Django apps run) retries RESOURCE_EXHAUSTED after the RetryInfo delay, up to
// 6 attempts: python_burst.py sends with it from several threads during the same burst.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { context, trace, SpanKind, type Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ROOT, rssBytes, sleep, startCollector, until, type CollectorProcess } from './collector-process.js';
import { exportRequest, getText, metricSum, postJson, scrape } from './otlp-traffic.js';
import { holdWriteLock } from './sqlite-lock.js';

const QUEUE_MAX_SPANS = 2000;
const SPANS_PER_REQUEST = 10;
const REQUESTS_PER_EXPORT = 300; // 3000 spans: one export alone overfills the queue
const HTTP_EXPORTERS = 12;
const GRPC_EXPORTERS = 4;
const EXPORTS_EACH = 5;
const PY_THREADS = 4;
const PY_BATCHES = 4;
/** Stated bound on the collector's resident memory during the burst. */
const RSS_LIMIT_BYTES = 400 * 1024 * 1024;

/** One batch of complete Django-shaped requests (root + 9 queries), recorded by the real SDK. */
function recordBatch(tracer: Tracer, memory: InMemorySpanExporter, batch: number): ReadableSpan[] {
  memory.reset();
  const t0 = Date.now() - 5000;
  for (let r = 0; r < REQUESTS_PER_EXPORT; r++) {
    const route = `burst/${(batch + r) % 7}/`;
    const root = tracer.startSpan(`GET ${route}`, { kind: SpanKind.SERVER, startTime: t0, attributes: { 'http.request.method': 'GET', 'http.route': route, 'http.response.status_code': 200 } });
    const ctx = trace.setSpan(context.active(), root);
    for (let q = 0; q < SPANS_PER_REQUEST - 1; q++) {
      tracer.startSpan('SELECT', { kind: SpanKind.CLIENT, startTime: t0 + 1 + q, attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT "t${q}"."id" FROM "t${q}" WHERE "t${q}"."id" = %s` } }, ctx).end(t0 + 1.5 + q);
    }
    root.end(t0 + 20);
  }
  return memory.getFinishedSpans().slice();
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<boolean> {
  return new Promise((resolve) => exporter.export(spans, (r) => resolve(r.code === ExportResultCode.SUCCESS)));
}

interface PythonTotals {
  ok_spans: number;
  failed_spans: number;
  ok_requests: number;
  sent_spans: number;
}

/** The Python gRPC burst (python_burst.py) in the project's virtualenv (scripts/setup-python.sh). */
async function pythonBurst(grpcPort: number, threads = PY_THREADS, batches = PY_BATCHES, requests = REQUESTS_PER_EXPORT): Promise<PythonTotals> {
  const args = [join(ROOT, 'scripts', 'reliability', 'python_burst.py'), `127.0.0.1:${grpcPort}`, threads, batches, requests, SPANS_PER_REQUEST, 'burst-py'];
  const { stdout } = await promisify(execFile)(join(ROOT, '.venv', 'bin', 'python'), args.map(String), { timeout: 120_000 });
  return JSON.parse(stdout) as PythonTotals;
}

interface Outcome {
  py: PythonTotals;
  sent: number;
  ok: { http: number; grpc: number };
  failed: { http: number; grpc: number };
  okRequests: number;
  peakRss: number;
  idleRss: number;
  seconds: number;
}

describe('overload: bounded queue, 429/RESOURCE_EXHAUSTED, real exporters, exact accounting', () => {
  let c: CollectorProcess;
  const o: Outcome = { py: { ok_spans: 0, failed_spans: 0, ok_requests: 0, sent_spans: 0 }, sent: 0, ok: { http: 0, grpc: 0 }, failed: { http: 0, grpc: 0 }, okRequests: 0, peakRss: 0, idleRss: 0, seconds: 0 };
  before(async () => {
    c = await startCollector({ env: { HOTPATH_QUEUE_MAX_SPANS: String(QUEUE_MAX_SPANS), HOTPATH_RETRY_AFTER_SECONDS: '1', HOTPATH_GRACE_MS: '0' } });
    o.idleRss = rssBytes(c.pid);
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'burst', 'service.version': '1' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    const tracer = provider.getTracer('opentelemetry.instrumentation.django');
    const senders: Array<{ protocol: 'http' | 'grpc'; exporter: SpanExporter; batches: ReadableSpan[][] }> = [];
    for (let i = 0; i < HTTP_EXPORTERS + GRPC_EXPORTERS; i++) {
      const protocol = i < HTTP_EXPORTERS ? 'http' : 'grpc';
      const exporter = protocol === 'http' ? new ProtoExporter({ url: c.otlpUrl }) : new GrpcExporter({ url: `http://127.0.0.1:${c.ports.grpc}` });
      senders.push({ protocol, exporter, batches: Array.from({ length: EXPORTS_EACH }, (_, b) => recordBatch(tracer, memory, i * EXPORTS_EACH + b)) });
    }
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        o.peakRss = Math.max(o.peakRss, rssBytes(c.pid));
        await sleep(20);
      }
    })();
    const t0 = Date.now();
    const python = pythonBurst(c.ports.grpc);
    await Promise.all(
      senders.map(async (s) => {
        for (const spans of s.batches) {
          o.sent += spans.length;
          if (await exportOnce(s.exporter, spans)) {
            o.ok[s.protocol] += spans.length;
            o.okRequests += REQUESTS_PER_EXPORT;
          } else o.failed[s.protocol] += spans.length;
        }
      }),
    );
    o.py = await python;
    o.seconds = (Date.now() - t0) / 1000;
    sampling = false;
    await sampler;
    await Promise.all(senders.map((s) => s.exporter.shutdown()));
    await provider.shutdown();
  });
  after(async () => {
    await c?.dispose();
  });

  test('spans sent = exported (accepted by the collector) + failed (reported to the app); none lost', async (t) => {
    const m = await scrape(c.apiUrl);
    const accepted = { http: metricSum(m, 'hotpath_receiver_accepted_spans_total', { protocol: 'http' }), grpc: metricSum(m, 'hotpath_receiver_accepted_spans_total', { protocol: 'grpc' }) };
    t.diagnostic(`JS sent ${o.sent} spans in ${o.seconds.toFixed(1)} s; http ok ${o.ok.http} failed ${o.failed.http}; grpc ok ${o.ok.grpc} failed ${o.failed.grpc}`);
    t.diagnostic(`Python gRPC sent ${o.py.sent_spans}: ok ${o.py.ok_spans} failed ${o.py.failed_spans}`);
    assert.equal(o.sent, o.ok.http + o.ok.grpc + o.failed.http + o.failed.grpc);
    assert.equal(o.py.sent_spans, o.py.ok_spans + o.py.failed_spans);
    assert.equal(o.py.sent_spans, PY_THREADS * PY_BATCHES * REQUESTS_PER_EXPORT * SPANS_PER_REQUEST);
    assert.deepEqual(accepted, { http: o.ok.http, grpc: o.ok.grpc + o.py.ok_spans }, 'the collector accepted exactly the spans the exporters report as exported');
    assert.ok(o.py.ok_spans > 0, 'the Python gRPC exporter got through');
  });

  test('the queue bound was hit: exports were refused (429 / RESOURCE_EXHAUSTED) and the HTTP exporter retried through it', async (t) => {
    const m = await scrape(c.apiUrl);
    const refusedHttp = metricSum(m, 'hotpath_receiver_requests_total', { protocol: 'http', code: 'queue_full' });
    const refusedGrpc = metricSum(m, 'hotpath_receiver_requests_total', { protocol: 'grpc', code: 'queue_full' });
    const okHttp = metricSum(m, 'hotpath_receiver_requests_total', { protocol: 'http', code: 'ok' });
    t.diagnostic(`refused exports: http ${refusedHttp}, grpc ${refusedGrpc} (JS gRPC failures ${o.failed.grpc / (REQUESTS_PER_EXPORT * SPANS_PER_REQUEST)}, the rest Python retries); accepted http exports ${okHttp}`);
    const spansPerExport = REQUESTS_PER_EXPORT * SPANS_PER_REQUEST;
    assert.ok(refusedHttp > 0, 'OTLP/HTTP exports were refused with 429');
    assert.ok(refusedHttp >= o.failed.http / spansPerExport, 'every finally failed HTTP export was refused at least once');
    // JS gRPC exports that failed were refused once (no retry); Python retried, so more refusals.
    assert.ok(refusedGrpc >= o.failed.grpc / spansPerExport + o.py.failed_spans / spansPerExport, 'every failed gRPC export was refused');
    assert.ok(refusedGrpc > 0, 'OTLP/gRPC exports were refused with RESOURCE_EXHAUSTED');
    assert.ok(okHttp > 0 && o.ok.http > 0, 'HTTP exports got through');
  });

  test('every accepted span was analysed: requests seen by the metrics sink = requests in successful exports', async () => {
    for (const [service, expected] of [['burst', o.okRequests], ['burst-py', o.py.ok_requests]] as const) {
      const seen = await until(async () => {
        const n = metricSum(await scrape(c.apiUrl), 'hotpath_http_server_request_duration_seconds_count', { service_name: service });
        return n >= expected ? n : false;
      }, 20_000, `${expected} ${service} requests analysed`);
      assert.equal(seen, expected, service);
    }
  });

  test('after the burst the collector is ready again by itself, with an empty queue', async () => {
    const ready = await until(async () => {
      const r = await getText(`${c.apiUrl}/readyz?verbose`);
      return r.status === 200 ? (JSON.parse(r.body) as { checks: Array<{ name: string; detail: string }> }) : false;
    }, 10_000, '/readyz 200');
    assert.match(ready.checks.find((k) => k.name === 'ingest_queue')!.detail, /^0\//);
    assert.equal(metricSum(await scrape(c.apiUrl), 'hotpath_queue_depth_spans', { queue: 'ingest' }), 0);
  });

  test(`resident memory stayed under ${RSS_LIMIT_BYTES / 1024 / 1024} MiB during the burst`, (t) => {
    t.diagnostic(`RSS idle ${(o.idleRss / 1048576).toFixed(0)} MiB, peak ${(o.peakRss / 1048576).toFixed(0)} MiB`);
    assert.ok(o.peakRss > 0);
    assert.ok(o.peakRss < RSS_LIMIT_BYTES, `peak RSS ${o.peakRss}`);
  });
});

describe('a refusal that lasts (storage locked by another process): real exporters retry until accepted', () => {
  let c: CollectorProcess;
  before(async () => {
    c = await startCollector({ env: { HOTPATH_RETRY_AFTER_SECONDS: '1', HOTPATH_GRACE_MS: '0', HOTPATH_FLUSH_INTERVAL_MS: '200' } });
  });
  after(async () => {
    await c?.dispose();
  });

  test('OTLP/HTTP (JS, 503 + Retry-After) and OTLP/gRPC (Python, UNAVAILABLE + RetryInfo) both deliver once the lock goes', async () => {
    const lock = await holdWriteLock(c.dbPath);
    const priming = exportRequest([{ service: 'lasting', route: 'prime/' }]);
    assert.equal((await postJson(c.otlpUrl, priming.body)).status, 200, 'accepted before the writer noticed the lock');
    await until(async () => (await getText(`${c.apiUrl}/readyz`)).status === 503, 10_000, '/readyz 503 while locked');

    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'lasting' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
    const spans = recordBatch(provider.getTracer('opentelemetry.instrumentation.django'), memory, 0);
    const exporter = new ProtoExporter({ url: c.otlpUrl });
    const js = exportOnce(exporter, spans);
    const py = pythonBurst(c.ports.grpc, 1, 1, 30);
    await sleep(3000);
    const during = await scrape(c.apiUrl);
    await lock.release();

    assert.equal(await js, true, 'the JS exporter reported success');
    const pyTotals = await py;
    assert.equal(pyTotals.ok_spans, pyTotals.sent_spans, 'the Python exporter reported success');
    assert.ok(metricSum(during, 'hotpath_receiver_requests_total', { protocol: 'http', code: 'storage_failed' }) >= 2, 'HTTP was refused and retried');
    assert.ok(metricSum(during, 'hotpath_receiver_requests_total', { protocol: 'grpc', code: 'storage_failed' }) >= 2, 'gRPC was refused and retried');
    const m = await scrape(c.apiUrl);
    assert.equal(metricSum(m, 'hotpath_receiver_accepted_spans_total', { protocol: 'http' }), priming.spans + spans.length);
    assert.equal(metricSum(m, 'hotpath_receiver_accepted_spans_total', { protocol: 'grpc' }), pyTotals.sent_spans);
    await exporter.shutdown();
    await provider.shutdown();
  });
});
