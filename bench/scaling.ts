// How cost grows (issue 7, item 7): collector capacity in spans per CPU-second at 1, 10, 100 and
// 1,000 distinct routes and fingerprints, and at 5 vs 200 spans per request, one collector for all
// cases (warmed up once, so no case pays for the JIT). Grace is cut to 200 ms here: it only delays
// emission, it does not change the work. Each pass is counted until its rows are stored (saturation
// `untilStored`): storage is where the number of rows, and so cardinality, costs most.
import type { CollectorProcess } from './collector-process.js';
import type { Sender } from './senders.js';
import { saturation } from './throughput.js';
import { buildWorkload, DJANGO_SHAPE, type BatchSource, type Workload } from './workload.js';
import { fmt, type Row } from './table.js';

const GRACE_MS = 200;
const PASSES = 3;

interface Case {
  label: string;
  options: typeof DJANGO_SHAPE;
}

const CASES: Case[] = [
  ...[1, 10, 100, 1000].map((n) => ({ label: `${n} routes / ${n} fingerprints`, options: { ...DJANGO_SHAPE, routes: n, fingerprints: n } })),
  { label: '5 spans per request', options: { ...DJANGO_SHAPE, middlewareSpans: 0, cacheSpans: 1, dbSpansMin: 2, dbSpansMax: 2 } },
  { label: '200 spans per request', options: { ...DJANGO_SHAPE, middlewareSpans: 4, cacheSpans: 4, dbSpansMin: 190, dbSpansMax: 190 } },
];

export async function costGrowth(
  spansWanted: number,
  withCollector: <T>(env: Record<string, string>, fn: (c: CollectorProcess) => Promise<T>) => Promise<T>,
  sender: (c: CollectorProcess) => Sender,
  source: (w: Workload, gzip: boolean) => BatchSource,
  progress: (s: string) => void,
): Promise<{ rows: Row[]; summary: Record<string, number>; drop: number }> {
  const rows: Row[] = [];
  const summary: Record<string, number> = {};
  const workloads = CASES.map((k) => {
    const perReq = 2 + (k.options.middlewareSpans ?? 0) + (k.options.cacheSpans ?? 0) + ((k.options.dbSpansMin ?? 0) + (k.options.dbSpansMax ?? 0)) / 2;
    // About the same span count per case, and every route seen several times.
    const requests = Math.max(Math.round(spansWanted / perReq), (k.options.routes ?? 1) * 4);
    return buildWorkload({ label: k.label, requests, options: k.options });
  });
  await withCollector({ HOTPATH_GRACE_MS: String(GRACE_MS) }, async (c) => {
    const s = sender(c);
    try {
      await saturation(c, s.send, source(workloads[1]!, false), GRACE_MS); // warm-up
      for (let i = 0; i < CASES.length; i++) {
        const k = CASES[i]!;
        const w = workloads[i]!;
        // Median of three passes: one ~1 s pass swung by 20-30% between runs (flush and GC timing).
        const passes: number[] = [];
        for (let p = 0; p < PASSES; p++) passes.push(await saturation(c, s.send, source(w, false), GRACE_MS, true));
        const perCpuS = passes.sort((a, b) => a - b)[PASSES >> 1]!;
        progress(`cost growth: ${k.label}: ${fmt(perCpuS)} spans per CPU-second`);
        summary[k.label] = Math.round(perCpuS);
        rows.push([`capacity, ${k.label}`, `${fmt(perCpuS)} spans/CPU-s`, `${fmt((perCpuS * w.requests) / w.spans)} requests/CPU-s`]);
      }
    } finally {
      s.close();
    }
  });
  const at10 = summary[CASES[1]!.label]!;
  const at1000 = summary[CASES[3]!.label]!;
  const drop = Number(((1 - at1000 / at10) * 100).toFixed(1));
  rows.push(['drop 10 -> 1,000 routes/fingerprints', `${drop}%`, 'target < 20%']);
  return { rows, summary, drop };
}
