import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AnalysedSpan } from '../contract.js';
import { dbSpan } from './testing.js';
import { RepeatIndex } from './repeat-index.js';

/** The rule as the issue states it: a repeat is a span whose (fingerprint, hash) pair came earlier. */
function expected(pairs: ReadonlyArray<readonly [string, string]>): boolean[] {
  const seen = new Set<string>();
  return pairs.map(([fp, hash]) => {
    const key = `${fp}\u0000${hash}`;
    const again = seen.has(key);
    seen.add(key);
    return again;
  });
}

function spansOf(pairs: ReadonlyArray<readonly [string, string]>): AnalysedSpan[] {
  return pairs.map(([fp, hash]) => ({
    span: dbSpan('SELECT 1', { dbParamsHash: hash }),
    category: 'db',
    sql: { fingerprint: fp, normalized: 'SELECT ?', operation: 'SELECT', tables: [] },
    duplicate: false,
  }));
}

describe('RepeatIndex', () => {
  const index = new RepeatIndex();

  test('marks a span as a repeat exactly when its fingerprint and hash pair came earlier in the request, over any requests one after another', () => {
    // Few fingerprints and hashes, so hashes recur under other fingerprints and tables fill and wrap.
    const pair = fc.tuple(fc.constantFrom('f1', 'f2', 'f3'), fc.oneof(fc.constantFrom('h1', 'h2', 'h3', 'h4'), fc.stringMatching(/^[0-9a-f]{16}$/)));
    fc.assert(fc.property(fc.array(fc.array(pair, { maxLength: 300 }), { minLength: 1, maxLength: 4 }), (requests) => {
      for (const pairs of requests) {
        const spans = spansOf(pairs);
        index.reset(spans, spans.length);
        const got = pairs.map(([fp, hash], i) => index.repeats(i, fp, hash));
        index.release();
        assert.deepEqual(got, expected(pairs));
      }
    }), { numRuns: 300 });
  });

  test('a hash first seen under another statement repeats only within its own statement', () => {
    const pairs = [['A', 'h'], ['B', 'h'], ['A', 'h'], ['B', 'h'], ['B', 'h']] as const;
    const spans = spansOf(pairs);
    index.reset(spans, spans.length);
    assert.deepEqual(pairs.map(([fp, hash], i) => index.repeats(i, fp, hash)), [false, false, true, true, true]);
  });
});
