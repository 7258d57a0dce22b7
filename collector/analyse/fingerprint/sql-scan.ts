// Literal scanners used by the tokenizer. Each returns the index just past what it consumed and
// adds one step per character visited, never moving backwards.

export interface Counter {
  steps: number;
}

/** Longer dollar-quote tags are not tags; keeps a closing-tag compare short. */
const MAX_DOLLAR_TAG = 64;

/**
 * Body of a quoted token from `i` (just after the opening quote) to just past the closing one.
 * A doubled quote is an escaped quote; with `backslash` a backslash escapes the next character.
 * Unterminated (truncated statement): runs to the end of the input.
 */
export function scanQuoted(sql: string, i: number, quote: number, backslash: boolean, ctr: Counter): number {
  const n = sql.length;
  while (i < n) {
    ctr.steps++;
    const c = sql.charCodeAt(i);
    if (backslash && c === 92) i += 2;
    else if (c === quote) {
      if (i + 1 < n && sql.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return n;
}

/** Number from `i`: digits with `_` separators, fraction, exponent, or 0x/0o/0b prefixed. */
export function scanNumber(sql: string, i: number, ctr: Counter): number {
  const n = sql.length;
  const alnum = (c: number): boolean =>
    (c >= 48 && c <= 57) || c === 95 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  if (sql.charCodeAt(i) === 48 && /[xXoObB]/.test(sql[i + 1] ?? '')) {
    i += 2;
    while (i < n && alnum(sql.charCodeAt(i))) { ctr.steps++; i++; }
    return i;
  }
  let seenDot = false;
  while (i < n) {
    ctr.steps++;
    const c = sql.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 95) i++;
    else if (c === 46 && !seenDot && sql.charCodeAt(i + 1) !== 46) { seenDot = true; i++; }
    else if ((c === 101 || c === 69) && /[0-9+-]/.test(sql[i + 1] ?? '')) {
      i += 2;
      while (i < n && sql.charCodeAt(i) >= 48 && sql.charCodeAt(i) <= 57) { ctr.steps++; i++; }
      return i;
    } else break;
  }
  return i;
}

/**
 * From a `$` at `i`: `$1` placeholder, or `$tag$ ... $tag$` / `$$ ... $$` string (unterminated:
 * to the end). Returns `i + 1` when it is neither (a lone `$`). The closing-tag compare only
 * starts at a `$` and only walks identifier characters, which contain no `$`, so each character
 * is compared at most twice.
 */
export function scanDollar(sql: string, i: number, ctr: Counter): number {
  const n = sql.length;
  let j = i + 1;
  if (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) {
    while (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) { ctr.steps++; j++; }
    return j;
  }
  while (j < n && j - i <= MAX_DOLLAR_TAG && /[A-Za-z0-9_]/.test(sql[j] as string)) { ctr.steps++; j++; }
  if (j >= n || sql.charCodeAt(j) !== 36 || j - i > MAX_DOLLAR_TAG) return i + 1;
  const tag = sql.slice(i, j + 1); // includes both `$`
  let k = j + 1;
  while (k < n) {
    ctr.steps++;
    if (sql.charCodeAt(k) !== 36) { k++; continue; }
    let m = 1;
    while (m < tag.length && k + m < n && sql.charCodeAt(k + m) === tag.charCodeAt(m)) { ctr.steps++; m++; }
    if (m === tag.length) return k + m;
    k++;
  }
  return n;
}
