import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, djangoRequest, queryLoop, SQL } from '../testing.js';

describe('duplicate_query', () => {
  test('the same query with the same parameters fires, holding only the redundant executions', () => {
    const root = djangoRequest();
    const loop = queryLoop(root, SQL.authorById, 6, { params: () => 'same' });
    const r = analyse([root, ...loop]);
    const dups = r.findings.filter((f) => f.type === 'duplicate_query');
    assert.equal(dups.length, 1);
    assert.equal(dups[0]?.occurrences, 5);
    assert.deepEqual(dups[0]?.spanIds, loop.slice(1).map((s) => s.spanId));
    assert.match(dups[0]!.suggestion, /5 executions on shop_author repeated an earlier one/);
    // The same spans are never also an N+1.
    assert.equal(r.findings.filter((f) => f.type === 'n_plus_one').length, 0);
  });

  test('different parameters are not duplicates (that is an N+1)', () => {
    const root = djangoRequest();
    const r = analyse([root, ...queryLoop(root, SQL.authorById, 6, { params: (i) => `p${i}` })]);
    assert.equal(r.findings.filter((f) => f.type === 'duplicate_query').length, 0);
    assert.equal(r.findings.filter((f) => f.type === 'n_plus_one').length, 1);
  });

  test('an N+1 run claims its repeated ids too; repeats outside any N+1 are duplicates; no span in both', () => {
    const root = djangoRequest({ ms: 500 });
    const loop = queryLoop(root, SQL.authorById, 10, { params: (i) => `p${i % 5}` });
    const other = queryLoop(root, SQL.reviewsOfBook, 3, { at: 300, params: () => 'same' });
    const r = analyse([root, ...loop, ...other]);
    const n = r.findings.filter((f) => f.type === 'n_plus_one');
    const d = r.findings.filter((f) => f.type === 'duplicate_query');
    assert.deepEqual(n.map((f) => f.occurrences), [10]);
    assert.match(n[0]!.suggestion, /10 times with 5 different parameter sets \(5 exact repeats\)/);
    assert.deepEqual(d.map((f) => f.spanIds), [other.slice(1).map((s) => s.spanId)]);
  });

  test('a run with too few distinct parameter sets is duplicates, not an N+1', () => {
    const root = djangoRequest({ ms: 500 });
    const r = analyse([root, ...queryLoop(root, SQL.authorById, 10, { params: (i) => `p${i % 3}` })]);
    assert.deepEqual(r.findings.map((f) => [f.type, f.occurrences]), [['duplicate_query', 7]]);
  });

  test('the minimum count applies per parameter set', () => {
    const root = djangoRequest();
    const spans = [root, ...queryLoop(root, SQL.authorById, 4, { params: (i) => (i < 2 ? 'a' : `b${i}`) })];
    assert.equal(analyse(spans).findings.filter((f) => f.type === 'duplicate_query').length, 1);
    assert.equal(analyse(spans, { duplicateQuery: { minCount: 3 } }).findings.filter((f) => f.type === 'duplicate_query').length, 0);
  });

  test('one execution per parameter set (the fixed page) does not fire', () => {
    const root = djangoRequest();
    const r = analyse([root, ...queryLoop(root, SQL.authorById, 1, { params: () => 'x' })]);
    assert.equal(r.findings.length, 0);
  });
});
