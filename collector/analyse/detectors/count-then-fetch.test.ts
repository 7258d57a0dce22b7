import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, dbSpan, djangoRequest, SQL } from '../testing.js';

const found = (r: ReturnType<typeof analyse>) => r.findings.filter((f) => f.type === 'count_then_fetch');

describe('count_then_fetch', () => {
  test('COUNT(*) plus an unbounded fetch of the same table fires with len()/exists() advice', () => {
    const root = djangoRequest();
    const count = dbSpan(SQL.countBooks, { parentSpanId: root.spanId, at: 1 });
    const [f] = found(analyse([root, count, dbSpan(SQL.books, { parentSpanId: root.spanId, at: 5 })]));
    assert.deepEqual(f?.spanIds, [count.spanId]);
    assert.match(f!.suggestion, /len\(\)/);
    assert.match(f!.suggestion, /exists\(\)/);
  });

  test('the fixed page (only the fetch) does not fire', () => {
    const root = djangoRequest();
    assert.equal(found(analyse([root, dbSpan(SQL.books, { parentSpanId: root.spanId })])).length, 0);
  });

  test('Paginator\'s COUNT followed by a LIMITed page does not fire', () => {
    const root = djangoRequest();
    const r = analyse([root, dbSpan(SQL.countBooks, { parentSpanId: root.spanId }), dbSpan(SQL.booksPage, { parentSpanId: root.spanId })]);
    assert.equal(found(r).length, 0);
  });
});
