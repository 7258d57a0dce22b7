// SQL fingerprinting: a pure function from statement text to SqlInfo.
//
// Normalised text format (detectors and stored history rely on it; fixed by the tests):
// - Keywords (sql-keywords.ts) UPPER-case; identifiers unquoted ("x", `x`, [x]) and lower-case,
//   so quoted and unquoted spellings are equal. `a.b` has no spaces around the dot.
// - Tokens separated by one space, except: none after `(` `[` `.` `::`, none before `)` `]` `,`
//   `.` `::`; none between a function name and its `(` (`COUNT(*)`, `pg_sleep(?)`), but
//   `IN (`, `VALUES (`, `EXISTS (` and an INSERT column list (`INTO t (a, b)`) keep theirs.
// - Every literal (strings incl. E'', N'', B'', X'', $$..$$ and $tag$..$tag$, numbers incl. a
//   leading unary minus, TRUE/FALSE) and placeholder (%s, %(name)s, $1, ?, :name) is `?`. NULL is
//   kept. `IN (?, ?, ...)` is `IN (?)`; multi-row `VALUES (..), (..)` keeps only its first row.
// - `?` after an operand (identifier, literal, `)`, `]`) is PostgreSQL's JSON key-exists
//   operator and stays `?`, as do `?|` `?&` `@?`; elsewhere `?` is a placeholder. Both print `?`.
// - Casts stay (`x::date`); JSON and other operators are kept as written (`->`, `->>`, `#>`, `@>`).
// - Savepoint names are `?`: `SAVEPOINT ?`, `RELEASE SAVEPOINT ?`, `ROLLBACK TO SAVEPOINT ?`.
// - Comments (`--`, nested `/* */`, sqlcommenter's trailing one) removed; trailing `;` removed.
// - Truncated input never throws: an unterminated string, quoted identifier or comment runs to
//   the end; a trailing `...` marker is dropped; an IN list cut short ends as `IN (?`.
//
// fingerprint = first 16 hex characters (8 bytes) of SHA-1 over the UTF-8 normalised text.

import { createHash } from 'node:crypto';
import type { SqlInfo } from '../../contract.js';
import { normaliseTokens } from './sql-normalise.js';
import { statementShape } from './sql-tables.js';
import { tokenizeSql } from './sql-tokens.js';

export interface CountedSqlInfo {
  info: SqlInfo;
  /** Loop iterations over characters and tokens: the linear-time witness used by tests. */
  steps: number;
}

export function fingerprintSqlCounted(sql: string): CountedSqlInfo {
  const { tokens, steps } = tokenizeSql(sql);
  const ctr = { steps };
  const normalized = normaliseTokens(tokens, ctr);
  const { operation, tables } = statementShape(tokens, ctr);
  const fingerprint = createHash('sha1').update(normalized).digest('hex').slice(0, 16);
  return { info: { fingerprint, normalized, operation, tables }, steps: ctr.steps };
}

export function fingerprintSql(sql: string): SqlInfo {
  return fingerprintSqlCounted(sql).info;
}
