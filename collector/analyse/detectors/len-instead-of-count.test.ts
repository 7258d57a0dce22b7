import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, dbSpan, djangoRequest, SQL } from '../testing.js';

const found = (r: ReturnType<typeof analyse>) => r.findings.filter((f) => f.type === 'len_instead_of_count');

describe('len_instead_of_count', () => {
  test('an unbounded SELECT returning many rows fires with count()/iterator()/pagination advice', () => {
    const root = djangoRequest();
    const [f] = found(analyse([root, dbSpan(SQL.books, { parentSpanId: root.spanId, dbRows: 5_000 })]));
    assert.match(f!.suggestion, /5000 rows of shop_book/);
    assert.match(f!.suggestion, /\.count\(\).*\.iterator\(\)/);
  });

  test('the fixed version (a COUNT query) and a paginated fetch do not fire', () => {
    const root = djangoRequest();
    assert.equal(found(analyse([root, dbSpan(SQL.countBooks, { parentSpanId: root.spanId, dbRows: 1 })])).length, 0);
    assert.equal(found(analyse([root, dbSpan(SQL.booksPage, { parentSpanId: root.spanId, dbRows: 5_000 })])).length, 0);
  });

  test('without a reported row count it never fires', () => {
    const root = djangoRequest();
    assert.equal(found(analyse([root, dbSpan(SQL.books, { parentSpanId: root.spanId })])).length, 0);
  });
});
