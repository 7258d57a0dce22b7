import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ABSENT, slotOf, TraceIds } from './trace-ids.js';

type Op = { op: 'setOwner' | 'setWaiter' | 'deleteOwner' | 'deleteWaiter' | 'get' | 'clear'; hi: number; lo: number; value: number };

// A small key space makes ids repeat, collide in one half and cluster in the probe sequence.
const id = { hi: fc.constantFrom(0, -1, 0x7fffffff, -0x80000000), lo: fc.integer({ min: -8, max: 8 }) };
const ops = fc.array(
  fc.record({ op: fc.constantFrom('setOwner', 'setOwner', 'setWaiter', 'deleteOwner', 'deleteWaiter', 'get', 'get', 'clear'), ...id, value: fc.nat(1000) }) as fc.Arbitrary<Op>,
  { maxLength: 600 },
);

describe('TraceIds', () => {
  test('behaves as two maps (owner and waiter by span id) through any sequence of sets, deletes, reads and clears', () => {
    fc.assert(fc.property(ops, fc.integer(), (list, seed) => {
      const table = new TraceIds(8, seed);
      const owners = new Map<string, number>();
      const waiters = new Map<string, number>();
      for (const { op, hi, lo, value } of list) {
        const k = `${hi}/${lo}`;
        if (op === 'setOwner') assert.equal(table.setOwner(hi, lo, value), !owners.has(k)), owners.set(k, value);
        else if (op === 'setWaiter') assert.equal(table.setWaiter(hi, lo, value), !waiters.has(k)), waiters.set(k, value);
        else if (op === 'deleteOwner') assert.equal(table.deleteOwner(hi, lo), owners.delete(k));
        else if (op === 'deleteWaiter') assert.equal(table.deleteWaiter(hi, lo), waiters.delete(k));
        else if (op === 'clear') table.clear(), owners.clear(), waiters.clear();
        else {
          assert.equal(table.owner(hi, lo), owners.get(k) ?? ABSENT);
          assert.equal(table.waiter(hi, lo), waiters.get(k) ?? ABSENT);
        }
        assert.equal(table.owned, owners.size);
        assert.equal(table.waits, waiters.size);
        assert.equal(table.size, new Set([...owners.keys(), ...waiters.keys()]).size);
      }
      for (const [k, v] of owners) assert.equal(table.owner(...(k.split('/').map(Number) as [number, number])), v, k);
      for (const [k, v] of waiters) assert.equal(table.waiter(...(k.split('/').map(Number) as [number, number])), v, k);
    }), { numRuns: 300 });
  });

  test('every id stays reachable when ids sharing one home slot are deleted from the middle of their run', () => {
    // 300 ids whose hash lands on the same slot of a 4,096-entry table (found by search under a
    // fixed seed), interleaved with ordinary ids: one probe run hundreds of entries long.
    const seed = 7;
    const mask = (1 << 12) - 1;
    const same: number[] = [];
    for (let lo = 0; same.length < 300; lo++) if ((slotOf(1, lo, seed) & mask) === 5) same.push(lo);
    const table = new TraceIds(1 << 12, seed);
    const all = [...same.map((lo) => [1, lo]), ...Array.from({ length: 1500 }, (_, i) => [2, i])] as [number, number][];
    all.forEach(([hi, lo], i) => table.setOwner(hi, lo, i));
    // Half of the colliding ids also get a waiter: an entry goes only once it has neither.
    all.forEach(([hi, lo], i) => i % 2 === 0 && table.setWaiter(hi, lo, i + 1));
    assert.equal(table.capacity, 1 << 12, 'the table did not grow: the run stays in one table');
    all.forEach(([hi, lo], i) => i % 3 === 0 && assert.ok(table.deleteOwner(hi, lo)));
    all.forEach(([hi, lo], i) => {
      assert.equal(table.owner(hi, lo), i % 3 === 0 ? ABSENT : i);
      assert.equal(table.waiter(hi, lo), i % 2 === 0 ? i + 1 : ABSENT);
    });
    assert.equal(table.size, all.filter((_, i) => i % 3 !== 0 || i % 2 === 0).length);
  });

  test('grows to stay at most half full, and a cleared table keeps its capacity empty for reuse', () => {
    const table = new TraceIds(16, 1);
    for (let i = 0; i < 1000; i++) table.setOwner(i * 31, -i, i);
    assert.equal(table.size, 1000);
    assert.equal(table.capacity, 2048);
    for (let i = 0; i < 1000; i++) assert.equal(table.owner(i * 31, -i), i);
    table.clear();
    assert.deepEqual([table.size, table.owned, table.waits, table.capacity], [0, 0, 0, 2048]);
    for (let i = 0; i < 1000; i++) assert.equal(table.owner(i * 31, -i), ABSENT);
    assert.ok(table.setWaiter(5, 5, 3));
    assert.equal(table.waiter(5, 5), 3);
  });

  test('refuses a negative handle (ABSENT marks an empty field) and an invalid capacity', () => {
    assert.throws(() => new TraceIds(8).setOwner(0, 0, -1), />= 0/);
    assert.throws(() => new TraceIds(8).setWaiter(0, 0, -2), />= 0/);
    assert.throws(() => new TraceIds(12), /power of two/);
  });
});
