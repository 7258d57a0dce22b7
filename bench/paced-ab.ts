// Paced trials at fixed offered rates for builds in turns, a fresh collector each (10 s trials, 16
// exports in flight, grace 2 s): the rate delivered, the share of the pacer's schedule kept, the
// verdict (throughput.ts's rules) and the collector's CPU share over the trial. For changes that
// move time between ingest and analysis, which capacity passes do not show (session 15: the
// analysis slice's length).
// Run: node --import tsx bench/paced-ab.ts RATE... --mains=a/main.js,b/main.js [--rounds=2] [--grpc]
import { spawnSync } from 'node:child_process';
import { CollectorProcess, SEARCH_ENV } from './collector-process.js';
import { grpcSender, httpSender } from './senders.js';
import { saturation, trial } from './throughput.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

const rates = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const mains = process.argv.filter((a) => a.startsWith('--mains=')).flatMap((a) => a.slice(8).split(','));
const grpc = process.argv.includes('--grpc');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 2);
if (rates.length === 0 || mains.length === 0) throw new Error('usage: paced-ab.ts RATE... --mains=a/main.js,b/main.js [--rounds=N]');
spawnSync('taskset', ['-cp', '1', String(process.pid)]);
const w = buildWorkload({ label: 'django', requests: 6000, options: DJANGO_SHAPE });
let cycle = 1;
const source = (): BatchSource => new BatchSource(w, (cycle += 10_000), false);
for (let r = 0; r < rounds; r++) {
  for (const main of mains) {
    const c = await CollectorProcess.start({ cpu: 0, main, env: SEARCH_ENV });
    const s = grpc ? grpcSender(c.ports.grpc, false, 16) : httpSender(c.ports.http, false, 16);
    const out: string[] = [];
    try {
      await saturation(c, s.send, source(), 2000); // warm-up
      for (const rate of rates) {
        const cpu0 = c.cpuSeconds();
        const t0 = performance.now();
        const t = await trial(c, s.send, source(), rate, 10_000, 2000, 16);
        const busy = (c.cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000);
        out.push(`${rate}: ${Math.round(t.achieved)} (${(t.load.keptPace * 100).toFixed(0)}%) ${t.pass ? 'pass' : `fail (${t.why})`}, busy ${(busy * 100).toFixed(0)}%`);
        if (t.load.failedSpans > 0) await new Promise((done) => setTimeout(done, 4000)); // refused roots' children time out
      }
    } finally {
      s.close();
      await c.stop();
    }
    console.log(`round ${r + 1} ${main}: ${out.join(' | ')}`);
  }
}
