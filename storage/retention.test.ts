import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { makeDbSpan, makeFinding, makeRequest } from '../collector/aggregate/test-requests.js';
import { openDatabase } from './database.js';
import type { Database } from './database.js';
import { DEFAULT_RETENTION_CONFIG, retentionStep } from './retention.js';
import { HOUR_MS, rollupStep } from './rollup.js';
import { tempDbPath } from './test-db.js';
import { StorageWriter } from './writer.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const DAY = 24 * HOUR_MS;
const count = (db: Database, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

function setup(t: import('node:test').TestContext, now: () => number) {
  const db = openDatabase(tempDbPath(t));
  t.after(() => db.close());
  const agg = new Aggregator({ slowQueryMs: 100, maxSamplesPerRoutePerFlush: 100, maxSamplesPerRoutePerMinute: 1000, maxSamplesPerFlush: 1000 }, now);
  const writer = new StorageWriter(db, agg, {}, () => {}, now);
  return { db, agg, writer };
}

function runAll(db: Database, now: number, cfg = DEFAULT_RETENTION_CONFIG): number {
  while (rollupStep(db, now));
  let total = 0;
  for (let d = retentionStep(db, now, cfg); d > 0; d = retentionStep(db, now, cfg)) total += d;
  return total;
}

describe('retention', () => {
  test('expires minute rows after 48 h, logs after 14 d and hour rows after 90 d', (t) => {
    let now = T0;
    const { db, agg, writer } = setup(t, () => now);
    agg.consume(makeRequest({ startMs: T0, error: true, spans: [makeDbSpan('f1', 500, { startMs: T0 })], findings: [makeFinding()] }));
    writer.flush();
    now = T0 + 47 * HOUR_MS;
    runAll(db, now);
    assert.equal(count(db, 'SELECT count(*) AS n FROM endpoint_minute'), 1);
    assert.equal(count(db, 'SELECT count(*) AS n FROM endpoint_hour'), 1);
    now = T0 + 49 * HOUR_MS;
    runAll(db, now);
    assert.equal(count(db, 'SELECT count(*) AS n FROM endpoint_minute'), 0);
    assert.equal(count(db, 'SELECT count(*) AS n FROM query_route_minute'), 0);
    assert.equal(count(db, 'SELECT count(*) AS n FROM samples'), 1);
    assert.equal(count(db, 'SELECT count(*) AS n FROM slow_queries'), 1);
    now = T0 + 15 * DAY;
    runAll(db, now);
    assert.equal(count(db, 'SELECT count(*) AS n FROM samples'), 0);
    assert.equal(count(db, 'SELECT count(*) AS n FROM slow_queries'), 0);
    assert.equal(count(db, 'SELECT count(*) AS n FROM endpoint_hour'), 1);
    assert.equal(count(db, 'SELECT count(*) AS n FROM findings'), 1);
    now = T0 + 91 * DAY;
    runAll(db, now);
    for (const table of ['endpoint_hour', 'query_hour', 'finding_hour', 'findings', 'queries', 'service_versions']) {
      assert.equal(count(db, `SELECT count(*) AS n FROM ${table}`), 0, table);
    }
  });

  test('never deletes minute rows the rollup has not merged yet', (t) => {
    const now = T0 + 50 * HOUR_MS;
    const { db, agg, writer } = setup(t, () => now);
    agg.consume(makeRequest({ startMs: T0 }));
    writer.flush();
    retentionStep(db, now);
    assert.equal(count(db, 'SELECT count(*) AS n FROM endpoint_minute'), 1);
    runAll(db, now);
    assert.equal(count(db, 'SELECT count(*) AS n FROM endpoint_minute'), 0);
    assert.equal(count(db, 'SELECT sum(count) AS n FROM endpoint_hour'), 1);
  });

  test('keeps only the newest samples per route, deleting in bounded steps', (t) => {
    const now = T0 + HOUR_MS;
    const { db, agg, writer } = setup(t, () => now);
    for (let i = 0; i < 30; i++) agg.consume(makeRequest({ startMs: T0 + i, error: true, traceId: `a${i}` }));
    for (let i = 0; i < 3; i++) agg.consume(makeRequest({ startMs: T0 + i, error: true, route: '/b/' }));
    writer.flush();
    const cfg = { ...DEFAULT_RETENTION_CONFIG, maxSamplesPerRoute: 10, deleteBatchRows: 7 };
    assert.equal(retentionStep(db, now, cfg), 7);
    runAll(db, now, cfg);
    const kept = db.prepare("SELECT trace_id FROM samples WHERE route = '/books/' ORDER BY time_ms").all() as { trace_id: string }[];
    assert.deepEqual(kept.map((r) => r.trace_id), Array.from({ length: 10 }, (_, i) => `a${20 + i}`));
    assert.equal(count(db, "SELECT count(*) AS n FROM samples WHERE route = '/b/'"), 3);
  });

  test('caps the long-query log at maxSlowQueryRows, oldest first', (t) => {
    const now = T0 + HOUR_MS;
    const { db, agg, writer } = setup(t, () => now);
    for (let i = 0; i < 50; i++) agg.consume(makeRequest({ startMs: T0 + i, spans: [makeDbSpan('f1', 200 + i, { startMs: T0 + i })] }));
    writer.flush();
    runAll(db, now, { ...DEFAULT_RETENTION_CONFIG, maxSlowQueryRows: 20 });
    const rows = db.prepare('SELECT min(duration_ms) AS lo, count(*) AS n FROM slow_queries').get();
    assert.deepEqual(rows, { lo: 230, n: 20 });
  });
});
