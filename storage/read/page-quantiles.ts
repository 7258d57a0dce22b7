import type { Database } from 'better-sqlite3';
import { mergedSketchSql } from '../sketch-sql.js';
import type { SqlPart } from './bucketed-source.js';
import { prepared } from './statement-cache.js';

/** Joins key parts with U+001F, which no service, kind, method, route or fingerprint contains. */
export const joinKey = (parts: readonly string[]): string => parts.join('\u001f');

/**
 * Quantiles of the merged sketches of only the groups on one page, keyed by joinKey of the key
 * columns. Ranking by sums first and merging the page's sketches afterwards beats one pass that
 * merges every group once there are more groups than a page (600 fingerprints over 24 h: 33 + 14 ms
 * CPU against 70 ms, api-latency.bench.ts with 150 endpoints): the sums pass sorts no BLOBs, and
 * the row-value IN below lets SQLite seek the page's keys in the series index.
 * `src` must expose `sketch` and the key columns; the key list is one bound JSON parameter, so the
 * SQL text never varies with the page.
 */
export function pageQuantiles(
  db: Database,
  src: SqlPart,
  keyColumns: readonly string[],
  keys: readonly (readonly string[])[],
  quantiles: readonly number[],
): Map<string, (number | null)[]> {
  const out = new Map<string, (number | null)[]>();
  if (keys.length === 0) return out;
  const cols = keyColumns.join(', ');
  const picks = keyColumns.map((_, i) => `value ->> ${i}`).join(', ');
  const qs = quantiles.map((_, i) => `ddsketch_quantile(sk, ?) AS q${i}`).join(', ');
  // MATERIALIZED keeps SQLite from inlining the merge into each quantile call (one merge per group).
  const sql = `WITH g AS MATERIALIZED (
      SELECT ${cols}, ${mergedSketchSql()} AS sk FROM ${src.sql}
      WHERE (${cols}) IN (SELECT ${picks} FROM json_each(?)) GROUP BY ${cols})
    SELECT ${cols}, ${qs} FROM g`;
  const rows = prepared(db, sql).all(...src.params, JSON.stringify(keys), ...quantiles) as Record<string, unknown>[];
  for (const r of rows) {
    out.set(joinKey(keyColumns.map((c) => r[c] as string)), quantiles.map((_, i) => (r[`q${i}`] as number | null) ?? null));
  }
  return out;
}
