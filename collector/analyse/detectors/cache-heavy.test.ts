import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '../../contract.js';
import { analyse, cacheSpan, djangoRequest, makeSpan, nextSpanId } from '../testing.js';
import { resolveAnalysisConfig } from '../analysis-config.js';
import { isLowHitRatio } from './cache-heavy.js';

const heavy = (r: ReturnType<typeof analyse>) => r.findings.filter((f) => f.type === 'cache_heavy');
const calls = (root: ReturnType<typeof djangoRequest>, n: number, result: 'hit' | 'miss') =>
  Array.from({ length: n }, (_, i) => cacheSpan({ parentSpanId: root.spanId, at: i * 2, ms: 1, cacheResult: result }));

describe('cache_heavy', () => {
  test('more than 10 cache calls in one request fire, with get_many advice', () => {
    const root = djangoRequest();
    const [f] = heavy(analyse([root, ...calls(root, 11, 'hit')]));
    assert.equal(f?.occurrences, 11);
    assert.match(f!.suggestion, /get_many/);
    assert.doesNotMatch(f!.suggestion, /hits/);
  });

  test('the batched page (one get_many) does not fire', () => {
    const root = djangoRequest();
    const many = cacheSpan({ parentSpanId: root.spanId, cacheOperation: 'get_many', cacheHits: 11 });
    assert.equal(heavy(analyse([root, many])).length, 0);
  });

  test('redis spans inside Django cache spans do not double the call count', () => {
    const root = djangoRequest();
    const spans = [root];
    for (const c of calls(root, 6, 'hit')) {
      spans.push(c, makeSpan({ spanId: nextSpanId(), parentSpanId: c.spanId, kind: SpanKind.CLIENT, dbSystem: 'redis', name: 'GET' }));
    }
    assert.equal(heavy(analyse(spans)).length, 0);
  });

  test('a low hit ratio is called out in the suggestion', () => {
    const root = djangoRequest();
    const [f] = heavy(analyse([root, ...calls(root, 2, 'hit'), ...calls(root, 10, 'miss')]));
    assert.match(f!.suggestion, /only 17% were hits/);
  });

  test('isLowHitRatio needs enough known outcomes before judging', () => {
    const cfg = resolveAnalysisConfig();
    assert.equal(isLowHitRatio(1, 8, cfg), false);
    assert.equal(isLowHitRatio(2, 8, cfg), true);
    assert.equal(isLowHitRatio(5, 5, cfg), false);
  });
});
