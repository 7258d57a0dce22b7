// Renders tokens as the normalised text (format documented in fingerprint-sql.ts). One pass over
// the tokens; the IN-list look-ahead only runs over `?` and `,` tokens and the VALUES skip consumes
// what it reads, so each token is visited at most twice.

import { FUNCTION_KEYWORD } from './sql-keywords.js';
import type { Counter } from './sql-scan.js';
import type { Token } from './sql-tokens.js';

const NO_SPACE_AFTER = new Set(['(', '[', '.', '::']);
const NO_SPACE_BEFORE = new Set([')', ']', ',', '.', '::', ';']);

function isPunct(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === text;
}

/**
 * End index (of `close`) when tokens after `open` are `? , ? , ... ?` then `close`; -1 if another
 * token breaks the pattern; `tokens.length` when the input ends inside the list (truncated).
 */
function valueListEnd(tokens: Token[], open: number, close: string, ctr: Counter): number {
  let j = open + 1;
  while (j < tokens.length) {
    ctr.steps++;
    if (tokens[j]?.kind !== 'val') return -1;
    const sep = tokens[j + 1];
    if (sep === undefined) return tokens.length;
    if (isPunct(sep, close)) return j + 1;
    if (!isPunct(sep, ',')) return -1;
    j += 2;
  }
  return tokens.length;
}

/** Index of the `)` closing the `(` at `open`, or `tokens.length` when unbalanced. */
function groupEnd(tokens: Token[], open: number, ctr: Counter): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    ctr.steps++;
    const t = tokens[j] as Token;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return j;
  }
  return tokens.length;
}

/** `SAVEPOINT x`, `RELEASE [SAVEPOINT] x`, `ROLLBACK TO [SAVEPOINT] x`. */
function isSavepointNameSlot(prev: Token | undefined, before: Token | undefined): boolean {
  if (prev?.kind !== 'kw') return false;
  if (prev.text === 'SAVEPOINT' || prev.text === 'RELEASE') return true;
  return prev.text === 'TO' && before?.text === 'ROLLBACK';
}

export function normaliseTokens(input: Token[], ctr: Counter): string {
  // Trailing `;` and a trailing `...` / `…` truncation marker carry no meaning.
  let end = input.length;
  while (end > 0 && (isPunct(input[end - 1], ';') || isPunct(input[end - 1], '.') || input[end - 1]?.text === '\u2026')) {
    ctr.steps++;
    end--;
  }
  const tokens = end === input.length ? input : input.slice(0, end);

  let out = '';
  let prev: Token | undefined;
  let insertTarget = false; // inside `INTO name`: its column list keeps a space before `(`
  let depth = 0;
  const valuesDepth: number[] = []; // depths at which a VALUES first row is open
  const emit = (t: Token, text: string): void => {
    if (out !== '' && !(prev !== undefined && prev.kind === 'punct' && NO_SPACE_AFTER.has(prev.text))) {
      let space = !(t.kind === 'punct' && NO_SPACE_BEFORE.has(t.text));
      if (t.kind === 'punct' && t.text === '(' && prev !== undefined) {
        const callee = (prev.kind === 'id' && !insertTarget) || (prev.kind === 'kw' && FUNCTION_KEYWORD.has(prev.text));
        if (callee) space = false;
      }
      if (t.kind === 'punct' && t.text === '[' && (prev?.kind === 'id' || prev?.kind === 'val' || prev?.text === ']' || prev?.text === ')' || prev?.text === 'ARRAY')) space = false;
      if (space) out += ' ';
    }
    out += text;
    if (t.kind === 'kw') insertTarget = t.text === 'INTO';
    else if (!(t.kind === 'id' || isPunct(t, '.'))) insertTarget = false;
    prev = t;
  };

  for (let i = 0; i < tokens.length; i++) {
    ctr.steps++;
    const t = tokens[i] as Token;
    // `IN (?, ?, ?)` and `ARRAY[?, ?]` become one element: list length is not query shape.
    const list = t.kind !== 'kw' ? '' : t.text === 'IN' && isPunct(tokens[i + 1], '(') ? ')' : t.text === 'ARRAY' && isPunct(tokens[i + 1], '[') ? ']' : '';
    if (list !== '') {
      const close = valueListEnd(tokens, i + 1, list, ctr);
      if (close !== -1) {
        emit(t, t.text);
        emit(tokens[i + 1] as Token, (tokens[i + 1] as Token).text);
        emit(tokens[i + 2] ?? { kind: 'val', text: '?' }, '?');
        if (close >= tokens.length) break; // truncated inside the list
        emit(tokens[close] as Token, list);
        i = close;
        continue;
      }
    }
    if (t.kind === 'kw' && t.text === 'VALUES' && isPunct(tokens[i + 1], '(')) valuesDepth.push(depth);
    if (t.kind === 'id' && isSavepointNameSlot(prev, tokens[i - 2])) {
      emit({ kind: 'val', text: '?' }, '?'); // savepoint names are per-connection counters
      continue;
    }
    emit(t, t.text);
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (valuesDepth.length > 0 && valuesDepth[valuesDepth.length - 1] === depth) {
        valuesDepth.pop();
        // Multi-row VALUES: keep the first row (its column count), drop `, (...)` rows after it.
        while (isPunct(tokens[i + 1], ',') && isPunct(tokens[i + 2], '(')) i = groupEnd(tokens, i + 2, ctr);
      }
    }
  }
  return out;
}
