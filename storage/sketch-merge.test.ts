import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSparse, encodeSketch, encodeSparse, newSketch } from './sketch-codec.js';
import { mergeEncoded, mergeSparse } from './sketch-merge.js';

const encodeValues = (values: readonly number[]): Buffer => {
  const s = newSketch();
  for (const v of values) s.accept(v);
  return encodeSketch(s);
};

const reference = (a: Buffer, b: Buffer): Buffer => encodeSparse(mergeSparse(decodeSparse(a), decodeSparse(b)));

describe('mergeEncoded', () => {
  test('gives the same bytes as merging the decoded bins, zero counts included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300 }),
        (xs, ys) => {
          const a = encodeValues(xs);
          const b = encodeValues(ys);
          assert.deepEqual(mergeEncoded(a, b), reference(a, b));
        },
      ),
    );
  });

  test('handles sketches wider than its reusable arrays, and a narrow one after them', () => {
    // 1 us .. 1 h in 1% steps is ~2,000 distinct bins: past the 256 the scratch arrays start with.
    const wide = Array.from({ length: 5000 }, (_, i) => 0.001 * 1.01 ** (i / 2.3));
    const a = encodeValues(wide);
    const b = encodeValues(wide.map((v) => v * 3));
    assert.ok(decodeSparse(a).keys.length > 1000);
    assert.deepEqual(mergeEncoded(a, b), reference(a, b));
    const small = encodeValues([1, 2, 3]);
    assert.deepEqual(mergeEncoded(small, encodeValues([0, 2])), reference(small, encodeValues([0, 2])));
  });

  test('returns a result that a later call does not overwrite', () => {
    const first = mergeEncoded(encodeValues([1, 5]), encodeValues([9]));
    const copy = Buffer.from(first);
    mergeEncoded(encodeValues([100, 200, 300]), encodeValues([400]));
    assert.deepEqual(first, copy);
  });

  test('rejects a BLOB that is not a sketch rather than merging garbage', () => {
    assert.throws(() => mergeEncoded(Buffer.from([9, 1, 2]), encodeValues([1])), /unknown sketch format/);
    assert.throws(() => mergeEncoded(Buffer.from([1, 0, 1, 0]), encodeValues([1])), /truncated sketch/);
  });
});
