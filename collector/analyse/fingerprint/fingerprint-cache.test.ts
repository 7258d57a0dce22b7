import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FingerprintCache } from './fingerprint-cache.js';
import { fingerprintSql } from './fingerprint-sql.js';

const stmt = (n: number): string => `SELECT "t${n}"."id" FROM "t${n}" WHERE "t${n}"."id" = %s LIMIT 21`;

describe('FingerprintCache', () => {
  test('returns what fingerprintSql returns', () => {
    const cache = new FingerprintCache();
    assert.deepEqual(cache.lookup(stmt(1)), fingerprintSql(stmt(1)));
  });

  test('counts a miss for a new text and a hit for the exact same text', () => {
    const cache = new FingerprintCache();
    const first = cache.lookup(stmt(1));
    const again = cache.lookup(stmt(1));
    cache.lookup(stmt(1) + ' '); // other text, same fingerprint: still a miss (exact-text key)
    assert.equal(again, first);
    assert.equal(cache.hits, 1);
    assert.equal(cache.misses, 2);
    assert.equal(cache.size, 2);
  });

  test('hands out frozen results, since every span with the same text shares them', () => {
    const info = new FingerprintCache().lookup(stmt(1));
    assert.ok(Object.isFrozen(info));
    assert.throws(() => (info.tables as string[]).push('x'), TypeError);
  });

  test('stays within its bound under 100k distinct statements and counts evictions', () => {
    const cache = new FingerprintCache(1000);
    for (let i = 0; i < 100_000; i++) cache.lookup(stmt(i));
    assert.equal(cache.size, 1000);
    assert.equal(cache.evictions, 99_000);
    assert.equal(cache.misses, 100_000);
    assert.equal(cache.hits, 0);
  });

  test('uses the default bound of 10,000 entries', () => {
    const cache = new FingerprintCache();
    for (let i = 0; i < 10_050; i++) cache.lookup(stmt(i));
    assert.equal(cache.size, 10_000);
    assert.equal(cache.evictions, 50);
  });

  test('evicts the least recently used entry, not a recently hit one', () => {
    const cache = new FingerprintCache(2);
    cache.lookup(stmt(1));
    cache.lookup(stmt(2));
    cache.lookup(stmt(1)); // 1 is now the most recent
    cache.lookup(stmt(3)); // evicts 2
    cache.lookup(stmt(1));
    assert.equal(cache.hits, 2);
    cache.lookup(stmt(2));
    assert.equal(cache.misses, 4);
  });

  test('fingerprints but does not keep statements above the length limit', () => {
    const cache = new FingerprintCache(10, 100);
    const long = stmt(1) + ' AND "t1"."x" IN (' + '%s, '.repeat(50) + '%s)';
    assert.equal(cache.lookup(long).normalized, fingerprintSql(long).normalized);
    assert.equal(cache.size, 0);
    cache.lookup(long);
    assert.equal(cache.misses, 2);
  });

  test('rejects a bound that is not a positive integer', () => {
    assert.throws(() => new FingerprintCache(0), RangeError);
    assert.throws(() => new FingerprintCache(1.5), RangeError);
  });
});
