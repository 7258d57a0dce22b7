import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '../contract.js';
import { analyse, dbSpan, djangoRequest, makeSpan, nextSpanId, queryLoop, SQL } from './testing.js';

describe('analyseRequest', () => {
  test('route, method, status and error come from the Django request span', () => {
    const root = djangoRequest({ httpRoute: 'books/<int:pk>/', httpMethod: 'POST', httpStatus: 500, statusCode: 2 });
    const r = analyse([root]);
    assert.deepEqual([r.kind, r.route, r.method, r.status, r.error, r.spanId], ['request', 'books/<int:pk>/', 'POST', 500, true, root.spanId]);
    assert.equal(r.startMs, root.startMs);
  });

  test('without http.route the route is the span name after the method, and a bare method stays as is', () => {
    assert.equal(analyse([djangoRequest({ httpRoute: '', name: 'GET polls/<int:question_id>/' })]).route, 'polls/<int:question_id>/');
    assert.equal(analyse([djangoRequest({ httpRoute: '', name: 'GET' })]).route, 'GET');
  });

  test('a non-Django server span without http.route never uses its raw-path name as the route', () => {
    const wsgi = makeSpan({ spanId: nextSpanId(), kind: SpanKind.SERVER, scope: 'opentelemetry.instrumentation.wsgi', httpMethod: 'GET', name: 'GET /books/17' });
    assert.equal(analyse([wsgi]).route, '__unrouted__');
  });

  test('under a wsgi envelope the Django child is the request and the envelope is other', () => {
    const wsgi = makeSpan({ spanId: nextSpanId(), kind: SpanKind.SERVER, scope: 'opentelemetry.instrumentation.wsgi', httpMethod: 'GET', name: 'GET /books/17', ms: 120 });
    const django = djangoRequest({ kind: SpanKind.INTERNAL, parentSpanId: wsgi.spanId, httpRoute: 'books/<int:pk>/', ms: 100 });
    const r = analyse([wsgi, django], {}, { root: wsgi });
    assert.equal(r.route, 'books/<int:pk>/');
    assert.equal(r.spanId, django.spanId);
    assert.equal(r.breakdown.durationMs, 100);
    assert.deepEqual(r.spans.map((a) => a.category).sort(), ['other', 'request']);
  });

  test('a rootless group is background work with the background route', () => {
    const r = analyse([dbSpan(SQL.books), dbSpan(SQL.countBooks)], {}, { root: null });
    assert.deepEqual([r.kind, r.route, r.spanId, r.method], ['background', '__background__', '', '']);
    assert.equal(r.breakdown.dbQueries, 2);
  });

  test('a parentless INTERNAL span with children (a management command span) is background too', () => {
    const cmd = makeSpan({ spanId: nextSpanId(), name: 'rebuild_index', ms: 50 });
    const r = analyse([cmd, dbSpan(SQL.books, { parentSpanId: cmd.spanId })], {}, { root: cmd });
    assert.deepEqual([r.kind, r.route, r.spanId], ['background', '__background__', '']);
    assert.equal(r.breakdown.durationMs, 50);
  });

  test('a Celery worker span is a task routed by its task name', () => {
    const task = makeSpan({ spanId: nextSpanId(), kind: SpanKind.CONSUMER, scope: 'opentelemetry.instrumentation.celery', name: 'run/shop.tasks.reindex', taskName: 'shop.tasks.reindex', ms: 500 });
    const r = analyse([task, ...queryLoop(task, SQL.authorById, 6, { ms: 20 })]);
    assert.deepEqual([r.kind, r.route], ['task', 'shop.tasks.reindex']);
    assert.ok(r.findings.some((f) => f.type === 'n_plus_one' && f.route === 'shop.tasks.reindex'));
  });

  test('a repeat with the same parameter hash is marked duplicate; without a hash nothing is', () => {
    const root = djangoRequest();
    const withHash = analyse([root, ...queryLoop(root, SQL.authorById, 3, { params: (i) => (i < 2 ? 'aa' : 'bb') })]);
    assert.deepEqual(withHash.spans.filter((a) => a.category === 'db').map((a) => a.duplicate), [false, true, false]);
    const noHash = analyse([root, ...queryLoop(root, SQL.authorById, 3)]);
    assert.ok(noHash.spans.every((a) => !a.duplicate));
  });

  test('one parameter hash under two statements is a duplicate only within each statement', () => {
    const root = djangoRequest();
    // The same parameters ([7]) for an author lookup and a review lookup, alternating: A B A B A.
    const authors = queryLoop(root, SQL.authorById, 3, { params: () => 'p7' });
    const reviews = queryLoop(root, SQL.reviewsOfBook, 2, { params: () => 'p7', at: 16 });
    const r = analyse([root, ...authors, ...reviews]);
    const db = r.spans.filter((a) => a.category === 'db').map((a) => [a.span.dbStatement === SQL.authorById ? 'A' : 'B', a.duplicate]);
    assert.deepEqual(db, [['A', false], ['B', false], ['A', true], ['B', true], ['A', true]]);
  });

  test('spans are reported in start order with their SQL fingerprinted', () => {
    const root = djangoRequest({ at: 0 });
    const late = dbSpan(SQL.books, { parentSpanId: root.spanId, at: 50 });
    const early = dbSpan(SQL.countBooks, { parentSpanId: root.spanId, at: 5 });
    const r = analyse([late, early, root], {}, { root });
    assert.deepEqual(r.spans.map((a) => a.span), [root, early, late]);
    assert.equal(r.spans[1]?.sql?.normalized, 'SELECT COUNT(*) AS __count FROM shop_book');
  });

  test('the partial flag of the assembled request is kept', () => {
    assert.equal(analyse([djangoRequest()], {}, { partial: true }).partial, true);
  });

  test('findings are capped per request', () => {
    const root = djangoRequest({ ms: 10_000 });
    const spans = [root];
    for (let t = 0; t < 5; t++) spans.push(...queryLoop(root, `SELECT "t${t}"."id" FROM "t${t}" WHERE "t${t}"."id" = %s LIMIT 21`, 5, { at: t * 100, ms: 15 }));
    assert.equal(analyse(spans).findings.length, 5);
    assert.equal(analyse(spans, { maxFindingsPerRequest: 3 }).findings.length, 3);
  });
});
