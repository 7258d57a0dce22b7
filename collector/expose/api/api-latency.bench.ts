// Latency of the hot API routes on a database with a day of realistic history.
// Run: node --import tsx collector/expose/api/api-latency.bench.ts [endpoints=50] [hours=24] [db-file]
// With db-file the database is kept (and reused when it exists, skipping the load).
// Volume per simulated minute: every endpoint gets 2 requests with 4 queries each (one in 50 an N+1),
// so 50 endpoints x 24 h = 72k endpoint rows, 288k query-route rows, plus the hour rollups.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aggregator } from '../../aggregate/aggregator.js';
import { openDatabase, openReadonly } from '../../../storage/database.js';
import { rollupStep } from '../../../storage/rollup.js';
import { StorageWriter } from '../../../storage/writer.js';
import { makeRequest } from '../../../storage/read/test-requests.js';
import { createApiApp } from './create-api.js';

const ENDPOINTS = Number(process.argv[2] ?? 50);
const HOURS = Number(process.argv[3] ?? 24);
const ITERATIONS = 200;
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const fp = (n: number) => n.toString(16).padStart(16, '0');

const dir = mkdtempSync(join(tmpdir(), 'hotpath-bench-'));
const path = process.argv[4] ?? join(dir, 'bench.db');
const reuse = existsSync(path);
let clockMs = NOW - HOURS * 3_600_000;
const db = openDatabase(path);
const agg = new Aggregator({ slowQueryMs: 200 }, () => clockMs);
const writer = new StorageWriter(db, () => agg.drain(), {}, () => {}, () => clockMs);

const t0 = performance.now();
let requests = 0;
for (let minute = 0; !reuse && minute < HOURS * 60; minute++) {
  clockMs = NOW - HOURS * 3_600_000 + minute * 60_000;
  for (let e = 0; e < ENDPOINTS; e++) {
    for (let k = 0; k < 2; k++) {
      const queries = [0, 1, 2, 3].map((q) => ({
        fingerprint: fp(e * 4 + q), normalized: `SELECT * FROM t${e} WHERE c${q} = ?`, ms: 1 + rand() * 20 * (q + 1),
      }));
      const nPlusOne = rand() < 0.02;
      const durationMs = 20 + rand() * 300 * (1 + (e % 5));
      agg.consume(makeRequest({
        traceId: (++requests).toString(16).padStart(32, '0'), startMs: clockMs + k * 1000, durationMs,
        service: e % 10 === 0 ? 'blog' : 'shop', version: `1.${Math.floor(minute / 480)}`,
        route: `r${e}/<int:pk>/`, queries, templateMs: 5, middlewareMs: 2,
        findings: nPlusOne ? [{ type: 'n_plus_one', fingerprint: fp(e * 4), occurrences: 4, totalMs: 40, spanIds: [], suggestion: 'use prefetch_related' }] : [],
      }));
    }
  }
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

const readDb = openReadonly(path);
const app = createApiApp({ db: readDb, clock: () => NOW });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const ROUTES = [
  '/api/v1/services',
  '/api/v1/endpoints',
  '/api/v1/endpoints?window=1h',
  '/api/v1/endpoints?sort=p95',
  '/api/v1/endpoints?window=7d',
  '/api/v1/endpoints/shop/GET/r1%2F%3Cint%3Apk%3E%2F',
  '/api/v1/endpoints/shop/GET/r1%2F%3Cint%3Apk%3E%2F?window=1h',
  '/api/v1/queries',
  '/api/v1/queries?window=1h',
  `/api/v1/queries/${fp(4)}`,
  '/api/v1/slow-queries',
  '/api/v1/findings',
  `/api/v1/compare?service=shop&from_version=1.0&to_version=1.2`,
];

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
server.close();
readDb.close();
db.close();
rmSync(dir, { recursive: true, force: true });
