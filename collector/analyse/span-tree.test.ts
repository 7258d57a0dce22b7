import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AnalysedSpan, Span } from '../contract.js';
import { classifySpan } from '../classify/classify-span.js';
import { cacheSpan, dbSpan, djangoRequest, makeSpan, nextSpanId } from './testing.js';
import { buildSpanTree, CATEGORY_BIT, childrenOf, hashId } from './span-tree.js';

const wrap = (spans: Span[]): AnalysedSpan[] => spans.map((span) => ({ span, category: classifySpan(span), sql: null, duplicate: false }));

describe('buildSpanTree', () => {
  test('spans whose parent is missing hang under the request span', () => {
    const root = djangoRequest();
    const orphan = dbSpan('SELECT 1', { parentSpanId: nextSpanId() });
    const tree = buildSpanTree(wrap([root, orphan]), root, null);
    assert.equal(tree.parent[1], 0);
    assert.deepEqual(childrenOf(tree, 0), [1]);
  });

  test('the ancestor mask tells a redis call inside a Django cache call', () => {
    const root = djangoRequest();
    const logical = cacheSpan({ parentSpanId: root.spanId });
    const redis = makeSpan({ spanId: nextSpanId(), parentSpanId: logical.spanId, dbSystem: 'redis' });
    const tree = buildSpanTree(wrap([root, logical, redis]), root, null);
    assert.equal(tree.ancestorMask[1]! & CATEGORY_BIT.cache, 0);
    assert.notEqual(tree.ancestorMask[2]! & CATEGORY_BIT.cache, 0);
  });

  test('a parent cycle in malformed input is broken instead of looping', () => {
    const a = makeSpan({ spanId: 'a'.repeat(16), parentSpanId: 'b'.repeat(16) });
    const b = makeSpan({ spanId: 'b'.repeat(16), parentSpanId: 'a'.repeat(16) });
    const tree = buildSpanTree(wrap([a, b]), null, null);
    assert.ok(tree.parent[0] === -1 || tree.parent[1] === -1);
  });

  test('parents are found by id for any request size and any ids, repeated ids resolving to their last span', () => {
    // Ids from a small alphabet so that requests repeat ids and share hash tails; sizes up to 300
    // so the reused index grows, then serves smaller requests again.
    const id = fc.stringMatching(/^[0-9a-f]{1,3}$/).map((x) => x.padStart(16, '0'));
    const request = fc.array(fc.tuple(id, fc.option(id, { nil: '' })), { maxLength: 300 });
    fc.assert(fc.property(fc.array(request, { minLength: 1, maxLength: 4 }), (requests) => {
      for (const pairs of requests) {
        const spans = pairs.map(([spanId, parentSpanId]) => makeSpan({ spanId, parentSpanId }));
        const last = new Map<string, number>();
        spans.forEach((s, i) => last.set(s.spanId, i));
        const tree = buildSpanTree(wrap(spans), null, null);
        spans.forEach((s, i) => {
          const p = s.parentSpanId === '' ? undefined : last.get(s.parentSpanId);
          // A found parent is kept unless the span is its own parent or closes a cycle (then -1).
          const expected = p === undefined || p === i ? -1 : p;
          assert.ok(tree.parent[i] === expected || tree.parent[i] === -1, `span ${i}: parent ${tree.parent[i]}, expected ${expected}`);
        });
        // Without cycles every found parent is kept exactly.
        const acyclic = spans.every((_, i) => {
          const seen = new Set<number>();
          for (let j: number | undefined = i; j !== undefined; ) {
            if (seen.has(j)) return false;
            seen.add(j);
            const ps: string = spans[j]!.parentSpanId;
            const q = ps === '' ? undefined : last.get(ps);
            j = q === j ? undefined : q;
          }
          return true;
        });
        if (acyclic) spans.forEach((s, i) => {
          const p = s.parentSpanId === '' ? undefined : last.get(s.parentSpanId);
          assert.equal(tree.parent[i], p === undefined || p === i ? -1 : p);
        });
        // Each span's children are exactly the spans whose parent it is, in start order.
        spans.forEach((_, i) => assert.deepEqual(childrenOf(tree, i), spans.map((__, j) => j).filter((j) => tree.parent[j] === i)));
      }
    }), { numRuns: 200 });
  });

  test('ids that share all but their first characters are still told apart', () => {
    // A sender choosing ids with one long common tail must not make them collide.
    const tail = 'f'.repeat(15);
    const root = makeSpan({ spanId: `0${tail}` });
    const kids = Array.from({ length: 15 }, (_, i) => makeSpan({ spanId: `${(i + 1).toString(16)}${tail}`, parentSpanId: i === 0 ? root.spanId : `${i.toString(16)}${tail}` }));
    const tree = buildSpanTree(wrap([root, ...kids]), root, null);
    assert.deepEqual(Array.from(tree.parent), [-1, ...kids.map((_, i) => i)]);
    // Their hashes differ too, so they do not all probe one run of the table.
    const ids = [root, ...kids].map((s) => s.spanId);
    assert.equal(new Set(ids.map(hashId)).size, ids.length);
  });
});
