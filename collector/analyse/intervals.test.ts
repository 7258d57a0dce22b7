import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntervalList, subtractInto, unionLength } from './intervals.js';

describe('intervals', () => {
  test('union counts overlapping intervals once and disjoint ones fully', () => {
    assert.equal(unionLength([]), 0);
    assert.equal(unionLength([0, 10, 5, 15]), 15);
    assert.equal(unionLength([20, 30, 0, 10]), 20);
    assert.equal(unionLength([0, 100, 10, 20, 30, 40]), 100);
  });

  test('subtraction keeps the uncovered parts, ignoring cover outside the range', () => {
    const out = new IntervalList();
    assert.equal(subtractInto(0, 100, [10, 20, 15, 30, 90, 150, -5, 2], out), 100 - 2 - 20 - 10);
    assert.deepEqual(out.toArray(), [2, 10, 30, 90]);
  });

  test('subtraction never goes negative and a fully covered range yields nothing', () => {
    const out = new IntervalList();
    assert.equal(subtractInto(10, 20, [0, 50], out), 0);
    assert.deepEqual(out.toArray(), []);
  });

  test('self time equals length minus the covered union, for any cover', () => {
    const iv = fc.tuple(fc.integer({ min: -50, max: 150 }), fc.integer({ min: 0, max: 60 })).map(([s, l]) => [s, s + l]);
    fc.assert(fc.property(fc.array(iv, { maxLength: 12 }), (cover) => {
      const flat = cover.flat();
      const clipped = cover.map(([s, e]) => [Math.max(0, s!), Math.min(100, e!)]).filter(([s, e]) => s! < e!).flat();
      const self = subtractInto(0, 100, flat, null);
      assert.ok(Math.abs(self - (100 - unionLength(clipped))) < 1e-9);
    }));
  });

  test('a reused list grows past its first capacity, keeps only what was pushed since clear, and reads a prefix', () => {
    const list = new IntervalList();
    for (let i = 0; i < 100; i++) list.push(i * 10, i * 10 + 5);
    assert.equal(list.union(), 500);
    list.clear();
    list.push(0, 10);
    list.push(5, 20);
    assert.deepEqual(list.toArray(), [0, 10, 5, 20]);
    assert.equal(list.union(), 20);
    // Only the first `len` numbers count: stale values past it are ignored.
    assert.equal(unionLength([0, 10, 100, 200], 2), 10);
    assert.equal(subtractInto(0, 100, [0, 10, 0, 100], null, 2), 90);
  });
});
