// Capacity of two builds measured at the same time: both collectors share core 0 and take the same
// passes concurrently, so a machine whose speed swings (other tenants, frequency) moves both alike;
// alternating runs on this VM read 87k-138k spans per CPU-second for one build within minutes.
// Run: node --import tsx bench/ab-capacity.ts path/to/a/main.js path/to/b/main.js [passes=5] [--routes=N] [--grace=ms (default 200)]
//      [--a-node-opt=FLAG] [--b-node-opt=FLAG] (node or V8 flags for one build, e.g. the same main.js with and without a flag)
//      [--a-env=NAME=VALUE] [--b-env=NAME=VALUE] (settings for one build, e.g. the same main.js with two values of one)
import { spawnSync } from 'node:child_process';
import { CollectorProcess } from './collector-process.js';
import { httpSender } from './senders.js';
import { saturation } from './throughput.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const [a, b, passesArg] = process.argv.slice(2).filter((x) => !x.startsWith('--'));
if (a === undefined || b === undefined) throw new Error('usage: ab-capacity.ts A/main.js B/main.js [passes]');
const passes = Number(passesArg ?? 5);
const routes = Number(process.argv.find((x) => x.startsWith('--routes='))?.slice(9) ?? 10);
spawnSync('taskset', ['-cp', '1', String(process.pid)]);
const w = buildWorkload({ label: 'ab', requests: 6000, options: { ...DJANGO_SHAPE, routes, fingerprints: routes } });
// A longer grace holds more spans in flight, so it weighs what held spans cost the GC.
const grace = process.argv.find((x) => x.startsWith('--grace='))?.slice(8) ?? '200';
const env = { HOTPATH_GRACE_MS: grace, HOTPATH_MAX_SPANS_IN_FLIGHT: '500000' };
const nodeOpts = (which: string) => process.argv.filter((x) => x.startsWith(`--${which}-node-opt=`)).map((x) => x.slice(which.length + 12));
const envOf = (which: string): Record<string, string> =>
  Object.fromEntries(process.argv.filter((x) => x.startsWith(`--${which}-env=`)).map((x) => x.slice(which.length + 7).split(/=(.*)/s).slice(0, 2)));
const cs = await Promise.all([a, b].map((main, i) => CollectorProcess.start({ cpu: 0, main, env: { ...env, ...envOf(i === 0 ? 'a' : 'b') }, nodeArgs: nodeOpts(i === 0 ? 'a' : 'b') })));
const senders = cs.map((c) => httpSender(c.ports.http, false, 4));
const results: number[][] = [[], []];
try {
  for (let p = 0; p <= passes; p++) {
    const r = await Promise.all(cs.map((c, i) => saturation(c, senders[i]!.send, new BatchSource(w, 1 + p * 10, false), 200, true)));
    if (p === 0) continue; // warm-up
    r.forEach((x, i) => results[i]!.push(x));
    console.log(`pass ${p}: A ${Math.round(r[0]!)}  B ${Math.round(r[1]!)}  B/A ${(r[1]! / r[0]!).toFixed(3)}`);
  }
} finally {
  senders.forEach((s) => s.close());
  await Promise.all(cs.map((c) => c.stop()));
}
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
const ratios = results[0]!.map((x, i) => results[1]![i]! / x);
console.log(`median spans per CPU-second: A ${Math.round(med(results[0]!))}, B ${Math.round(med(results[1]!))}; median B/A ${med(ratios).toFixed(3)} (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
