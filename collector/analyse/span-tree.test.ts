import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysedSpan, Span } from '../contract.js';
import { classifySpan } from '../classify/classify-span.js';
import { cacheSpan, dbSpan, djangoRequest, makeSpan, nextSpanId } from './testing.js';
import { buildSpanTree, CATEGORY_BIT } from './span-tree.js';

const wrap = (spans: Span[]): AnalysedSpan[] => spans.map((span) => ({ span, category: classifySpan(span), sql: null, duplicate: false }));

describe('buildSpanTree', () => {
  test('spans whose parent is missing hang under the request span', () => {
    const root = djangoRequest();
    const orphan = dbSpan('SELECT 1', { parentSpanId: nextSpanId() });
    const tree = buildSpanTree(wrap([root, orphan]), root, null);
    assert.equal(tree.parent[1], 0);
    assert.deepEqual(tree.children[0], [1]);
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
});
