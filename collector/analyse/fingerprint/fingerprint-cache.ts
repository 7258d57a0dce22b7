// Exact-text cache in front of fingerprintSql. Django sends a small set of distinct statement
// texts over and over (values are %s placeholders, so the text repeats), which makes the per-span
// cost one Map lookup. Bounded by entry count with LRU eviction (Map keeps insertion order; a hit
// re-inserts the key so the first key is the least recently used). A hit on an entry placed within
// the newest half of the order is not moved: it is far from eviction either way, and skipping the
// delete + set on the hot path measured ~4% of collector time at 100k spans/s (bench/profile.ts).

import type { SqlInfo } from '../../contract.js';
import { fingerprintSql } from './fingerprint-sql.js';

export const DEFAULT_FINGERPRINT_CACHE_ENTRIES = 10_000;
/**
 * Statements longer than this are fingerprinted but not cached: the bound on entries alone would
 * still let a few huge statements (bulk inserts of thousands of rows) hold a lot of memory.
 */
export const DEFAULT_MAX_CACHED_STATEMENT_CHARS = 16_384;

export class FingerprintCache {
  private readonly entries = new Map<string, { info: SqlInfo; placed: number }>();
  /** Count of placements (inserts and moves to the newest end). */
  private placements = 0;
  private readonly maxEntries: number;
  private readonly maxStatementChars: number;
  private evictionCount = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(maxEntries: number = DEFAULT_FINGERPRINT_CACHE_ENTRIES, maxStatementChars: number = DEFAULT_MAX_CACHED_STATEMENT_CHARS) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    this.maxEntries = maxEntries;
    this.maxStatementChars = maxStatementChars;
  }

  /** SqlInfo for `sql`; the returned object is shared between callers and must not be mutated. */
  lookup(sql: string): SqlInfo {
    const cached = this.entries.get(sql);
    if (cached !== undefined) {
      this.hitCount++;
      if (this.placements - cached.placed >= this.maxEntries >> 1) {
        this.entries.delete(sql);
        cached.placed = this.placements++;
        this.entries.set(sql, cached);
      }
      return cached.info;
    }
    this.missCount++;
    const info = fingerprintSql(sql);
    // Shared by every span with this text: freeze so one consumer cannot change it for the rest.
    Object.freeze(info.tables);
    Object.freeze(info);
    if (sql.length > this.maxStatementChars) return info;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictionCount++;
    }
    this.entries.set(sql, { info, placed: this.placements++ });
    return info;
  }

  get size(): number {
    return this.entries.size;
  }
  get evictions(): number {
    return this.evictionCount;
  }
  get hits(): number {
    return this.hitCount;
  }
  get misses(): number {
    return this.missCount;
  }
}
