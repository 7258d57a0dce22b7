import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertDocumented } from './test-openapi-check.js';
import { dataset, FP_BOOK, FP_BOOKS, FP_POSTS, NOW, tid } from './test-dataset.js';
import { startTestApi } from './test-server.js';
import type { TestApi } from './test-server.js';

let api: TestApi;
before(async () => {
  api = await startTestApi({ nowMs: NOW, requests: dataset() });
});
after(() => api.close());

const fps = (body: { queries: { fingerprint: string }[] }) => body.queries.map((q) => q.fingerprint);

describe('GET /api/v1/queries', () => {
  test('lists fingerprints by total time with calls, means, maxima and routes', async () => {
    const { status, body } = await api.get('/api/v1/queries');
    assert.equal(status, 200);
    assertDocumented('/api/v1/queries', body);
    assert.deepEqual(fps(body), [FP_POSTS, FP_BOOKS, FP_BOOK]);
    const books = body.queries[1];
    assert.deepEqual(
      {
        service: books.service, normalized: books.normalized, operation: books.operation, tables: books.tables,
        calls: books.calls, requests: books.requests, calls_per_request: books.calls_per_request,
        total_ms: books.total_ms, mean_ms: books.mean_ms, max_ms: books.max_ms, routes: books.routes,
      },
      {
        service: 'shop', normalized: 'SELECT * FROM author WHERE id = ?', operation: 'SELECT', tables: ['author'],
        calls: 12, requests: 4, calls_per_request: 3, total_ms: 120, mean_ms: 10, max_ms: 10,
        routes: [{ method: 'GET', route: 'books/', calls: 12, total_ms: 120 }],
      },
    );
  });

  test('sorts by calls, mean, max and p95', async () => {
    assert.deepEqual(fps((await api.get('/api/v1/queries?sort=calls')).body), [FP_BOOKS, FP_BOOK, FP_POSTS]);
    assert.deepEqual(fps((await api.get('/api/v1/queries?sort=mean')).body), [FP_POSTS, FP_BOOKS, FP_BOOK]);
    assert.deepEqual(fps((await api.get('/api/v1/queries?sort=max')).body), [FP_POSTS, FP_BOOKS, FP_BOOK]);
    const p95 = (await api.get('/api/v1/queries?sort=p95')).body;
    assert.deepEqual(fps(p95), [FP_POSTS, FP_BOOKS, FP_BOOK]);
    assert.ok(Math.abs(p95.queries[1].p95_ms - 10) <= 0.2, `p95 ${p95.queries[1].p95_ms}`);
  });

  test('filters by route, service and version', async () => {
    assert.deepEqual(fps((await api.get('/api/v1/queries?route=books%2F%3Cint%3Apk%3E%2F')).body), [FP_BOOK]);
    assert.deepEqual(fps((await api.get('/api/v1/queries?service=blog')).body), [FP_POSTS]);
    const v11 = await api.get('/api/v1/queries?version=1.1&window=7d');
    assert.deepEqual(v11.body.queries.map((q: { calls: number; mean_ms: number }) => [q.calls, q.mean_ms]), [[10, 12]]);
  });

  test('rejects an unknown sort key', async () => {
    const { status, body } = await api.get('/api/v1/queries?sort=total_ms;DROP TABLE queries');
    assert.equal(status, 400);
    assert.match(body.error.message, /sort/);
  });
});

describe('GET /api/v1/queries/{fingerprint}', () => {
  test('returns the statistics, series and findings of one fingerprint', async () => {
    const { status, body } = await api.get(`/api/v1/queries/${FP_BOOKS}`);
    assert.equal(status, 200);
    assertDocumented('/api/v1/queries/{fingerprint}', body);
    assert.equal(body.normalized, 'SELECT * FROM author WHERE id = ?');
    assert.deepEqual(body.stats.map((s: { calls: number }) => s.calls), [12]);
    assert.equal(body.step_seconds, 3600);
    assert.deepEqual(body.findings.map((f: { type: string }) => f.type), ['n_plus_one']);
    const week = await api.get(`/api/v1/queries/${FP_BOOKS}?window=7d`);
    assert.deepEqual(week.body.series.map((p: { calls: number }) => p.calls), [10, 12]);
  });

  test('answers 404 for an unknown fingerprint and 400 for a malformed one', async () => {
    const missing = await api.get('/api/v1/queries/ffffffffffffffff');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    const bad = await api.get('/api/v1/queries/not-a-fingerprint');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /fingerprint/);
  });
});

describe('GET /api/v1/slow-queries', () => {
  test('lists executions over the slow threshold with their trace and normalised statement', async () => {
    const { status, body } = await api.get('/api/v1/slow-queries');
    assert.equal(status, 200);
    assertDocumented('/api/v1/slow-queries', body);
    assert.deepEqual(body.slow_queries, [
      {
        time: new Date(NOW - 20 * 60_000).toISOString(), service: 'blog', version: '2.0', method: 'GET', route: 'posts/',
        trace_id: tid(40), span_id: '0000000000000002', duration_ms: 250, fingerprint: FP_POSTS, operation: 'SELECT',
        rows: null, statement: 'SELECT * FROM post ORDER BY created DESC', raw: false,
      },
    ]);
  });

  test('filters by fingerprint and rejects a malformed one', async () => {
    assert.deepEqual((await api.get(`/api/v1/slow-queries?fingerprint=${FP_BOOKS}`)).body.slow_queries, []);
    assert.equal((await api.get('/api/v1/slow-queries?fingerprint=zz')).status, 400);
    assert.equal((await api.get('/api/v1/slow-queries?sort=size')).status, 400);
  });
});
