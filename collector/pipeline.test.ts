import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysedRequest, Span } from './contract.js';
import { dbSpan, djangoRequest } from './analyse/testing.js';
import { DEFAULT_ANALYSIS_CONFIG } from './analyse/analysis-config.js';
import { DEFAULT_ASSEMBLER_CONFIG } from './assemble/assembler-config.js';
import { Pipeline } from './pipeline.js';

const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');

describe('Pipeline', () => {
  test('a large backlog of due requests is analysed over several turns of the event loop, all of it once', async () => {
    let now = 1_000_000;
    let turn = 0;
    const turns: number[] = [];
    const traces = new Set<string>();
    const sink = {
      consume: (r: AnalysedRequest): void => {
        turns.push(turn);
        traces.add(r.traceId);
      },
    };
    const p = new Pipeline(
      { queueMaxSpans: 200_000, assembler: { ...DEFAULT_ASSEMBLER_CONFIG, graceMs: 100 }, analysis: DEFAULT_ANALYSIS_CONFIG, fingerprintCacheSize: 1000, tickMs: 5 },
      [sink],
      () => now,
    );
    const N = 4000;
    const spans: Span[] = [];
    for (let i = 0; i < N; i++) {
      const traceId = hex(i + 1, 32);
      const root = djangoRequest({ traceId, startMs: now - 50 });
      spans.push(root);
      for (let q = 0; q < 5; q++) spans.push(dbSpan(`SELECT "t${q}"."id" FROM "t${q}" WHERE "t${q}"."id" = %s`, { traceId, parentSpanId: root.spanId, startMs: now - 49 + q }));
    }
    p.assembler.add(spans);
    now += 1000; // every request is past its grace period
    let counting = true;
    const ticker = (): void => {
      turn++;
      if (counting) setImmediate(ticker);
    };
    setImmediate(ticker);
    await p.start();
    for (let waited = 0; turns.length < N && waited < 20_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    counting = false;
    await p.shutdown();
    assert.equal(turns.length, N, 'every request analysed');
    assert.equal(traces.size, N, 'each once');
    assert.ok(new Set(turns).size > 1, `analysis gave the event loop back between slices (${new Set(turns).size} turns)`);
  });

  test('the intake stores spans and queues their slots; a refused export stores nothing, and shutdown frees every slot', async () => {
    const now = 1_000_000;
    const out: AnalysedRequest[] = [];
    const p = new Pipeline(
      { queueMaxSpans: 4, assembler: DEFAULT_ASSEMBLER_CONFIG, analysis: DEFAULT_ANALYSIS_CONFIG, fingerprintCacheSize: 100, tickMs: 5 },
      [{ consume: (r: AnalysedRequest) => void out.push(r) }],
      () => now,
    );
    p.queue.pause();
    const root = djangoRequest({ httpRoute: 'books/<int:pk>/' });
    const batch = [dbSpan('SELECT 1', { traceId: root.traceId, parentSpanId: root.spanId, dbRows: 3 }), root, dbSpan('SELECT 2', { traceId: root.traceId, parentSpanId: root.spanId })];
    assert.equal(p.intake.offer(batch), true);
    assert.deepEqual([p.queue.size, p.assembler.store.size], [3, 3]);
    assert.equal(p.intake.offer([djangoRequest()]), true); // 3 < 4: accepted whole, depth now 4
    assert.equal(p.intake.offer([djangoRequest()]), false);
    assert.equal(p.assembler.store.size, 4, 'the refused span was never stored');
    p.queue.resume();
    await p.queue.whenDrained();
    await p.shutdown();
    assert.equal(p.assembler.store.size, 0);
    const books = out.find((r) => r.route === 'books/<int:pk>/')!;
    assert.deepEqual(books.spans.map((a) => a.span.spanId).sort(), batch.map((s) => s.spanId).sort());
    assert.equal(books.spans.find((a) => a.span.dbStatement === 'SELECT 1')?.span.dbRows, 3);
  });
});
