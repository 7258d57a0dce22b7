// Where the collector allocates: the stages after the socket (decode -> queue -> assemble ->
// analyse -> aggregator + metrics sinks, storage drain included) run in this process under V8's
// sampling heap profiler with collected objects kept in the samples, so short-lived garbage shows
// up by allocation site. No HTTP: the sender's own allocations would land in the same heap.
//   node --import tsx bench/alloc-profile.ts [passes=4] [--routes=N]
import { Session } from 'node:inspector/promises';
import { decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from '../collector/decode/index.js';
import { Pipeline } from '../collector/pipeline.js';
import { resolveAssemblerConfig } from '../collector/assemble/assembler-config.js';
import { resolveAnalysisConfig } from '../collector/analyse/analysis-config.js';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { createMetrics } from '../collector/expose/metrics/index.js';
import { batchFor, buildWorkload, DJANGO_SHAPE } from './workload.js';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const passes = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 4);
const routes = Number(process.argv.find((a) => a.startsWith('--routes='))?.slice(9) ?? DJANGO_SHAPE.routes);
const w = buildWorkload({ label: 'django', requests: 6000, options: { ...DJANGO_SHAPE, routes, fingerprints: routes } });
let now = Date.now();
const clock = (): number => now;
const aggregator = new Aggregator({}, clock);
const metrics = createMetrics({ defaultMetrics: false }, clock);
const pipeline = new Pipeline(
  { queueMaxSpans: 1e9, assembler: resolveAssemblerConfig({ maxSpansInFlight: 1e7, maxRequestsInFlight: 1e6 }), analysis: resolveAnalysisConfig(), fingerprintCacheSize: 10_000, tickMs: 100 },
  [aggregator, metrics.sink],
  clock,
);

function pass(cycle: number): void {
  for (let i = 0; i < w.batches.length; i++) {
    const r = decodeProtoRequest(batchFor(w, i, cycle, false), DEFAULT_DECODE_OPTIONS);
    pipeline.intake.offer(r.spans, r.idHalves); // as the receivers hand them on
    pipeline.queue.drainNow();
    now += 4; // ~130k spans/s of clock
    pipeline.assembler.tick();
  }
  now += 3000;
  pipeline.assembler.tick();
  aggregator.drain();
}

pass(1); // warm-up
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
for (let p = 0; p < passes; p++) pass(2 + p);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
const bySite = new Map<string, number>();
let total = 0;
// Builtins (Map#set, sort, ...) have no script: they are named with the function that called them.
const walk = (n: HeapNode, caller: string): void => {
  const url = n.callFrame.url.replace(/^.*\/(collector|storage|node_modules)\//, '$1/');
  const self = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  const k = url === '' ? `${n.callFrame.functionName || '(native)'} in ${caller}` : self;
  if (n.selfSize > 0) {
    bySite.set(k, (bySite.get(k) ?? 0) + n.selfSize);
    total += n.selfSize;
  }
  for (const c of n.children) walk(c, url === '' ? caller : self);
};
walk(profile.head, '(root)');
const spans = w.spans * passes;
console.log(`${(total / spans).toFixed(0)} bytes allocated per span (${passes} passes of ${w.spans} spans, ${routes} routes), by site:`);
for (const [k, b] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${(b / spans).toFixed(0).padStart(6)} B/span  ${k}`);
