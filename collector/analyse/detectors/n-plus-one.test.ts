import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, dbSpan, djangoRequest, makeSpan, nextSpanId, queryLoop, SQL } from '../testing.js';

const nPlusOnes = (r: ReturnType<typeof analyse>) => r.findings.filter((f) => f.type === 'n_plus_one');

describe('n_plus_one', () => {
  test('a lazy ForeignKey per row fires with a select_related suggestion', () => {
    const root = djangoRequest({ ms: 200 });
    const loop = queryLoop(root, SQL.authorById, 10, { at: 20, ms: 12, params: (i) => `p${i}` });
    const [f, ...rest] = nPlusOnes(analyse([root, dbSpan(SQL.books, { parentSpanId: root.spanId, at: 5 }), ...loop]));
    assert.equal(rest.length, 0);
    assert.equal(f?.occurrences, 10);
    assert.equal(f?.totalMs, 120);
    assert.equal(f?.route, 'books/');
    assert.equal(f?.traceId, root.traceId);
    assert.deepEqual(f?.spanIds, loop.map((s) => s.spanId));
    assert.match(f!.suggestion, /select_related\('author'\)/);
    assert.match(f!.suggestion, /10 different parameter sets/);
  });

  test('the fixed page (one JOIN with select_related) does not fire', () => {
    const root = djangoRequest({ ms: 200 });
    assert.equal(nPlusOnes(analyse([root, dbSpan(SQL.booksWithAuthors, { parentSpanId: root.spanId, ms: 30 })])).length, 0);
  });

  test('a reverse ForeignKey per row suggests prefetch_related, and the prefetched twin does not fire', () => {
    const root = djangoRequest({ ms: 200 });
    const [f] = nPlusOnes(analyse([root, ...queryLoop(root, SQL.reviewsOfBook, 8)]));
    assert.match(f!.suggestion, /prefetch_related\('review_set'\)/);
    const fixed = analyse([root, dbSpan(SQL.books, { parentSpanId: root.spanId }), dbSpan(SQL.reviewsOfBooks, { parentSpanId: root.spanId })]);
    assert.equal(nPlusOnes(fixed).length, 0);
  });

  test('below Sentry\'s thresholds (4 queries, or 5 fast ones under 50 ms) it does not fire; count-only mode ignores time', () => {
    const root = djangoRequest();
    assert.equal(nPlusOnes(analyse([root, ...queryLoop(root, SQL.authorById, 4, { ms: 30 })])).length, 0);
    const fast = [root, ...queryLoop(root, SQL.authorById, 5, { ms: 2 })];
    assert.equal(nPlusOnes(analyse(fast)).length, 0);
    assert.equal(nPlusOnes(analyse(fast, { nPlusOne: { countOnly: true } })).length, 1);
  });

  test('overlapping executions count their non-overlapping total time', () => {
    const root = djangoRequest();
    const concurrent = Array.from({ length: 5 }, () => dbSpan(SQL.authorById, { parentSpanId: root.spanId, at: 10, ms: 20 }));
    assert.equal(nPlusOnes(analyse([root, ...concurrent])).length, 0); // 20 ms of wall time, not 100
  });

  test('without parameter hashes the run is reported as repeated, once', () => {
    const root = djangoRequest();
    const r = analyse([root, ...queryLoop(root, SQL.authorById, 6)]);
    assert.equal(nPlusOnes(r).length, 1);
    assert.match(nPlusOnes(r)[0]!.suggestion, /repeated 6 times/);
    assert.equal(r.findings.filter((f) => f.type === 'duplicate_query').length, 0);
  });

  test('queries of one loop under per-item template includes still count as one run', () => {
    const root = djangoRequest({ ms: 300 });
    const page = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, at: 1, ms: 250, hotpathKind: 'template', templateName: 'shop/list.html' });
    const spans = [root, page];
    for (let i = 0; i < 6; i++) {
      const row = makeSpan({ spanId: nextSpanId(), parentSpanId: page.spanId, at: 10 + i * 20, ms: 18, hotpathKind: 'template', templateName: 'shop/row.html' });
      spans.push(row, dbSpan(SQL.authorById, { parentSpanId: row.spanId, at: 11 + i * 20, ms: 15 }));
    }
    assert.equal(nPlusOnes(analyse(spans))[0]?.occurrences, 6);
  });

  test('runs under different parents are separate (two unrelated call sites)', () => {
    const root = djangoRequest({ ms: 300 });
    const a = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, at: 0, ms: 100 });
    const b = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, at: 100, ms: 100 });
    const r = analyse([root, a, b, ...queryLoop(a, SQL.authorById, 3, { ms: 20 }), ...queryLoop(b, SQL.authorById, 3, { at: 110, ms: 20 })]);
    assert.equal(nPlusOnes(r).length, 0);
  });
});
