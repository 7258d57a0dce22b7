import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '../contract.js';
import { analyse, cacheSpan, dbSpan, djangoRequest, makeSpan, nextSpanId, SQL } from './testing.js';

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} != ${b}`);

describe('computeBreakdown (through analyseRequest)', () => {
  test('self time is the request minus the union of its children, so overlapping queries count once', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const q1 = dbSpan(SQL.books, { parentSpanId: root.spanId, at: 10, ms: 30 });
    const q2 = dbSpan(SQL.authorById, { parentSpanId: root.spanId, at: 20, ms: 30 }); // overlaps q1
    const b = analyse([root, q1, q2]).breakdown;
    near(b.durationMs, 100);
    near(b.dbMs, 40);
    near(b.selfMs, 60);
    assert.equal(b.dbQueries, 2);
    assert.equal(b.distinctFingerprints, 2);
  });

  test('self time is never negative when children outlive the request', () => {
    const root = djangoRequest({ at: 0, ms: 10 });
    const q = dbSpan(SQL.books, { parentSpanId: root.spanId, at: 0, ms: 50 });
    const b = analyse([root, q]).breakdown;
    assert.equal(b.selfMs, 0);
  });

  test('nested middleware counts each class\'s own time once; the innermost __call__ span\'s own time is the view\'s', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const mw = (cls: string, parent: string, at: number, ms: number) =>
      makeSpan({ spanId: nextSpanId(), parentSpanId: parent, at, ms, hotpathKind: 'middleware', middlewareClass: cls, middlewareHook: '__call__' });
    const outer = mw('django.contrib.sessions.middleware.SessionMiddleware', root.spanId, 5, 90);
    const inner = mw('django.middleware.common.CommonMiddleware', outer.spanId, 10, 80);
    const q = dbSpan(SQL.books, { parentSpanId: inner.spanId, at: 20, ms: 30 });
    const b = analyse([root, outer, inner, q]).breakdown;
    near(b.middlewareMs, 10); // outer's own: 90 - 80
    near(b.dbMs, 30);
    near(b.selfMs, 10 + 50); // request's own 10 + innermost middleware's own 50
  });

  test('MiddlewareMixin hook spans under a __call__ span do not stop it holding the view\'s time', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const call = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, at: 0, ms: 100, hotpathKind: 'middleware', middlewareClass: 'a.NewStyle', middlewareHook: '__call__' });
    const hook = makeSpan({ spanId: nextSpanId(), parentSpanId: call.spanId, at: 5, ms: 10, hotpathKind: 'middleware', middlewareClass: 'django.contrib.sessions.middleware.SessionMiddleware', middlewareHook: 'process_request' });
    const b = analyse([root, call, hook]).breakdown;
    near(b.middlewareMs, 10);
    near(b.selfMs, 90);
  });

  test('with a view span, the innermost middleware keeps its own time', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const mwSpan = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, at: 0, ms: 100, hotpathKind: 'middleware', middlewareClass: 'M', middlewareHook: '__call__' });
    const view = makeSpan({ spanId: nextSpanId(), parentSpanId: mwSpan.spanId, at: 10, ms: 60, hotpathKind: 'view' });
    const b = analyse([root, mwSpan, view]).breakdown;
    near(b.middlewareMs, 40);
    near(b.selfMs, 60);
  });

  test('nested template includes are not counted twice', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const page = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, at: 10, ms: 50, hotpathKind: 'template', templateName: 'shop/list.html' });
    const row = makeSpan({ spanId: nextSpanId(), parentSpanId: page.spanId, at: 20, ms: 20, hotpathKind: 'template', templateName: 'shop/row.html' });
    const q = dbSpan(SQL.authorById, { parentSpanId: row.spanId, at: 25, ms: 5 });
    const b = analyse([root, page, row, q]).breakdown;
    near(b.templateMs, 45);
    near(b.dbMs, 5);
    near(b.selfMs, 50);
  });

  test('a redis call inside a Django cache call is one cache call, and hit/miss/unknown are counted', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const hit = cacheSpan({ parentSpanId: root.spanId, at: 1, ms: 4, cacheResult: 'hit' });
    const redis = makeSpan({ spanId: nextSpanId(), parentSpanId: hit.spanId, at: 2, ms: 2, kind: SpanKind.CLIENT, dbSystem: 'redis', name: 'GET' });
    const miss = cacheSpan({ parentSpanId: root.spanId, at: 10, ms: 2, cacheResult: 'miss' });
    const many = cacheSpan({ parentSpanId: root.spanId, at: 20, ms: 2, cacheOperation: 'get_many', cacheHits: 3, cacheMisses: 1 });
    const set = cacheSpan({ parentSpanId: root.spanId, at: 30, ms: 2, cacheOperation: 'set' });
    const b = analyse([root, hit, redis, miss, many, set]).breakdown;
    assert.deepEqual([b.cacheHits, b.cacheMisses, b.cacheUnknown], [4, 2, 1]);
    near(b.cacheMs, 10);
  });

  test('SQL run by a DatabaseCache call is cache time, not a db query', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const call = cacheSpan({ parentSpanId: root.spanId, at: 10, ms: 20, cacheResult: 'miss' });
    const sql = dbSpan('SELECT "cache_key", "value", "expires" FROM "django_cache" WHERE "cache_key" IN (%s)', { parentSpanId: call.spanId, at: 12, ms: 15 });
    const r = analyse([root, call, sql]);
    assert.deepEqual([r.breakdown.dbQueries, r.breakdown.cacheMisses], [0, 1]);
    near(r.breakdown.cacheMs, 20);
    near(r.breakdown.dbMs, 0);
    assert.equal(r.spans[2]?.category, 'cache');
  });

  test('outbound HTTP through requests -> urllib3 counts the nested pair once', () => {
    const root = djangoRequest({ at: 0, ms: 100 });
    const req = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, at: 10, ms: 40, kind: SpanKind.CLIENT, httpMethod: 'GET' });
    const low = makeSpan({ spanId: nextSpanId(), parentSpanId: req.spanId, at: 12, ms: 35, kind: SpanKind.CLIENT, httpMethod: 'GET' });
    const b = analyse([root, req, low]).breakdown;
    near(b.outboundMs, 40);
    near(b.selfMs, 60);
  });

  test('errors count failed spans once, not the envelope that repeats the request\'s error', () => {
    const wsgi = makeSpan({ spanId: nextSpanId(), kind: SpanKind.SERVER, scope: 'opentelemetry.instrumentation.wsgi', httpMethod: 'GET', statusCode: 2, at: 0, ms: 100 });
    const root = djangoRequest({ kind: SpanKind.INTERNAL, parentSpanId: wsgi.spanId, statusCode: 2, hasException: true, at: 1, ms: 98 });
    const q = dbSpan(SQL.books, { parentSpanId: root.spanId, statusCode: 2, at: 5, ms: 5 });
    const b = analyse([wsgi, root, q], {}, { root: wsgi }).breakdown;
    assert.equal(b.errors, 2);
  });
});
