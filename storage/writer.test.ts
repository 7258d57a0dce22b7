import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { makeDbSpan, makeFinding, makeRequest } from '../collector/aggregate/test-requests.js';
import { openDatabase, openReadonly } from './database.js';
import { tempDbPath } from './test-db.js';
import { flushDue, StorageWriter, type WriterConfig } from './writer.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const clock = () => T0 + 3_600_000;

function setup(t: import('node:test').TestContext, config: Partial<WriterConfig> = {}, now: () => number = clock) {
  const path = tempDbPath(t);
  const db = openDatabase(path);
  const agg = new Aggregator({ slowQueryMs: 100 }, now);
  const writer = new StorageWriter(db, agg, config, () => {}, now);
  t.after(() => db.close());
  return { path, db, agg, writer };
}

/**
 * A writer on a clock that moves with the mocked timers, whose flushes cost `cost.ms` of that clock
 * (charged in the drain), and the endpoint count stored so far.
 */
function timedWriter(t: import('node:test').TestContext, config: Partial<WriterConfig>) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = clock();
  const cost = { ms: 0 };
  const { db, agg, writer } = setup(t, config, () => now);
  const drain = agg.drain.bind(agg);
  agg.drain = () => {
    now += cost.ms;
    return drain();
  };
  const advance = (ms: number): void => {
    now += ms;
    t.mock.timers.tick(ms);
  };
  const stored = (): number => (db.prepare('SELECT coalesce(sum(count), 0) AS n FROM endpoint_minute').get() as { n: number }).n;
  return { agg, writer, cost, advance, stored };
}

/** Deterministic log-normal-ish latencies (ms) from a linear congruential generator. */
function latencies(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const u = (x + 1) / 2147483649;
    x = (x * 1103515245 + 12345) % 2147483648;
    const v = (x + 1) / 2147483649;
    out.push(Math.exp(3 + 1.2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)));
  }
  return out;
}

describe('StorageWriter', () => {
  test('upserts accumulate across flushes for the same minute', (t) => {
    const { db, agg, writer } = setup(t);
    agg.consume(makeRequest({ startMs: T0, breakdown: { durationMs: 10, dbMs: 1 }, spans: [makeDbSpan('f1', 150, { dbRows: 3 })] }));
    assert.equal(writer.flush(), true);
    agg.consume(makeRequest({ startMs: T0 + 10, error: true, breakdown: { durationMs: 40, dbMs: 2 }, spans: [makeDbSpan('f1', 5)], findings: [makeFinding()] }));
    assert.equal(writer.flush(), true);
    const e = db.prepare('SELECT count, errors, total_ms, max_ms, db_ms, findings, ddsketch_count(sketch) AS n FROM endpoint_minute').get();
    assert.deepEqual(e, { count: 2, errors: 1, total_ms: 50, max_ms: 40, db_ms: 3, findings: 1, n: 2 });
    const q = db.prepare('SELECT calls, requests, total_ms, max_ms, rows, rows_calls FROM query_route_minute').get();
    assert.deepEqual(q, { calls: 2, requests: 2, total_ms: 155, max_ms: 150, rows: 3, rows_calls: 1 });
    assert.deepEqual(db.prepare('SELECT first_seen_ms, last_seen_ms, requests FROM service_versions').get(), { first_seen_ms: T0, last_seen_ms: T0 + 10, requests: 2 });
    assert.equal((db.prepare('SELECT count(*) AS n FROM slow_queries').get() as { n: number }).n, 1);
    assert.equal((db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n, 1);
    assert.equal((db.prepare('SELECT tables FROM queries').get() as { tables: string }).tables, '["t_f1"]');
  });

  test('findings summary keeps totals, first/last seen and the newest trace ids', (t) => {
    const { db, agg, writer } = setup(t);
    for (let i = 0; i < 4; i++) {
      agg.consume(makeRequest({ startMs: T0 + i * 60_000, findings: [makeFinding({ traceId: `t${i}`, occurrences: 2 })] }));
      writer.flush();
    }
    const f = db.prepare('SELECT occurrences, requests, first_seen_ms, last_seen_ms, sample_trace_ids FROM findings').get();
    assert.deepEqual(f, { occurrences: 8, requests: 4, first_seen_ms: T0, last_seen_ms: T0 + 180_000, sample_trace_ids: '["t3","t2","t1","t0"]' });
    assert.equal((db.prepare('SELECT count(*) AS n FROM finding_minute').get() as { n: number }).n, 4);
  });

  test('percentiles from stored sketches over a window are within 2% of the exact percentiles', (t) => {
    const { path, agg, writer } = setup(t);
    const all: number[] = [];
    for (let minute = 0; minute < 10; minute++) {
      for (const d of latencies(500, 17 + minute)) {
        all.push(d);
        agg.consume(makeRequest({ startMs: T0 + minute * 60_000, breakdown: { durationMs: d } }));
      }
      writer.flush();
    }
    const ro = openReadonly(path);
    t.after(() => ro.close());
    all.sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const row = ro.prepare('SELECT ddsketch_quantile(ddsketch_merge_agg(sketch), ?) AS v FROM endpoint_minute WHERE bucket_ms >= ? AND bucket_ms < ?').get(q, T0, T0 + 600_000) as { v: number };
      const exact = all[Math.floor(q * (all.length - 1))]!;
      assert.ok(Math.abs(row.v - exact) / exact <= 0.02, `q${q}: ${row.v} vs ${exact}`);
    }
  });

  test('a reader with an open snapshot does not block writes and sees them once the snapshot ends', (t) => {
    const { path, agg, writer } = setup(t);
    agg.consume(makeRequest({ startMs: T0 }));
    writer.flush();
    const ro = openReadonly(path);
    t.after(() => ro.close());
    const it = ro.prepare('SELECT count FROM endpoint_minute').iterate() as IterableIterator<{ count: number }>;
    assert.equal(it.next().value.count, 1);
    for (let i = 0; i < 5; i++) {
      agg.consume(makeRequest({ startMs: T0 }));
      assert.equal(writer.flush(), true);
    }
    assert.equal((ro.prepare('SELECT count FROM endpoint_minute').get() as { count: number }).count, 1);
    it.return?.();
    assert.equal((ro.prepare('SELECT count FROM endpoint_minute').get() as { count: number }).count, 6);
    assert.equal(writer.healthy, true);
  });

  test('a full database makes the writer unhealthy without throwing, keeps the batch and recovers', (t) => {
    const { db, agg, writer } = setup(t);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    for (let i = 0; i < 200; i++) agg.consume(makeRequest({ startMs: T0, route: `/r${i}/`, error: true, spans: [makeDbSpan(`f${i}`, 300)] }));
    assert.equal(writer.flush(), false);
    assert.equal(writer.healthy, false);
    assert.match(writer.lastError, /SQLITE_FULL/);
    assert.equal(writer.status().pendingBatches, 1);
    db.pragma('max_page_count = 1073741823');
    assert.equal(writer.flush(), true);
    assert.equal(writer.healthy, true);
    assert.equal((db.prepare('SELECT sum(count) AS n FROM endpoint_minute').get() as { n: number }).n, 200);
  });

  test('a write lock held by another connection makes the flush fail with SQLITE_BUSY and retry later', (t) => {
    const path = tempDbPath(t);
    const db = openDatabase(path, { busyTimeoutMs: 0 });
    const other = new BetterSqlite3(path);
    t.after(() => {
      other.close();
      db.close();
    });
    const agg = new Aggregator({}, clock);
    const writer = new StorageWriter(db, agg, {}, () => {}, clock);
    other.exec('BEGIN IMMEDIATE');
    agg.consume(makeRequest({ startMs: T0 }));
    assert.equal(writer.flush(), false);
    assert.match(writer.lastError, /SQLITE_BUSY/);
    other.exec('COMMIT');
    assert.equal(writer.flush(), true);
    assert.equal((db.prepare('SELECT count FROM endpoint_minute').get() as { count: number }).count, 1);
  });

  test('a read-only database file is reported as SQLITE_READONLY and batches beyond the bound are counted as dropped', (t) => {
    const { path, db } = setup(t);
    db.close();
    const ro = new BetterSqlite3(path, { readonly: true });
    t.after(() => ro.close());
    const agg = new Aggregator({}, clock);
    const writer = new StorageWriter(ro, agg, { maxPendingBatches: 2 }, () => {}, clock);
    for (let i = 0; i < 4; i++) {
      agg.consume(makeRequest({ startMs: T0 }));
      assert.doesNotThrow(() => writer.flush());
    }
    assert.equal(writer.healthy, false);
    assert.match(writer.lastError, /SQLITE_READONLY/);
    assert.equal(writer.status().pendingBatches, 2);
    assert.equal(writer.droppedRows, 4);
  });

  test('a database file corrupted under the writer is reported as unhealthy, not thrown', (t) => {
    const { path, db, agg, writer } = setup(t);
    for (let i = 0; i < 300; i++) agg.consume(makeRequest({ startMs: T0, route: `/r${i}/`, spans: [makeDbSpan(`f${i}`, 3)] }));
    writer.flush();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(statSync(path).size - 4096, 0xa5), 0, undefined, 4096);
    closeSync(fd);
    // Drop the connection's page cache so the next statement reads the damaged pages.
    db.pragma('shrink_memory');
    for (let i = 0; i < 300; i++) agg.consume(makeRequest({ startMs: T0 + 60_000, route: `/r${i}/`, spans: [makeDbSpan(`f${i}`, 3)] }));
    assert.doesNotThrow(() => writer.flush());
    assert.equal(writer.healthy, false);
    assert.match(writer.lastError, /SQLITE_CORRUPT|SQLITE_NOTADB/);
  });

  test('the timer flushes every interval and keeps running when the database fails', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    // The clock stands still, so every flush costs 0 ms and the interval is never stretched.
    const { db, agg, writer } = setup(t);
    await writer.start();
    agg.consume(makeRequest({ startMs: T0 }));
    t.mock.timers.tick(1000);
    assert.equal((db.prepare('SELECT count FROM endpoint_minute').get() as { count: number }).count, 1);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    for (let i = 0; i < 200; i++) agg.consume(makeRequest({ startMs: T0, route: `/r${i}/` }));
    assert.doesNotThrow(() => t.mock.timers.tick(1000));
    assert.equal(writer.healthy, false);
    db.pragma('max_page_count = 1073741823');
    t.mock.timers.tick(1000);
    assert.equal(writer.healthy, true);
    assert.equal((db.prepare('SELECT sum(count) AS n FROM endpoint_minute').get() as { n: number }).n, 201);
    await writer.shutdown();
  });

  test('while the database fails the timer retries the batch it refused and leaves new rows in the aggregator, where they merge; nothing is lost', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { db, agg, writer } = setup(t, { flushIntervalMs: 500 });
    await writer.start();
    agg.consume(makeRequest({ startMs: T0 }));
    t.mock.timers.tick(500);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    for (let i = 0; i < 200; i++) agg.consume(makeRequest({ startMs: T0, route: `/r${i}/` }));
    t.mock.timers.tick(500);
    assert.equal(writer.healthy, false);
    // A minute of trouble: 120 looks, each with the same 200 routes arriving again.
    for (let look = 0; look < 120; look++) {
      for (let i = 0; i < 200; i++) agg.consume(makeRequest({ startMs: T0, route: `/r${i}/` }));
      t.mock.timers.tick(500);
    }
    assert.equal(writer.status().pendingBatches, 1, 'one refused batch, not one per look');
    assert.equal(agg.pendingRows(), 401, 'the new requests merged into one row per route');
    assert.equal(writer.droppedRows, 0);
    db.pragma('max_page_count = 1073741823');
    t.mock.timers.tick(500);
    assert.equal(writer.healthy, true);
    t.mock.timers.tick(500);
    assert.equal(agg.pendingRows(), 0);
    assert.equal((db.prepare('SELECT sum(count) AS n FROM endpoint_minute').get() as { n: number }).n, 1 + 200 + 120 * 200);
    await writer.shutdown();
  });

  test('a flush is due once its estimated cost is at most flushShare of the time since the last, or at the ceiling', () => {
    const cfg = { flushIntervalMs: 500, maxFlushIntervalMs: 4000, flushShare: 0.05 };
    assert.equal(flushDue(cfg, 500, 25), true);
    assert.equal(flushDue(cfg, 500, 26), false);
    assert.equal(flushDue(cfg, 1600, 80), true);
    assert.equal(flushDue(cfg, 3999, 900), false);
    assert.equal(flushDue(cfg, 4000, 900), true);
    assert.equal(flushDue({ ...cfg, flushShare: 0 }, 500, 900), true);
    // A ceiling below the interval flushes at every look rather than waiting longer than configured.
    assert.equal(flushDue({ ...cfg, maxFlushIntervalMs: 100 }, 500, 900), true);
  });

  test('the wait follows the rows pending: a costly flush stretches it while as many rows wait, and a few rows go at the interval', async (t) => {
    const { agg, writer, cost, advance, stored } = timedWriter(t, { flushIntervalMs: 1000, maxFlushIntervalMs: 4000, flushShare: 0.05 });
    const routes = (n: number, from: number): void => {
      for (let i = 0; i < n; i++) agg.consume(makeRequest({ startMs: T0, route: `/r${from + i}/` }));
    };
    await writer.start();
    // 100 routes pending (a scope, then a route scope and an endpoint row each), written in 80 ms.
    routes(100, 0);
    assert.equal(agg.pendingRows(), 201);
    cost.ms = 80;
    advance(1000);
    assert.equal(stored(), 100, 'the first flush goes at the interval: no cost is known yet');
    routes(100, 100);
    advance(1000);
    assert.equal(stored(), 100, 'as many rows again would cost 80 ms, more than 5% of 1 s');
    advance(1000);
    assert.equal(stored(), 200, 'flushed once 80 ms is 5% of the time since the last flush');
    assert.equal(writer.status().flushIntervalMs, 2080);
    // A few rows after costly flushes (an idle gap, say) are cheap to write: no stretch.
    cost.ms = 0.1;
    routes(1, 200);
    advance(1000);
    assert.equal(stored(), 201);
    // A costly flush among cheap ones (a GC pause in it) leaves the estimate alone: the cheapest
    // per-row cost of the last five sets it.
    cost.ms = 2;
    routes(100, 300);
    advance(1000);
    assert.equal(stored(), 301);
    cost.ms = 300;
    routes(100, 400);
    advance(1000);
    assert.equal(stored(), 401);
    routes(100, 500);
    advance(1000);
    assert.equal(stored(), 501, 'the one slow flush did not stretch the wait');
    await writer.shutdown();
  });

  test('however costly the rows pending, a flush goes at maxFlushIntervalMs', async (t) => {
    const { agg, writer, cost, advance, stored } = timedWriter(t, { flushIntervalMs: 500, maxFlushIntervalMs: 3000, flushShare: 0.05 });
    await writer.start();
    cost.ms = 1000;
    agg.consume(makeRequest({ startMs: T0 }));
    advance(500);
    assert.equal(stored(), 1);
    agg.consume(makeRequest({ startMs: T0 }));
    for (let i = 0; i < 4; i++) advance(500);
    assert.equal(stored(), 1, '1 s of writing is due only after 20 s at 5%');
    advance(500);
    assert.equal(stored(), 1);
    advance(500);
    assert.equal(stored(), 2, 'at the 3 s ceiling');
    assert.equal(writer.status().flushIntervalMs, 4000);
    await writer.shutdown();
  });

  test('shutdown flushes what is left; a later flush on a closed database reports instead of throwing', async (t) => {
    const { db, agg, writer } = setup(t);
    await writer.start();
    agg.consume(makeRequest({ startMs: T0 }));
    await writer.shutdown();
    assert.equal((db.prepare('SELECT count FROM endpoint_minute').get() as { count: number }).count, 1);
    await writer.shutdown();
    db.close();
    agg.consume(makeRequest({ startMs: T0 }));
    assert.equal(writer.flush(), false);
    assert.equal(writer.healthy, false);
  });
});
