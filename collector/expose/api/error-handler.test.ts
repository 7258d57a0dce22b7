import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { createApiApp } from './create-api.js';

async function getWith(db: Database, path: string): Promise<{ status: number; body: any; retryAfter: string | null; logged: object[] }> {
  const logged: object[] = [];
  const app = createApiApp({ db, clock: () => Date.UTC(2026, 10, 21), logger: { error: (obj) => logged.push(obj) } });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after'), logged };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('apiErrorHandler', () => {
  test('maps a SQLite failure to a retryable 503 without leaking the SQLite message, and logs it', async () => {
    const db = new BetterSqlite3(':memory:');
    const { status, body, retryAfter, logged } = await getWith(db, '/api/v1/slow-queries');
    db.close();
    assert.equal(status, 503);
    assert.deepEqual(body, { error: { code: 'STORAGE_FAILED', message: 'storage is unavailable' } });
    assert.equal(retryAfter, '1');
    assert.equal(logged.length, 1);
  });

  test('answers an unexpected failure with a bare 500', async () => {
    const db = new BetterSqlite3(':memory:');
    db.close();
    const { status, body, logged } = await getWith(db, '/api/v1/slow-queries');
    assert.equal(status, 500);
    assert.deepEqual(body, { error: { code: 'INTERNAL', message: 'internal error' } });
    assert.equal(logged.length, 1);
  });
});
