// Single-pass SQL tokenizer. Every loop below advances the read position by at least one
// character per iteration and never moves it back (the one look-back, trimming a trailing sign
// off an operator run, stays inside that run), so the work is linear in the input length on any
// input: no regex, no backtracking. `steps` counts loop iterations so tests can check the bound
// on adversarial input instead of timing it.

import { BOOLEAN_LITERAL, KEYWORD } from './sql-keywords.js';
import { scanDollar, scanNumber, scanQuoted } from './sql-scan.js';
import type { Counter } from './sql-scan.js';

/**
 * kw: keyword (upper-case text); id: identifier (unquoted, lower-case); val: literal or
 * placeholder (text `?`); op: operator; punct: one of `( ) [ ] , . ; ::`.
 */
export type TokenKind = 'kw' | 'id' | 'val' | 'op' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
}

export interface TokenizeResult {
  tokens: Token[];
  steps: number;
}

const PUNCT = '()[],.;';
// PostgreSQL operator characters, without `?` (handled alone: placeholder or JSON operator).
const OP_CHARS = '+-*/<>=~!@#%^&|';
// An operator run ending in + or - keeps that sign only when the run also holds one of these
// (PostgreSQL scan.l rule), so `=-5` lexes as `=` then `-5`.
const SIGN_KEEPERS = '~!@#%^&|';

const VAL: Token = { kind: 'val', text: '?' };
// Tokens are never mutated, so punctuation shares one object per character.
const PUNCT_TOKEN = new Map<string, Token>([...PUNCT].map((p) => [p, { kind: 'punct', text: p }]));

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
// Non-ASCII letters are identifier characters, except `…`, which truncating exporters append.
const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 128 && c !== 0x2026);
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === 36;
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** True when the token ends an operand: after it `?` is an operator and `-` is binary. */
export function endsOperand(t: Token | undefined): boolean {
  if (t === undefined) return false;
  return t.kind === 'id' || t.kind === 'val' || t.text === ')' || t.text === ']';
}

/** Lower-cased identifier; Django's identifiers are already lower-case, so skip the copy then. */
function identText(raw: string): string {
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if ((c >= 65 && c <= 90) || c >= 128) return raw.toLowerCase();
  }
  return raw;
}

function scanWord(sql: string, i: number, ctr: Counter): number {
  while (i < sql.length && isIdentPart(sql.charCodeAt(i))) { ctr.steps++; i++; }
  return i;
}

export function tokenizeSql(sql: string): TokenizeResult {
  const tokens: Token[] = [];
  const ctr: Counter = { steps: 0 };
  const n = sql.length;
  let i = 0;
  while (i < n) {
    ctr.steps++;
    const c = sql.charCodeAt(i);
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1;
    const prev = tokens[tokens.length - 1];
    if (isSpace(c)) {
      i++;
    } else if (c === 45 && next === 45) {
      i += 2; // -- comment, to end of line
      while (i < n && sql.charCodeAt(i) !== 10) { ctr.steps++; i++; }
    } else if (c === 47 && next === 42) {
      i = skipBlockComment(sql, i + 2, ctr);
    } else if (c === 39) {
      i = scanQuoted(sql, i + 1, 39, false, ctr);
      tokens.push(VAL);
    } else if ((c === 69 || c === 101) && next === 39) {
      i = scanQuoted(sql, i + 2, 39, true, ctr); // E'..': backslash escapes
      tokens.push(VAL);
    } else if ((c === 78 || c === 110 || c === 66 || c === 98 || c === 88 || c === 120) && next === 39) {
      i = scanQuoted(sql, i + 2, 39, false, ctr); // N'..', B'..', X'..'
      tokens.push(VAL);
    } else if (c === 34 || c === 96) {
      // "ident" and `ident`; a doubled quote inside is one quote character.
      const end = scanQuoted(sql, i + 1, c, false, ctr);
      const closed = end > i + 1 && sql.charCodeAt(end - 1) === c;
      let raw = sql.slice(i + 1, closed ? end - 1 : end);
      const q = c === 34 ? '"' : '`';
      if (raw.includes(q)) raw = raw.split(q + q).join(q);
      tokens.push({ kind: 'id', text: identText(raw) });
      i = end;
    } else if (c === 91 && !endsOperand(prev) && prev?.text !== 'ARRAY') {
      // [bracket] identifier (SQLite, SQL Server); after an operand or ARRAY it is a subscript.
      let j = i + 1;
      while (j < n && sql.charCodeAt(j) !== 93) { ctr.steps++; j++; }
      tokens.push({ kind: 'id', text: sql.slice(i + 1, j).toLowerCase() });
      i = j < n ? j + 1 : n;
    } else if (isDigit(c) || (c === 46 && isDigit(next))) {
      i = scanNumber(sql, i, ctr);
      tokens.push(VAL);
    } else if (c === 45 && (isDigit(next) || next === 46) && !endsOperand(prev)) {
      i = scanNumber(sql, i + 1, ctr); // unary minus folds into the literal
      tokens.push(VAL);
    } else if (isIdentStart(c)) {
      const j = scanWord(sql, i + 1, ctr);
      const word = sql.slice(i, j);
      const upper = word.toUpperCase();
      if (BOOLEAN_LITERAL.has(upper)) tokens.push(VAL);
      else if (KEYWORD.has(upper)) tokens.push({ kind: 'kw', text: upper });
      else tokens.push({ kind: 'id', text: identText(word) });
      i = j;
    } else if (c === 36) {
      // $1 placeholder, $tag$..$tag$ string, a `$` cut off at the end, else a lone `$`.
      const end = scanDollar(sql, i, ctr);
      tokens.push(end > i + 1 || end >= n ? VAL : { kind: 'op', text: '$' });
      i = end;
    } else if (c === 37 && next === -1) {
      i++; // a statement cut right after the `%` of `%s`
      tokens.push(VAL);
    } else if (c === 37 && next === 115) {
      i += 2; // %s
      tokens.push(VAL);
    } else if (c === 37 && next === 40) {
      let j = i + 2; // %(name)s
      while (j < n && sql.charCodeAt(j) !== 41) { ctr.steps++; j++; }
      i = Math.min(n, j + 2);
      tokens.push(VAL);
    } else if (c === 37 && next === 37) {
      i += 2; // `%%` is psycopg's escaped percent: the modulo operator
      tokens.push({ kind: 'op', text: '%' });
    } else if (c === 58) {
      if (next === 58) {
        tokens.push({ kind: 'punct', text: '::' });
        i += 2;
      } else if (isIdentStart(next)) {
        i = scanWord(sql, i + 2, ctr); // :name placeholder
        tokens.push(VAL);
      } else {
        tokens.push({ kind: 'op', text: ':' });
        i++;
      }
    } else if (c === 63) {
      i = scanQuestion(sql, i, prev, tokens);
    } else if (PUNCT_TOKEN.has(sql[i] as string)) {
      tokens.push(PUNCT_TOKEN.get(sql[i] as string) as Token);
      i++;
    } else if (OP_CHARS.includes(sql[i] as string)) {
      i = scanOperator(sql, i, tokens, ctr);
    } else {
      tokens.push({ kind: 'op', text: sql[i] as string });
      i++;
    }
  }
  return { tokens, steps: ctr.steps };
}

/** Block comment body from `i`; PostgreSQL nests them; an unclosed (truncated) one runs to the end. */
function skipBlockComment(sql: string, i: number, ctr: Counter): number {
  let depth = 1;
  while (i < sql.length && depth > 0) {
    ctr.steps++;
    const a = sql.charCodeAt(i);
    const b = i + 1 < sql.length ? sql.charCodeAt(i + 1) : -1;
    if (a === 42 && b === 47) { depth--; i += 2; }
    else if (a === 47 && b === 42) { depth++; i += 2; }
    else i++;
  }
  return i;
}

/**
 * `?` rule: `?|` and `?&` are PostgreSQL JSON operators (`?||` stays placeholder + concat). A
 * bare `?` right after an operand (identifier, literal, `)` or `]`) is the JSON key-exists
 * operator, because a placeholder never directly follows an operand in valid SQL; anywhere else
 * it is a qmark placeholder.
 */
function scanQuestion(sql: string, i: number, prev: Token | undefined, tokens: Token[]): number {
  const next = sql.charCodeAt(i + 1);
  const after = sql.charCodeAt(i + 2);
  if ((next === 124 && after !== 124) || (next === 38 && after !== 38)) {
    tokens.push({ kind: 'op', text: sql.slice(i, i + 2) });
    return i + 2;
  }
  tokens.push(endsOperand(prev) ? { kind: 'op', text: '?' } : VAL);
  return i + 1;
}

function scanOperator(sql: string, i: number, tokens: Token[], ctr: Counter): number {
  const n = sql.length;
  let j = i + 1;
  let keepsSign = SIGN_KEEPERS.includes(sql[i] as string);
  while (j < n && OP_CHARS.includes(sql[j] as string)) {
    const c = sql.charCodeAt(j);
    const d = j + 1 < n ? sql.charCodeAt(j + 1) : -1;
    if ((c === 45 && d === 45) || (c === 47 && d === 42)) break; // a comment starts here
    ctr.steps++;
    if (SIGN_KEEPERS.includes(sql[j] as string)) keepsSign = true;
    j++;
  }
  if (j < n && sql.charCodeAt(j) === 63 && sql.charCodeAt(j - 1) === 64) j++; // `@?` jsonpath
  if (keepsSign) {
    tokens.push({ kind: 'op', text: sql.slice(i, j) });
    return j;
  }
  // Trim trailing signs once; the trimmed signs become one-character operators here rather than
  // being rescanned (rescanning `+-+-...` run after run would be quadratic). The last sign goes
  // back to the caller, which may fold it into a following number.
  let k = j;
  while (k - i > 1 && (sql.charCodeAt(k - 1) === 45 || sql.charCodeAt(k - 1) === 43)) { ctr.steps++; k--; }
  tokens.push({ kind: 'op', text: sql.slice(i, k) });
  for (let m = k; m < j - 1; m++) {
    ctr.steps++;
    tokens.push({ kind: 'op', text: sql[m] as string });
  }
  return Math.max(k, j - 1);
}
