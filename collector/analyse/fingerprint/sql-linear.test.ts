import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintSqlCounted } from './fingerprint-sql.js';

// The tokenizer, renderer and table pass each count their loop iterations. A linear algorithm
// stays under a small constant times the input length; a quadratic one on these 1 MB inputs
// would be around 10^11 steps. Steps, not wall-clock time, so the test cannot flake.
const MB = 1 << 20;
const STEPS_PER_CHAR = 8;

function repeatTo(unit: string, size = MB): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const ADVERSARIAL: Record<string, string> = {
  'single quotes': repeatTo("'"),
  'an unterminated string': "SELECT '" + repeatTo('a'),
  'double quotes': repeatTo('"'),
  'backticks': repeatTo('`'),
  'open brackets': repeatTo('['),
  'opening parentheses': repeatTo('('),
  'closing parentheses': repeatTo(')'),
  'nested parentheses': repeatTo('(', MB / 2) + repeatTo(')', MB / 2),
  'unclosed comment openers': repeatTo('/*'),
  'a comment opener then text': '/*' + repeatTo('x */ /'),
  'line comment starts': repeatTo('--\n'),
  'empty dollar quotes': repeatTo('$$'),
  'dollar-tag starts': repeatTo('$a$'),
  'a long tag with near-miss closers': '$' + 'a'.repeat(60) + '$' + repeatTo('$' + 'a'.repeat(59) + 'b'),
  'over-long dollar tags': repeatTo('$' + 'a'.repeat(100)),
  'backslashes': repeatTo('\\'),
  'escape strings of backslashes': "E'" + repeatTo('\\'),
  'operator runs ending in minus': repeatTo('+-'),
  'minus signs and digits': repeatTo('-1'),
  'question marks': repeatTo('?'),
  'colons': repeatTo(':'),
  'percent-paren openers': repeatTo('%('),
  'IN lists broken at the end': repeatTo('IN (%s, %s, %s, '),
  'nested IN': repeatTo('IN ('),
  'nested VALUES rows': repeatTo('VALUES ('),
  'nested ARRAY literals': repeatTo('ARRAY['),
  'ARRAY lists broken at the end': repeatTo('ARRAY[%s, %s, '),
  'multi-row VALUES': 'INSERT INTO t VALUES (1)' + repeatTo(', (1)'),
  'FROM lists': 'SELECT 1 FROM ' + repeatTo('a x, '),
  'WITH prefixes': repeatTo('WITH a AS ('),
  'dots': repeatTo('.'),
  'digits and dots': repeatTo('1.'),
  'mixed junk': repeatTo(`'"\`[($$/*\\?%:-`),
};

describe('fingerprintSql runs in linear time', () => {
  for (const [name, sql] of Object.entries(ADVERSARIAL)) {
    test(`stays within ${STEPS_PER_CHAR} steps per character on 1 MB of ${name}`, () => {
      const { info, steps } = fingerprintSqlCounted(sql);
      assert.match(info.fingerprint, /^[0-9a-f]{16}$/);
      assert.ok(steps <= STEPS_PER_CHAR * sql.length, `${steps} steps for ${sql.length} chars`);
    });
  }

  test('counts at least one step per character, so the bound above measures real work', () => {
    const sql = 'SELECT "t"."id" FROM "t" WHERE "t"."a" = %s '.repeat(1000);
    assert.ok(fingerprintSqlCounted(sql).steps >= sql.length);
  });
});
