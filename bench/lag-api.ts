// The bench's lag and API phase alone, at a fixed offered rate, for settings that trade the two
// (the API thread's nice value above all): each setting gets a fresh collector per round, and the
// rounds alternate, so a VM whose speed drifts moves every setting alike.
//   node --import tsx bench/lag-api.ts RATE [--rounds=3] [--seconds=15] [--warmup=5] [--env=NAME=v1,v2,...] [--prof=DIR] [--dist] [--mains=A,B] [--routes=N]
// --prof=DIR: the collector runs under `node --cpu-prof` (one profile per thread: the API thread's too).
// --dist: each route's call times at p50, p75, p90, p95, p98, p99 and the maximum.
// --mains=a/main.js,b/main.js: alternate compiled builds instead of (or as well as) a setting.
// --routes=N: the workload's distinct routes and fingerprints (default the bench's 10).
// e.g. node --import tsx bench/lag-api.ts 160000 --env=HOTPATH_API_THREAD_NICE=10,7,5
import { spawnSync } from 'node:child_process';
import { CollectorProcess, ensureBuilt } from './collector-process.js';
import { lagAndApi, percentile } from './latency.js';
import { httpSender } from './senders.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const args = process.argv.slice(2);
const opt = (k: string, d: string): string => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const rate = Number(args.find((a) => !a.startsWith('--')));
if (!(rate > 0)) throw new Error('usage: lag-api.ts RATE [--rounds=3] [--seconds=15] [--warmup=5] [--env=NAME=v1,v2]');
const rounds = Number(opt('rounds', '3'));
const seconds = Number(opt('seconds', '15'));
// As the full run: markers and API calls of the fresh collector's first seconds are kept apart.
const warmupS = Number(opt('warmup', '5'));
const [envName, envValues] = opt('env', '=').split('=') as [string, string];
const settings = envName === '' ? [''] : envValues.split(',');
const profDir = opt('prof', '');
const mains = opt('mains', '') === '' ? [undefined] : opt('mains', '').split(',');
// As bench/run.ts: the collector on core 0, this sender on core 1, the default grace.
const GRACE_MS = 2000;
const CONCURRENCY = 16;

ensureBuilt((s) => process.stderr.write(`${s}\n`));
if (spawnSync('taskset', ['-cp', '1', String(process.pid)]).status !== 0) throw new Error('taskset failed: install util-linux');
const routes = Number(opt('routes', String(DJANGO_SHAPE.routes)));
const w = buildWorkload({ label: 'lag-api', requests: Math.max(6000, routes * 4), options: { ...DJANGO_SHAPE, routes, fingerprints: routes } });
let cycle = 0;
const fmt = (xs: number[], p: number): string => (xs.length === 0 ? '-' : percentile(xs, p).toFixed(1));

for (let round = 1; round <= rounds; round++) {
  for (const main of mains) for (const value of settings) {
    const env: Record<string, string> = { HOTPATH_MAX_SPANS_IN_FLIGHT: '500000', HOTPATH_IDLE_TIMEOUT_MS: '3000' };
    if (envName !== '') env[envName] = value;
    const c = await CollectorProcess.start({ cpu: 0, env, ...(profDir === '' ? {} : { cpuProfDir: profDir }), ...(main === undefined ? {} : { main }) });
    const s = httpSender(c.ports.http, false, CONCURRENCY);
    try {
      const r = await lagAndApi(c, s.send, new BatchSource(w, (cycle += 10_000), false), rate, seconds * 1000, GRACE_MS, CONCURRENCY, warmupS * 1000);
      const label = `${envName === '' ? 'default' : `${envName}=${value}`}${main === undefined ? '' : ` ${main}`}`;
      console.log(
        `round ${round} ${label}: lag p50/p99 ${fmt(r.lagMs, 50)}/${fmt(r.lagMs, 99)} ms (${r.lagMs.length} markers, ${r.lostMarkers} lost; warm-up p99 ${fmt(r.coldLagMs, 99)}); ` +
          `API p50/p99 /endpoints ${fmt(r.endpointsMs, 50)}/${fmt(r.endpointsMs, 99)}, /queries ${fmt(r.queriesMs, 50)}/${fmt(r.queriesMs, 99)} ms ` +
          `(${r.endpointsMs.length} calls each); sent ${(r.load.keptPace * 100).toFixed(0)}% of pace; ` +
          `client loop delay p99/max ${r.clientLoopDelayMs.p99.toFixed(1)}/${r.clientLoopDelayMs.max.toFixed(1)} ms`,
      );
      if (args.includes('--dist')) for (const [n, xs] of [['endpoints', r.endpointsMs], ['queries', r.queriesMs]] as const) console.log(n, [50, 75, 90, 95, 98, 99, 100].map((p) => `p${p} ${fmt(xs, p)}`).join(' '));
    } finally {
      s.close();
      await c.stop();
    }
  }
}
