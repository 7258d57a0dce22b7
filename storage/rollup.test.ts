import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { makeDbSpan, makeFinding, makeRequest } from '../collector/aggregate/test-requests.js';
import { openDatabase } from './database.js';
import { HOUR_MS, rollupStep, rollupWatermarks } from './rollup.js';
import { tempDbPath } from './test-db.js';
import { StorageWriter } from './writer.js';

const H0 = Date.UTC(2026, 0, 1, 10, 0, 0);

function setup(t: import('node:test').TestContext, now: () => number) {
  const db = openDatabase(tempDbPath(t));
  t.after(() => db.close());
  const agg = new Aggregator({}, now);
  const writer = new StorageWriter(db, agg, {}, () => {}, now);
  return { db, agg, writer };
}

const drainSteps = (db: ReturnType<typeof openDatabase>, now: number): number => {
  let n = 0;
  while (rollupStep(db, now)) n++;
  return n;
};

describe('rollup', () => {
  test('merges the minutes of a completed hour into one hour row per key', (t) => {
    let now = H0 + 59 * 60_000;
    const { db, agg, writer } = setup(t, () => now);
    const durations: number[] = [];
    for (let m = 0; m < 60; m += 7) {
      const d = 10 + m;
      durations.push(d);
      agg.consume(makeRequest({ startMs: H0 + m * 60_000, breakdown: { durationMs: d, dbMs: 1 }, spans: [makeDbSpan('f1', 2)], findings: [makeFinding()] }));
      writer.flush();
    }
    assert.equal(drainSteps(db, now), 0, 'hour not complete yet');
    now = H0 + HOUR_MS + 6 * 60_000;
    assert.equal(drainSteps(db, now), 4 * durations.length, 'one step per minute of each table with data (background has none)');
    const hour = db.prepare('SELECT bucket_ms, count, total_ms, max_ms, db_ms, ddsketch_count(sketch) AS n, ddsketch_quantile(sketch, 1) AS top FROM endpoint_hour').all() as Record<string, number>[];
    assert.equal(hour.length, 1);
    assert.equal(hour[0]!.bucket_ms, H0);
    assert.deepEqual([hour[0]!.count, hour[0]!.total_ms, hour[0]!.max_ms, hour[0]!.db_ms, hour[0]!.n], [durations.length, durations.reduce((a, b) => a + b), Math.max(...durations), durations.length, durations.length]);
    assert.ok(Math.abs(hour[0]!.top! - 66) / 66 <= 0.01, `top ${hour[0]!.top}`);
    assert.deepEqual(db.prepare('SELECT calls FROM query_route_hour').get(), { calls: durations.length });
    assert.deepEqual(db.prepare('SELECT occurrences, requests FROM finding_hour').get(), { occurrences: 10 * durations.length, requests: durations.length });
    assert.equal(rollupWatermarks(db).get('endpoint'), H0 + HOUR_MS);
  });

  test('skips empty hours and moves the watermark without writing rows', (t) => {
    const now = H0 + 5 * HOUR_MS + 10 * 60_000;
    const { db, agg, writer } = setup(t, () => now);
    agg.consume(makeRequest({ startMs: H0 + 2 * HOUR_MS }));
    writer.flush();
    drainSteps(db, now);
    assert.deepEqual(db.prepare('SELECT bucket_ms, count FROM endpoint_hour').all(), [{ bucket_ms: H0 + 2 * HOUR_MS, count: 1 }]);
    assert.equal(rollupWatermarks(db).get('endpoint'), H0 + 5 * HOUR_MS);
    assert.equal(rollupWatermarks(db).get('background'), H0 + 5 * HOUR_MS);
  });

  test('late data for an already rolled hour lands in the hour row too, exactly once', (t) => {
    let now = H0 + HOUR_MS + 10 * 60_000;
    const { db, agg, writer } = setup(t, () => now);
    agg.consume(makeRequest({ startMs: H0 + 60_000, breakdown: { durationMs: 5 } }));
    writer.flush();
    drainSteps(db, now);
    agg.consume(makeRequest({ startMs: H0 + 59 * 60_000, breakdown: { durationMs: 7 } }));
    writer.flush();
    now += HOUR_MS;
    drainSteps(db, now);
    assert.deepEqual(db.prepare('SELECT count, total_ms, ddsketch_count(sketch) AS n FROM endpoint_hour').get(), { count: 2, total_ms: 12, n: 2 });
    assert.deepEqual(db.prepare('SELECT sum(count) AS c FROM endpoint_minute').get(), { c: 2 });
  });
});
