import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { fingerprintSql } from '../../collector/analyse/fingerprint/fingerprint-sql.js';
import { syntheticSpans } from './synthetic-traces.js';

function byTrace(spans: ReadableSpan[]): Map<string, ReadableSpan[]> {
  const m = new Map<string, ReadableSpan[]>();
  for (const s of spans) {
    const id = s.spanContext().traceId;
    m.set(id, [...(m.get(id) ?? []), s]);
  }
  return m;
}
const isDb = (s: ReadableSpan): boolean => s.attributes['db.system'] === 'postgresql';
const statement = (s: ReadableSpan): string => String(s.attributes['db.statement']);

describe('syntheticSpans', () => {
  test('uses exactly the configured number of routes', () => {
    const spans = syntheticSpans(60, { routes: 5 });
    const routes = new Set(spans.filter((s) => s.kind === SpanKind.SERVER).map((s) => s.attributes['http.route']));
    assert.equal(routes.size, 5);
    assert.equal(spans.filter((s) => s.kind === SpanKind.SERVER).length, 60);
  });

  test('produces exactly the configured number of distinct SQL fingerprints', () => {
    for (const fingerprints of [3, 40, 100]) {
      const spans = syntheticSpans(200, { routes: 6, fingerprints, dbSpansMin: 30, dbSpansMax: 40 });
      const fps = new Set(spans.filter(isDb).map((s) => fingerprintSql(statement(s)).fingerprint));
      assert.equal(fps.size, fingerprints, `asked for ${fingerprints}`);
    }
  });

  test('keeps DB spans per request within the configured range and the other span counts exact', () => {
    const traces = byTrace(syntheticSpans(50, { dbSpansMin: 12, dbSpansMax: 20, cacheSpans: 3, middlewareSpans: 2 }));
    assert.equal(traces.size, 50);
    for (const spans of traces.values()) {
      const db = spans.filter(isDb).length;
      assert.ok(db >= 12 && db <= 20, `db spans ${db}`);
      assert.equal(spans.filter((s) => s.attributes['hotpath.kind'] === 'cache').length, 3);
      assert.equal(spans.filter((s) => s.attributes['hotpath.kind'] === 'middleware').length, 2);
      assert.equal(spans.filter((s) => s.attributes['hotpath.kind'] === 'template').length, 1);
      assert.equal(spans.length, 1 + 2 + 3 + 1 + db);
    }
  });

  test('names hotpath-django spans as conventions.json spells them', () => {
    const spans = syntheticSpans(1, { middlewareSpans: 1, cacheSpans: 1 });
    const named = (kind: string): string[] => spans.filter((s) => s.attributes['hotpath.kind'] === kind).map((s) => s.name);
    assert.deepEqual(named('middleware'), ['django.middleware django.middleware.security.SecurityMiddleware.__call__']);
    assert.deepEqual(named('cache'), ['django.cache.get']);
    assert.deepEqual(named('template'), ['django.template.render shop/books.html']);
    assert.ok(spans.every((s) => s.attributes['hotpath.kind'] === undefined || s.instrumentationScope.name === 'hotpath_django'));
  });

  test('gives N+1 routes a run of get-by-id queries under one parent with differing parameters', () => {
    const traces = byTrace(syntheticSpans(16, { routes: 4, nPlusOneShare: 0.5 }));
    let withLoop = 0;
    for (const spans of traces.values()) {
      const db = spans.filter(isDb).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
      let best = 1;
      let run = 1;
      for (let i = 1; i < db.length; i++) {
        const same = statement(db[i] as ReadableSpan) === statement(db[i - 1] as ReadableSpan);
        run = same ? run + 1 : 1;
        if (same && run >= 5) {
          const loop = db.slice(i - run + 1, i + 1);
          assert.match(statement(loop[0] as ReadableSpan), /WHERE "\w+"\."id" = %s LIMIT 21$/);
          assert.equal(new Set(loop.map((s) => s.parentSpanContext?.spanId)).size, 1);
          assert.equal(new Set(loop.map((s) => s.attributes['hotpath.db.params_hash'])).size, loop.length);
        }
        best = Math.max(best, run);
      }
      if (best >= 5) withLoop++;
    }
    assert.equal(withLoop, 8); // routes 0 and 2 of 4, four requests each
  });

  test('links every span to a parent in its trace and keeps it inside the request span', () => {
    for (const spans of byTrace(syntheticSpans(20)).values()) {
      const ids = new Set(spans.map((s) => s.spanContext().spanId));
      const roots = spans.filter((s) => s.parentSpanContext === undefined);
      assert.equal(roots.length, 1);
      const root = roots[0] as ReadableSpan;
      assert.equal(root.instrumentationScope.name, 'opentelemetry.instrumentation.django');
      const ns = (t: [number, number]): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
      for (const s of spans) {
        if (s !== root) assert.ok(ids.has(s.parentSpanContext?.spanId ?? ''), `orphan ${s.name}`);
        assert.ok(ns(s.startTime) >= ns(root.startTime) && ns(s.endTime) <= ns(root.endTime), `${s.name} outside the request`);
      }
    }
  });

  test('writes Django ORM statements of realistic length with %s placeholders', () => {
    const lengths = syntheticSpans(30).filter(isDb).map((s) => statement(s).length).sort((a, b) => a - b);
    assert.ok((lengths[Math.floor(lengths.length / 2)] as number) >= 100);
    assert.ok((lengths[lengths.length - 1] as number) <= 320);
    assert.ok(syntheticSpans(1).filter(isDb).every((s) => statement(s).includes('%s')));
  });

  test('reproduces the same statements for the same seed and others for another seed', () => {
    const seq = (seed: number): string => syntheticSpans(5, { seed }).filter(isDb).map(statement).join('\n');
    assert.equal(seq(7), seq(7));
    assert.notEqual(seq(7), seq(8));
  });

  test('rejects impossible options', () => {
    assert.throws(() => syntheticSpans(1, { dbSpansMin: 10, dbSpansMax: 5 }), RangeError);
    assert.throws(() => syntheticSpans(1, { routes: 0 }), RangeError);
    assert.throws(() => syntheticSpans(1, { middlewareSpans: 7 }), RangeError);
    assert.throws(() => syntheticSpans(1, { errorRate: 2 }), RangeError);
  });
});
