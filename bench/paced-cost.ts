// Cost growth in the paced regime: collector CPU per span while an open-loop sender holds a fixed
// rate (10 s trials, 16 exports in flight, grace 2 s), 10 against 1,000 routes and fingerprints in
// turns on one collector. scaling.ts measures the same growth with saturation passes (a pass as
// fast as taken, so the whole pass is held at once); this reads it where the headline rate is
// measured. Session 15: the drop is not an artefact of the flood, and it grows as the rate falls
// (a flush writes a row per key and minute each second whatever the rate: 27.4% at 70k spans/s,
// 8.8% and 13.2% at 100k; bench/README.md).
// Run: node --import tsx bench/paced-cost.ts [rate=100000] [rounds=3]
import { spawnSync } from 'node:child_process';
import { CollectorProcess, SEARCH_ENV } from './collector-process.js';
import { httpSender } from './senders.js';
import { saturation, trial } from './throughput.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const [rateArg, roundsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rate = Number(rateArg ?? 100_000);
const rounds = Number(roundsArg ?? 3);
spawnSync('taskset', ['-cp', '1', String(process.pid)]);
const cases = [10, 1000].map((n) => buildWorkload({ label: `${n} routes`, requests: 18_000, options: { ...DJANGO_SHAPE, routes: n, fingerprints: n } }));
const c = await CollectorProcess.start({ cpu: 0, env: SEARCH_ENV });
const s = httpSender(c.ports.http, false, 16);
let cycle = 1;
const source = (i: number): BatchSource => new BatchSource(cases[i]!, (cycle += 10_000), false);
const perCpuS: number[][] = cases.map(() => []);
try {
  // Untimed: the JIT, and each case's series, rows and cache entries made once.
  for (let i = 0; i < cases.length; i++) await saturation(c, s.send, source(i), 2000, true);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const cpu0 = c.cpuSeconds();
      const t = await trial(c, s.send, source(i), rate, 10_000, 2000, 16);
      // Past the writer's longest interval (4 s), so the trial's rows are written in the CPU counted.
      await new Promise((done) => setTimeout(done, 4500));
      const x = t.load.okSpans / (c.cpuSeconds() - cpu0);
      perCpuS[i]!.push(x);
      console.log(`round ${r + 1} ${cases[i]!.label}: ${Math.round(t.achieved)} spans/s sent (${(t.load.keptPace * 100).toFixed(0)}% of pace), ${t.pass ? 'pass' : `fail: ${t.why}`}; ${Math.round(x)} spans per CPU-second`);
    }
  }
} finally {
  s.close();
  await c.stop();
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const [ten, thousand] = perCpuS.map(med) as [number, number];
const pairs = perCpuS[0]!.map((x, k) => `${((1 - perCpuS[1]![k]! / x) * 100).toFixed(1)}%`);
console.log(`median spans per CPU-second: 10 routes ${Math.round(ten)}, 1,000 routes ${Math.round(thousand)}; drop ${((1 - thousand / ten) * 100).toFixed(1)}% (by round: ${pairs.join(', ')})`);
