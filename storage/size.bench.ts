// Storage size and write-cost benchmark (not a test). Feeds synthetic analysed requests through the
// real Aggregator + StorageWriter + StorageMaintenance on simulated time and prints the database
// size per million spans, per table, and the projected size at default retention.
//   node --import tsx storage/size.bench.ts [millionSpans=2] [requestsPerSecond=200]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysedRequest, AnalysedSpan } from '../collector/contract.js';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { makeBreakdown, makeDbSpan, makeFinding, makeOtherSpan, makeResource } from '../collector/aggregate/test-requests.js';
import { openDatabase } from './database.js';
import { StorageMaintenance } from './maintenance.js';
import { StorageWriter } from './writer.js';

const millionSpans = Number(process.argv[2] ?? 2);
const rps = Number(process.argv[3] ?? 200);
const ROUTES = 50;
const FP_PER_ROUTE = 6;
const SPANS_PER_REQUEST = 20; // 1 root + 2 middleware + 12 db + 3 cache + 1 template + 1 outbound
const resources = [makeResource({ serviceName: 'shop', serviceVersion: '1.4.0' }), makeResource({ serviceName: 'api', serviceVersion: '7.1.2' })];

let seed = 42;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
const lognormal = (mu: number, sigma: number): number => Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()));

function request(startMs: number): AnalysedRequest {
  const r = Math.floor(rand() * ROUTES);
  const spans: AnalysedSpan[] = [makeOtherSpan('request', 0), makeOtherSpan('middleware', 1), makeOtherSpan('middleware', 1)];
  let dbMs = 0;
  for (let i = 0; i < 12; i++) {
    const d = lognormal(0.5, 1);
    dbMs += d;
    spans.push(makeDbSpan(`r${r}q${i % FP_PER_ROUTE}`, d, { startMs, dbRows: i }));
  }
  spans.push(makeOtherSpan('cache', 0.3), makeOtherSpan('cache', 0.3), makeOtherSpan('cache', 0.3), makeOtherSpan('template', 4), makeOtherSpan('outbound_http', 20));
  const durationMs = dbMs + lognormal(3, 0.8);
  const flagged = rand() < 0.05;
  return {
    kind: 'request', traceId: seed.toString(16).padStart(32, '0'), spanId: seed.toString(16).padStart(16, '0'),
    resource: resources[r % 2]!, method: 'GET', route: `/api/v1/things${r}/<int:pk>/`, status: 200, error: rand() < 0.01,
    startMs, partial: false, spans,
    breakdown: makeBreakdown({ durationMs, dbMs, dbQueries: 12, cacheMs: 0.9, cacheHits: 2, cacheMisses: 1, templateMs: 4, outboundMs: 20 }),
    findings: flagged ? [makeFinding({ route: `/api/v1/things${r}/<int:pk>/`, fingerprint: `r${r}q0`, service: resources[r % 2]!.serviceName })] : [],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'hotpath-size-bench-'));
const path = join(dir, 'bench.db');
const db = openDatabase(path);
const T0 = Date.UTC(2026, 0, 1);
let now = T0;
const clock = (): number => now;
const agg = new Aggregator({}, clock);
const writer = new StorageWriter(db, agg, {}, () => {}, clock);
const maintenance = new StorageMaintenance(db, {}, () => {}, clock);

const totalRequests = Math.round((millionSpans * 1e6) / SPANS_PER_REQUEST);
let consumeMs = 0;
let flushMs = 0;
let maxFlushMs = 0;
let maintenanceMs = 0;
let done = 0;
while (done < totalRequests) {
  const perSecond = Math.min(rps, totalRequests - done);
  const batch: AnalysedRequest[] = [];
  for (let i = 0; i < perSecond; i++) batch.push(request(now + Math.floor((i * 1000) / perSecond)));
  let t = performance.now();
  for (const req of batch) agg.consume(req);
  consumeMs += performance.now() - t;
  t = performance.now();
  writer.flush();
  const f = performance.now() - t;
  flushMs += f;
  maxFlushMs = Math.max(maxFlushMs, f);
  done += perSecond;
  now += 1000;
  if ((now - T0) % 60_000 === 0) {
    t = performance.now();
    await maintenance.runOnce();
    maintenanceMs += performance.now() - t;
  }
}
await maintenance.runOnce();
db.pragma('wal_checkpoint(TRUNCATE)');
const pageSize = db.pragma('page_size', { simple: true }) as number;
const usedBytes = ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) * pageSize;
const tables = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC").all() as { name: string; bytes: number }[];
const minutes = (now - T0) / 60_000;
const sumBytes = (re: RegExp): number => tables.filter((x) => re.test(x.name)).reduce((a, x) => a + x.bytes, 0);
const minuteBytes = sumBytes(/_minute/);
const hourBytes = sumBytes(/_hour/);
const logBytes = sumBytes(/^(samples|slow_queries)/);
const spans = done * SPANS_PER_REQUEST;
const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
console.log(`ingested ${(spans / 1e6).toFixed(2)} M spans (${done} requests, ${ROUTES} routes, ${ROUTES * FP_PER_ROUTE} fingerprints) over ${minutes.toFixed(1)} simulated minutes at ${rps} req/s`);
console.log(`CPU (wall, single thread): aggregator ${((consumeMs * 1e3) / spans).toFixed(2)} us/span incl. GC; writer ${(flushMs / ((now - T0) / 1000)).toFixed(1)} ms per 1 s flush (max ${maxFlushMs.toFixed(1)} ms); maintenance ${maintenanceMs.toFixed(0)} ms total`);
console.log(`database: ${mb(usedBytes)} used = ${mb(usedBytes / (spans / 1e6))} per million spans (minute tables ${mb(minuteBytes)}, hour tables ${mb(hourBytes)}, samples+long-query log ${mb(logBytes)})`);
for (const x of tables.filter((x, i) => i < 10 || /_hour/.test(x.name))) console.log(`  ${x.name.padEnd(40)} ${(x.bytes / 1e3).toFixed(0).padStart(8)} kB`);
// Steady state at default retention for this key set: minute rows for 48 h, hour rows for 90 d;
// the samples table is capped by maxSamplesPerRoute, so its current size is already near its bound.
const perMinute = minuteBytes / minutes;
const perHour = minutes >= 120 ? hourBytes / Math.floor(minutes / 60 - 1) : NaN;
console.log(`projection at default retention: minute tables ${mb(perMinute * 48 * 60)} (${(perMinute / 1e3).toFixed(0)} kB/min x 48 h)` +
  (Number.isNaN(perHour) ? '; run >= 2 simulated hours for the hour tables' : `, hour tables ${mb(perHour * 90 * 24)} (${(perHour / 1e3).toFixed(0)} kB/h x 90 d)`));
db.close();
rmSync(dir, { recursive: true, force: true });
