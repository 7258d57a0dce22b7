import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase, openReadonly } from './database.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './migrations.js';
import { tempDbPath } from './test-db.js';

const tables = (db: ReturnType<typeof openDatabase>): string[] =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('openDatabase', () => {
  test('creates the directory and migrates an empty file to the current schema in WAL mode', (t) => {
    const path = tempDbPath(t);
    const db = openDatabase(path);
    try {
      assert.equal(schemaVersion(db), SCHEMA_VERSION);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('auto_vacuum', { simple: true }), 2);
      for (const name of ['endpoint_minute', 'endpoint_hour', 'query_route_minute', 'findings', 'slow_queries', 'samples', 'service_versions']) {
        assert.ok(tables(db).includes(name), name);
      }
    } finally {
      db.close();
    }
  });

  test('re-opening an existing database applies nothing and keeps its data', (t) => {
    const path = tempDbPath(t);
    const first = openDatabase(path);
    first.prepare("INSERT INTO service_versions VALUES ('shop', '1', '', 1, 2, 3)").run();
    first.close();
    const again = openDatabase(path);
    try {
      assert.deepEqual(migrate(again, path), []);
      assert.equal((again.prepare('SELECT requests FROM service_versions').get() as { requests: number }).requests, 3);
    } finally {
      again.close();
    }
  });

  test('applies a later migration to a v1 database in order', (t) => {
    const path = tempDbPath(t);
    const db = openDatabase(path);
    try {
      const next = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'extra', sql: 'ALTER TABLE samples ADD COLUMN note TEXT' }];
      assert.deepEqual(migrate(db, path, next), [SCHEMA_VERSION + 1]);
      assert.equal(schemaVersion(db), SCHEMA_VERSION + 1);
      db.prepare("INSERT INTO samples (time_ms, service, version, kind, method, route, trace_id, span_id, duration_ms, status, error, partial, reasons, finding_types, span_count, body, note) VALUES (1, 's', '', 'request', 'GET', '/', 't', 's', 1, 200, 0, 0, '[]', '[]', 0, '{}', 'x')").run();
    } finally {
      db.close();
    }
  });

  test('refuses a database whose schema is newer than the code with a clear message', (t) => {
    const path = tempDbPath(t);
    const db = openDatabase(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    assert.throws(() => openDatabase(path), (e: unknown) => {
      const err = e as { code: string; message: string };
      assert.equal(err.code, 'SCHEMA_TOO_NEW');
      assert.match(err.message, new RegExp(`schema v${SCHEMA_VERSION + 5} is newer than this Hotpath understands \\(v${SCHEMA_VERSION}\\)`));
      return true;
    });
    assert.throws(() => openReadonly(path), { code: 'SCHEMA_TOO_NEW' });
  });

  test('reports a file that is not a database as STORAGE_FAILED', (t) => {
    const path = tempDbPath(t);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    assert.throws(() => openDatabase(path), (e: unknown) => {
      const err = e as { code: string; message: string };
      assert.equal(err.code, 'STORAGE_FAILED');
      assert.match(err.message, /not a database/);
      return true;
    });
  });

  test('a read-only connection reads, computes sketch functions and cannot write', (t) => {
    const path = tempDbPath(t);
    const db = openDatabase(path);
    const ro = openReadonly(path);
    try {
      db.prepare("INSERT INTO service_versions VALUES ('shop', '1', '', 1, 2, 3)").run();
      assert.equal((ro.prepare('SELECT count(*) AS n FROM service_versions').get() as { n: number }).n, 1);
      assert.equal((ro.prepare('SELECT ddsketch_quantile(NULL, 0.5) AS q').get() as { q: unknown }).q, null);
      assert.throws(() => ro.prepare("INSERT INTO service_versions VALUES ('x', '1', '', 1, 2, 3)").run(), { code: 'SQLITE_READONLY' });
    } finally {
      ro.close();
      db.close();
    }
  });

  test('a read-only open of a missing file fails with STORAGE_FAILED', (t) => {
    assert.throws(() => openReadonly(tempDbPath(t)), { code: 'STORAGE_FAILED' });
  });
});
