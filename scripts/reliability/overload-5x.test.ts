// Issue 8, measured: the collector is held to a fixed CPU budget (cgroup v1 CFS quota), its
// sustainable rate R is measured on that budget, then real retrying OTLP/HTTP exporters offer 5R
// for BURST_SECONDS. Proven: every span handed to an exporter was either accepted by the collector
// or reported failed to the application, with nothing in between; refusals happened; resident
// memory stayed under a bound derived from the queue and assembler bounds; afterwards the collector is ready,
// its queue empty and traffic at R/2 accepted and analysed, without anyone intervening.
//
// Every threshold is derived from the measured R, and assertions are on counts, never on wall time:
// the machine is shared and noisy. The 5x is an offered rate (the schedule the exporters are fed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, SpanKind, type Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { capCpu, rssBytes, sleep, startCollector, until, type CollectorProcess, type CpuCap } from './collector-process.js';
import { exportRequest, getText, metricSum, postJson, scrape } from './otlp-traffic.js';

const QUEUE_MAX_SPANS = 5000;
/**
 * The assembler takes spans off the queue at once and holds them until analysed, so under a lasting
 * overload the backlog sits there, not in the queue: its bound (past which it analyses the oldest
 * request early) is the other half of the memory bound. The default (200k) would let 10 s at 5R be
 * absorbed instead of refused; 20k keeps the backlog, and the test, short.
 */
const MAX_SPANS_IN_FLIGHT = 20_000;
/** Share of one core the collector may use: small, so the test on the other core can offer 5x. */
const CPU_FRACTION = 0.15;
const SPANS_PER_REQUEST = 10; // a Django view: the server span and 9 queries
const OVERLOAD_FACTOR = 5;
const BURST_SECONDS = 10;
/**
 * The SDKs' batch span processors export at most 512 spans at a time (OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
 * Python and JS); a tick's requests are split the same way, whole requests per export.
 */
const MAX_EXPORT_SPANS = 512;
const REQUESTS_PER_EXPORT = Math.floor(MAX_EXPORT_SPANS / SPANS_PER_REQUEST);
const TICK_MS = 100;
const EXPORTERS = 4;
/**
 * Bytes a held span may cost, generously: assembler-memory.bench.ts measured ~0.8 KB of heap per
 * span; 2 KB also covers the protobuf body it arrived in and the analysed copy.
 */
const BYTES_PER_SPAN = 2048;
/**
 * Slack for what the configuration does not bound: request bodies being read (every attempt that
 * passes the queue check before its body is read is read, then maybe refused before decoding) and V8
 * growing its heap before collecting (up to ~4x the live set between mark-compacts, `--trace-gc`).
 * Measured here in 512-span exports: peak - idle 98-166 MiB at 5R (3 runs). With one export per
 * tick instead (~9,000 spans, a 1 MB body, past the queue bound by itself): 218-294 MiB, 6 of 7 runs
 * over the bound.
 */
const RSS_MARGIN_BYTES = 192 * 1024 * 1024;

/** Records fresh Django-shaped requests (new trace ids every time) with the real SDK. */
class Recorder {
  private readonly memory = new InMemorySpanExporter();
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  constructor(service: string) {
    this.provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1' }), spanProcessors: [new SimpleSpanProcessor(this.memory)] });
    this.tracer = this.provider.getTracer('opentelemetry.instrumentation.django');
  }
  batch(requests: number): ReadableSpan[] {
    this.memory.reset();
    const t0 = Date.now() - 2000;
    for (let r = 0; r < requests; r++) {
      const route = `rate/${r % 5}/`;
      const root = this.tracer.startSpan(`GET ${route}`, { kind: SpanKind.SERVER, startTime: t0, attributes: { 'http.request.method': 'GET', 'http.route': route, 'http.response.status_code': 200 } });
      const ctx = trace.setSpan(context.active(), root);
      for (let q = 0; q < SPANS_PER_REQUEST - 1; q++) {
        this.tracer.startSpan('SELECT', { kind: SpanKind.CLIENT, startTime: t0 + 1 + q, attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT "t${q}"."id" FROM "t${q}" WHERE "t${q}"."id" = %s` } }, ctx).end(t0 + 1.5 + q);
      }
      root.end(t0 + 20);
    }
    return this.memory.getFinishedSpans().slice();
  }
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

const analysed = async (c: CollectorProcess): Promise<number> => metricSum(await scrape(c.apiUrl), 'hotpath_analysed_requests_total', { kind: 'request' });
/** Spans held anywhere before analysis: the ingest queue plus the assembler. */
const backlog = async (c: CollectorProcess): Promise<number> => {
  const m = await scrape(c.apiUrl);
  return metricSum(m, 'hotpath_queue_depth_spans', { queue: 'ingest' }) + metricSum(m, 'hotpath_assembler_buffered_spans');
};

/**
 * Processing capacity on the capped CPU, in spans/s: keep the queue full from several senders
 * (backing off 50 ms on 429 so refusals cost little) and count requests analysed per second.
 * Measured while refusing, so it is if anything below the capacity with nothing to refuse.
 */
async function measureCapacity(c: CollectorProcess, rec: Recorder, seconds: number): Promise<number> {
  let running = true;
  const senders = Array.from({ length: 4 }, async () => {
    while (running) {
      const body = new Uint8Array(ProtobufTraceSerializer.serializeRequest(rec.batch(20))!);
      const res = await fetch(c.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
      await res.arrayBuffer();
      if (res.status !== 200) await sleep(50);
    }
  });
  await sleep(1000); // fill the queue first
  const n0 = await analysed(c);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const n1 = await analysed(c);
  const elapsed = (Date.now() - t0) / 1000;
  running = false;
  await Promise.all(senders);
  return ((n1 - n0) * SPANS_PER_REQUEST) / elapsed;
}

interface Outcome {
  rate: number; // measured sustainable rate, spans/s
  offered: number; // rate the exporters were fed at, spans/s
  handed: number;
  exports: number;
  ok: number;
  failed: number;
  failedExports: number;
  okRequests: number;
  idleRss: number;
  peakRss: number;
  handSeconds: number; // wall time the exporters were fed over (BURST_SECONDS if the test kept pace)
  settleSeconds: number; // from the last span handed over until every export reported
  before: string; // /metrics before and after the burst
  afterBurst: string;
}

describe(`${OVERLOAD_FACTOR}x the measured sustainable rate on a capped CPU, real retrying OTLP/HTTP exporters`, () => {
  let c: CollectorProcess | undefined;
  let cap: CpuCap | undefined;
  const o: Outcome = { rate: 0, offered: 0, handed: 0, exports: 0, ok: 0, failed: 0, failedExports: 0, okRequests: 0, idleRss: 0, peakRss: 0, handSeconds: 0, settleSeconds: 0, before: '', afterBurst: '' };

  before(async () => {
    c = await startCollector({
      env: { HOTPATH_QUEUE_MAX_SPANS: String(QUEUE_MAX_SPANS), HOTPATH_MAX_SPANS_IN_FLIGHT: String(MAX_SPANS_IN_FLIGHT), HOTPATH_RETRY_AFTER_SECONDS: '1', HOTPATH_GRACE_MS: '200', HOTPATH_FLUSH_INTERVAL_MS: '500' },
    });
    const collector = c;
    o.idleRss = rssBytes(collector.pid);
    cap = capCpu(collector.pid, CPU_FRACTION);
    const measure = new Recorder('measure');
    // Noise only lowers a capacity reading, and the first window runs code still being compiled on
    // 15% of a core: single windows read R 1,283 (a CI run whose 5R burst then went through without
    // a refusal) and 2,578 spans/s, the larger of two 7,228. The larger of two windows counts.
    o.rate = Math.max(await measureCapacity(collector, measure, 3), await measureCapacity(collector, measure, 3));
    await measure.shutdown();
    await until(async () => (await backlog(collector)) === 0, 30_000, 'backlog analysed after measuring');
    o.before = await scrape(collector.apiUrl);

    const rec = new Recorder('burst');
    // The export timeout (default 10 s) also bounds each attempt; on a collector this starved an
    // attempt can wait long to be answered, and a client giving up on an attempt the collector
    // then accepts is an at-least-once duplicate, not a loss, but would blur the count. So the
    // timeout is raised past the burst's whole work: exports end by their retry limit (5, 1 s
    // apart) instead. 60 s was not enough once R read 16,041 spans/s: 803,000 spans handed, the
    // last answered 59.0 s after the burst, and 3 exports the collector accepted were reported
    // failed at their timeout (a CI run, session 12).
    const exporters = Array.from({ length: EXPORTERS }, () => new OTLPTraceExporter({ url: collector.otlpUrl, concurrencyLimit: 1000, timeoutMillis: 300_000 }));
    const requestsPerTick = Math.max(1, Math.ceil((OVERLOAD_FACTOR * o.rate * TICK_MS) / 1000 / SPANS_PER_REQUEST));
    o.offered = (requestsPerTick * SPANS_PER_REQUEST * 1000) / TICK_MS;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        o.peakRss = Math.max(o.peakRss, rssBytes(collector.pid));
        await sleep(100);
      }
    })();
    const pending: Array<Promise<void>> = [];
    const t0 = Date.now();
    for (let k = 0; k < (BURST_SECONDS * 1000) / TICK_MS; k++) {
      const wait = t0 + k * TICK_MS - Date.now();
      if (wait > 0) await sleep(wait);
      const tick = rec.batch(requestsPerTick);
      for (let first = 0; first < tick.length; first += REQUESTS_PER_EXPORT * SPANS_PER_REQUEST) {
        const spans = tick.slice(first, first + REQUESTS_PER_EXPORT * SPANS_PER_REQUEST);
        const requests = spans.length / SPANS_PER_REQUEST;
        o.handed += spans.length;
        const exporter = exporters[o.exports++ % EXPORTERS]!;
        pending.push(
          new Promise((resolve) =>
            exporter.export(spans, (r) => {
              if (r.code === ExportResultCode.SUCCESS) {
                o.ok += spans.length;
                o.okRequests += requests;
              } else {
                o.failed += spans.length;
                o.failedExports++;
              }
              resolve();
            }),
          ),
        );
      }
    }
    const lastHanded = Date.now();
    o.handSeconds = (lastHanded - t0) / 1000;
    await Promise.all(pending);
    o.settleSeconds = (Date.now() - lastHanded) / 1000;
    sampling = false;
    await sampler;
    o.afterBurst = await scrape(collector.apiUrl);
    await Promise.all(exporters.map((e) => e.shutdown()));
    await rec.shutdown();
  });

  after(async () => {
    try {
      cap?.release();
    } finally {
      await c?.dispose();
      cap?.release(); // the group can only go once the process has left or exited
    }
  });

  const delta = (name: string, labels: Record<string, string>): number => metricSum(o.afterBurst, name, labels) - metricSum(o.before, name, labels);

  test('spans handed to the exporters = accepted by the collector + reported failed; none lost in between', (t) => {
    const accepted = delta('hotpath_receiver_accepted_spans_total', { protocol: 'http' });
    t.diagnostic(`sustainable rate R ${o.rate.toFixed(0)} spans/s at ${CPU_FRACTION * 100}% of a core; offered ${o.offered.toFixed(0)} spans/s (${(o.offered / o.rate).toFixed(1)}R), handed over in ${o.handSeconds.toFixed(1)} s`);
    t.diagnostic(`handed ${o.handed}, exported ${o.ok}, failed ${o.failed}, accepted ${accepted}; exports settled ${o.settleSeconds.toFixed(1)} s after the last`);
    assert.ok(o.offered >= OVERLOAD_FACTOR * o.rate, 'the offered rate is at least 5R');
    assert.equal(o.handed, o.ok + o.failed);
    assert.equal(accepted, o.ok, 'the collector accepted exactly the spans the exporters report as exported');
    assert.ok(o.ok > 0, 'exports got through during the overload');
  });

  test('the overload was refused at the queue bound (429), not absorbed', (t) => {
    const refusedExports = delta('hotpath_receiver_requests_total', { protocol: 'http', code: 'queue_full' });
    // Most refusals come before the body is read (queue already full), which carry no span count,
    // so the export count is what shows them.
    const failedExports = o.failedExports;
    const latency = delta('hotpath_receiver_request_duration_seconds_sum', { protocol: 'http' }) / delta('hotpath_receiver_request_duration_seconds_count', { protocol: 'http' });
    t.diagnostic(`mean OTLP/HTTP answer time during the burst ${(latency * 1000).toFixed(1)} ms`);
    t.diagnostic(`refused ${refusedExports} exports (retries included); ${failedExports} of ${o.exports} exports failed after retrying`);
    assert.ok(refusedExports > 0);
    assert.ok(refusedExports >= failedExports, 'every export that finally failed was refused at least once');
  });

  test('every accepted span was analysed: requests analysed = requests in successful exports', async () => {
    const seen = await until(async () => {
      const n = metricSum(await scrape(c!.apiUrl), 'hotpath_http_server_request_duration_seconds_count', { service_name: 'burst' });
      return n >= o.okRequests ? n : false;
    }, 30_000, `${o.okRequests} burst requests analysed`);
    assert.equal(seen, o.okRequests);
  });

  test('resident memory stayed under idle + (queue bound + assembler bound) x 2 KB + margin', (t) => {
    const bound = o.idleRss + (QUEUE_MAX_SPANS + MAX_SPANS_IN_FLIGHT) * BYTES_PER_SPAN + RSS_MARGIN_BYTES;
    const mib = (b: number): string => (b / 1048576).toFixed(0);
    t.diagnostic(`RSS idle ${mib(o.idleRss)} MiB, peak ${mib(o.peakRss)} MiB, bound ${mib(bound)} MiB (idle + (${QUEUE_MAX_SPANS} + ${MAX_SPANS_IN_FLIGHT}) spans x ${BYTES_PER_SPAN} B + ${mib(RSS_MARGIN_BYTES)} MiB)`);
    assert.ok(o.peakRss > o.idleRss / 2, 'sampled');
    assert.ok(o.peakRss < bound, `peak RSS ${o.peakRss} >= ${bound}`);
  });

  test('afterwards, by itself: ready, queue empty, traffic at R/2 accepted and analysed', async (t) => {
    const collector = c!;
    const t0 = Date.now();
    await until(async () => (await getText(`${collector.apiUrl}/readyz`)).status === 200 && (await backlog(collector)) === 0, 30_000, '/readyz 200 with nothing queued or buffered');
    t.diagnostic(`ready with an empty queue ${((Date.now() - t0) / 1000 + o.settleSeconds).toFixed(1)} s after the burst ended`);
    const perTick = Math.max(1, Math.round((o.rate / 2) * (TICK_MS / 1000) / SPANS_PER_REQUEST));
    const statuses: number[] = [];
    const start = Date.now();
    for (let k = 0; k < 2000 / TICK_MS; k++) {
      const wait = start + k * TICK_MS - Date.now();
      if (wait > 0) await sleep(wait);
      const req = exportRequest(Array.from({ length: perTick }, (_, i) => ({ service: 'after', route: `calm/${i % 3}/`, queries: SPANS_PER_REQUEST - 1 })));
      statuses.push((await postJson(collector.otlpUrl, req.body)).status);
    }
    assert.deepEqual(new Set(statuses), new Set([200]), 'every export at R/2 accepted');
    const expected = statuses.length * perTick;
    const seen = await until(async () => {
      const n = metricSum(await scrape(collector.apiUrl), 'hotpath_http_server_request_duration_seconds_count', { service_name: 'after' });
      return n >= expected ? n : false;
    }, 20_000, `${expected} requests at R/2 analysed`);
    assert.equal(seen, expected);
  });
});
