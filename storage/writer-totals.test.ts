// Stored totals equal what was consumed, whatever happened between flushes: a failed and retried
// transaction, a restart (a second writer on the file), rows deleted underneath, late data.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { makeDbSpan, makeRequest } from '../collector/aggregate/test-requests.js';
import { openDatabase, type Database } from './database.js';
import { tempDbPath } from './test-db.js';
import { StorageWriter } from './writer.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const clock = (): number => T0 + 10 * 60_000;

function tempDb(t: TestContext): Database {
  const db = openDatabase(tempDbPath(t));
  t.after(() => db.close());
  return db;
}

function writerOn(db: Database): { agg: Aggregator; writer: StorageWriter } {
  const agg = new Aggregator({}, clock);
  return { agg, writer: new StorageWriter(db, agg, {}, () => {}, clock) };
}

const visit = (agg: Aggregator, route: string, startMs = T0, durationMs = 10): void =>
  agg.consume(makeRequest({ startMs, route, breakdown: { durationMs }, spans: [makeDbSpan('f1', 2)] }));

function endpoint(db: Database, route: string, bucketMs = T0): { count: number; total_ms: number; n: number } | undefined {
  return db.prepare('SELECT count, total_ms, ddsketch_count(sketch) AS n FROM endpoint_minute WHERE route = ? AND bucket_ms = ?').get(route, bucketMs) as
    | { count: number; total_ms: number; n: number }
    | undefined;
}

describe('StorageWriter totals', () => {
  test('a flush that fails after updating some rows does not count them twice when retried', (t) => {
    const db = tempDb(t);
    const { agg, writer } = writerOn(db);
    visit(agg, '/a/');
    assert.equal(writer.flush(), true);
    // /a/ is written first (its row exists, it fits), then 300 new rows need pages the file may not grow by.
    visit(agg, '/a/');
    for (let i = 0; i < 300; i++) visit(agg, `/new${i}/`);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    assert.equal(writer.flush(), false);
    assert.match(writer.lastError, /SQLITE_FULL/);
    db.pragma('max_page_count = 1073741823');
    assert.equal(writer.flush(), true);
    assert.deepEqual(endpoint(db, '/a/'), { count: 2, total_ms: 20, n: 2 });
    visit(agg, '/a/');
    assert.equal(writer.flush(), true);
    assert.deepEqual(endpoint(db, '/a/'), { count: 3, total_ms: 30, n: 3 });
  });

  test('a second writer on the same file adds to the rows the first one wrote (a restart)', (t) => {
    const db = tempDb(t);
    const first = writerOn(db);
    visit(first.agg, '/a/', T0, 10);
    visit(first.agg, '/a/', T0, 10);
    assert.equal(first.writer.flush(), true);
    const second = writerOn(db);
    visit(second.agg, '/a/', T0, 40);
    assert.equal(second.writer.flush(), true);
    visit(second.agg, '/a/', T0, 40);
    assert.equal(second.writer.flush(), true);
    assert.deepEqual(endpoint(db, '/a/'), { count: 4, total_ms: 100, n: 4 });
    const q = db.prepare('SELECT calls, requests FROM query_route_minute WHERE route = ?').get('/a/');
    assert.deepEqual(q, { calls: 4, requests: 4 });
  });

  test('a row deleted underneath (retention, a rebuilt file) is written again from the next batch', (t) => {
    const db = tempDb(t);
    const { agg, writer } = writerOn(db);
    visit(agg, '/a/');
    assert.equal(writer.flush(), true);
    db.exec('DELETE FROM endpoint_minute');
    visit(agg, '/a/', T0, 25);
    assert.equal(writer.flush(), true);
    assert.deepEqual(endpoint(db, '/a/'), { count: 1, total_ms: 25, n: 1 });
  });

  test('late data for an earlier minute still adds to its row', (t) => {
    const db = tempDb(t);
    const { agg, writer } = writerOn(db);
    visit(agg, '/a/', T0);
    assert.equal(writer.flush(), true);
    visit(agg, '/a/', T0 + 5 * 60_000);
    assert.equal(writer.flush(), true);
    visit(agg, '/a/', T0);
    assert.equal(writer.flush(), true);
    visit(agg, '/a/', T0);
    assert.equal(writer.flush(), true);
    assert.deepEqual(endpoint(db, '/a/'), { count: 3, total_ms: 30, n: 3 });
    assert.deepEqual(endpoint(db, '/a/', T0 + 5 * 60_000), { count: 1, total_ms: 10, n: 1 });
  });

  test('every flush is reported with its rows, and every failed one as a failure', (t) => {
    const db = tempDb(t);
    const agg = new Aggregator({}, clock);
    const flushed: number[] = [];
    let failed = 0;
    const writer = new StorageWriter(db, agg, {}, () => {}, clock, { flushed: (s, rows) => flushed.push(rows), failed: () => failed++ });
    assert.equal(writer.flush(), true); // nothing to write: not a flush
    visit(agg, '/a/');
    assert.equal(writer.flush(), true);
    db.pragma('query_only = ON');
    visit(agg, '/b/');
    assert.equal(writer.flush(), false);
    assert.equal(writer.flush(), false);
    db.pragma('query_only = OFF');
    assert.equal(writer.flush(), true);
    assert.equal(failed, 2);
    assert.equal(flushed.length, 2);
    assert.equal(flushed[0], writer.status().rowsWritten - flushed[1]!);
    assert.ok(flushed[0]! >= 4, `endpoint, query, query-route, query info and version rows: ${flushed[0]}`);
  });
});
