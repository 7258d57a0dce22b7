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
import { listEndpoints } from './endpoints.js';
import { listQueries } from './queries.js';
import { makeRequest } from './test-requests.js';

const NOW = Date.UTC(2026, 10, 21, 12, 37, 0);
const DAY = { fromMs: NOW - 86_400_000, toMs: NOW };
const fp = (n: number) => n.toString(16).padStart(16, '0');
let dir: string;
let writeDb: Database;
let readDb: Database;
/** Execution times of fingerprint 3 (route r1/, service shop), for the exact p95. */
const fp3Times: number[] = [];

// Six fingerprints on three routes of two services, spread over 26 hours so a day's window reads
// hour rows and both ragged minute edges.
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotpath-page-'));
  writeDb = openDatabase(join(dir, 'h.db'));
  let clock = NOW - 26 * 3_600_000;
  const agg = new Aggregator({}, () => clock);
  const writer = new StorageWriter(writeDb, agg, {}, () => {}, () => clock);
  let trace = 0;
  for (; clock < NOW; clock += 7 * 60_000) {
    for (let r = 0; r < 3; r++) {
      const queries = [0, 1].map((q) => {
        const n = r * 2 + q;
        const ms = 1 + ((trace * 37 + n * 11) % 50) * (n + 1);
        if (n === 3 && clock >= DAY.fromMs) fp3Times.push(ms);
        return { fingerprint: fp(n), normalized: `SELECT ${n}`, ms };
      });
      agg.consume(makeRequest({
        traceId: (++trace).toString(16).padStart(32, '0'), startMs: clock, durationMs: 100 + ((trace * 13) % 400),
        service: r === 2 ? 'blog' : 'shop', route: `r${r}/`, queries,
      }));
    }
    writer.flush();
    while (rollupStep(writeDb, clock)) {}
  }
  readDb = openReadonly(join(dir, 'h.db'));
});
after(() => {
  readDb.close();
  writeDb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('quantiles of one page', () => {
  test('each one-row page of queries equals that row of the full list, p95 included', () => {
    for (const filters of [{}, { service: 'shop' }, { route: 'r1/' }]) {
      const full = listQueries(readDb, DAY, filters, 'total_time', { limit: 100, offset: 0 }).items;
      assert.ok(full.length >= 2);
      full.forEach((row, i) => {
        const page = listQueries(readDb, DAY, filters, 'total_time', { limit: 1, offset: i }).items;
        assert.deepEqual(page, [row]);
        assert.notEqual(row.p95_ms, null);
      });
    }
  });

  test('a page p95 is within 2% of the exact p95 of the executions in the window', () => {
    const row = listQueries(readDb, DAY, {}, 'total_time', { limit: 100, offset: 0 }).items.find((r) => r.fingerprint === fp(3))!;
    const sorted = [...fp3Times].sort((a, b) => a - b);
    const exact = sorted[Math.floor(0.95 * (sorted.length - 1))]!;
    assert.equal(row.calls, fp3Times.length);
    assert.ok(Math.abs(row.p95_ms! - exact) <= 0.02 * exact, `${row.p95_ms} vs ${exact}`);
  });

  test('each one-row page of endpoints equals that row of the full list under every sort', () => {
    for (const sort of ['total_time', 'p95', 'count'] as const) {
      const full = listEndpoints(readDb, DAY, {}, sort, { limit: 100, offset: 0 }).items;
      assert.equal(full.length, 3);
      full.forEach((row, i) => assert.deepEqual(listEndpoints(readDb, DAY, {}, sort, { limit: 1, offset: i }).items, [row]));
    }
  });
});
