import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, dbSpan, djangoRequest, SQL } from '../testing.js';

const slow = (r: ReturnType<typeof analyse>) => r.findings.filter((f) => f.type === 'slow_query');

describe('slow_query', () => {
  test('a query at the 500 ms threshold fires with index advice; just under it does not', () => {
    const root = djangoRequest({ ms: 1_000 });
    const [f] = slow(analyse([root, dbSpan(SQL.booksPage, { parentSpanId: root.spanId, ms: 500 })]));
    assert.equal(f?.totalMs, 500);
    assert.match(f!.suggestion, /EXPLAIN ANALYZE/);
    assert.equal(slow(analyse([root, dbSpan(SQL.booksPage, { parentSpanId: root.spanId, ms: 499 })])).length, 0);
  });

  test('an unbounded slow SELECT is told to paginate', () => {
    const root = djangoRequest({ ms: 1_000 });
    assert.match(slow(analyse([root, dbSpan(SQL.books, { parentSpanId: root.spanId, ms: 800 })]))[0]!.suggestion, /paginate/);
  });

  test('a per-route override raises the threshold for that route only', () => {
    const cfg = { slowQuery: { routeOverrides: { 'reports/': 5_000 } } };
    const report = djangoRequest({ httpRoute: 'reports/', ms: 2_000 });
    assert.equal(slow(analyse([report, dbSpan(SQL.books, { parentSpanId: report.spanId, ms: 1_500 })], cfg)).length, 0);
    const books = djangoRequest({ ms: 2_000 });
    assert.equal(slow(analyse([books, dbSpan(SQL.books, { parentSpanId: books.spanId, ms: 1_500 })], cfg)).length, 1);
  });
});

describe('slow_query advice', () => {
  test('a statement without a table (SELECT pg_sleep) is not called unbounded', () => {
    const root = djangoRequest({ ms: 1_000 });
    const [f] = analyse([root, dbSpan('SELECT pg_sleep(%s)', { parentSpanId: root.spanId, ms: 600 })]).findings;
    assert.doesNotMatch(f!.suggestion, /without LIMIT/);
  });
});
