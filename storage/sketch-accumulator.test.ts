import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BinAccumulator, encodedCount, encodedQuantile } from './sketch-accumulator.js';
import { decodeSparse, encodeSketch, encodeSparse, newSketch, sparseCount, sparseQuantile } from './sketch-codec.js';
import { mergeEncoded, mergeSparse } from './sketch-merge.js';
import type { SparseBins } from './sketch-codec.js';

const encodeValues = (values: number[]): Buffer => {
  const s = newSketch();
  for (const v of values) s.accept(v);
  return encodeSketch(s);
};

// Durations from sub-microsecond to hours, plus exact zeros, so keys are negative, positive and far apart.
const duration = fc.oneof(fc.constant(0), fc.double({ min: 1e-4, max: 1e7, noNaN: true }));
const parts = fc.array(fc.array(duration, { maxLength: 60 }), { minLength: 1, maxLength: 12 });

describe('BinAccumulator', () => {
  test('merging many encoded sketches gives the same bytes as the sparse reference merge', () => {
    fc.assert(
      fc.property(parts, (ps) => {
        const acc = new BinAccumulator();
        let ref: SparseBins = { zeroCount: 0, keys: [], counts: [] };
        for (const p of ps) {
          const enc = encodeValues(p);
          acc.addEncoded(enc);
          ref = mergeSparse(ref, decodeSparse(enc));
        }
        assert.deepEqual(acc.encode(), encodeSparse(ref));
        assert.equal(acc.count(), sparseCount(ref));
        for (const q of [0, 0.01, 0.5, 0.95, 0.99, 1]) {
          const want = sparseQuantile(ref, q);
          assert.ok(Object.is(acc.quantile(q), want), `q=${q}: ${acc.quantile(q)} vs ${want}`);
        }
      }),
    );
  });

  test('a reset accumulator reused for a far-away group holds only the new group', () => {
    const acc = new BinAccumulator();
    acc.addEncoded(encodeValues([0.001, 0.002, 1e6]));
    acc.reset();
    assert.equal(acc.any, false);
    const enc = encodeValues([5, 5, 7, 9000]);
    acc.addEncoded(enc);
    assert.deepEqual(acc.encode(), enc);
    assert.equal(acc.count(), 4);
  });

  test('an added empty sketch marks the accumulator as present with no values', () => {
    const acc = new BinAccumulator();
    acc.addEncoded(encodeValues([]));
    assert.equal(acc.any, true);
    assert.ok(Number.isNaN(acc.quantile(0.5)));
    assert.deepEqual(acc.encode(), encodeValues([]));
  });

  test('rejects a run whose keys span more than any finite double can map to', () => {
    const corrupt = encodeSparse({ zeroCount: 0, keys: [-200_000, 200_000], counts: [1, 1] });
    assert.throws(() => new BinAccumulator().addEncoded(corrupt), /corrupt sketch/);
  });

  test('rejects bytes that are not a sketch', () => {
    assert.throws(() => new BinAccumulator().addEncoded(Buffer.from([9, 0, 0])), /unknown sketch format/);
    assert.throws(() => new BinAccumulator().addEncoded(Buffer.from([1, 0, 3, 2])), /truncated/);
  });
});

describe('reading encoded sketches in place', () => {
  test('count and quantiles equal those of the decoded sparse form', () => {
    fc.assert(
      fc.property(fc.array(duration, { maxLength: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
        const enc = encodeValues(values);
        const s = decodeSparse(enc);
        assert.equal(encodedCount(enc), sparseCount(s));
        assert.ok(Object.is(encodedQuantile(enc, q), sparseQuantile(s, q)));
      }),
    );
  });

  test('mergeEncoded is symmetric and keeps every value', () => {
    const a = encodeValues([1, 2, 3, 0]);
    const b = encodeValues([1000, 0.5]);
    assert.deepEqual(mergeEncoded(a, b), mergeEncoded(b, a));
    assert.equal(encodedCount(mergeEncoded(a, b)), 6);
  });
});
