// Opening the SQLite file. One writer connection (openDatabase) and any number of read-only
// connections (openReadonly): in WAL mode readers see the last committed snapshot and never block
// the writer, nor does the writer block them (sqlite.org/wal.html).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { HotpathError, isHotpathError } from '../collector/errors.js';
import { assertSchemaSupported, migrate } from './migrations.js';
import { registerSketchFunctions } from './sketch-sql.js';

export type { Database } from 'better-sqlite3';

export interface OpenOptions {
  /**
   * How long a statement waits for a lock before SQLITE_BUSY (ms). better-sqlite3 waits
   * synchronously, on the event loop, so the writer keeps this short (200 ms) and retries next tick.
   */
  busyTimeoutMs?: number;
}

function wrap(path: string, e: unknown): HotpathError {
  if (isHotpathError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new HotpathError('STORAGE_FAILED', `cannot open database ${path}: ${msg}`, { cause: e });
}

/** Opens (creating if needed) the database for writing and brings its schema up to date. */
export function openDatabase(path: string, opts: OpenOptions = {}): Database {
  let db: Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path);
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 200}`);
    const fresh = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n === 0;
    // auto_vacuum only takes effect before the first table exists; incremental mode lets
    // maintenance hand freed pages back to the file system in small steps.
    if (fresh) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: durable except for the last transactions on power loss, which is
    // acceptable for aggregates and avoids an fsync per flush (sqlite.org/pragma.html#pragma_synchronous).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    registerSketchFunctions(db);
    migrate(db, path);
    return db;
  } catch (e) {
    db?.close();
    throw wrap(path, e);
  }
}

/** A read-only connection for queries; the file must already have been created by openDatabase. */
export function openReadonly(path: string, opts: OpenOptions = {}): Database {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 200}`);
    assertSchemaSupported(db, path);
    registerSketchFunctions(db);
    return db;
  } catch (e) {
    db?.close();
    throw wrap(path, e);
  }
}
