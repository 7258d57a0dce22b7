import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, dbSpan, djangoRequest, queryLoop, SQL } from '../testing.js';

describe('write_loop', () => {
  test('five INSERTs of one shape fire with bulk_create advice, and are not also an N+1', () => {
    const root = djangoRequest();
    const r = analyse([root, ...queryLoop(root, SQL.insertReview, 5, { params: (i) => `p${i}` })]);
    assert.deepEqual(r.findings.map((f) => f.type), ['write_loop']);
    assert.match(r.findings[0]!.suggestion, /Review\.objects\.bulk_create/);
  });

  test('the fixed version (one multi-row INSERT from bulk_create) does not fire', () => {
    const root = djangoRequest();
    assert.equal(analyse([root, dbSpan(SQL.bulkInsertReviews, { parentSpanId: root.spanId })]).findings.length, 0);
  });

  test('four writes stay under the default threshold', () => {
    const root = djangoRequest();
    assert.equal(analyse([root, ...queryLoop(root, SQL.insertReview, 4)]).findings.length, 0);
  });
});
