import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dbSpan, djangoRequest } from '../analyse/testing.js';
import type { Span } from '../contract.js';
import { ContextCache } from './held-context.js';

const FIELDS = ['scope', 'serverAddress', 'dbSystem', 'dbNamespace', 'dbOperation', 'hotpathKind'] as const;

describe('ContextCache', () => {
  test('spans with the same six strings share one frozen context, and a change in any one of them does not', () => {
    const cache = new ContextCache();
    const a = cache.of(dbSpan('SELECT 1', { dbOperation: 'SELECT', serverAddress: 'db1' }));
    assert.equal(cache.of(dbSpan('SELECT 2', { dbOperation: 'SELECT', serverAddress: 'db1' })), a, 'the statement is not part of it');
    assert.ok(Object.isFrozen(a));
    for (const k of FIELDS) {
      const s = dbSpan('SELECT 1', { dbOperation: 'SELECT', serverAddress: 'db1' }) as unknown as Record<string, string>;
      s[k] = `${s[k]}-other`;
      const c = cache.of(s as unknown as Span);
      assert.notEqual(c, a, k);
      assert.equal(c[k], s[k]);
    }
  });

  test('two sets whose hashes agree (same lengths and sampled characters) still get their own values', () => {
    // The hash reads a text's length and its first, middle and last characters: these two differ
    // elsewhere only, so they land in one slot and only the field compare tells them apart.
    for (const k of FIELDS) {
      const cache = new ContextCache();
      const one = dbSpan('SELECT 1') as unknown as Record<string, string>;
      const two = dbSpan('SELECT 1') as unknown as Record<string, string>;
      one[k] = 'xAmBx';
      two[k] = 'xCmDx';
      const c1 = cache.of(one as unknown as Span);
      const c2 = cache.of(two as unknown as Span);
      assert.equal(c1[k], 'xAmBx', k);
      assert.equal(c2[k], 'xCmDx', k);
      assert.equal(cache.of(two as unknown as Span), c2, `${k}: the newer set keeps the slot`);
    }
  });

  test('a context always carries the span\'s own values, whatever held its slot before', () => {
    // Many distinct sets force slots to be replaced: the cache is bounded, never wrong.
    const cache = new ContextCache();
    for (let i = 0; i < 5000; i++) {
      const s = i % 2 === 0 ? dbSpan('SELECT 1', { serverAddress: `db${i}`, dbOperation: `OP${i % 7}` }) : djangoRequest({ scope: `scope-${i}` });
      const c = cache.of(s);
      for (const k of FIELDS) assert.equal(c[k], s[k], `${k} of span ${i}`);
    }
  });
});
