import type { Database } from 'better-sqlite3';
import type { SqlPart } from './bucketed-source.js';
import { prepared } from './statement-cache.js';

/** SQL expression joining key columns with U+001F, which no service, method, route or fingerprint contains. */
export function keyExpr(columns: readonly string[]): string {
  return columns.join(" || char(31) || ");
}

export const joinKey = (parts: readonly string[]): string => parts.join('\u001f');

/**
 * Quantiles of the merged sketches of only the groups on one page. Merging sketches is the
 * dominant cost of a list (api-latency.bench.ts), so a list ranked by sums merges just the page.
 * `src` must expose `sketch` and the key columns; `keys` are joinKey()-ed group keys, or 'all' when
 * the page holds every group (then no per-row key test is needed).
 */
export function pageQuantiles(
  db: Database,
  src: SqlPart,
  key: string,
  keys: readonly string[] | 'all',
  quantiles: readonly number[],
): Map<string, (number | null)[]> {
  const out = new Map<string, (number | null)[]>();
  if (keys.length === 0) return out;
  const where = keys === 'all' ? '' : `WHERE ${key} IN (SELECT value FROM json_each(?))`;
  const cols = quantiles.map((_, i) => `ddsketch_quantile(sk, ?) AS q${i}`).join(', ');
  // MATERIALIZED keeps SQLite from inlining the merge into each quantile call (one merge per group).
  const sql = `WITH g AS MATERIALIZED (
      SELECT ${key} AS k, ddsketch_merge_agg(sketch) AS sk FROM ${src.sql} ${where} GROUP BY k)
    SELECT k, ${cols} FROM g`;
  const keyParams = keys === 'all' ? [] : [JSON.stringify(keys)];
  const rows = prepared(db, sql).all(...src.params, ...keyParams, ...quantiles) as Record<string, unknown>[];
  for (const r of rows) out.set(r.k as string, quantiles.map((_, i) => (r[`q${i}`] as number | null) ?? null));
  return out;
}

/** Keys for pageQuantiles: 'all' when this page is the whole result, else the page's own keys. */
export function pageKeys<T>(items: readonly T[], offset: number, nextOffset: number | null, keyOf: (t: T) => string): string[] | 'all' {
  return offset === 0 && nextOffset === null ? 'all' : items.map(keyOf);
}
