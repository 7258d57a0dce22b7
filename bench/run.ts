// `npm run bench [-- --quick] [-- --profile DIR]`: Hotpath's throughput, memory, lag and API latency
// on Django-shaped OTLP traffic, side by side in one run (issue 7). The collector runs as a child
// pinned to core 0; this process (the sender) pins itself to core 1. Progress goes to stderr; the
// table and, as the last line, a JSON summary go to stdout.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { CollectorProcess, ensureBuilt, IDLE_MS, SEARCH_ENV } from './collector-process.js';
import { decodeCeiling } from './decode-ceiling.js';
import { receiveCeiling } from './receive-ceiling.js';
import { cpuTimes, stealPct } from './steal.js';
import { lagAndApi, memoryPeak, percentile } from './latency.js';
import { costGrowth } from './scaling.js';
import { grpcSender, httpSender, type Sender } from './senders.js';
import { findMaxRate, saturation } from './throughput.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE, type Workload } from './workload.js';
import { fmt, printTable, type Row } from './table.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const profIdx = argv.indexOf('--profile');
const profileDir = profIdx >= 0 ? argv[profIdx + 1] : undefined;
const P = quick
  ? { requests: 2000, windowMs: 2000, decodeS: 1, bisect: 0, maxTrials: 1, lagMs: 3000, lagWarmupMs: 2000, memExtraMs: 1500, scaleSpans: 20_000, scaleRounds: 1, gzipSearch: false, receivePasses: 3, receiveWarmMs: 0 }
  : { requests: 6000, windowMs: 10_000, decodeS: 6, bisect: 2, maxTrials: 12, lagMs: 15_000, lagWarmupMs: 5000, memExtraMs: 15_000, scaleSpans: 400_000, scaleRounds: 5, gzipSearch: true, receivePasses: 5, receiveWarmMs: 15_000 };
const GRACE_MS = 2000;
// Exporters in flight at once: a fleet of Django workers exports in parallel (the OTel JS
// exporter alone allows 30 concurrent exports).
const HTTP_CONC = 16;
const GRPC_CONC = 16;
const COLLECTOR_CPU = 0;
const SENDER_CPU = 1;

const progress = (s: string): void => void process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${s}\n`);
const t0 = performance.now();
let cycle = 1;
const source = (w: Workload, gzip: boolean): BatchSource => new BatchSource(w, (cycle += 10_000), gzip);

/** The GC mode the collectors ran with (bin/hotpath-node picks it; the table and JSON report it). */
const gcModes = new Set<string>();

async function withCollector<T>(env: Record<string, string>, fn: (c: CollectorProcess) => Promise<T>, prof = false): Promise<T> {
  const c = await CollectorProcess.start({ cpu: COLLECTOR_CPU, env: { ...SEARCH_ENV, ...env }, ...(prof && profileDir !== undefined ? { cpuProfDir: profileDir } : {}) });
  gcModes.add(c.gc);
  try {
    return await fn(c);
  } finally {
    await c.stop();
  }
}

interface ProtocolResult {
  max: number;
  perCpuS: number;
  gzipMax: number;
  gzipPerCpuS: number;
}

/** One collector per protocol: warm-up, capacity, rate search; then the same with gzip. */
async function measureProtocol(kind: 'http' | 'grpc', w: Workload): Promise<ProtocolResult> {
  return withCollector({}, async (c) => {
    const out: ProtocolResult = { max: NaN, perCpuS: NaN, gzipMax: NaN, gzipPerCpuS: NaN };
    for (const gzip of [false, true]) {
      const label = `${kind}${gzip ? '+gzip' : ''}`;
      // One connection per concurrent exporter: each Django worker process has its own exporter.
      const sender: Sender = kind === 'http' ? httpSender(c.ports.http, gzip, HTTP_CONC) : grpcSender(c.ports.grpc, gzip, GRPC_CONC);
      try {
        if (!gzip) await saturation(c, sender.send, source(w, gzip), GRACE_MS); // warm-up: JIT, SQLite pages
        const perCpuS = await saturation(c, sender.send, source(w, gzip), GRACE_MS);
        progress(`${label}: collector capacity ${fmt(perCpuS)} spans per CPU-second`);
        const search = !gzip || P.gzipSearch;
        const r = search
          ? await findMaxRate(c, sender.send, source(w, gzip), perCpuS, {
              windowMs: P.windowMs,
              graceMs: GRACE_MS,
              concurrency: kind === 'http' ? HTTP_CONC : GRPC_CONC,
              bisect: P.bisect,
              idleMs: IDLE_MS,
              maxTrials: P.maxTrials,
              progress,
            })
          : { best: NaN };
        if (search) progress(`${label}: highest sustained rate ${fmt(r.best)} spans/s`);
        if (gzip) {
          out.gzipPerCpuS = perCpuS;
          out.gzipMax = r.best;
        } else {
          out.perCpuS = perCpuS;
          out.max = r.best;
        }
      } finally {
        sender.close();
      }
      // gzip over gRPC is left out: its saturation pass was refused once and hung once (not yet
      // understood; see README); gzip is measured over HTTP.
      if (kind === 'grpc') break;
    }
    return out;
  }, kind === 'http');
}

async function main(): Promise<void> {
  if (availableParallelism() < 2) throw new Error('the benchmark needs two cores (collector and sender)');
  const pin = spawnSync('taskset', ['-cp', String(SENDER_CPU), String(process.pid)]);
  if (pin.status !== 0) throw new Error('taskset failed: install util-linux');
  ensureBuilt(progress);
  progress(`${quick ? 'quick' : 'full'} run; load average ${spawnSync('cat', ['/proc/loadavg']).stdout.toString().trim()}`);
  const w = buildWorkload({ label: 'django', requests: P.requests, options: DJANGO_SHAPE });
  progress(`workload: ${w.requests} requests, ${w.spans} spans (${(w.spans / w.requests).toFixed(1)}/request) in ${w.batches.length} batches of 512, ${(w.bytes / w.batches.length / 1024).toFixed(0)} KiB each`);

  const t0 = cpuTimes();
  const decodeBefore = decodeCeiling(w, P.decodeS, false, COLLECTOR_CPU);
  const decodeGz = decodeCeiling(w, P.decodeS / 2, true, COLLECTOR_CPU);
  progress(`decode ceiling: ${fmt(decodeBefore)} spans/s, with gunzip ${fmt(decodeGz)}`);
  const receive = await receiveCeiling(source(w, false), P.receivePasses, COLLECTOR_CPU, P.receiveWarmMs);
  progress(`receive + decode only: ${fmt(receive.median)} spans/CPU-s (passes ${receive.passes.map(fmt).join(', ')}, after ${receive.warmPasses} untimed)`);

  const t1 = cpuTimes();
  const http = await measureProtocol('http', w);
  const t2 = cpuTimes();
  const grpc = await measureProtocol('grpc', w);
  // The ceiling again after the searches, and the larger reading is the ceiling: on a VM whose
  // speed swings, one reading taken while the host was busy made the ratio read 0.62 in a run where
  // the pipeline was searched at full speed (bench/README.md, session 4).
  const decodeAfter = decodeCeiling(w, P.decodeS, false, COLLECTOR_CPU);
  const decode = Math.max(decodeBefore, decodeAfter);
  progress(`decode ceiling again: ${fmt(decodeAfter)} spans/s; steal ${stealPct(t0, t1).toFixed(1)}% during the first reading, ${stealPct(t1, t2).toFixed(1)}% during the HTTP search`);

  const rate = http.max > 0 ? http.max : http.perCpuS * 0.8;
  // The grace that keeps ~10,500 requests waiting in the assembler at the max rate (the issue's
  // 10,000 in flight; the default 2 s grace held ~17,800 at 175k spans/s). The load then runs 15 s
  // past the grace: V8 lets the old generation grow to several times what is live before a major
  // GC, and a 5 s window could end before the first one: at 150k spans/s with ~9,000 in flight
  // the RSS rose to 925-975 MB within 12 s while each major GC left 215-270 MB of heap in use
  // (bench/memory-diag.ts).
  const memoryAt = async (spansPerS: number) => {
    const grace = Math.ceil((10_500 / (spansPerS / (w.spans / w.requests))) * 1000);
    const m = await withCollector({ HOTPATH_GRACE_MS: String(grace) }, async (c) => {
      const s = httpSender(c.ports.http, false, HTTP_CONC);
      try {
        return await memoryPeak(c, s.send, source(w, false), spansPerS, grace + P.memExtraMs, HTTP_CONC);
      } finally {
        s.close();
      }
    });
    progress(`memory: peak RSS ${m.peakRssMb.toFixed(0)} MB, heap after GC ${m.minHeapUsedMb.toFixed(0)} MB; requests in flight median ${fmt(m.medianInFlight)}, max ${fmt(m.peakInFlight)}; queue max ${fmt(m.maxQueued)} spans; ${fmt(m.evicted)} evicted (grace ${grace} ms, ${fmt(spansPerS)} spans/s, ${(m.load.keptPace * 100).toFixed(0)}% of pace)`);
    return { ...m, rate: spansPerS };
  };
  // The window is longer than a search trial's, and a rate at the edge of what passed can fall
  // behind in it: requests then wait past their grace and the assembler fills to its 20,000 bound
  // (two runs held a median of 19,536-19,555). Such a reading is not "10,000 in flight", so the
  // phase runs once more at 85% of the rate, and the table says which rate held.
  let mem = await memoryAt(rate);
  if (!(mem.medianInFlight <= 12_000)) mem = await memoryAt(Math.round(rate * 0.85));

  const lag = await withCollector({}, async (c) => {
    const s = httpSender(c.ports.http, false, HTTP_CONC);
    try {
      return await lagAndApi(c, s.send, source(w, false), rate * 0.8, P.lagMs, GRACE_MS, HTTP_CONC, P.lagWarmupMs);
    } finally {
      s.close();
    }
  });
  progress(`lag: ${lag.lagMs.length} markers (and ${lag.coldLagMs.length} in the warm-up), ${lag.lostMarkers} never appeared; API: ${lag.endpointsMs.length + lag.queriesMs.length} calls; the timing client's own event-loop delay p99 ${lag.clientLoopDelayMs.p99.toFixed(1)} ms, max ${lag.clientLoopDelayMs.max.toFixed(1)} ms`);

  const t3 = cpuTimes();
  const growth = await costGrowth(P.scaleSpans, P.scaleRounds, !quick, (env, fn) => withCollector(env, fn), (c) => httpSender(c.ports.http, false, 4), source, progress);

  // The target holds for each route: the worse route's p99, not the p99 of both together (which
  // read 91.1 ms in a run where /queries alone had 131.3 ms).
  const t4 = cpuTimes();
  const steal = { run: stealPct(t0, t4), http: stealPct(t1, t2), growth: stealPct(t3, t4) };
  const apiP99 = Math.max(percentile(lag.endpointsMs, 99), percentile(lag.queriesMs, 99));
  const rows: Row[] = [
    ['collector GC', [...gcModes].join(', '), `bin/hotpath-node, HOTPATH_GC_THREADS=${process.env['HOTPATH_GC_THREADS'] ?? 'auto'} (auto: single-threaded on one CPU)`],
    ['CPU steal (hypervisor)', `${steal.run.toFixed(1)}%`, `of all CPU time over the run; HTTP search ${steal.http.toFixed(1)}%, cost growth ${steal.growth.toFixed(1)}%${steal.run > 5 ? ': figures unreliable' : ''}`],
    ['decode only (protobuf)', `${fmt(decode)} spans/CPU-s`, `fresh process on the collector core, median of 5; larger of ${fmt(decodeBefore)} before and ${fmt(decodeAfter)} after the searches`],
    ['decode only (gzip + protobuf)', `${fmt(decodeGz)} spans/CPU-s`, ''],
    ['receive + decode only (OTLP/HTTP)', `${fmt(receive.median)} spans/CPU-s`, `the collector's receiver and decoder with nothing after them (receive-child.mjs), median of ${P.receivePasses} passes after ${receive.warmPasses} untimed; ${(receive.median / decode).toFixed(2)} of decode only`],
    ['pipeline OTLP/HTTP protobuf', `${fmt(http.max)} spans/s`, `sustained (max spans in flight 500k); capacity ${fmt(http.perCpuS)} spans/CPU-s`],
    ['pipeline OTLP/HTTP protobuf+gzip', P.gzipSearch ? `${fmt(http.gzipMax)} spans/s` : '(full run)', `capacity ${fmt(http.gzipPerCpuS)} spans/CPU-s`],
    ['pipeline OTLP/gRPC', `${fmt(grpc.max)} spans/s`, `sustained; capacity ${fmt(grpc.perCpuS)} spans/CPU-s`],
    ['ratio pipeline / decode', (http.max / decode).toFixed(2), 'target >= 0.5'],
    ['pipeline capacity / receive + decode', (http.perCpuS / receive.median).toFixed(2), 'not a target: what everything after decode leaves of the receiving path (both per CPU-second)'],
    ['peak RSS', `${mem.peakRssMb.toFixed(0)} MB`, `${fmt(mem.medianInFlight)} requests in flight (median; max ${fmt(mem.peakInFlight)}, queue max ${fmt(mem.maxQueued)} spans, ${fmt(mem.evicted)} evicted) at ${fmt(mem.rate)} spans/s${mem.rate === rate ? '' : ' (85% of the max: the max fell behind)'} for grace + ${P.memExtraMs / 1000} s`],
    ['heap after GC', `${mem.minHeapUsedMb.toFixed(0)} MB`, 'smallest V8 heap in use with >= 10,000 in flight (the rest of the RSS is growth slack)'],
    ['lag past grace p50 / p99', `${fmt(percentile(lag.lagMs, 50))} / ${fmt(percentile(lag.lagMs, 99))} ms`, `${lag.lagMs.length} markers at 80% load after ${P.lagWarmupMs / 1000} s of it, grace ${GRACE_MS} ms; during those first seconds p99 ${fmt(percentile(lag.coldLagMs, 99))} ms`],
    ['API /endpoints p50 / p99', `${percentile(lag.endpointsMs, 50).toFixed(1)} / ${percentile(lag.endpointsMs, 99).toFixed(1)} ms`, `${lag.endpointsMs.length} calls`],
    ['API /queries p50 / p99', `${percentile(lag.queriesMs, 50).toFixed(1)} / ${percentile(lag.queriesMs, 99).toFixed(1)} ms`, `${lag.queriesMs.length} calls`],
    ...growth.rows,
  ];
  printTable(rows);
  const summary = {
    mode: quick ? 'quick' : 'full',
    decode_spans_per_s: Math.round(decode),
    decode_readings: [Math.round(decodeBefore), Math.round(decodeAfter)],
    collector_gc: [...gcModes].join(', '),
    steal_pct: { run: Number(steal.run.toFixed(1)), http: Number(steal.http.toFixed(1)), growth: Number(steal.growth.toFixed(1)) },
    decode_gzip_spans_per_s: Math.round(decodeGz),
    pipeline_spans_per_s: http.max,
    pipeline_gzip_spans_per_s: P.gzipSearch ? http.gzipMax : null,
    grpc_spans_per_s: grpc.max,
    ratio: Number((http.max / decode).toFixed(3)),
    receive_decode_spans_per_cpu_s: Math.round(receive.median),
    capacity_vs_receive_decode: Number((http.perCpuS / receive.median).toFixed(3)),
    peak_rss_mb: Math.round(mem.peakRssMb),
    peak_in_flight_requests: mem.peakInFlight,
    median_in_flight_requests: mem.medianInFlight,
    heap_after_gc_mb: Math.round(mem.minHeapUsedMb),
    lag_p50_ms: Math.round(percentile(lag.lagMs, 50)),
    lag_p99_ms: Math.round(percentile(lag.lagMs, 99)),
    lag_cold_p99_ms: Math.round(percentile(lag.coldLagMs, 99)),
    api_p99_ms: Number(apiP99.toFixed(1)),
    capacity_spans_per_cpu_s: { http: Math.round(http.perCpuS), http_gzip: Math.round(http.gzipPerCpuS), grpc: Math.round(grpc.perCpuS) },
    growth: growth.summary,
    throughput_drop_10_to_1000: growth.drop,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
