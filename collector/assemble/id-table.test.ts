import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ABSENT, IdTable, slotOf } from './id-table.js';

type Op = { op: 'set' | 'delete' | 'get'; trace: number; hi: number; lo: number; value: number };

// A small key space makes keys repeat, collide in one half and cluster in the probe sequence.
const key = { trace: fc.integer({ min: 0, max: 1 }), hi: fc.constantFrom(0, -1, 0x7fffffff, -0x80000000), lo: fc.integer({ min: -8, max: 8 }) };
const ops = fc.array(fc.record({ op: fc.constantFrom('set', 'set', 'delete', 'get'), ...key, value: fc.nat(1000) }) as fc.Arbitrary<Op>, { maxLength: 600 });

describe('IdTable', () => {
  test('behaves as a Map keyed by (trace, hi, lo) through any sequence of sets, deletes and gets', () => {
    fc.assert(fc.property(ops, fc.integer(), (list, seed) => {
      const table = new IdTable(8, seed);
      const ref = new Map<string, number>();
      for (const { op, trace, hi, lo, value } of list) {
        const k = `${trace}/${hi}/${lo}`;
        if (op === 'set') assert.equal(table.set(trace, hi, lo, value), !ref.has(k)), ref.set(k, value);
        else if (op === 'delete') assert.equal(table.delete(trace, hi, lo), ref.delete(k));
        else assert.equal(table.get(trace, hi, lo), ref.get(k) ?? ABSENT);
        assert.equal(table.size, ref.size);
      }
      for (const [k, v] of ref) {
        const [trace, hi, lo] = k.split('/').map(Number) as [number, number, number];
        assert.equal(table.get(trace, hi, lo), v, k);
      }
    }), { numRuns: 300 });
  });

  test('every key stays reachable when keys sharing one home slot are deleted from the middle of their run', () => {
    // 300 keys whose hash lands on the same slot of a 4,096-slot table (found by search under a
    // fixed seed), interleaved with ordinary keys: one probe run hundreds of entries long.
    const seed = 7;
    const mask = (1 << 12) - 1;
    const same: number[] = [];
    for (let lo = 0; same.length < 300; lo++) if ((slotOf(1, 0, lo, seed) & mask) === 5) same.push(lo);
    const table = new IdTable(1 << 12, seed);
    const all = [...same.map((lo) => [1, lo]), ...Array.from({ length: 1500 }, (_, i) => [2, i])] as [number, number][];
    all.forEach(([trace, lo], i) => table.set(trace, 0, lo, i));
    assert.equal(table.capacity, 1 << 12, 'the table did not grow: the run stays in one table');
    all.forEach(([trace, lo], i) => i % 3 === 0 && assert.ok(table.delete(trace, 0, lo)));
    all.forEach(([trace, lo], i) => assert.equal(table.get(trace, 0, lo), i % 3 === 0 ? ABSENT : i));
  });

  test('grows to stay at most half full, keeps its size through a drain, and gives it back once the load stays low', () => {
    const table = new IdTable(1024, 1);
    for (let i = 0; i < 100_000; i++) table.set(i & 7, i * 31, -i, i);
    assert.equal(table.size, 100_000);
    assert.equal(table.capacity, 262_144);
    for (let i = 0; i < 100_000; i++) assert.ok(table.delete(i & 7, i * 31, -i));
    assert.equal(table.size, 0);
    // A drain before the next burst: the capacity stays, so the burst does not rehash its way up again.
    assert.equal(table.capacity, 262_144);
    // Work at a low level for as many deletions as half the capacity: the memory is given back.
    for (let i = 0; i < 131_072 - 32_768; i++) {
      table.set(9, 9, i, 1);
      assert.ok(table.delete(9, 9, i));
    }
    assert.equal(table.capacity, 1024);
    assert.equal(table.get(9, 9, 0), ABSENT);
  });

  test('refuses a negative value (ABSENT marks an empty entry) and an invalid minimum capacity', () => {
    assert.throws(() => new IdTable(8).set(0, 0, 0, -1), />= 0/);
    assert.throws(() => new IdTable(12), /power of two/);
  });
});
