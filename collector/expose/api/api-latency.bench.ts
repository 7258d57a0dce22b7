// Latency of the hot API routes on a database with a day of realistic history.
// Run: node --import tsx collector/expose/api/api-latency.bench.ts [endpoints=50] [hours=24] [db-file] [writer-rps=0]
// With db-file the database is kept (and reused when it exists, skipping the load). With writer-rps > 0
// a child process (bench-writer-child.ts) ingests that many requests per second into the same file,
// one StorageWriter flush per second, while the routes are timed: readers must not wait on it.
// "Now" is 12:37, not on the hour, so 24 h windows read ragged minute edges as in production.
// Volume per simulated minute: every endpoint gets 2 requests with 4 queries each (one in 50 an N+1),
// so 50 endpoints x 24 h = 72k endpoint rows, 288k query-route rows, plus the hour rollups.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aggregator } from '../../aggregate/aggregator.js';
import { openDatabase, openReadonly } from '../../../storage/database.js';
import { rollupStep } from '../../../storage/rollup.js';
import { StorageWriter } from '../../../storage/writer.js';
import { BENCH_NOW, fp, loadMinute } from './bench-load.js';
import { createApiApp } from './create-api.js';

const ENDPOINTS = Number(process.argv[2] ?? 50);
const HOURS = Number(process.argv[3] ?? 24);
const WRITER_RPS = Number(process.argv[5] ?? 0);
const ITERATIONS = 200;
const NOW = BENCH_NOW;

const dir = mkdtempSync(join(tmpdir(), 'hotpath-bench-'));
const path = process.argv[4] ?? join(dir, 'bench.db');
const reuse = existsSync(path);
let clockMs = NOW - HOURS * 3_600_000;
const db = openDatabase(path);
const agg = new Aggregator({ slowQueryMs: 200 }, () => clockMs);
const writer = new StorageWriter(db, agg, {}, () => {}, () => clockMs);

const t0 = performance.now();
let requests = 0;
for (let minute = 0; !reuse && minute < HOURS * 60; minute++) {
  clockMs = NOW - HOURS * 3_600_000 + minute * 60_000;
  requests += loadMinute(agg, ENDPOINTS, clockMs, `1.${Math.floor(minute / 480)}`);
  writer.flush();
  while (rollupStep(db, clockMs)) {}
}
clockMs = NOW;
const loadS = (performance.now() - t0) / 1000;
const rows = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
console.log(
  `${reuse ? 'reused' : `loaded ${requests} requests in ${loadS.toFixed(1)} s`}: endpoint_minute ${rows('endpoint_minute')}, ` +
    `query_route_minute ${rows('query_route_minute')}, endpoint_hour ${rows('endpoint_hour')}, ` +
    `file ${(statSync(path).size / 1e6).toFixed(1)} MB`,
);
db.close();

const child = WRITER_RPS > 0
  ? fork(new URL('./bench-writer-child.ts', import.meta.url), [path, String(ENDPOINTS), String(WRITER_RPS)], {
      execArgv: ['--import', 'tsx'],
    })
  : undefined;
const readDb = openReadonly(path);
const app = createApiApp({ db: readDb, clock: () => NOW });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const ROUTES = [
  '/api/v1/services',
  '/api/v1/endpoints?window=15m',
  '/api/v1/endpoints?window=1h',
  '/api/v1/endpoints',
  '/api/v1/endpoints?sort=p95',
  '/api/v1/endpoints?window=7d',
  '/api/v1/endpoints/shop/GET/r1%2F%3Cint%3Apk%3E%2F',
  '/api/v1/endpoints/shop/GET/r1%2F%3Cint%3Apk%3E%2F?window=1h',
  '/api/v1/queries?window=15m',
  '/api/v1/queries?window=1h',
  '/api/v1/queries',
  '/api/v1/queries?service=shop&route=r1%2F%3Cint%3Apk%3E%2F',
  `/api/v1/queries/${fp(4)}`,
  '/api/v1/slow-queries',
  '/api/v1/findings',
  `/api/v1/compare?service=shop&from_version=1.0&to_version=1.2&window=7d`,
];

// A second of warm-up lets the writer child start flushing before anything is timed.
if (child !== undefined) await new Promise((r) => setTimeout(r, 3000));
const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
for (const route of ROUTES) {
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const s = performance.now();
    const res = await fetch(base + route);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${route}: ${res.status}`);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(`${route.padEnd(62)} p50 ${pct(times, 0.5).toFixed(2).padStart(8)} ms  p99 ${pct(times, 0.99).toFixed(2).padStart(8)} ms`);
}
if (child !== undefined) {
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
}
server.close();
readDb.close();
rmSync(dir, { recursive: true, force: true });
