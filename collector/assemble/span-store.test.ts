import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span } from '../contract.js';
import { dbSpan, djangoRequest, makeSpan, nextSpanId } from '../analyse/testing.js';
import { decodeProtoRequest } from '../decode/index.js';
import { plainSpan } from '../decode/span-factory.js';
import { SpanStore } from './span-store.js';

const CAPTURES = fileURLToPath(new URL('../testdata/django/postgres/', import.meta.url));

/** Every span of the demo app's captured exports (all scenarios, one folder each). */
function capturedSpans(): Span[] {
  const spans: Span[] = [];
  for (const folder of readdirSync(CAPTURES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const dir = `${CAPTURES}${folder.name}/`;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.pb'))) {
      spans.push(...decodeProtoRequest(readFileSync(dir + f), { maxAttributeLength: 8192 }).spans);
    }
  }
  return spans;
}

describe('SpanStore', () => {
  test('every captured demo span comes back field for field, with its resource by reference', () => {
    const spans = capturedSpans();
    assert.ok(spans.length > 200, `only ${spans.length} captured spans`);
    assert.ok(spans.some((s) => s.cacheResult !== 'unknown') && spans.some((s) => s.httpRoute !== '') && spans.some((s) => s.hasException));
    const store = new SpanStore();
    const slots = spans.map((s) => store.put(s));
    assert.equal(store.size, spans.length);
    slots.forEach((slot, i) => {
      const back = store.take(slot);
      assert.deepEqual(plainSpan(back), plainSpan(spans[i]!));
      assert.equal(back.resource, spans[i]!.resource);
    });
    assert.equal(store.size, 0);
  });

  test('plain spans (tests build them) keep their rare attributes and flags', () => {
    const store = new SpanStore();
    const root = djangoRequest({ parentIsRemote: true, hasException: true, exceptionType: 'ValueError', statusCode: 2 });
    const cacheCall = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId, hotpathKind: 'cache', cacheResult: 'hit', cacheHits: 3, cacheMisses: 1 });
    const q = dbSpan('SELECT 1', { parentSpanId: root.spanId, dbRows: 42, startMs: 1_763_000_000_123.25, durationMs: 0.000125 });
    for (const s of [root, cacheCall, q]) assert.deepEqual(plainSpan(store.take(store.put(s))), plainSpan(s));
  });

  test('freed slots are reused, so the store grows to the most spans held at once, not the total', () => {
    const store = new SpanStore();
    for (let round = 0; round < 5; round++) {
      const slots = Array.from({ length: 3000 }, () => store.put(dbSpan('SELECT 1', { parentSpanId: nextSpanId() })));
      for (const slot of slots) store.take(slot);
    }
    assert.equal(store.capacity, 3000);
    assert.equal(store.size, 0);
  });

  test('a slot reused after free holds only the new span', () => {
    const store = new SpanStore();
    const first = store.put(djangoRequest({ httpRoute: 'books/<int:pk>/', viewFunction: 'shop.views.book' }));
    store.free(first);
    const q = dbSpan('SELECT 2', { parentSpanId: nextSpanId() });
    const again = store.put(q);
    assert.equal(again, first);
    assert.equal(store.spanId(again), q.spanId);
    const back = store.take(again);
    assert.deepEqual(plainSpan(back), plainSpan(q));
    assert.equal(back.httpRoute, '');
  });
});
