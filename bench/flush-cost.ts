// What one storage flush costs as routes and fingerprints grow, per table, without the noise of a
// loaded collector: the bench workload runs through the real decoder, pipeline and aggregator (and
// the Prometheus sink, as in the collector) in this process on a simulated clock, RATE spans per
// simulated second. Every simulated second the batch is drained and written by the real batch
// applier into a file database, one table at a time inside one transaction, each part timed. The
// first FLUSHES/3 flushes are warm-up. Ingest time includes copying each batch to give it fresh trace ids.
//   node --import tsx bench/flush-cost.ts [routes...=10 1000] [--flushes=12] [--rate=150000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AggregateBatch } from '../collector/aggregate/aggregate-batch.js';
import { createBatchApplier } from '../storage/apply-batch.js';
import { openDatabase } from '../storage/database.js';
import { rollupWatermarks } from '../storage/rollup.js';
import { AggregateFeed } from './aggregate-feed.js';

const opt = (k: string, d: number): number => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const cases = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const flushes = opt('flushes', 12);
const rate = opt('rate', 150_000);

const EMPTY: AggregateBatch = { endpoints: [], background: [], queries: [], queryRoutes: [], queryInfo: [], findings: [], slowQueries: [], samples: [], serviceVersions: [] };
const PARTS = Object.keys(EMPTY) as Array<keyof AggregateBatch>;

function run(routes: number): void {
  const feed = new AggregateFeed(routes);
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-flush-'));
  const db = openDatabase(join(dir, 'flush.db'));
  const apply = createBatchApplier(db);
  const ms = new Map<string, number>(PARTS.map((p) => [p, 0]));
  const rows = new Map<string, number>(PARTS.map((p) => [p, 0]));
  let drainMs = 0;
  let commitMs = 0;
  let ingestMs = 0;
  let writeCpuMs = 0;
  let writeWallMs = 0;
  const warm = Math.floor(flushes / 3);
  for (let f = 0; f < flushes; f++) {
    const tIn = performance.now();
    feed.second(rate);
    const t0 = performance.now();
    if (f >= warm) ingestMs += t0 - tIn;
    const batch = feed.aggregator.drain();
    const t1 = performance.now();
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    db.transaction(() => {
      const rolled = rollupWatermarks(db);
      for (const p of PARTS) {
        const s = performance.now();
        apply({ ...EMPTY, [p]: batch[p] }, rolled);
        times.push(performance.now() - s);
      }
    })();
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    if (f < warm) continue;
    writeCpuMs += (cpu.user + cpu.system) / 1000;
    writeWallMs += t2 - t1;
    drainMs += t1 - t0;
    PARTS.forEach((p, k) => {
      ms.set(p, ms.get(p)! + times[k]!);
      rows.set(p, rows.get(p)! + batch[p].length);
    });
    commitMs += t2 - t1 - times.reduce((a, b) => a + b, 0);
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const n = flushes - warm;
  let total = drainMs + commitMs;
  for (const v of ms.values()) total += v;
  console.log(`${routes} routes / fingerprints: ${(total / n).toFixed(1)} ms per flush of ${rate.toLocaleString('en-US')} spans (${((total / n / 1000) * 1e9 / rate).toFixed(0)} ns per span)`);
  console.log(`  ingest (decode, pipeline, aggregate) ${(ingestMs / n).toFixed(1)} ms per simulated second (${((ingestMs / n / 1000) * 1e9 / rate).toFixed(0)} ns per span)`);
  console.log(`  drain ${(drainMs / n).toFixed(1)} ms, commit ${(commitMs / n).toFixed(1)} ms; the write (tables and commit) ${(writeWallMs / n).toFixed(1)} ms wall, ${(writeCpuMs / n).toFixed(1)} ms CPU`);
  for (const p of PARTS) {
    const r = rows.get(p)! / n;
    if (r === 0) continue;
    console.log(`  ${p.padEnd(16)} ${(ms.get(p)! / n).toFixed(1).padStart(7)} ms  ${r.toFixed(0).padStart(6)} rows  ${((ms.get(p)! * 1000) / rows.get(p)!).toFixed(1).padStart(6)} us/row`);
  }
}

for (const r of cases.length > 0 ? cases : [10, 1000]) run(r);
