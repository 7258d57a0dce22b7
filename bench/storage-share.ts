// How much of the collector's CPU goes to storage flushes as routes and fingerprints grow: for each
// case, passes of the bench workload (counted until stored, as in the cost-growth figure), with the
// CPU-seconds of the pass, the flush seconds and rows written from /metrics.
// Run: node --import tsx bench/storage-share.ts [routes...=10 1000] [--passes=3] [--spans=400000] [--main=path]
import { spawnSync } from 'node:child_process';
import { CollectorProcess } from './collector-process.js';
import { httpSender } from './senders.js';
import { saturation } from './throughput.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const opt = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const routes = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const passes = opt('passes', 3);
const spans = opt('spans', 400_000);
const main = process.argv.find((a) => a.startsWith('--main='))?.slice(7);
spawnSync('taskset', ['-cp', '1', String(process.pid)]);
const FAMILIES = ['hotpath_storage_rows_written_total', 'hotpath_storage_flush_duration_seconds'];
// Built before the collector starts: a pause of several seconds between API calls let a keep-alive
// socket close under the next request (undici: "other side closed").
const cases = (routes.length > 0 ? routes : [10, 1000]).map((n) => ({ n, w: buildWorkload({ label: `${n}`, requests: Math.max(Math.round(spans / 22), n * 4), options: { ...DJANGO_SHAPE, routes: n, fingerprints: n } }) }));
const warm = buildWorkload({ label: 'warm', requests: 6000, options: DJANGO_SHAPE });
const c = await CollectorProcess.start({ cpu: 0, env: { HOTPATH_GRACE_MS: '200' }, ...(main === undefined ? {} : { main }) });
const s = httpSender(c.ports.http, false, 4);
try {
  let cycle = 1;
  await saturation(c, s.send, new BatchSource(warm, cycle++, false), 200);
  for (const { n, w } of cases) {
    for (let p = 0; p < passes; p++) {
      const m0 = await c.metrics(FAMILIES);
      const cpu0 = c.cpuSeconds();
      const perCpuS = await saturation(c, s.send, new BatchSource(w, (cycle += 10), false), 200, true);
      const cpu = c.cpuSeconds() - cpu0;
      const m1 = await c.metrics(FAMILIES);
      const d = (name: string) => m1.sum(name) - m0.sum(name);
      const flushS = d('hotpath_storage_flush_duration_seconds_sum');
      console.log(`${n} routes: ${Math.round(perCpuS)} spans/CPU-s; ${cpu.toFixed(2)} CPU-s, flushes ${flushS.toFixed(2)} s (${((flushS / cpu) * 100).toFixed(0)}%) in ${d('hotpath_storage_flush_duration_seconds_count')} flushes, ${d('hotpath_storage_rows_written_total')} rows (${((d('hotpath_storage_rows_written_total') / w.spans) * 1000).toFixed(0)} per 1,000 spans)`);
    }
  }
} finally {
  s.close();
  await c.stop();
}
