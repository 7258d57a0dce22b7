import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRequest } from '../collector/aggregate/test-requests.js';
import { openReadonly } from './database.js';
import { Storage } from './storage.js';
import { tempDbPath } from './test-db.js';

describe('Storage', () => {
  test('wires aggregator, writer and maintenance; shutdown flushes and closes, and is idempotent', async (t) => {
    const path = tempDbPath(t);
    const now = Date.UTC(2026, 0, 1, 12);
    const storage = new Storage({ path, retention: { maxSamplesPerRoute: 5 } }, () => {}, () => now);
    await storage.start();
    storage.aggregator.consume(makeRequest({ startMs: now }));
    assert.equal(storage.status().healthy, true);
    await storage.shutdown();
    await storage.shutdown();
    assert.equal(storage.db.open, false);
    const ro = openReadonly(path);
    t.after(() => ro.close());
    assert.deepEqual(ro.prepare('SELECT count FROM endpoint_minute').get(), { count: 1 });
  });

  test('shutdown without start is safe', async (t) => {
    const storage = new Storage({ path: tempDbPath(t) });
    await storage.shutdown();
    assert.equal(storage.db.open, false);
  });
});
