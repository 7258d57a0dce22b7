import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { fingerprintSql } from './fingerprint-sql.js';
import { POSTGRES_CASES } from './django-orm-cases.js';
import { SQLITE_AND_COMMENTER_CASES } from './django-orm-cases-sqlite.js';

const norm = (sql: string): string => fingerprintSql(sql).normalized;

describe('fingerprintSql on real Django ORM statements', () => {
  const cases = [...POSTGRES_CASES, ...SQLITE_AND_COMMENTER_CASES];
  test('the table holds at least 40 statements', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  });
  for (const c of cases) {
    test(`normalises ${c.orm}`, () => {
      const info = fingerprintSql(c.sql);
      assert.equal(info.normalized, c.normalized);
      assert.equal(info.operation, c.operation);
      assert.deepEqual(info.tables, c.tables);
    });
  }
});

describe('fingerprintSql fingerprint', () => {
  test('is the first 16 hex chars of SHA-1 over the normalised text', () => {
    const info = fingerprintSql('SELECT "a"."id" FROM "a" WHERE "a"."id" = %s');
    assert.match(info.fingerprint, /^[0-9a-f]{16}$/);
    assert.equal(info.fingerprint, createHash('sha1').update(info.normalized).digest('hex').slice(0, 16));
  });

  test('is the same for the same statement with other literal values (property)', () => {
    const literal = fc.oneof(
      fc.integer().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d).replace('Infinity', '1')),
      fc.string().map((s) => `'${s.replaceAll("'", "''")}'`),
      fc.constantFrom('TRUE', 'false', '%s', '$3', '?', ':name', '%(id)s', "E'a\\'b'", '$$x$$'),
    );
    fc.assert(
      fc.property(fc.array(literal, { minLength: 4, maxLength: 4 }), fc.array(literal, { minLength: 1, maxLength: 30 }), (v, inList) => {
        const a = `SELECT "t"."id" FROM "t" WHERE "t"."a" = ${v[0]} AND "t"."b" IN (${inList.join(', ')}) AND "t"."c" > ${v[1]} LIMIT ${v[2]} OFFSET ${v[3]}`;
        const b = 'SELECT "t"."id" FROM "t" WHERE "t"."a" = %s AND "t"."b" IN (%s) AND "t"."c" > %s LIMIT 21 OFFSET 0';
        assert.equal(fingerprintSql(a).fingerprint, fingerprintSql(b).fingerprint);
      }),
    );
  });

  test('differs when only the table differs', () => {
    const a = fingerprintSql('SELECT "x"."id" FROM "blog_post" "x" WHERE "x"."id" = %s');
    const b = fingerprintSql('SELECT "x"."id" FROM "blog_page" "x" WHERE "x"."id" = %s');
    assert.notEqual(a.fingerprint, b.fingerprint);
  });

  test('differs when only a column or an operator differs', () => {
    const base = fingerprintSql('SELECT * FROM t WHERE a = %s').fingerprint;
    assert.notEqual(fingerprintSql('SELECT * FROM t WHERE b = %s').fingerprint, base);
    assert.notEqual(fingerprintSql('SELECT * FROM t WHERE a > %s').fingerprint, base);
  });
});

describe('fingerprintSql normalisation rules', () => {
  test('treats quoted, backtick, bracket and unquoted identifiers alike and ignores case and spacing', () => {
    const want = 'SELECT t.id FROM t WHERE t.name = ?';
    assert.equal(norm('SELECT "t"."id" FROM "t" WHERE "t"."name" = %s'), want);
    assert.equal(norm('select `T`.`id` from `t` where `t`.`name`=?'), want);
    assert.equal(norm('SELECT [t].[id]\n\tFROM [t]   WHERE [t].[name] = :n'), want);
    assert.equal(norm('  select T.Id from T where t.NAME = $1 ; '), want);
  });

  test('keeps a doubled quote inside a quoted identifier as one quote', () => {
    assert.equal(norm('SELECT "a""b" FROM t'), 'SELECT a"b FROM t');
  });

  test('replaces every literal kind with ? and keeps NULL', () => {
    assert.equal(
      norm(`INSERT INTO t VALUES ('it''s', E'a\\'b', N'x', B'101', X'ff', $$a'b$$, $fn$ $$ $fn$, 1.5e-3, .5, 0x1F, 1_000, -7, TRUE, NULL)`),
      'INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)',
    );
  });

  test('folds a unary minus into the literal but keeps binary minus', () => {
    assert.equal(norm('SELECT a - 1, a=-1, (-2) FROM t'), 'SELECT a - ?, a = ?, (?) FROM t');
  });

  test('collapses IN lists of any length, including a single element', () => {
    assert.equal(norm('SELECT * FROM t WHERE id IN (1)'), 'SELECT * FROM t WHERE id IN (?)');
    assert.equal(norm('SELECT * FROM t WHERE id NOT IN (%s,%s,%s)'), 'SELECT * FROM t WHERE id NOT IN (?)');
  });

  test('collapses ARRAY[...] literals of any length', () => {
    assert.equal(norm('SELECT * FROM t WHERE tags && ARRAY[%s, %s, %s]::varchar[]'), 'SELECT * FROM t WHERE tags && ARRAY[?]::varchar[]');
  });

  test('does not take an ON CONFLICT ... DO UPDATE for a table (bulk_create update_conflicts)', () => {
    const info = fingerprintSql('INSERT INTO "shop_tag" ("slug", "name") VALUES (%s, %s), (%s, %s) ON CONFLICT("slug") DO UPDATE SET "name" = EXCLUDED."name"');
    assert.equal(info.normalized, 'INSERT INTO shop_tag (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET name = excluded.name');
    assert.deepEqual(info.tables, ['shop_tag']);
  });

  test('keeps the first VALUES row with its column count and drops the other rows', () => {
    assert.equal(norm('INSERT INTO t (a, b, c) VALUES (1, 2, 3), (4, 5, 6), (7, 8, 9)'), 'INSERT INTO t (a, b, c) VALUES (?, ?, ?)');
    assert.notEqual(norm('INSERT INTO t (a, b) VALUES (%s, %s)'), norm('INSERT INTO t (a, b, c) VALUES (%s, %s, %s)'));
  });

  test('reads ? after an operand as the JSON key-exists operator and elsewhere as a placeholder', () => {
    assert.equal(norm('SELECT * FROM t WHERE d ? %s AND d ?& %s AND d @? %s AND e = ?'), 'SELECT * FROM t WHERE d ? ? AND d ?& ? AND d @? ? AND e = ?');
    assert.equal(fingerprintSql('SELECT * FROM t WHERE d ? %s').fingerprint, fingerprintSql("SELECT * FROM t WHERE d ? 'k'").fingerprint);
  });

  test('keeps casts and JSON path operators', () => {
    assert.equal(norm(`SELECT (d #> '{a,b}')::int, d->'x'->>'y' FROM t`), 'SELECT (d #> ?)::int, d -> ? ->> ? FROM t');
  });

  test('normalises savepoint names in every savepoint statement form', () => {
    assert.equal(norm('SAVEPOINT s1_x9'), 'SAVEPOINT ?');
    assert.equal(norm('RELEASE "s1_x9"'), 'RELEASE ?');
    assert.equal(norm('ROLLBACK TO "s1_x9"'), 'ROLLBACK TO ?');
    assert.equal(fingerprintSql('SAVEPOINT "s1_x1"').fingerprint, fingerprintSql('SAVEPOINT "s99_x42"').fingerprint);
  });

  test('strips leading, inner, nested and trailing comments', () => {
    assert.equal(norm('/* a /* nested */ b */ SELECT 1 -- tail\nFROM t /* c */;'), 'SELECT ? FROM t');
  });

  test('keeps a ; between two statements', () => {
    assert.equal(norm('SELECT 1; SELECT 2;'), 'SELECT ?; SELECT ?');
  });

  test('reads %% as modulo and keeps it distinct from a placeholder', () => {
    assert.equal(norm('SELECT a %% %s FROM t'), 'SELECT a % ? FROM t');
  });

  test('reports the main verb of a WITH statement and leaves CTE names out of tables', () => {
    const info = fingerprintSql('WITH x AS (SELECT id FROM a), y AS (SELECT id FROM b) DELETE FROM c WHERE id IN (SELECT id FROM x)');
    assert.equal(info.operation, 'DELETE');
    assert.deepEqual(info.tables, ['a', 'b', 'c']);
  });

  test('knows a recursive CTE with a column list is not a table', () => {
    const info = fingerprintSql('WITH RECURSIVE tree (id, parent_id) AS (SELECT id, parent_id FROM cat WHERE id = %s UNION ALL SELECT c.id, c.parent_id FROM cat c JOIN tree t ON c.parent_id = t.id) SELECT id FROM tree');
    assert.equal(info.operation, 'SELECT');
    assert.deepEqual(info.tables, ['cat']);
  });

  test('finds the verb behind leading parentheses', () => {
    assert.equal(fingerprintSql('(SELECT 1 FROM a) UNION (SELECT 2 FROM b)').operation, 'SELECT');
  });

  test('follows a FROM list with aliases', () => {
    assert.deepEqual(fingerprintSql('SELECT 1 FROM a x, b AS y, c WHERE x.id = y.id').tables, ['a', 'b', 'c']);
  });

  test('returns an empty operation and tables for empty or comment-only input', () => {
    for (const sql of ['', '   ', '/* only */', ';']) {
      const info = fingerprintSql(sql);
      assert.equal(info.normalized, '');
      assert.equal(info.operation, '');
      assert.deepEqual(info.tables, []);
    }
  });
});

describe('fingerprintSql on truncated statements', () => {
  const full = `SELECT "a"."id", 'x''y' FROM "a" WHERE "a"."id" IN (%s, %s, %s) AND "a"."b" = $t$q$t$ /* c */ LIMIT 21`;
  test('normalises every prefix of a statement without throwing', () => {
    for (let i = 0; i <= full.length; i++) {
      const info = fingerprintSql(full.slice(0, i));
      assert.equal(typeof info.normalized, 'string');
      assert.match(info.fingerprint, /^[0-9a-f]{16}$/);
    }
  });

  test('turns an unterminated string into ?', () => {
    assert.equal(norm("SELECT * FROM t WHERE a = 'abc"), 'SELECT * FROM t WHERE a = ?');
    assert.equal(norm('SELECT * FROM t WHERE a = $$abc'), 'SELECT * FROM t WHERE a = ?');
  });

  test('drops an unclosed comment and a trailing ... marker', () => {
    assert.equal(norm("SELECT * FROM t /*traceparent='00-ab"), 'SELECT * FROM t');
    assert.equal(norm('SELECT * FROM t WHERE a = %s AND b...'), 'SELECT * FROM t WHERE a = ? AND b');
    assert.equal(norm('SELECT * FROM t WHERE a = %s AND b\u2026'), 'SELECT * FROM t WHERE a = ? AND b');
  });

  test('gives one fingerprint to IN lists cut at different lengths', () => {
    const a = fingerprintSql('SELECT * FROM t WHERE id IN (%s, %s, %s, %');
    const b = fingerprintSql('SELECT * FROM t WHERE id IN (%s, $');
    assert.equal(a.normalized, 'SELECT * FROM t WHERE id IN (?');
    assert.equal(a.fingerprint, b.fingerprint);
  });
});
