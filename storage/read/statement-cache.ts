import type { Database, Statement } from 'better-sqlite3';
import { cachedStatement } from '../statement-cache.js';

/**
 * A prepared statement for `sql`, compiled once per connection (storage/statement-cache.ts). `sql`
 * must be built only from constant fragments in this folder: every value from a client is a bound
 * parameter.
 */
export function prepared(db: Database, sql: string): Statement {
  return cachedStatement(db, sql);
}
