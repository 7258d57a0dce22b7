// Versioned schema: PRAGMA user_version holds the number of the last migration applied. Each
// migration runs in its own transaction so a crash leaves the database at a known version.
import type { Database } from 'better-sqlite3';
import { HotpathError } from '../collector/errors.js';
import { migration001 } from './migrations/001-initial.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: migration001 }];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a database written by a newer Hotpath instead of misreading it. */
export function assertSchemaSupported(db: Database, path: string, known = SCHEMA_VERSION): number {
  const current = schemaVersion(db);
  if (current > known) {
    throw new HotpathError(
      'SCHEMA_TOO_NEW',
      `database schema v${current} is newer than this Hotpath understands (v${known}); ` +
        `upgrade Hotpath or point storage.path at another file (${path})`,
    );
  }
  return current;
}

/** Applies pending migrations; returns the versions applied (empty when already current). */
export function migrate(db: Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  const current = assertSchemaSupported(db, path, known);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
