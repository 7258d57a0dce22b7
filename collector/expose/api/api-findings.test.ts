import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertDocumented } from './test-openapi-check.js';
import { dataset, FP_BOOKS, NOW, tid } from './test-dataset.js';
import { startTestApi } from './test-server.js';
import type { TestApi } from './test-server.js';

let api: TestApi;
before(async () => {
  api = await startTestApi({ nowMs: NOW, requests: dataset() });
});
after(() => api.close());

describe('GET /api/v1/findings', () => {
  test('lists findings with counters over the window, samples and the suggestion', async () => {
    const { status, body } = await api.get('/api/v1/findings');
    assert.equal(status, 200);
    assertDocumented('/api/v1/findings', body);
    assert.deepEqual(body.findings, [
      {
        type: 'n_plus_one', service: 'shop', method: 'GET', route: 'books/', fingerprint: FP_BOOKS,
        occurrences: 3, requests: 1, total_ms: 30, sample_trace_ids: [tid(4)],
        suggestion: "use select_related('author')",
        first_seen: new Date(NOW - 30 * 60_000 + 3000).toISOString(),
        last_seen: new Date(NOW - 30 * 60_000 + 3000).toISOString(),
      },
    ]);
    assert.equal(body.next_offset, null);
  });

  test('filters by type and rejects an unknown type', async () => {
    assert.equal((await api.get('/api/v1/findings?type=n_plus_one')).body.findings.length, 1);
    assert.deepEqual((await api.get('/api/v1/findings?type=slow_template')).body.findings, []);
    const bad = await api.get('/api/v1/findings?type=everything');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /type/);
  });
});

describe('GET /api/v1/requests/{trace_id}', () => {
  test('returns the stored request with categories, offsets, fingerprints and marked finding spans', async () => {
    const { status, body } = await api.get(`/api/v1/requests/${tid(4)}`);
    assert.equal(status, 200);
    assertDocumented('/api/v1/requests/{trace_id}', body);
    assert.deepEqual([body.service, body.method, body.route, body.duration_ms, body.reasons], ['shop', 'GET', 'books/', 400, ['finding']]);
    assert.deepEqual(
      body.spans.map((s: Record<string, unknown>) => [s.category, s.offset_ms, s.duration_ms, s.fingerprint, s.finding_types]),
      [
        ['request', 0, 400, null, []],
        ['middleware', 0, 5, null, []],
        ['db', 5, 10, FP_BOOKS, ['n_plus_one']],
        ['db', 15, 10, FP_BOOKS, ['n_plus_one']],
        ['db', 25, 10, FP_BOOKS, ['n_plus_one']],
        ['template', 35, 20, null, []],
      ],
    );
    assert.equal(body.breakdown.db_queries, 3);
    assert.deepEqual(body.findings.map((f: { type: string; span_ids: string[] }) => [f.type, f.span_ids.length]), [['n_plus_one', 3]]);
  });

  test('keeps failed requests, and answers 404 for an unknown trace and 400 for a malformed id', async () => {
    const failed = await api.get(`/api/v1/requests/${tid(11)}`);
    assert.deepEqual([failed.status, failed.body.status, failed.body.error], [200, 500, true]);
    const missing = await api.get(`/api/v1/requests/${'f'.repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    assert.equal((await api.get('/api/v1/requests/XYZ')).status, 400);
    assert.equal((await api.get(`/api/v1/requests/${tid(4)}?span_id=0000000000000009`)).status, 404);
  });
});

describe('GET /api/v1/compare', () => {
  test('shows the endpoint and the query that got slower and more frequent between two versions', async () => {
    const { status, body } = await api.get('/api/v1/compare?service=shop&from_version=1.0&to_version=1.1');
    assert.equal(status, 200);
    assertDocumented('/api/v1/compare', body);
    assert.deepEqual(body.endpoints[0], {
      method: 'GET', route: 'books/',
      before: { count: 4, mean_ms: 250, p95_ms: body.endpoints[0].before.p95_ms, per_request: 3 },
      after: { count: 2, mean_ms: 400, p95_ms: body.endpoints[0].after.p95_ms, per_request: 5 },
      mean_change_ms: 150, p95_change_ms: body.endpoints[0].p95_change_ms, slower: true, more_queries: true,
    });
    assert.deepEqual(body.endpoints.slice(1).map((e: { route: string; after: unknown }) => [e.route, e.after]), [
      ['books/<int:pk>/', null],
      ['cart/', null],
    ]);
    const q = body.queries[0];
    assert.deepEqual(
      [q.fingerprint, q.before.per_request, q.after.per_request, q.before.mean_ms, q.after.mean_ms, q.ms_per_request_change, q.slower, q.more_frequent],
      [FP_BOOKS, 0.75, 5, 10, 12, 52.5, true, true],
    );
  });

  test('requires a service and two different versions', async () => {
    for (const q of ['from_version=1.0&to_version=1.1', 'service=shop&from_version=1.0&to_version=1.0', 'service=shop&from_version=1.0']) {
      const { status, body } = await api.get(`/api/v1/compare?${q}`);
      assert.equal(status, 400, q);
      assert.equal(body.error.code, 'BAD_REQUEST');
    }
  });
});
