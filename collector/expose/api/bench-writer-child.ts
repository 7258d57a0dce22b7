// Child process of api-latency.bench.ts: ingests into the same file through the real aggregator and
// StorageWriter, one flush per second, so the bench measures reads while the writer commits.
// Run by the bench: bench-writer-child.ts <db-file> <endpoints> <requests-per-second>
import { Aggregator } from '../../aggregate/aggregator.js';
import { openDatabase } from '../../../storage/database.js';
import { StorageWriter } from '../../../storage/writer.js';
import { BENCH_NOW, loadMinute } from './bench-load.js';

const [path, endpointsArg, rateArg] = process.argv.slice(2);
const endpoints = Number(endpointsArg);
const perEndpoint = Math.max(1, Math.round(Number(rateArg) / endpoints));
const db = openDatabase(path!);
// Simulated time starts two minutes before the bench's "now", so writes land in the window the API reads.
let clockMs = BENCH_NOW - 120_000;
const agg = new Aggregator({ slowQueryMs: 200 }, () => clockMs);
const writer = new StorageWriter(db, agg, {}, () => {}, () => clockMs);
let flushes = 0;
let flushMs = 0;
const timer = setInterval(() => {
  loadMinute(agg, endpoints, clockMs - (clockMs % 60_000), '1.2', perEndpoint);
  const t0 = performance.now();
  writer.flush();
  flushMs += performance.now() - t0;
  flushes++;
  clockMs = Math.min(clockMs + 1000, BENCH_NOW - 1000);
}, 1000);
process.on('message', () => {
  clearInterval(timer);
  console.log(`writer: ${flushes} flushes of ${endpoints * perEndpoint} requests, mean flush ${(flushMs / Math.max(1, flushes)).toFixed(1)} ms`);
  db.close();
  process.disconnect();
});
