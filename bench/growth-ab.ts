// Cost growth (10 -> 1,000 routes and fingerprints) for builds or settings side by side, paired:
// every (build, route count) gets a collector of its own, and the passes go round all of them, so
// a VM whose speed swings moves every reading alike. scaling.ts runs its cases on one collector, and
// a case's pass there also pays for the state the previous case left (rows, old-generation
// garbage); here each collector sees one workload, as one Django app would. On this project's VMs
// one build's drop read 11.7-32.8% from one run to the next (bench/README.md, session 18), so a
// change to the drop is judged from runs like these, not from two full runs.
//   node --import tsx bench/growth-ab.ts 'A/main.js' 'B/main.js|NAME=VALUE,NAME=VALUE' [--rounds=5]
// A setting is a compiled main.js (or "dist" for this tree's) with optional collector settings.
import { spawnSync } from 'node:child_process';
import { CollectorProcess, SEARCH_ENV } from './collector-process.js';
import { httpSender, type Sender } from './senders.js';
import { saturation } from './throughput.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const ROUTES = [10, 1000];
/** As scaling.ts: grace cut to 200 ms, ~400k spans a pass, each pass counted until its rows are stored. */
const GRACE_MS = 200;
const SPANS = 400_000;

const args = process.argv.slice(2);
const settings = args.filter((a) => !a.startsWith('--'));
const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 5);
if (settings.length === 0) throw new Error("usage: growth-ab.ts 'A/main.js' 'B/main.js|NAME=VALUE' [--rounds=5]");
spawnSync('taskset', ['-cp', '1', String(process.pid)]);

const workloads = ROUTES.map((n) => buildWorkload({ label: `${n} routes`, requests: Math.round(SPANS / 22), options: { ...DJANGO_SHAPE, routes: n, fingerprints: n } }));
let cycle = 1;
interface Slot {
  c: CollectorProcess;
  s: Sender;
  setting: number;
  routes: number;
}
const slots: Slot[] = [];
const results = settings.map(() => ROUTES.map((): number[] => []));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const drop = (at10: number, at1000: number): string => `${((1 - at1000 / at10) * 100).toFixed(1)}%`;
try {
  for (let i = 0; i < settings.length; i++) {
    const [main, envText] = settings[i]!.split('|') as [string, string | undefined];
    const env = Object.fromEntries((envText ?? '').split(',').filter(Boolean).map((kv) => kv.split(/=(.*)/s).slice(0, 2)));
    for (let r = 0; r < ROUTES.length; r++) {
      const c = await CollectorProcess.start({ cpu: 0, env: { ...SEARCH_ENV, HOTPATH_GRACE_MS: String(GRACE_MS), ...env }, ...(main === 'dist' ? {} : { main }) });
      slots.push({ c, s: httpSender(c.ports.http, false, 4), setting: i, routes: r });
    }
  }
  // Round 0 is untimed: the JIT, and each collector's series, rows and cache entries made once.
  for (let round = 0; round <= rounds; round++) {
    for (const x of slots) {
      const v = await saturation(x.c, x.s.send, new BatchSource(workloads[x.routes]!, (cycle += 10_000), false), GRACE_MS, true);
      if (round > 0) results[x.setting]![x.routes]!.push(v);
    }
    if (round > 0) {
      const line = settings.map((s, i) => {
        const [a, b] = [results[i]![0]!.at(-1)!, results[i]![1]!.at(-1)!];
        return `[${s}] ${Math.round(a)} -> ${Math.round(b)} (${drop(a, b)})`;
      });
      process.stderr.write(`round ${round} of ${rounds}: ${line.join('  ')}\n`);
    }
  }
} finally {
  for (const x of slots) {
    x.s.close();
    await x.c.stop();
  }
}
for (let i = 0; i < settings.length; i++) {
  const [a, b] = [median(results[i]![0]!), median(results[i]![1]!)];
  console.log(`[${settings[i]}] median spans per CPU-second: 10 routes ${Math.round(a)}, 1,000 routes ${Math.round(b)}, drop ${drop(a, b)}`);
}
