// Storage on a database that has been running for a while, against a fresh one. Every other bench
// phase starts from an empty file, but the default retention keeps 48 h of minute rows: at 1,000
// routes and fingerprints that is ~4,700 rows a minute, millions of rows and their indexes. This
// fills a file database with HOURS of history through the real batch applier (one flush a minute, a
// real drained batch re-stamped, rollup and retention run at each hour's end as the writer's
// maintenance would), then times, on the aged file and on a fresh one in turns: a minute's flushes
// (the first inserts every row, the later ones merge), and the API's two hot lists over the last
// hour (/endpoints, /queries) on a read-only connection as the API thread opens it.
// The fill writes one flush's request samples a minute; a collector at 1,000 busy routes may write
// up to 6 a route a minute (storage keeps a route's newest 50), so the samples table here is smaller.
//   node --import tsx bench/aged-db.ts [routes=1000] [--hours=12] [--flushes=12] [--cache-mb=N (PRAGMA cache_size; default SQLite's 2 MB)] [--keep=DIR]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { AggregateBatch } from '../collector/aggregate/aggregate-batch.js';
import { createBatchApplier, type BatchApplier } from '../storage/apply-batch.js';
import { openDatabase, openReadonly } from '../storage/database.js';
import { listEndpoints, listQueries } from '../storage/read/index.js';
import { retentionStep } from '../storage/retention.js';
import { rollupStep, rollupWatermarks } from '../storage/rollup.js';
import { drainedBatch } from './aggregate-feed.js';

const args = process.argv.slice(2);
const opt = (k: string, d: number): number => Number(args.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const routes = Number(args.find((a) => !a.startsWith('--')) ?? 1000);
const hours = opt('hours', 12);
const flushes = opt('flushes', 12);
const cacheMb = opt('cache-mb', 0);
const keep = args.find((a) => a.startsWith('--keep='))?.slice(7);

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The batch as a flush of `bucketMs` would carry it (rows copied: the applier reads fields by name). */
function restamp(b: AggregateBatch, bucketMs: number): AggregateBatch {
  const at = <T extends { bucketMs: number }>(rows: T[]): T[] => rows.map((r) => ({ ...r, bucketMs }));
  const t = bucketMs + 30_000;
  return {
    endpoints: at(b.endpoints), background: at(b.background), queries: at(b.queries), queryRoutes: at(b.queryRoutes),
    findings: b.findings.map((r) => ({ ...r, bucketMs, firstSeenMs: t, lastSeenMs: t })),
    queryInfo: b.queryInfo.map((r) => ({ ...r, firstSeenMs: t, lastSeenMs: t })),
    serviceVersions: b.serviceVersions.map((r) => ({ ...r, firstSeenMs: t, lastSeenMs: t })),
    slowQueries: b.slowQueries.map((r) => ({ ...r, timeMs: t })),
    samples: b.samples.map((r) => ({ ...r, timeMs: t })),
  };
}

const rowsOf = (b: AggregateBatch): number => Object.values(b).reduce((n, rows: unknown[]) => n + rows.length, 0);

function sizeCache(db: Database): Database {
  if (cacheMb > 0) db.pragma(`cache_size = -${cacheMb * 1024}`);
  return db;
}

/** What the writer's maintenance would have done by `nowMs`: every due rollup step, then retention. */
function maintain(db: Database, nowMs: number): void {
  while (rollupStep(db, nowMs));
  while (retentionStep(db, nowMs) > 0);
}

interface FlushTimes {
  /** The minute's first flush: every row new. */
  insert: number[];
  /** The later ones: every row merged into the row the first wrote. */
  merge: number[];
  /** CPU us a row over all of them (wall minus CPU is waiting on the file system). */
  cpu: number[];
}

/** Flushes of the minute at `nowMs`, each its own transaction as the writer commits them: us a row. */
function timeFlushes(db: Database, apply: BatchApplier, batch: AggregateBatch, nowMs: number, out: FlushTimes): void {
  for (let f = 0; f < flushes; f++) {
    const b = restamp(batch, Math.floor(nowMs / MINUTE_MS) * MINUTE_MS);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    db.transaction(() => apply(b, rollupWatermarks(db)))();
    const us = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    (f === 0 ? out.insert : out.merge).push(us / rowsOf(b));
    out.cpu.push((cpu.user + cpu.system) / rowsOf(b));
  }
}

/** The two hot lists over the last hour, as the API asks for them (first page of 50): ms a call. */
function timeApi(path: string, nowMs: number): { endpoints: number[]; queries: number[] } {
  const db = sizeCache(openReadonly(path));
  const range = { fromMs: nowMs - HOUR_MS, toMs: nowMs };
  const page = { limit: 50, offset: 0 };
  const endpoints: number[] = [];
  const queries: number[] = [];
  for (let i = 0; i < 12; i++) {
    let t = performance.now();
    listEndpoints(db, range, {}, 'total_time', page);
    endpoints.push(performance.now() - t);
    t = performance.now();
    listQueries(db, range, {}, 'total_time', page);
    queries.push(performance.now() - t);
  }
  db.close();
  return { endpoints: endpoints.slice(2), queries: queries.slice(2) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fileMb = (path: string): number => {
  let bytes = 0;
  for (const p of [path, `${path}-wal`]) {
    try {
      bytes += statSync(p).size;
    } catch {
      // no WAL file
    }
  }
  return bytes / 1e6;
};

const batch = drainedBatch(routes);
const nowMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 30 * MINUTE_MS;
const dir = keep ?? mkdtempSync(join(tmpdir(), 'hotpath-aged-'));
const agedPath = join(dir, 'aged.db');
const freshPath = join(dir, 'fresh.db');
try {
  console.log(`${routes} routes and fingerprints: ${rowsOf(batch).toLocaleString('en-US')} rows a flush (${batch.endpoints.length} endpoints, ${batch.queryRoutes.length} query-route rows); cache_size ${cacheMb > 0 ? `${cacheMb} MB` : 'default'}`);
  // History: one flush a minute from `hours` back, maintenance at each hour's end as the writer's
  // timer would run it; each hour's fill is timed, so a cost that grows with the file shows.
  const aged = sizeCache(openDatabase(agedPath));
  const apply = createBatchApplier(aged);
  const start = nowMs - hours * HOUR_MS;
  for (let h = 0; h < hours; h++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let rows = 0;
    for (let m = 0; m < 60; m++) {
      const b = restamp(batch, start + h * HOUR_MS + m * MINUTE_MS);
      rows += rowsOf(b);
      aged.transaction(() => apply(b, rollupWatermarks(aged)))();
    }
    const fillUs = ((performance.now() - t0) * 1000) / rows;
    const cpu = process.cpuUsage(cpu0);
    const fillCpuUs = (cpu.user + cpu.system) / rows;
    const t1 = performance.now();
    maintain(aged, start + (h + 1) * HOUR_MS);
    console.log(`  hour ${String(h + 1).padStart(2)}: fill ${fillUs.toFixed(1)} us a row (CPU ${fillCpuUs.toFixed(1)}), maintenance ${(performance.now() - t1).toFixed(0)} ms, file ${fileMb(agedPath).toFixed(0)} MB`);
  }
  const fresh = sizeCache(openDatabase(freshPath));
  // The fresh file gets the last hour only, so both answer the API's one-hour window alike.
  const applyFresh = createBatchApplier(fresh);
  for (let m = 60; m > 0; m--) {
    const b = restamp(batch, nowMs - m * MINUTE_MS);
    fresh.transaction(() => applyFresh(b, rollupWatermarks(fresh)))();
  }
  // Alternating, so a VM whose speed drifts moves both alike.
  const flush = { aged: { insert: [], merge: [], cpu: [] } as FlushTimes, fresh: { insert: [], merge: [], cpu: [] } as FlushTimes };
  for (let round = 0; round < 5; round++) {
    timeFlushes(aged, apply, batch, nowMs + round * MINUTE_MS, flush.aged);
    timeFlushes(fresh, applyFresh, batch, nowMs + round * MINUTE_MS, flush.fresh);
  }
  aged.close();
  fresh.close();
  const api = { aged: timeApi(agedPath, nowMs + 3 * MINUTE_MS), fresh: timeApi(freshPath, nowMs + 3 * MINUTE_MS) };
  const f = (t: FlushTimes): string => `first ${median(t.insert).toFixed(1)}, later ${median(t.merge).toFixed(1)} (CPU ${median(t.cpu).toFixed(1)})`;
  console.log(`flushes of a minute, median us a row over 5 minutes of ${flushes}: aged ${f(flush.aged)}; fresh ${f(flush.fresh)}`);
  console.log(`API, last hour, median ms a call: /endpoints aged ${median(api.aged.endpoints).toFixed(1)}, fresh ${median(api.fresh.endpoints).toFixed(1)}; /queries aged ${median(api.aged.queries).toFixed(1)}, fresh ${median(api.fresh.queries).toFixed(1)}`);
  console.log(`files: aged ${fileMb(agedPath).toFixed(0)} MB (${hours} h), fresh ${fileMb(freshPath).toFixed(0)} MB (1 h)`);
} finally {
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
}
