// Operation and main tables from the token stream, in one pass.

import { FUNCTION_KEYWORD, MAIN_VERB } from './sql-keywords.js';
import type { Counter } from './sql-scan.js';
import type { Token } from './sql-tokens.js';

export interface StatementShape {
  operation: string;
  tables: string[];
}

const TABLE_INTRO = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE']);

/** `name` or `schema.name` starting at `i`; returns [name, index after it] or null. */
function qualifiedName(tokens: Token[], i: number, ctr: Counter): [string, number] | null {
  const first = tokens[i];
  if (first?.kind !== 'id') return null;
  let name = first.text;
  let j = i + 1;
  while (tokens[j]?.text === '.' && tokens[j + 1]?.kind === 'id') {
    ctr.steps++;
    name += '.' + (tokens[j + 1] as Token).text;
    j += 2;
  }
  // `name(` is a function call (`FROM unnest(...)`), not a table.
  if (tokens[j]?.kind === 'punct' && tokens[j]?.text === '(' && tokens[i - 1]?.text !== 'INTO') return null;
  return [name, j];
}

/**
 * operation: the first keyword (after any opening parentheses); after a WITH prefix, the first SELECT/INSERT/UPDATE/DELETE at
 * parenthesis depth 0 (the main statement), falling back to WITH.
 * tables: targets of FROM (and its comma list), JOIN, INTO, UPDATE anywhere in the statement,
 * including subqueries, except CTE names and FROM inside function-call parentheses
 * (`EXTRACT(YEAR FROM ...)`).
 */
export function statementShape(tokens: Token[], ctr: Counter): StatementShape {
  // Leading parentheses (`(SELECT ...) UNION (SELECT ...)`) do not hide the verb.
  let lead = 0;
  while (tokens[lead]?.text === '(') { ctr.steps++; lead++; }
  const first = tokens[lead];
  let operation = first?.kind === 'kw' ? first.text : '';
  let seekingVerb = operation === 'WITH';
  const tables: string[] = [];
  const seen = new Set<string>();
  const cteNames = new Set<string>();
  const callParens: boolean[] = []; // per open `(`: was it a function call?
  const add = (name: string): void => {
    if (!cteNames.has(name) && !seen.has(name)) {
      seen.add(name);
      tables.push(name);
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    ctr.steps++;
    const t = tokens[i] as Token;
    const prev = tokens[i - 1];
    if (t.kind === 'punct') {
      if (t.text === '(') {
        callParens.push(prev !== undefined && (prev.kind === 'id' || (prev.kind === 'kw' && FUNCTION_KEYWORD.has(prev.text))));
      } else if (t.text === ')') callParens.pop();
      continue;
    }
    if (seekingVerb && callParens.length === 0) {
      // `name AS (` or `name (col, ...) AS (`: the only identifiers at depth 0 before the verb.
      if (t.kind === 'id' && (tokens[i + 1]?.text === 'AS' || tokens[i + 1]?.text === '(')) cteNames.add(t.text);
      if (t.kind === 'kw' && MAIN_VERB.has(t.text)) {
        operation = t.text;
        seekingVerb = false;
      }
    }
    if (t.kind !== 'kw' || !TABLE_INTRO.has(t.text)) continue;
    if (t.text === 'FROM' && callParens[callParens.length - 1] === true) continue;
    let found = qualifiedName(tokens, i + 1, ctr);
    while (found !== null) {
      add(found[0]);
      if (t.text !== 'FROM') break;
      // FROM a [AS] x, b [AS] y: follow the comma list.
      let j = found[1];
      if (tokens[j]?.text === 'AS') j++;
      if (tokens[j]?.kind === 'id') j++;
      found = tokens[j]?.text === ',' ? qualifiedName(tokens, j + 1, ctr) : null;
    }
  }
  return { operation, tables };
}
