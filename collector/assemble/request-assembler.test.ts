import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SpanKind } from '../contract.js';
import type { AssembledRequest, Span } from '../contract.js';
import { dbSpan, djangoRequest, makeResource, makeSpan, nextSpanId } from '../analyse/testing.js';
import { RequestAssembler } from './request-assembler.js';
import type { AssemblerConfig } from './assembler-config.js';

function harness(cfg: Partial<AssemblerConfig> = {}) {
  let now = 1_000_000;
  const out: AssembledRequest[] = [];
  const evicted: string[] = [];
  const asm = new RequestAssembler(cfg, (r) => out.push(r), () => now, (reason) => evicted.push(reason));
  return { asm, out, evicted, advance: (ms: number) => { now += ms; asm.tick(); } };
}

function ids(r: AssembledRequest): string[] {
  return r.spans.map((s) => s.spanId).sort();
}

describe('RequestAssembler', () => {
  test('children arriving before the root wait for it, and the request is emitted after the grace period', () => {
    const { asm, out, advance } = harness();
    const root = djangoRequest();
    const q1 = dbSpan('SELECT 1', { parentSpanId: root.spanId });
    const q2 = dbSpan('SELECT 2', { parentSpanId: root.spanId });
    asm.add([q1]);
    asm.add([q2]);
    advance(100);
    asm.add([root]);
    advance(1_999);
    assert.equal(out.length, 0);
    advance(1);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.root?.spanId, root.spanId);
    assert.equal(out[0]?.partial, false);
    assert.deepEqual(ids(out[0]!), [q1.spanId, q2.spanId, root.spanId].sort());
    assert.equal(asm.inFlight, 0);
    assert.equal(asm.traceCount, 0);
  });

  test('the emitted root is the same object as its entry in spans (analysis finds the request span by identity)', () => {
    const { asm, out, advance } = harness();
    const root = djangoRequest();
    asm.add([dbSpan('SELECT 1', { parentSpanId: root.spanId }), root, dbSpan('SELECT 2', { parentSpanId: root.spanId })]);
    advance(2_000);
    const r = out[0]!;
    assert.ok(r.root !== null && r.spans.includes(r.root));
    assert.equal(r.spans.filter((s) => s.spanId === root.spanId).length, 1);
  });

  test('over the request bound, a request past its grace period is completed before anything is cut', () => {
    let now = 1_000_000;
    const out: AssembledRequest[] = [];
    const asm = new RequestAssembler({ maxRequestsInFlight: 2, graceMs: 100 }, (r) => out.push(r), () => now);
    const done = djangoRequest();
    asm.add([dbSpan('SELECT 1', { parentSpanId: done.spanId }), done]);
    now += 150; // due, but no tick has run yet (analysis is behind)
    const waiting = [djangoRequest(), djangoRequest()];
    asm.add([dbSpan('SELECT 2', { parentSpanId: waiting[0]!.spanId, traceId: waiting[0]!.traceId })]);
    asm.add([dbSpan('SELECT 3', { parentSpanId: waiting[1]!.spanId, traceId: waiting[1]!.traceId })]);
    assert.deepEqual(out.map((r) => [r.root?.spanId, r.partial, r.spans.length]), [[done.spanId, false, 2]]);
    assert.equal(asm.evictions.max_requests, 0);
    asm.add([dbSpan('SELECT 4', { parentSpanId: nextSpanId() })]); // nothing due now: the oldest rootless one is cut
    assert.equal(asm.evictions.max_requests, 1);
    assert.equal(out[1]?.partial, true);
  });

  test('tick with a request budget emits at most that many due requests, oldest first, and says when more are due', () => {
    let now = 1_000_000;
    const out: AssembledRequest[] = [];
    const asm = new RequestAssembler({}, (r) => out.push(r), () => now);
    const roots = [djangoRequest(), djangoRequest(), djangoRequest()];
    for (const r of roots) asm.add([r]);
    now += 2_000;
    assert.equal(asm.tick(2), true);
    assert.deepEqual(out.map((r) => r.root?.spanId), roots.slice(0, 2).map((r) => r.spanId));
    assert.equal(asm.tick(2), false);
    assert.deepEqual(out.map((r) => r.root?.spanId), roots.map((r) => r.spanId));
    assert.equal(asm.inFlight, 0);
    assert.equal(asm.traceCount, 0);
  });

  test('a trace holding two requests keeps the spans of the second when the first is emitted', () => {
    const { asm, out, advance } = harness();
    const first = djangoRequest();
    const q1 = dbSpan('SELECT 1', { traceId: first.traceId, parentSpanId: first.spanId });
    asm.add([q1, first]);
    advance(1_000);
    const second = makeSpan({ traceId: first.traceId, spanId: nextSpanId(), kind: SpanKind.SERVER, parentIsRemote: true, parentSpanId: first.spanId });
    const q2 = dbSpan('SELECT 2', { traceId: first.traceId, parentSpanId: second.spanId });
    asm.add([q2]);
    advance(1_000);
    assert.equal(out.length, 1);
    asm.add([second]);
    advance(2_000);
    assert.equal(out.length, 2);
    assert.deepEqual(ids(out[1]!), [q2.spanId, second.spanId].sort());
    assert.equal(asm.traceCount, 0);
  });

  test('a deep chain sent in reverse order across batches becomes one request', () => {
    const { asm, out, advance } = harness();
    const root = djangoRequest();
    const chain: Span[] = [root];
    for (let i = 0; i < 5; i++) chain.push(makeSpan({ spanId: nextSpanId(), parentSpanId: chain[chain.length - 1]!.spanId }));
    for (const s of [...chain].reverse()) asm.add([s]);
    advance(2_000);
    assert.equal(out.length, 1);
    assert.deepEqual(ids(out[0]!), chain.map((s) => s.spanId).sort());
  });

  test('a request whose root never arrives is emitted as partial after the idle timeout and counted', () => {
    const { asm, out, evicted, advance } = harness();
    const lostRoot = nextSpanId();
    asm.add([dbSpan('SELECT 1', { parentSpanId: lostRoot })]);
    advance(29_999);
    assert.equal(out.length, 0);
    asm.add([dbSpan('SELECT 2', { parentSpanId: lostRoot })]); // activity restarts the idle clock
    advance(29_999);
    assert.equal(out.length, 0);
    advance(1);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.root, null);
    assert.equal(out[0]?.partial, true);
    assert.equal(out[0]?.spans.length, 2);
    assert.deepEqual(evicted, ['idle_partial']);
    assert.equal(asm.evictions.idle_partial, 1);
  });

  test('two services in one trace give two local requests, even without the remote-parent flag', () => {
    const { asm, out, advance } = harness();
    const front = makeResource({ serviceName: 'front' });
    const back = makeResource({ serviceName: 'catalog' });
    const rootA = djangoRequest({ resource: front });
    const callB = makeSpan({ spanId: nextSpanId(), parentSpanId: rootA.spanId, kind: SpanKind.CLIENT, httpMethod: 'GET', resource: front });
    const rootB = djangoRequest({ parentSpanId: callB.spanId, resource: back });
    const qB = dbSpan('SELECT 1', { parentSpanId: rootB.spanId, resource: back });
    const internalB = makeSpan({ spanId: nextSpanId(), parentSpanId: callB.spanId, resource: back });
    asm.add([qB, rootB]);
    asm.add([callB, rootA, internalB]);
    advance(2_000);
    const byRoot = new Map(out.map((r) => [r.root?.spanId, r]));
    assert.deepEqual(ids(byRoot.get(rootB.spanId)!), [qB.spanId, rootB.spanId].sort());
    assert.deepEqual(ids(byRoot.get(rootA.spanId)!), [callB.spanId, rootA.spanId].sort());
    // A non-SERVER span whose parent is in another service starts its own local request.
    assert.equal(out.length, 3);
    assert.ok(out.some((r) => r.root?.spanId === internalB.spanId));
  });

  test('a remote-parented span starts its own request', () => {
    const { asm, out, advance } = harness();
    const consumer = makeSpan({ spanId: nextSpanId(), parentSpanId: nextSpanId(), parentIsRemote: true });
    asm.add([consumer]);
    advance(2_000);
    assert.equal(out[0]?.root?.spanId, consumer.spanId);
    assert.equal(out[0]?.partial, false);
  });

  test('the Django span under a wsgi envelope stays in the envelope\'s request', () => {
    const { asm, out, advance } = harness();
    const wsgi = makeSpan({ spanId: nextSpanId(), kind: SpanKind.SERVER, scope: 'opentelemetry.instrumentation.wsgi', httpMethod: 'GET' });
    const django = djangoRequest({ kind: SpanKind.INTERNAL, parentSpanId: wsgi.spanId });
    asm.add([dbSpan('SELECT 1', { parentSpanId: django.spanId }), django, wsgi]);
    advance(2_000);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.root?.spanId, wsgi.spanId);
    assert.equal(out[0]?.spans.length, 3);
  });

  test('a span sent twice (exporter retry) is kept once', () => {
    const { asm, out, advance } = harness();
    const root = djangoRequest();
    const q = dbSpan('SELECT 1', { parentSpanId: root.spanId });
    asm.add([q, root]);
    asm.add([q, root]);
    advance(2_000);
    assert.equal(out[0]?.spans.length, 2);
    assert.equal(asm.duplicateSpans, 2);
    assert.equal(asm.store.size, 0);
  });

  test('spans beyond maxSpansPerRequest are dropped and counted, but the root is kept', () => {
    const { asm, out, evicted, advance } = harness({ maxSpansPerRequest: 3 });
    const root = djangoRequest();
    asm.add(Array.from({ length: 5 }, () => dbSpan('SELECT 1', { parentSpanId: root.spanId })));
    asm.add([root]);
    advance(2_000);
    assert.equal(out[0]?.spans.length, 3);
    assert.ok(ids(out[0]!).includes(root.spanId));
    assert.equal(out[0]?.root?.spanId, root.spanId);
    assert.equal(out[0]?.droppedSpans, 3);
    assert.equal(out[0]?.partial, true);
    assert.deepEqual(evicted, ['max_spans']);
    assert.equal(asm.droppedSpans, 3);
  });

  test('two sub-trees cut separately before their common root arrives count as one cut request', () => {
    const { asm, out, evicted, advance } = harness({ maxSpansPerRequest: 2 });
    const root = djangoRequest();
    const a = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId });
    const b = makeSpan({ spanId: nextSpanId(), parentSpanId: root.spanId });
    const kids = (p: Span) => Array.from({ length: 3 }, () => makeSpan({ spanId: nextSpanId(), parentSpanId: p.spanId }));
    asm.add(kids(a));
    asm.add(kids(b));
    asm.add([a, b, root]);
    advance(2_000);
    assert.equal(out.length, 1);
    assert.ok(ids(out[0]!).includes(root.spanId));
    assert.deepEqual(evicted, ['max_spans']);
    // Children of dropped spans were dropped with them, not left waiting as orphans.
    assert.equal(out[0]!.spans.length + out[0]!.droppedSpans, 9);
    assert.equal(asm.inFlight, 0);
    assert.equal(asm.traceCount, 0);
  });

  test('beyond maxRequestsInFlight the oldest request is cut early, as partial', () => {
    const { asm, out, advance } = harness({ maxRequestsInFlight: 2 });
    const roots = [djangoRequest(), djangoRequest(), djangoRequest()];
    for (const r of roots) asm.add([r]);
    assert.equal(asm.inFlight, 2);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.root?.spanId, roots[0]!.spanId);
    assert.equal(out[0]?.partial, true);
    assert.equal(asm.evictions.max_requests, 1);
    advance(2_000);
    assert.equal(out.length, 3);
  });

  test('beyond maxSpansInFlight a rootless request is cut before a rooted one', () => {
    const { asm, out } = harness({ maxSpansInFlight: 4 });
    const root = djangoRequest();
    asm.add([root, dbSpan('SELECT 1', { parentSpanId: root.spanId })]);
    const orphanParent = nextSpanId();
    asm.add([dbSpan('SELECT 2', { parentSpanId: orphanParent }), dbSpan('SELECT 3', { parentSpanId: orphanParent })]);
    asm.add([dbSpan('SELECT 4', { parentSpanId: root.spanId })]);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.root, null);
    assert.equal(asm.evictions.max_spans_in_flight, 1);
    assert.equal(asm.spanCount, 3);
  });

  test('parentless client spans become per-service background groups flushed on their timer', () => {
    const { asm, out, advance } = harness({ backgroundFlushMs: 5_000 });
    const worker = makeResource({ serviceName: 'worker' });
    const a = dbSpan('SELECT 1');
    const b = dbSpan('SELECT 2', { traceId: 'f'.repeat(32) });
    const child = makeSpan({ spanId: nextSpanId(), parentSpanId: a.spanId });
    const c = dbSpan('SELECT 3', { resource: worker });
    asm.add([a, b, child, c]);
    advance(4_999);
    assert.equal(out.length, 0);
    advance(1);
    assert.equal(out.length, 2);
    const shop = out.find((r) => r.resource.serviceName === 'shop')!;
    assert.equal(shop.root, null);
    assert.equal(shop.partial, false);
    assert.equal(shop.traceId, '');
    assert.deepEqual(ids(shop), [a.spanId, b.spanId, child.spanId].sort());
    assert.equal(asm.traceCount, 0);
  });

  test('flushAll emits every request in flight and leaves no state behind', () => {
    const { asm, out } = harness();
    const root = djangoRequest();
    asm.add([root, dbSpan('SELECT 1', { parentSpanId: nextSpanId() }), dbSpan('SELECT 2')]);
    asm.flushAll();
    assert.equal(out.length, 3);
    assert.deepEqual(out.map((r) => r.partial).sort(), [false, false, true]);
    assert.equal(asm.inFlight, 0);
    assert.equal(asm.spanCount, 0);
    assert.equal(asm.traceCount, 0);
    assert.deepEqual(asm.indexCounts, { groups: 0, entries: 0 });
  });

  test('invalid bounds are rejected at construction', () => {
    assert.throws(() => new RequestAssembler({ maxSpansPerRequest: 0 }, () => {}, () => 0), /maxSpansPerRequest/);
  });

  test('any arrival order and batching conserves spans: each is emitted once or counted as dropped', () => {
    const treeArb = fc.array(fc.nat(), { minLength: 1, maxLength: 40 }).chain((parents) =>
      fc.record({ parents: fc.constant(parents), order: fc.shuffledSubarray(parents.map((_, i) => i), { minLength: parents.length }), cuts: fc.array(fc.boolean(), { minLength: parents.length, maxLength: parents.length }), maxSpans: fc.integer({ min: 1, max: 50 }) }),
    );
    fc.assert(fc.property(treeArb, ({ parents, order, cuts, maxSpans }) => {
      const { asm, out, advance } = harness({ maxSpansPerRequest: maxSpans });
      const root = djangoRequest();
      const spans: Span[] = [root];
      for (let i = 1; i < parents.length; i++) spans.push(makeSpan({ spanId: nextSpanId(), parentSpanId: spans[parents[i]! % i]!.spanId }));
      let batch: Span[] = [];
      order.forEach((i, k) => {
        batch.push(spans[i]!);
        if (cuts[k]) { asm.add(batch); batch = []; }
      });
      asm.add(batch);
      advance(2_000);
      asm.flushAll();
      const emitted = out.reduce((n, r) => n + r.spans.length, 0);
      const seen = new Set(out.flatMap((r) => r.spans.map((s) => s.spanId)));
      assert.equal(seen.size, emitted);
      assert.equal(emitted + asm.droppedSpans, spans.length);
      assert.ok(out.some((r) => r.root?.spanId === root.spanId));
      if (asm.droppedSpans === 0) assert.equal(out.length, 1);
      // Each cut request is counted once, whatever merges happened before the cut.
      assert.equal(asm.evictions.max_spans, out.filter((r) => r.droppedSpans > 0).length);
      assert.equal(out.reduce((n, r) => n + r.droppedSpans, 0), asm.droppedSpans);
      assert.equal(asm.traceCount, 0);
      assert.deepEqual(asm.indexCounts, { groups: 0, entries: 0 });
      // Every stored span was emitted or freed: dropped spans leave no slot behind.
      assert.equal(asm.store.size, 0);
    }), { numRuns: 300 });
  });

  test('interleaved traces with shared span ids, retried spans and emits between batches keep every request whole and leave no index entry behind', () => {
    // Span ids are unique within a trace only: every trace here reuses the same ids, so an index
    // that forgot the trace in its key would join spans of different requests.
    const arb = fc.record({
      traces: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 4 }),
      seed: fc.nat(),
      batch: fc.integer({ min: 1, max: 12 }),
      retries: fc.array(fc.nat(), { maxLength: 10 }),
      gaps: fc.array(fc.constantFrom(0, 0, 500, 2_500), { minLength: 1, maxLength: 8 }),
    });
    fc.assert(fc.property(arb, ({ traces, seed, batch, retries, gaps }) => {
      const { asm, out, advance } = harness({ maxSpansPerRequest: 2000 });
      const all: Span[] = [];
      traces.forEach((parents, t) => {
        const traceId = (t + 1).toString(16).padStart(32, 'a');
        const id = (i: number): string => (0xf0000000 + i).toString(16).padStart(16, '0');
        all.push(djangoRequest({ traceId, spanId: id(0) }));
        for (let i = 1; i < parents.length; i++) all.push(makeSpan({ traceId, spanId: id(i), parentSpanId: id(parents[i]! % i) }));
      });
      const order = fc.sample(fc.shuffledSubarray(all.map((_, i) => i), { minLength: all.length, maxLength: all.length }), { seed, numRuns: 1 })[0]!;
      const sent = order.map((i) => all[i]!);
      for (const r of retries) sent.push(all[r % all.length]!);
      for (let k = 0, g = 0; k < sent.length; k += batch, g++) {
        asm.add(sent.slice(k, k + batch));
        advance(gaps[g % gaps.length]!);
      }
      advance(2_000);
      asm.flushAll();
      // Each span comes out once, with its own trace's spans only; retries of a span still held
      // were counted as duplicates, a retry of one already emitted starts a request of its own.
      const emitted = out.flatMap((r) => r.spans);
      for (const r of out) assert.ok(r.spans.every((x) => x.traceId === r.traceId), 'one trace per request');
      assert.equal(emitted.length + asm.duplicateSpans, sent.length);
      const key = (x: Span): string => `${x.traceId}/${x.spanId}`;
      assert.deepEqual([...new Set(emitted.map(key))].sort(), all.map(key).sort());
      assert.equal(asm.droppedSpans, 0);
      assert.equal(asm.traceCount, 0);
      assert.deepEqual(asm.indexCounts, { groups: 0, entries: 0 });
      assert.equal(asm.store.size, 0);
    }), { numRuns: 300 });
  });
});
