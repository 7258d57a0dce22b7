import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Aggregator } from './aggregator.js';
import type { SampleBody } from './aggregate-batch.js';
import { makeDbSpan, makeFinding, makeOtherSpan, makeRequest, makeResource } from './test-requests.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const clock = () => T0 + 3_600_000;

describe('Aggregator', () => {
  test('folds requests of one endpoint and minute into one row with sums, max and a sketch', () => {
    const agg = new Aggregator({}, clock);
    agg.consume(makeRequest({ startMs: T0 + 1000, breakdown: { durationMs: 10, dbMs: 4, dbQueries: 2, cacheHits: 1, selfMs: 3 } }));
    agg.consume(makeRequest({ startMs: T0 + 59_000, status: 503, error: true, breakdown: { durationMs: 30, dbMs: 6, dbQueries: 1, cacheMisses: 2 } }));
    agg.consume(makeRequest({ startMs: T0 + 5000, status: 404, breakdown: { durationMs: 20 } }));
    const b = agg.drain();
    assert.equal(b.endpoints.length, 1);
    const r = b.endpoints[0]!;
    assert.equal(r.bucketMs, T0);
    assert.deepEqual([r.count, r.errors, r.status4xx, r.status5xx], [3, 1, 1, 1]);
    assert.equal(r.totalMs, 60);
    assert.equal(r.maxMs, 30);
    assert.equal(r.sketch.count, 3);
    assert.deepEqual([r.dbMs, r.dbCount, r.cacheHits, r.cacheMisses, r.selfMs], [10, 3, 1, 2, 3]);
  });

  test('splits rows by minute, service version and kind', () => {
    const agg = new Aggregator({}, clock);
    agg.consume(makeRequest({ startMs: T0 }));
    agg.consume(makeRequest({ startMs: T0 + 60_000 }));
    agg.consume(makeRequest({ startMs: T0, resource: makeResource({ serviceVersion: '2.0.0' }) }));
    agg.consume(makeRequest({ startMs: T0, kind: 'task', method: '', route: 'send_mail' }));
    const rows = agg.drain().endpoints.map((r) => `${r.bucketMs - T0}|${r.version}|${r.kind}|${r.route}`).sort();
    assert.deepEqual(rows, ['0|1.0.0|request|/books/', '0|1.0.0|task|send_mail', '0|2.0.0|request|/books/', '60000|1.0.0|request|/books/']);
  });

  test('counts query calls, distinct requests, duplicates, errors and reported rows per fingerprint and route', () => {
    const agg = new Aggregator({}, clock);
    agg.consume(makeRequest({ startMs: T0, spans: [makeDbSpan('f1', 2, { dbRows: 5 }), makeDbSpan('f1', 4, {}, true), makeDbSpan('f2', 1, { statusCode: 2 })] }));
    agg.consume(makeRequest({ startMs: T0, route: '/authors/', spans: [makeDbSpan('f1', 6, { dbRows: 1 })] }));
    const b = agg.drain();
    const f1 = b.queries.find((q) => q.fingerprint === 'f1')!;
    assert.deepEqual([f1.calls, f1.requests, f1.duplicates, f1.errors, f1.totalMs, f1.maxMs, f1.rows, f1.rowsCalls], [3, 2, 1, 0, 12, 6, 6, 2]);
    assert.equal(b.queries.find((q) => q.fingerprint === 'f2')!.errors, 1);
    const routes = b.queryRoutes.filter((q) => q.fingerprint === 'f1').map((q) => `${q.route}:${q.calls}`).sort();
    assert.deepEqual(routes, ['/authors/:1', '/books/:2']);
    assert.equal(b.queryInfo.length, 2);
    assert.deepEqual(b.queryInfo.find((q) => q.fingerprint === 'f1')!.tables, ['t_f1']);
  });

  test("a fingerprint's service-wide row and statement row sum its rows of every route", () => {
    const agg = new Aggregator({}, clock);
    agg.consume(makeRequest({ startMs: T0 + 5000, spans: [makeDbSpan('f1', 2, { startMs: T0 + 5000 }), makeDbSpan('f1', 9, { startMs: T0 + 5010 })] }));
    agg.consume(makeRequest({ startMs: T0 + 1000, route: '/authors/', spans: [makeDbSpan('f1', 4, { startMs: T0 + 1000, dbRows: 3 })] }));
    agg.consume(makeRequest({ startMs: T0 + 9000, route: '/shelves/', spans: [makeDbSpan('f1', 1, { startMs: T0 + 9000 })] }));
    const b = agg.drain();
    assert.equal(b.queries.length, 1);
    const q = b.queries[0]!;
    assert.deepEqual([q.calls, q.requests, q.totalMs, q.maxMs, q.rows, q.rowsCalls], [4, 3, 16, 9, 3, 1]);
    assert.equal(q.sketch.count, 4);
    assert.equal(q.sketch.quantile(1), b.queryRoutes.find((r) => r.route === '/books/')!.sketch.quantile(1));
    const [info] = b.queryInfo;
    assert.deepEqual([info!.firstSeenMs - T0, info!.lastSeenMs - T0, info!.dbSystem], [1000, 9000, 'postgresql']);
    assert.equal(b.queryRoutes.length, 3);
  });

  test('logs slow queries with the normalised statement unless raw SQL is opted in', () => {
    const spans = [makeDbSpan('f1', 600), makeDbSpan('f2', 10)];
    const off = new Aggregator({ slowQueryMs: 500 }, clock);
    off.consume(makeRequest({ startMs: T0, spans }));
    const [row] = off.drain().slowQueries;
    assert.equal(row!.statement, 'SELECT * FROM t_f1 WHERE id = ?');
    assert.equal(row!.raw, false);
    const on = new Aggregator({ slowQueryMs: 500, storeRawSql: true }, clock);
    on.consume(makeRequest({ startMs: T0, spans }));
    const b = on.drain();
    assert.equal(b.slowQueries.length, 1);
    assert.equal(b.slowQueries[0]!.statement, 'SELECT * FROM t_f1 WHERE id = 42');
  });

  test('aggregates findings per key with occurrences, requests affected and recent trace ids', () => {
    const agg = new Aggregator({}, clock);
    for (let i = 0; i < 7; i++) {
      const traceId = `trace${i}`;
      agg.consume(makeRequest({ startMs: T0 + i, traceId, findings: [makeFinding({ traceId, occurrences: 3, totalMs: 2 })] }));
    }
    const [f] = agg.drain().findings;
    assert.deepEqual([f!.occurrences, f!.requests, f!.totalMs], [21, 7, 14]);
    assert.deepEqual(f!.sampleTraceIds, ['trace6', 'trace5', 'trace4', 'trace3', 'trace2']);
    assert.deepEqual([f!.firstSeenMs, f!.lastSeenMs], [T0, T0 + 6]);
  });

  test('samples only flagged, failed or slow requests and keeps the slowest per route within a flush', () => {
    const agg = new Aggregator({ sampleSlowRequestMs: 1000, maxSamplesPerRoutePerFlush: 2 }, clock);
    agg.consume(makeRequest({ startMs: T0, breakdown: { durationMs: 50 } }));
    for (const d of [1200, 3000, 1500, 2000]) agg.consume(makeRequest({ startMs: T0, breakdown: { durationMs: d } }));
    agg.consume(makeRequest({ startMs: T0, route: '/other/', error: true, breakdown: { durationMs: 5 } }));
    const b = agg.drain();
    const books = b.samples.filter((s) => s.route === '/books/').map((s) => s.durationMs).sort((x, y) => x - y);
    assert.deepEqual(books, [2000, 3000]);
    assert.deepEqual(b.samples.find((s) => s.route === '/other/')!.reasons, ['error']);
    assert.equal(agg.droppedSamples, 2);
  });

  test('writes at most maxSamplesPerRoutePerMinute samples of a route a minute, and again the next minute', () => {
    let now = T0 + 3_600_000;
    const agg = new Aggregator({ maxSamplesPerRoutePerFlush: 2, maxSamplesPerRoutePerMinute: 3 }, () => now);
    const flush = (durations: number[], route = '/books/'): number[] => {
      for (const d of durations) agg.consume(makeRequest({ startMs: now - 100, route, error: true, breakdown: { durationMs: d } }));
      now += 1000;
      return agg.drain().samples.map((s) => s.durationMs).sort((x, y) => x - y);
    };
    assert.deepEqual(flush([5, 9, 7]), [7, 9]);
    // One left this minute: the slowest candidate of the flush takes it.
    assert.deepEqual(flush([4, 8, 6]), [8]);
    assert.deepEqual(flush([50]), []);
    // Other routes have their own budget.
    assert.deepEqual(flush([1], '/other/'), [1]);
    now += 60_000;
    assert.deepEqual(flush([3, 2, 1]), [2, 3]);
    assert.equal(agg.droppedSamples, 1 + 2 + 1 + 1);
  });

  test('sample bodies carry the classified spans without raw SQL by default', () => {
    const agg = new Aggregator({}, clock);
    const db = makeDbSpan('f1', 3, { startMs: T0 + 2, dbRows: 4 });
    const cache = makeOtherSpan('cache', 1, { cacheResult: 'hit', cacheKeyPrefix: 'views' });
    agg.consume(makeRequest({ startMs: T0, error: true, spans: [db, cache] }));
    const body = JSON.parse(agg.drain().samples[0]!.body) as SampleBody;
    assert.equal(body.spans.length, 2);
    assert.equal(body.spans[0]!.statement, '');
    assert.equal(body.spans[0]!.sql!.normalized, 'SELECT * FROM t_f1 WHERE id = ?');
    assert.equal(body.spans[0]!.offsetMs, 2);
    assert.deepEqual(body.spans[1]!.cache, { result: 'hit', operation: '', backend: '', keyPrefix: 'views', hits: 0, misses: 0 });
  });

  test('background work goes to per-service rows, not endpoints', () => {
    const agg = new Aggregator({}, clock);
    agg.consume(makeRequest({
      kind: 'background', startMs: T0, method: '', route: '__background__',
      spans: [makeDbSpan('f1', 2), makeOtherSpan('outbound_http', 7)],
      breakdown: { durationMs: 9, dbMs: 2, dbQueries: 1, outboundMs: 7, cacheUnknown: 2 },
    }));
    const b = agg.drain();
    assert.equal(b.endpoints.length, 0);
    assert.equal(b.samples.length, 0);
    const [bg] = b.background;
    assert.deepEqual([bg!.count, bg!.spans, bg!.dbCount, bg!.outboundCount, bg!.cacheCount, bg!.outboundMs], [1, 2, 1, 1, 2, 7]);
    assert.equal(b.queryRoutes[0]!.route, '__background__');
  });

  test('stops creating keys at maxGroupsPerFlush and counts what it dropped', () => {
    // One service scope, then a route scope and an endpoint row per route: 1 + 3 x 2 = 7.
    const agg = new Aggregator({ maxGroupsPerFlush: 7 }, clock);
    for (let i = 0; i < 5; i++) agg.consume(makeRequest({ startMs: T0, route: `/r${i}/` }));
    agg.consume(makeRequest({ startMs: T0, route: '/r0/' }));
    const b = agg.drain();
    assert.equal(b.endpoints.length, 3);
    assert.equal(b.endpoints.find((r) => r.route === '/r0/')!.count, 2);
    assert.equal(agg.droppedGroups, 2);
  });

  test('drain hands over everything once and starts afresh', () => {
    const agg = new Aggregator({}, clock);
    agg.consume(makeRequest({ startMs: T0, spans: [makeDbSpan('f1', 700)], error: true }));
    const first = agg.drain();
    assert.equal(first.endpoints.length, 1);
    assert.equal(first.serviceVersions[0]!.requests, 1);
    const second = agg.drain();
    assert.deepEqual(Object.values(second).map((rows: unknown[]) => rows.length), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('buckets requests stamped far in the future at the current time', () => {
    const agg = new Aggregator({ maxFutureSkewMs: 60_000 }, clock);
    agg.consume(makeRequest({ startMs: clock() + 86_400_000 }));
    assert.equal(agg.drain().endpoints[0]!.bucketMs, clock());
    assert.equal(agg.clampedTimestamps, 1);
  });
});
