import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSketch, decodeSparse, encodeSketch, newSketch, sparseCount, sparseQuantile } from './sketch-codec.js';
import { mergeEncoded } from './sketch-merge.js';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe('sketch codec', () => {
  test('round-trips bins and zero count so quantiles match the library', () => {
    const s = newSketch();
    for (const v of [0, 0, 0.004, 0.5, 1, 1, 3.7, 120, 9000]) s.accept(v);
    const back = decodeSketch(encodeSketch(s));
    assert.equal(back.count, s.count);
    for (const q of [0, 0.1, 0.25, 0.5, 0.9, 0.99, 1]) {
      assert.equal(back.getValueAtQuantile(q), s.getValueAtQuantile(q));
      assert.equal(sparseQuantile(decodeSparse(encodeSketch(s)), q), s.getValueAtQuantile(q));
    }
  });

  test('is much smaller than the library protobuf for a wide distribution', () => {
    const s = newSketch();
    for (let i = 1; i <= 10_000; i++) s.accept(i / 10);
    assert.ok(encodeSketch(s).length * 2 < s.toProto().length, `${encodeSketch(s).length} vs ${s.toProto().length}`);
  });

  test('merging encoded sketches equals merging the sketches', () => {
    const a = newSketch();
    const b = newSketch();
    for (let i = 0; i < 500; i++) a.accept(1 + i);
    for (let i = 0; i < 300; i++) b.accept(0.01 * (i + 1));
    b.accept(0);
    const merged = decodeSparse(mergeEncoded(encodeSketch(a), encodeSketch(b)));
    a.merge(b);
    assert.equal(sparseCount(merged), a.count);
    for (const q of [0.01, 0.3, 0.5, 0.95, 0.99]) assert.equal(sparseQuantile(merged, q), a.getValueAtQuantile(q));
  });

  test('quantiles of merged encoded parts stay within 1% of the exact values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0.001, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (parts, q) => {
          let enc: Buffer | undefined;
          for (const part of parts) {
            const s = newSketch();
            for (const v of part) s.accept(v);
            enc = enc === undefined ? encodeSketch(s) : mergeEncoded(enc, encodeSketch(s));
          }
          const all = parts.flat().sort((x, y) => x - y);
          const exact = exactQuantile(all, q);
          const got = sparseQuantile(decodeSparse(enc!), q);
          return Math.abs(got - exact) <= 0.01 * exact + 1e-12;
        },
      ),
    );
  });

  test('rejects bytes that are not a sketch', () => {
    assert.throws(() => decodeSparse(Buffer.from([9, 1, 2])), /unknown sketch format/);
    assert.throws(() => decodeSparse(Buffer.from([1, 0, 3, 2])), /truncated/);
  });
});
