import type { Database, Statement } from 'better-sqlite3';

// Keyed by connection so a closed/reopened database never receives another connection's statements;
// the WeakMap lets a dropped connection's statements be collected with it.
const caches = new WeakMap<Database, Map<string, Statement>>();

/**
 * A prepared statement for `sql`, compiled once per connection. `sql` must be built only from
 * constant fragments in this folder: every value from a client is a bound parameter.
 */
export function prepared(db: Database, sql: string): Statement {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (stmt === undefined) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}
