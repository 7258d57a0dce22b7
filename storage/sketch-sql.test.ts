import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { encodeSketch, newSketch } from './sketch-codec.js';
import { mergedSketchSql, registerSketchFunctions } from './sketch-sql.js';

const encodeValues = (values: number[]): Buffer => {
  const s = newSketch();
  for (const v of values) s.accept(v);
  return encodeSketch(s);
};

function withTable(rows: [string, Buffer | null][], fn: (db: BetterSqlite3.Database) => void): void {
  const db = new BetterSqlite3(':memory:');
  try {
    registerSketchFunctions(db);
    db.exec('CREATE TABLE t (g TEXT NOT NULL, sketch BLOB)');
    const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
    for (const [g, s] of rows) ins.run(g, s);
    fn(db);
  } finally {
    db.close();
  }
}

describe('sketch SQL functions', () => {
  test('the concatenating merge gives the same bytes as ddsketch_merge_agg for every group', () => {
    const value = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e6, noNaN: true }));
    const row = fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.option(fc.array(value, { maxLength: 40 }), { nil: null }));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), (rows) => {
        withTable(rows.map(([g, vs]) => [g, vs === null ? null : encodeValues(vs)]), (db) => {
          const got = db.prepare(`SELECT g, ${mergedSketchSql()} AS a, ddsketch_merge_agg(sketch) AS b FROM t GROUP BY g`).all() as
            { g: string; a: Buffer | null; b: Buffer | null }[];
          for (const r of got) assert.deepEqual(r.a, r.b, `group ${r.g}`);
        });
      }),
      { numRuns: 60 },
    );
  });

  test('a group with only NULL sketches merges to NULL, and its quantile is NULL', () => {
    withTable([['a', null], ['a', null]], (db) => {
      const r = db.prepare(`SELECT ${mergedSketchSql()} AS sk, ddsketch_quantile(${mergedSketchSql()}, 0.5) AS q FROM t`).get();
      assert.deepEqual(r, { sk: null, q: null });
    });
  });

  test('quantiles of the merged group match the exact values within 1%', () => {
    const all: number[] = [];
    const rows: [string, Buffer][] = [];
    for (let part = 0; part < 50; part++) {
      const vs = Array.from({ length: 40 }, (_, i) => 1 + ((part * 7919 + i * 104729) % 5000) / 3);
      all.push(...vs);
      rows.push(['a', encodeValues(vs)]);
    }
    all.sort((x, y) => x - y);
    withTable(rows, (db) => {
      for (const q of [0.5, 0.95, 0.99]) {
        const got = (db.prepare(`SELECT ddsketch_quantile(${mergedSketchSql()}, ?) AS v FROM t`).get(q) as { v: number }).v;
        const exact = all[Math.floor(q * (all.length - 1))]!;
        assert.ok(Math.abs(got - exact) <= 0.01 * exact, `q=${q}: ${got} vs ${exact}`);
      }
      assert.equal((db.prepare(`SELECT ddsketch_count(${mergedSketchSql()}) AS n FROM t`).get() as { n: number }).n, 2000);
    });
  });
});
