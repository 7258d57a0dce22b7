import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { makeDbSpan, makeFinding, makeRequest } from '../collector/aggregate/test-requests.js';
import { openDatabase } from './database.js';
import type { Database } from './database.js';
import { StorageMaintenance } from './maintenance.js';
import { DEFAULT_RETENTION_CONFIG } from './retention.js';
import { HOUR_MS } from './rollup.js';
import { tempDbPath } from './test-db.js';
import { StorageWriter } from './writer.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const fileBytes = (db: Database): number => (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);

describe('StorageMaintenance', () => {
  test('rolls up and expires a backlog across passes when the step budget is small', async (t) => {
    let now = T0 + 6 * HOUR_MS;
    const db = openDatabase(tempDbPath(t));
    t.after(() => db.close());
    const agg = new Aggregator({}, () => now);
    const writer = new StorageWriter(db, agg, {}, () => {}, () => now);
    for (let h = 0; h < 6; h++) agg.consume(makeRequest({ startMs: T0 + h * HOUR_MS }));
    writer.flush();
    now = T0 + 60 * HOUR_MS;
    const m = new StorageMaintenance(db, { maxStepsPerTick: 3 }, () => {}, () => now);
    const first = await m.runOnce();
    assert.equal(first.complete, false);
    assert.equal(first.rollupSteps, 3);
    for (let i = 0; i < 10 && !(await m.runOnce()).complete; i++);
    assert.deepEqual(db.prepare('SELECT count(*) AS hours, sum(count) AS n FROM endpoint_hour').get(), { hours: 6, n: 6 });
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM endpoint_minute').get(), { n: 0 });
    assert.equal(m.healthy, true);
    await m.shutdown();
  });

  test('reports a failing database as unhealthy instead of rejecting', async (t) => {
    const db = openDatabase(tempDbPath(t));
    const m = new StorageMaintenance(db, {}, () => {}, () => T0);
    db.close();
    const res = await m.runOnce();
    assert.equal(res.complete, false);
    assert.equal(m.healthy, false);
    assert.match(m.lastError, /not open/);
    await m.shutdown();
    await m.shutdown();
  });

  test('the database file stops growing under steady load once retention windows are full', async (t) => {
    let now = T0;
    const db = openDatabase(tempDbPath(t));
    t.after(() => db.close());
    const agg = new Aggregator({ slowQueryMs: 50 }, () => now);
    const writer = new StorageWriter(db, agg, {}, () => {}, () => now);
    const retention = { ...DEFAULT_RETENTION_CONFIG, minuteRetentionHours: 2, hourRetentionDays: 1, slowQueryRetentionDays: 1, sampleRetentionDays: 1 };
    const m = new StorageMaintenance(db, { retention, maxStepsPerTick: 10_000 }, () => {}, () => now);
    const sizes: number[] = [];
    const STEP = 10 * 60_000;
    for (let i = 0; now < T0 + 4 * 24 * HOUR_MS; i++, now += STEP) {
      for (let r = 0; r < 5; r++) {
        agg.consume(makeRequest({
          startMs: now, route: `/r${r}/`, error: i % 7 === 0, breakdown: { durationMs: 20 + ((i * 13 + r) % 90) },
          spans: [makeDbSpan(`f${r}`, 2, { startMs: now }), makeDbSpan('f9', 60 + r, { startMs: now })],
          findings: i % 3 === 0 ? [makeFinding({ route: `/r${r}/` })] : [],
        }));
      }
      writer.flush();
      if ((now - T0) % HOUR_MS === 0) await m.runOnce();
      if ((now - T0) % (24 * HOUR_MS) === 0) sizes.push(fileBytes(db));
    }
    assert.equal(writer.healthy, true);
    t.diagnostic(`file bytes at each day: ${sizes.join(', ')}`);
    // Day 1 fills the windows (hour rows: 1 d, minutes: 2 h); days 2-4 must not keep growing.
    const [, day1, day2, day3] = sizes;
    assert.ok(day3! <= day1! * 1.1 && day2! <= day1! * 1.1, `sizes by day: ${sizes.join(', ')}`);
  });
});
