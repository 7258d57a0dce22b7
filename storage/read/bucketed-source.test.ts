import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Aggregator } from '../../collector/aggregate/aggregator.js';
import { openDatabase, openReadonly } from '../database.js';
import type { Database } from '../database.js';
import { rollupStep } from '../rollup.js';
import { StorageWriter } from '../writer.js';
import { bucketedSource, HOUR_MS, splitRange } from './bucketed-source.js';
import type { Filters } from './bucketed-source.js';
import { listEndpoints } from './endpoints.js';
import { makeRequest } from './test-requests.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const H9 = Date.UTC(2026, 10, 21, 9, 0, 0);
let dir: string;
let writeDb: Database;
let readDb: Database;

// Requests at 09:10 (100 ms), 09:50 (200 ms) and 11:50 (400 ms); hours up to 11:00 are rolled up.
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotpath-read-'));
  writeDb = openDatabase(join(dir, 'h.db'));
  const agg = new Aggregator({}, () => NOW);
  const writer = new StorageWriter(writeDb, agg, {}, () => {}, () => NOW);
  [[H9 + 10 * 60_000, 100], [H9 + 50 * 60_000, 200], [NOW - 10 * 60_000, 400]].forEach(([t, ms], i) =>
    agg.consume(makeRequest({ traceId: String(i + 1).padStart(32, '0'), startMs: t!, durationMs: ms! })),
  );
  assert.ok(writer.flush());
  while (rollupStep(writeDb, NOW)) {}
  readDb = openReadonly(join(dir, 'h.db'));
});
after(() => {
  readDb.close();
  writeDb.close();
  rmSync(dir, { recursive: true, force: true });
});

const totals = (fromMs: number, toMs: number) => {
  const row = listEndpoints(readDb, { fromMs, toMs }, {}, 'total_time', { limit: 10, offset: 0 }).items[0];
  return row === undefined ? [0, 0] : [row.count, row.total_ms];
};

describe('reading minute and hour tables together', () => {
  test('the rollup left both minute and hour rows for the rolled hours', () => {
    const n = (t: string) => (writeDb.prepare(`SELECT count(*) AS n FROM ${t} WHERE bucket_ms < ?`).get(H9 + HOUR_MS) as { n: number }).n;
    assert.ok(n('endpoint_minute') > 0 && n('endpoint_hour') > 0);
  });

  test('counts each request once over a window spanning rolled hours and the present', () => {
    assert.deepEqual(totals(NOW - 86_400_000, NOW), [3, 700]);
  });

  test('reads ragged window edges from minute rows', () => {
    assert.deepEqual(totals(H9 + 30 * 60_000, NOW), [2, 600]);
    assert.deepEqual(totals(H9, H9 + 30 * 60_000), [1, 100]);
  });

  test('serves whole hours from hour rows once the minute rows are gone (past minute retention)', () => {
    assert.deepEqual(splitRange(readDb, 'endpoint', { fromMs: H9, toMs: NOW }).hour, [H9, H9 + 2 * HOUR_MS]);
    writeDb.prepare('DELETE FROM endpoint_minute WHERE bucket_ms < ?').run(H9 + HOUR_MS);
    assert.deepEqual(totals(H9, NOW), [3, 700]);
  });
});

describe('index choice for a window', () => {
  const plan = (table: string, filters: Filters): string[] => {
    const src = bucketedSource(readDb, table, 'count', { fromMs: NOW - HOUR_MS, toMs: NOW }, filters);
    const rows = readDb.prepare(`EXPLAIN QUERY PLAN SELECT * FROM ${src.sql}`).all(...src.params) as { detail: string }[];
    return rows.map((r) => r.detail).filter((d) => d.startsWith('SEARCH') || d.startsWith('SCAN'));
  };

  test('a service filter alone reads the window by bucket_ms, not the service through the series index', () => {
    const steps = plan('endpoint', { service: 'shop', kind: 'request' });
    assert.ok(steps.length > 0);
    for (const d of steps) assert.match(d, /\(bucket_ms>\? AND bucket_ms<\?\)/, d);
  });

  test('a filter pinning service and route uses the series index with the time range', () => {
    const steps = plan('endpoint', { service: 'shop', route: 'books/' });
    assert.ok(steps.length > 0);
    for (const d of steps) assert.match(d, /_series \(service=\? AND route=\? AND bucket_ms>\? AND bucket_ms<\?\)/, d);
  });
});
