// Where the collector's resident memory goes under load: RSS, V8 heap used/total per space and
// external memory, sampled every 250 ms from /metrics while a paced load runs with a chosen grace.
// Run: node --import tsx bench/memory-diag.ts [rate=150000] [grace=1400] [seconds=8] [--main=path] [--node-opt=flag]
//      [--snapshot-at=S] (with --node-opt=--heapsnapshot-signal=SIGUSR2) [--env=NAME=VALUE] [--stdout=FILE] (the collector's stdout, e.g. with
//      --node-opt=--trace-gc-nvp: per-scavenge `promoted=` bytes)
import { spawnSync } from 'node:child_process';
import { CollectorProcess } from './collector-process.js';
import { memoryPeak } from './latency.js';
import { httpSender } from './senders.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rate = Number(args[0] ?? 150_000);
const grace = Number(args[1] ?? 1400);
const seconds = Number(args[2] ?? 8);
const main = process.argv.find((a) => a.startsWith('--main='))?.slice(7);
const stdoutFile = process.argv.find((a) => a.startsWith('--stdout='))?.slice(9);
const nodeArgs = process.argv.filter((a) => a.startsWith('--node-opt=')).map((a) => a.slice(11));
spawnSync('taskset', ['-cp', '1', String(process.pid)]);
const w = buildWorkload({ label: 'django', requests: 6000, options: DJANGO_SHAPE });
// --env=NAME=VALUE: collector settings to try (e.g. --env=HOTPATH_HEAP_GROWTH_PERCENT=30).
const extraEnv = Object.fromEntries(process.argv.filter((a) => a.startsWith('--env=')).map((a) => [a.slice(6, a.indexOf('=', 6)), a.slice(a.indexOf('=', 6) + 1)]));
const c = await CollectorProcess.start({ cpu: 0, env: { HOTPATH_GRACE_MS: String(grace), HOTPATH_IDLE_TIMEOUT_MS: '3000', HOTPATH_MAX_SPANS_IN_FLIGHT: '500000', ...extraEnv }, ...(main === undefined ? {} : { main }), nodeArgs, ...(stdoutFile === undefined ? {} : { stdoutFile }) });
const s = httpSender(c.ports.http, false, 16);
const mb = (x: number) => (x / 1048576).toFixed(0);
const rows: string[] = [];
// --snapshot-at=S: a heap snapshot of the collector S seconds into the load (written to the project root).
const snapAt = Number(process.argv.find((a) => a.startsWith('--snapshot-at='))?.slice(14) ?? NaN);
if (Number.isFinite(snapAt)) setTimeout(() => process.kill(c.pid, 'SIGUSR2'), snapAt * 1000).unref();
const families = ['nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes', 'nodejs_heap_space_size_used_bytes'];
const r = await memoryPeak(c, s.send, new BatchSource(w, 1, false), rate, seconds * 1000, 16, {
  families,
  onSample: (m) => {
    const space = (n: string) => mb(m.sum('nodejs_heap_space_size_used_bytes', `space="${n}"`));
    rows.push(`open ${m.sum('hotpath_assembler_open_requests')} queued ${m.sum('hotpath_queue_depth_spans')} rss ${c.rssMb().toFixed(0)} heapUsed ${mb(m.sum('nodejs_heap_size_used_bytes'))} heapTotal ${mb(m.sum('nodejs_heap_size_total_bytes'))} external ${mb(m.sum('nodejs_external_memory_bytes'))} old ${space('old')} new ${space('new')} large ${space('large_object')}`);
  },
});
for (const row of rows) console.log(row);
console.log(`peak RSS ${r.peakRssMb.toFixed(0)} MB; heap after GC ${r.minHeapUsedMb.toFixed(0)} MB; in flight median ${r.medianInFlight}; sent ${r.load.okSpans}, kept pace ${(r.load.keptPace * 100).toFixed(0)}%`);
s.close();
await c.stop();
