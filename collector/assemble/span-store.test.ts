import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Span } from '../contract.js';
import { dbSpan, djangoRequest, makeSpan, nextSpanId } from '../analyse/testing.js';
import { decodeProtoRequest } from '../decode/index.js';
import { newPlainSpan, newSpan, newResource, plainSpan } from '../decode/span-factory.js';
import { SLOTS_PER_CHUNK, SpanStore } from './span-store.js';

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

  test('spans put with the id halves from decode hold the ids their hex strings name, and come back the same', () => {
    let checked = 0;
    for (const folder of readdirSync(CAPTURES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = `${CAPTURES}${folder.name}/`;
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.pb'))) {
        const { spans, idHalves } = decodeProtoRequest(readFileSync(dir + f), { maxAttributeLength: 8192 });
        assert.ok(idHalves !== null && idHalves.length === spans.length * 4, `${f}: halves for every span`);
        const parsed = new SpanStore();
        const fromHalves = new SpanStore();
        spans.forEach((s, i) => {
          const [a, b] = [parsed.put(s), fromHalves.put(s, idHalves, i)];
          for (const read of ['spanHi', 'spanLo', 'hasParent', 'parentHi', 'parentLo'] as const) {
            assert.equal(fromHalves[read](b), parsed[read](a), `${f} span ${i} ${read}`);
          }
          assert.deepEqual(plainSpan(fromHalves.take(b)), plainSpan(s));
          checked++;
        });
      }
    }
    assert.ok(checked > 200, `only ${checked} captured spans`);
  });

  test('every Span field survives the store, so a field added to the span cannot be lost silently', () => {
    // The field list comes from the span class, not from the store: put/take copy fields by hand.
    const resource = newResource();
    const decoded = newSpan(resource);
    const fields = Object.keys(newPlainSpan(resource)).filter((k) => k !== 'resource');
    for (const [i, k] of fields.entries()) {
      const v = (decoded as unknown as Record<string, unknown>)[k];
      // Ids are kept as numbers: they must be what the decoders hand on, 16 lowercase hex characters.
      const id = `${'f0e1d2c3b4a59687'.slice(i % 8)}${'0123456789abcdef'.slice(0, i % 8)}`;
      const set = k === 'spanId' || k === 'parentSpanId' ? id : typeof v === 'string' ? (k === 'cacheResult' ? 'hit' : `${k}-${i}`) : typeof v === 'number' ? i + 2 : typeof v === 'boolean' ? !v : undefined;
      assert.notEqual(set, undefined, `no test value for field ${k}`);
      (decoded as unknown as Record<string, unknown>)[k] = set;
    }
    const store = new SpanStore();
    assert.deepEqual(plainSpan(store.take(store.put(decoded))), plainSpan(decoded));
  });

  test('spans with the same rare attributes share one held copy, and any one attribute differing keeps them apart', () => {
    const store = new SpanStore();
    const extrasOf = (span: Span): unknown => {
      const slot = store.put(span);
      const taken = store.take(slot) as unknown as { x: unknown };
      return taken.x;
    };
    const base = (): Span => makeSpan({ spanId: nextSpanId(), templateName: 'shop/book_list.html', middlewareClass: 'm.M', httpStatus: 200 });
    const shared = extrasOf(base());
    assert.equal(extrasOf(base()), shared, 'equal rare attributes are held once');
    // Every rare attribute takes part: the field list comes from the span, not from the store.
    const proto = Object.getPrototypeOf(newSpan(newResource())) as object;
    const rare = Object.keys(newPlainSpan(newResource())).filter((k) => Object.getOwnPropertyDescriptor(proto, k)?.get !== undefined);
    assert.ok(rare.length >= 16, `rare attribute list: ${rare.join(', ')}`);
    for (const [i, k] of rare.entries()) {
      const span = base() as unknown as Record<string, unknown>;
      const v = span[k];
      span[k] = typeof v === 'string' ? (k === 'cacheResult' ? 'miss' : `${k}-${i}`) : typeof v === 'number' ? v + 1000 + i : !v;
      const x = extrasOf(span as unknown as Span);
      assert.notEqual(x, shared, `${k} differs, yet the extras were shared`);
      assert.equal(extrasOf({ ...(span as unknown as Span), spanId: nextSpanId() }), x);
    }
  });

  test('rare attributes whose hash collides are still told apart, and a crowded hash stops sharing', () => {
    const store = new SpanStore();
    const extrasOf = (route: string): { x: unknown; route: string } => {
      const taken = store.take(store.put(makeSpan({ spanId: nextSpanId(), httpRoute: route, httpStatus: 200 })));
      return { x: (taken as unknown as { x: unknown }).x, route: taken.httpRoute };
    };
    // Same length and the same first 64 characters (all the hash reads): the texts hash alike.
    const routes = Array.from({ length: 20 }, (_, i) => `${'r/'.padEnd(64, 'x')}${String.fromCharCode(97 + i)}/r`);
    const first = routes.map(extrasOf);
    const again = routes.map(extrasOf);
    for (let i = 0; i < routes.length; i++) {
      assert.equal(first[i]!.route, routes[i]);
      assert.equal(again[i]!.route, routes[i]);
    }
    const sharedCount = routes.filter((_, i) => first[i]!.x === again[i]!.x).length;
    assert.ok(sharedCount >= 1 && sharedCount <= 8, `shared ${sharedCount} of 20 colliding contents`);
  });

  test('a span made from shared rare attributes copies them before a write, so no other span changes', () => {
    const store = new SpanStore();
    const make = (): Span => makeSpan({ spanId: nextSpanId(), httpRoute: 'books/', httpStatus: 200 });
    const [a, b] = [store.take(store.put(make())), store.take(store.put(make()))];
    a.httpStatus = 500;
    a.templateName = 'error.html';
    assert.deepEqual([a.httpStatus, a.templateName, a.httpRoute], [500, 'error.html', 'books/']);
    assert.deepEqual([b.httpStatus, b.templateName], [200, '']);
    assert.equal(store.take(store.put(make())).httpStatus, 200);
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
      const slots = Array.from({ length: SLOTS_PER_CHUNK - 100 }, () => store.put(dbSpan('SELECT 1', { parentSpanId: nextSpanId() })));
      for (const slot of slots) store.take(slot);
    }
    assert.equal(store.capacity, SLOTS_PER_CHUNK);
    assert.equal(store.size, 0);
  });

  test('after a burst drains, the store gives its chunks back but one spare, whatever order spans leave in', () => {
    const store = new SpanStore();
    const slots = Array.from({ length: 5 * SLOTS_PER_CHUNK }, () => store.put(dbSpan('SELECT 1', { parentSpanId: nextSpanId() })));
    assert.equal(store.capacity, 5 * SLOTS_PER_CHUNK);
    // Requests finish out of arrival order: free every third slot first, then the rest.
    const kept = slots.filter((_, i) => i % 3 !== 0);
    for (const slot of slots.filter((_, i) => i % 3 === 0)) store.take(slot);
    assert.equal(store.capacity, 5 * SLOTS_PER_CHUNK, 'no chunk is empty yet');
    const lowest = store.put(dbSpan('SELECT 2', { parentSpanId: nextSpanId() }));
    assert.ok(lowest < SLOTS_PER_CHUNK, `a new span takes a slot in the lowest chunk with room (got ${lowest})`);
    for (const slot of [...kept, lowest]) store.take(slot);
    assert.deepEqual([store.size, store.capacity], [0, SLOTS_PER_CHUNK]);
    // It grows again as before.
    const again = Array.from({ length: 2 * SLOTS_PER_CHUNK + 1 }, () => store.put(dbSpan('SELECT 3', { parentSpanId: nextSpanId() })));
    assert.equal(store.capacity, 3 * SLOTS_PER_CHUNK);
    assert.equal(new Set(again).size, again.length);
  });

  test('while spans are held, empty chunks up to a quarter of those in use stay spare, so a load moving near a chunk boundary does not churn', () => {
    const store = new SpanStore();
    const slots = Array.from({ length: 8 * SLOTS_PER_CHUNK }, () => store.put(dbSpan('SELECT 1', { parentSpanId: nextSpanId() })));
    // The top three chunks drain: five stay in use, so one + five/4 = two empty chunks stay.
    for (const slot of slots.slice(5 * SLOTS_PER_CHUNK)) store.free(slot);
    assert.equal(store.capacity, 7 * SLOTS_PER_CHUNK);
    // Refilling the drained span count needs one new chunk, not three.
    const refill = Array.from({ length: 3 * SLOTS_PER_CHUNK }, () => store.put(dbSpan('SELECT 2', { parentSpanId: nextSpanId() })));
    assert.equal(store.capacity, 8 * SLOTS_PER_CHUNK);
    for (const slot of [...slots.slice(0, 5 * SLOTS_PER_CHUNK), ...refill]) store.free(slot);
    assert.deepEqual([store.size, store.capacity], [0, SLOTS_PER_CHUNK]);
  });

  test('any sequence of puts, takes and frees returns each span as put, and holds at most one spare chunk past its need', () => {
    const op = fc.oneof(fc.constant<'put'>('put'), fc.record({ take: fc.nat(), drop: fc.boolean() }));
    fc.assert(fc.property(fc.array(fc.tuple(op, fc.integer({ min: 1, max: 3000 })), { maxLength: 40 }), (ops) => {
      const store = new SpanStore();
      const live = new Map<number, Span>();
      let most = 0;
      for (const [o, n] of ops) {
        if (o === 'put') {
          for (let i = 0; i < n; i++) {
            const span = dbSpan(`SELECT ${i}`, { parentSpanId: nextSpanId(), dbRows: i });
            const slot = store.put(span);
            assert.ok(!live.has(slot), `slot ${slot} handed out twice`);
            live.set(slot, span);
          }
        } else {
          const slots = [...live.keys()];
          for (let i = 0; i < Math.min(n, slots.length); i++) {
            const slot: number = slots[(o.take + i * 7919) % slots.length]!;
            if (!live.has(slot)) continue;
            if (o.drop) store.free(slot);
            else assert.deepEqual(plainSpan(store.take(slot)), plainSpan(live.get(slot)!));
            live.delete(slot);
          }
        }
        most = Math.max(most, live.size);
        assert.equal(store.size, live.size);
        // Chunks in use, plus at most one empty spare above them, and never more than the peak needed.
        assert.ok(store.capacity <= (Math.ceil(most / SLOTS_PER_CHUNK) + 1) * SLOTS_PER_CHUNK, `capacity ${store.capacity} for a peak of ${most}`);
      }
      for (const [slot, span] of live) assert.deepEqual(plainSpan(store.take(slot)), plainSpan(span));
      assert.equal(store.size, 0);
    }), { numRuns: 25 });
  });

  test('a thousand routes that differ only in their middle characters are each held once', () => {
    // Django routes often differ in a few characters in the middle (section12/items/ vs
    // section13/items/): the sharing table must tell them apart, or most go unshared.
    const store = new SpanStore();
    const extrasOf = (span: Span): unknown => (store.take(store.put(span)) as unknown as { x: unknown }).x;
    const route = (i: number): Span => djangoRequest({ httpRoute: `section${i}/items/<int:pk>/`, viewFunction: `shop.views.section${i}_item` });
    const first = Array.from({ length: 1000 }, (_, i) => extrasOf(route(i)));
    const shared = first.filter((x, i) => extrasOf(route(i)) === x).length;
    assert.equal(shared, 1000);
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

  test('parameter hashes come back as given, whether held as halves (16 lowercase hex) or as strings (any other form), in reused slots too', () => {
    const captured = capturedSpans().map((s) => s.dbParamsHash).filter((h) => h !== '');
    assert.ok(captured.length > 20 && captured.every((h) => /^[0-9a-f]{16}$/.test(h)), 'the demo app sends 16 lowercase hex characters');
    const hash = fc.oneof(
      fc.constantFrom(...captured),
      fc.stringMatching(/^[0-9a-f]{16}$/),
      fc.stringMatching(/^[0-9a-fA-F]{16}$/),
      fc.stringMatching(/^[0-9a-f]{1,20}$/),
      fc.string({ maxLength: 20 }),
    );
    const store = new SpanStore();
    fc.assert(fc.property(fc.array(hash, { minLength: 1, maxLength: 40 }), (hashes) => {
      // Put, take, then put again in reverse: every slot is reused by a hash of another form.
      for (const order of [hashes, hashes.slice().reverse()]) {
        const slots = order.map((h) => store.put(dbSpan('SELECT 1', { parentSpanId: nextSpanId(), dbParamsHash: h })));
        slots.forEach((slot, i) => assert.equal(store.take(slot).dbParamsHash, order[i]));
      }
    }), { numRuns: 300, examples: [[['ffffffffffffffff', '8000000000000000', 'FFFFFFFFFFFFFFFF', '0123456789abcdeg', '0123456789abcde', '']]] });
    assert.equal(store.size, 0);
  });

  test('span and parent ids come back as given, with every bit of both halves, and a root keeps no parent', () => {
    const store = new SpanStore();
    const hexId = fc.stringMatching(/^[0-9a-f]{16}$/);
    fc.assert(fc.property(hexId, fc.option(hexId, { nil: '' }), (spanId, parentSpanId) => {
      const slot = store.put(makeSpan({ spanId, parentSpanId }));
      assert.equal(store.hasParent(slot), parentSpanId !== '');
      const back = store.take(slot);
      assert.equal(back.spanId, spanId);
      assert.equal(back.parentSpanId, parentSpanId);
    }), { numRuns: 500, examples: [['ffffffffffffffff', '8000000000000000'], ['0000000000000001', '']] });
  });

  test('siblings sharing a parent, a root between them and the parent after its children come back with their own ids', () => {
    // The store keeps the last parent id parsed and made: every order must still give each span its
    // own (ids here share one half with another, so a memo that checked one half would be caught).
    const P = 'aaaaaaaaaaaaaaa1';
    const spans = [
      makeSpan({ spanId: 'c000000000000001', parentSpanId: P }),
      makeSpan({ spanId: 'c000000000000002', parentSpanId: P }),
      makeSpan({ spanId: 'c000000000000003', parentSpanId: '' }),
      makeSpan({ spanId: 'c000000000000004', parentSpanId: P }),
      makeSpan({ spanId: P, parentSpanId: 'bbbbbbbbaaaaaaa1' }),
      makeSpan({ spanId: 'aaaaaaaac0000005', parentSpanId: 'bbbbbbbbaaaaaaa1' }),
    ];
    for (const order of [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [4, 0, 2, 5, 1, 3]]) {
      const store = new SpanStore();
      const slots = spans.map((x) => store.put(x));
      for (const i of order) {
        const back = store.take(slots[i]!);
        assert.equal(back.spanId, spans[i]!.spanId);
        assert.equal(back.parentSpanId, spans[i]!.parentSpanId);
      }
    }
  });

  test('a span id that is not 16 lowercase hex characters is refused before a slot is taken', () => {
    const store = new SpanStore();
    for (const spanId of ['ABCDEF0123456789', '0123456789abcde', '0123456789abcdef0', '0123456789abcdeg', '0123456789abcd\u0130f']) {
      assert.throws(() => store.put(makeSpan({ spanId })), /16-character lowercase hex span id/);
      assert.throws(() => store.put(makeSpan({ parentSpanId: spanId })), /16-character lowercase hex span id/);
    }
    assert.equal(store.size, 0);
  });
});
