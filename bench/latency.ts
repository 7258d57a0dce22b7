// Memory, lag and API latency under ingest load.
// - memory: VmHWM of a fresh collector after holding the max rate with ~10,000 requests in flight
//   for several major GC cycles, and the heap left after them;
// - lag: marker requests (their own service and a unique route each) sent while the load runs; the
//   lag is the time from the marker's export being acknowledged (its root has ended) until the API
//   lists its route, minus the grace period the assembler waits by design;
// - API: sequential GETs of the endpoints and queries lists on the sender's core, timed per call.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CollectorProcess, Metrics } from './collector-process.js';
import { offerLoad, type LoadResult, type Send } from './senders.js';
import type { BatchSource } from './workload.js';

export const MARKER_SERVICE = 'bench-marker';

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export interface MemoryResult {
  peakRssMb: number;
  peakInFlight: number;
  /** Median of the in-flight readings from the first one >= 10,000 on: what the window held. */
  medianInFlight: number;
  /** Largest ingest-queue reading: a backlog that grows means the rate was not sustained here. */
  maxQueued: number;
  evicted: number;
  minHeapUsedMb: number;
  load: LoadResult;
}

/**
 * VmHWM after offering `rate` for `ms`, the requests in flight, and the smallest V8 heap in use
 * once 10,000 requests were in flight: samples fall right after major GCs, so it is close to what
 * is live (held spans, queue, aggregates), and the rest of the peak is V8's growth slack.
 */
export async function memoryPeak(
  c: CollectorProcess, send: Send, source: BatchSource, rate: number, ms: number, concurrency: number,
  /** More families to read and a look at every 250 ms reading (bench/memory-diag.ts prints them). */
  watch?: { families: readonly string[]; onSample: (m: Metrics) => void },
): Promise<MemoryResult> {
  const FAMILIES = ['hotpath_assembler_open_requests', 'hotpath_queue_depth_spans', 'hotpath_traces_evicted_total', 'nodejs_heap_size_used_bytes', ...(watch?.families ?? [])];
  const evicted0 = (await c.metrics(FAMILIES)).sum('hotpath_traces_evicted_total');
  let peakInFlight = 0;
  let maxQueued = 0;
  let evicted = 0;
  let minHeapUsed = Infinity;
  const held: number[] = [];
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const m = await c.metrics(FAMILIES);
      const open = m.sum('hotpath_assembler_open_requests');
      peakInFlight = Math.max(peakInFlight, open);
      maxQueued = Math.max(maxQueued, m.sum('hotpath_queue_depth_spans'));
      evicted = m.sum('hotpath_traces_evicted_total') - evicted0;
      const heapUsed = m.sum('nodejs_heap_size_used_bytes');
      if (peakInFlight >= 10_000) held.push(open);
      // prom-client reports 0 until its heap statistics were first read: no reading, not an empty heap.
      if (peakInFlight >= 10_000 && heapUsed > 0) minHeapUsed = Math.min(minHeapUsed, heapUsed);
      watch?.onSample(m);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const load = await offerLoad(send, source, rate, ms, concurrency);
  done = true;
  await sampler;
  return {
    peakRssMb: c.peakRssMb(),
    peakInFlight,
    medianInFlight: held.length === 0 ? NaN : percentile(held, 50),
    maxQueued,
    evicted,
    minHeapUsedMb: Number.isFinite(minHeapUsed) ? minHeapUsed / 1048576 : NaN,
    load,
  };
}

function markerBatch(n: number): Buffer {
  const spans: ReadableSpan[] = [];
  const collect: SpanProcessor = { onStart: () => undefined, onEnd: (s) => void spans.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': MARKER_SERVICE }), spanProcessors: [collect] });
  const tracer = provider.getTracer('opentelemetry.instrumentation.django', '0.55b0');
  const now = Date.now();
  const root = tracer.startSpan(`GET marker-${n}/`, { kind: SpanKind.SERVER, startTime: now - 5, attributes: { 'http.method': 'GET', 'http.route': `marker-${n}/`, 'http.status_code': 200 } });
  const db = provider.getTracer('opentelemetry.instrumentation.psycopg', '0.55b0');
  const q = db.startSpan('SELECT', { kind: SpanKind.CLIENT, startTime: now - 4, attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT "m"."id" FROM "marker" "m" WHERE "m"."id" = ${n}` } }, trace.setSpan(context.active(), root));
  q.end(now - 2);
  root.end(now);
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export interface LagApiResult {
  lagMs: number[];
  /** Lag of the markers sent during the warm-up: the fresh collector's first seconds. */
  coldLagMs: number[];
  lostMarkers: number;
  endpointsMs: number[];
  queriesMs: number[];
  load: LoadResult;
  /** The timing process's own event-loop delay (p99, max, ms): a call's time includes it. */
  clientLoopDelayMs: { p99: number; max: number };
}

/**
 * Lag and API latency while `rate` is offered for `warmupMs` and then `ms`. Only markers sent and
 * API calls made after the warm-up count for the figures: the collector is fresh, and while its
 * code is compiled it runs behind (the first 16 markers' lag reached 2.65 s at 48k spans/s on
 * session 11's slow VM, against 0.1-1.2 s for the 38 after them). The warm-up's markers are kept
 * apart as `coldLagMs`, so a slow start is reported, not hidden.
 */
export async function lagAndApi(
  c: CollectorProcess, send: Send, source: BatchSource, rate: number, ms: number, graceMs: number, concurrency: number, warmupMs = 0,
): Promise<LagApiResult> {
  const r: LagApiResult = {
    lagMs: [], coldLagMs: [], lostMarkers: 0, endpointsMs: [], queriesMs: [], load: undefined as unknown as LoadResult, clientLoopDelayMs: { p99: NaN, max: NaN },
  };
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  const outstanding = new Map<string, { at: number; cold: boolean }>(); // route -> acknowledged at (ms)
  let running = true;
  const start = performance.now();
  const loadDone = offerLoad(send, source, rate, warmupMs + ms, concurrency).then((l) => {
    r.load = l;
  });
  const markers = (async () => {
    for (let n = 0; running; n++) {
      const body = markerBatch(n);
      if (await send(body)) outstanding.set(`marker-${n}/`, { at: performance.now(), cold: performance.now() - start < warmupMs });
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  const poll = (async () => {
    const until = () => running || (outstanding.size > 0 && performance.now() < stopAt + graceMs + 10_000);
    while (until()) {
      const res = await c.get(`/api/v1/endpoints?window=15m&service=${MARKER_SERVICE}&limit=1000`);
      const now = performance.now();
      if (res.status === 200) {
        for (const e of (JSON.parse(res.body) as { endpoints: Array<{ route: string }> }).endpoints) {
          const m = outstanding.get(e.route);
          if (m === undefined) continue;
          (m.cold ? r.coldLagMs : r.lagMs).push(now - m.at - graceMs);
          outstanding.delete(e.route);
        }
      }
      await new Promise((res2) => setTimeout(res2, 50));
    }
    r.lostMarkers = outstanding.size;
  })();
  const api = (async () => {
    const routes = [['/api/v1/endpoints?window=15m', r.endpointsMs], ['/api/v1/queries?window=15m', r.queriesMs]] as const;
    // Each route's first call prepares its statements and compiles its code (424-569 ms for
    // /endpoints and 253-301 ms for /queries at 32k spans/s on a slow VM, against 4-170 ms for the
    // next 22 calls): made during the warm-up, untimed.
    for (const [path] of routes) await c.get(path);
    await new Promise((res) => setTimeout(res, Math.max(0, warmupMs - (performance.now() - start))));
    loopDelay.enable();
    while (running) {
      for (const [path, into] of routes) {
        const t0 = performance.now();
        const res = await c.get(path);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
        into.push(performance.now() - t0);
      }
    }
  })();
  await loadDone;
  const stopAt = performance.now();
  running = false;
  loopDelay.disable();
  r.clientLoopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
  await Promise.all([markers, api, poll]);
  return r;
}
