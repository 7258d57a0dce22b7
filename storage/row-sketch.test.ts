import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeSketch, newSketch } from './sketch-codec.js';
import { RowSketch } from './row-sketch.js';

const QS = [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1];

describe('row sketch', () => {
  test('encodes byte for byte what the library sketch of the same durations encodes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3_600_000, noNaN: true }), fc.integer({ min: 0, max: 50 })), { maxLength: 300 }), (values) => {
        const lib = newSketch();
        const row = new RowSketch();
        for (const v of values) {
          lib.accept(v);
          row.accept(v);
        }
        assert.deepEqual(row.encode(), encodeSketch(lib));
        assert.equal(row.count, lib.count);
        for (const q of QS) {
          const want = lib.count === 0 ? NaN : lib.getValueAtQuantile(q);
          assert.equal(row.quantile(q), want, `q=${q} of ${values.length} values`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('merging rows gives what one library sketch of all their durations encodes', () => {
    const durations = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3_600_000, noNaN: true }), fc.integer({ min: 0, max: 50 })), { maxLength: 100 });
    fc.assert(
      fc.property(fc.array(durations, { minLength: 1, maxLength: 5 }), (rows) => {
        const lib = newSketch();
        const merged = new RowSketch();
        for (const values of rows) {
          const row = new RowSketch();
          for (const v of values) {
            lib.accept(v);
            row.accept(v);
          }
          merged.merge(row);
        }
        assert.deepEqual(merged.encode(), encodeSketch(lib));
        assert.equal(merged.count, lib.count);
      }),
      { numRuns: 300 },
    );
  });

  test('keeps one bin per distinct key, in ascending order, however values arrive', () => {
    const row = new RowSketch();
    for (const v of [900, 1, 50, 1, 900, 0, 0.5, 50, 50]) row.accept(v);
    assert.equal(row.keys.length, 4);
    assert.deepEqual([...row.keys].sort((a, b) => a - b), row.keys);
    assert.deepEqual(row.counts.reduce((a, b) => a + b, 0) + row.zeroCount, 9);
    assert.equal(row.zeroCount, 1);
    assert.equal(row.counts[row.keys.length - 1], 2);
  });

  test('answers NaN for an empty row, like an empty library sketch has no quantile', () => {
    assert.ok(Number.isNaN(new RowSketch().quantile(0.5)));
  });
});
