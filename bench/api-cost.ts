// What one API call costs the collector in CPU, without ingest competing: a fresh collector is fed
// the bench workload (with the lag phase's markers, so /endpoints lists as many routes as in the
// bench) for a few seconds, then each route is called N times back to back and the collector's CPU
// (all threads, /proc) is divided by the calls.
//   node --import tsx bench/api-cost.ts [N=1000] [--main=path/to/main.js] [--prof=DIR]
import { spawnSync } from 'node:child_process';
import { CollectorProcess, ensureBuilt } from './collector-process.js';
import { lagAndApi } from './latency.js';
import { httpSender } from './senders.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const args = process.argv.slice(2);
const opt = (k: string): string | undefined => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const calls = Number(args.find((a) => !a.startsWith('--')) ?? 1000);
const main = opt('main');
const prof = opt('prof');
const ROUTES = ['/api/v1/endpoints?window=15m', '/api/v1/queries?window=15m'];

if (main === undefined) ensureBuilt((s) => process.stderr.write(`${s}\n`));
if (spawnSync('taskset', ['-cp', '1', String(process.pid)]).status !== 0) throw new Error('taskset failed: install util-linux');
const w = buildWorkload({ label: 'api-cost', requests: 6000, options: DJANGO_SHAPE });
const c = await CollectorProcess.start({
  cpu: 0, env: { HOTPATH_MAX_SPANS_IN_FLIGHT: '500000' }, ...(main === undefined ? {} : { main }), ...(prof === undefined ? {} : { cpuProfDir: prof }),
});
const s = httpSender(c.ports.http, false, 16);
try {
  await lagAndApi(c, s.send, new BatchSource(w, 1, false), 60_000, 8000, 2000, 16, 1000);
  await new Promise((r) => setTimeout(r, 3000)); // the last rows stored, the collector idle
  for (const path of ROUTES) {
    for (let i = 0; i < 50; i++) await c.get(path); // untimed: statements prepared, code compiled
    const cpu0 = c.cpuSeconds();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await c.get(path);
    const cpuMs = ((c.cpuSeconds() - cpu0) / calls) * 1000;
    const wallMs = (performance.now() - t0) / calls;
    const bytes = (await c.get(path)).body.length;
    console.log(`${path}: ${cpuMs.toFixed(3)} ms of collector CPU a call, ${wallMs.toFixed(3)} ms wall, ${bytes} B answered`);
  }
} finally {
  s.close();
  await c.stop();
}
