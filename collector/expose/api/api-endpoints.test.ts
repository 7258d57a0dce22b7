import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertDocumented } from './test-openapi-check.js';
import { dataset, NOW, tid } from './test-dataset.js';
import { startTestApi } from './test-server.js';
import type { TestApi } from './test-server.js';

let api: TestApi;
before(async () => {
  api = await startTestApi({ nowMs: NOW, requests: dataset() });
});
after(() => api.close());

const near = (actual: number, expected: number, rel = 0.02) =>
  assert.ok(Math.abs(actual - expected) <= expected * rel, `${actual} not within ${rel * 100}% of ${expected}`);

describe('GET /api/v1/services', () => {
  test('lists each service with its versions and request totals over the window', async () => {
    const { status, body } = await api.get('/api/v1/services');
    assert.equal(status, 200);
    assertDocumented('/api/v1/services', body);
    const shop = body.services.find((s: { service: string }) => s.service === 'shop');
    assert.deepEqual(
      { count: shop.count, errors: shop.errors, total_ms: shop.total_ms, endpoints: shop.endpoints },
      { count: 16, errors: 1, total_ms: 1500, endpoints: 3 },
    );
    assert.deepEqual(shop.versions.map((v: { version: string }) => v.version), ['1.0', '1.1']);
    assert.equal(body.from, new Date(NOW - 86_400_000).toISOString());
  });
});

describe('GET /api/v1/endpoints', () => {
  test('ranks endpoints by total time with exact sums and shares', async () => {
    const { status, body } = await api.get('/api/v1/endpoints');
    assert.equal(status, 200);
    assertDocumented('/api/v1/endpoints', body);
    const rows = body.endpoints.map((e: Record<string, unknown>) => [e.service, e.method, e.route, e.count, e.total_ms, e.share]);
    assert.deepEqual(rows, [
      ['shop', 'GET', 'books/', 4, 1000, 0.5],
      ['blog', 'GET', 'posts/', 1, 500, 0.25],
      ['shop', 'POST', 'cart/', 10, 300, 0.15],
      ['shop', 'GET', 'books/<int:pk>/', 2, 200, 0.1],
    ]);
    const books = body.endpoints[0];
    assert.deepEqual(
      [books.errors, books.db_ms, books.db_queries, books.template_ms, books.middleware_ms, books.self_ms, books.max_ms],
      [0, 120, 12, 80, 20, 780, 400],
    );
    // DDSketch quantiles are lower quantiles at rank q * (n - 1): of 100..400 ms, p50 is 200 and p99 300.
    near(books.p50_ms, 200);
    near(books.p99_ms, 300);
    const cart = body.endpoints[2];
    assert.deepEqual([cart.cache_hits, cart.cache_misses, cart.cache_ms], [10, 10, 30]);
    assert.equal(body.next_offset, null);
  });

  test('shares sum to 1 for any filter', async () => {
    for (const q of ['', '?service=shop', '?version=1.0', '?method=GET']) {
      const { body } = await api.get(`/api/v1/endpoints${q}`);
      const sum = body.endpoints.reduce((t: number, e: { share: number }) => t + e.share, 0);
      assert.ok(Math.abs(sum - 1) < 1e-9, `shares for '${q}' sum to ${sum}`);
    }
  });

  test('sorts by count, errors, mean, p95 and p99 when asked', async () => {
    const routes = async (sort: string) =>
      (await api.get(`/api/v1/endpoints?sort=${sort}`)).body.endpoints.map((e: { route: string }) => e.route);
    assert.deepEqual(await routes('count'), ['cart/', 'books/', 'books/<int:pk>/', 'posts/']);
    // books/<int:pk>/ has the only error; the rest tie at 0 and fall back to total time.
    assert.deepEqual(await routes('errors'), ['books/<int:pk>/', 'books/', 'posts/', 'cart/']);
    // Means 500, 250, 100 and 30 ms.
    assert.deepEqual(await routes('mean'), ['posts/', 'books/', 'books/<int:pk>/', 'cart/']);
    assert.deepEqual(await routes('p95'), ['posts/', 'books/', 'books/<int:pk>/', 'cart/']);
    assert.deepEqual(await routes('p99'), ['posts/', 'books/', 'books/<int:pk>/', 'cart/']);
  });

  test('pages with limit and offset and reports next_offset', async () => {
    const first = await api.get('/api/v1/endpoints?limit=3');
    assert.equal(first.body.endpoints.length, 3);
    assert.equal(first.body.next_offset, 3);
    const second = await api.get('/api/v1/endpoints?limit=3&offset=3');
    assert.deepEqual(second.body.endpoints.map((e: { route: string }) => e.route), ['books/<int:pk>/']);
    assert.equal(second.body.next_offset, null);
    // A partial page computes percentiles for its own rows only; they must match the whole list's.
    const whole = (await api.get('/api/v1/endpoints')).body.endpoints;
    assert.deepEqual([...first.body.endpoints, ...second.body.endpoints], whole);
  });

  test('windows: a 7d window includes the older deploy, an explicit from/to range excludes the recent one', async () => {
    const week = await api.get('/api/v1/endpoints?window=7d&service=shop&route=books%2F');
    assert.equal(week.body.endpoints[0].count, 6);
    const from = new Date(NOW - 3 * 86_400_000).toISOString();
    const to = new Date(NOW - 86_400_000).toISOString();
    const old = await api.get(`/api/v1/endpoints?from=${from}&to=${to}`);
    assert.deepEqual(old.body.endpoints.map((e: { count: number; total_ms: number }) => [e.count, e.total_ms]), [[2, 800]]);
  });

  test('rejects bad parameters with 400 and a message naming them', async () => {
    for (const [q, word] of [
      ['sort=slowest', 'sort'], ['limit=0', 'limit'], ['limit=1001', 'limit'], ['offset=-1', 'offset'],
      ['window=5y', 'window'], ['from=yesterday', 'from'], ['window=1h&from=2026-11-21T00:00:00Z', 'window'],
      ['servce=shop', 'servce'], ['service=', 'service'], ['service=a&service=b', 'service'], ['kind=job', 'kind'],
    ] as const) {
      const { status, body } = await api.get(`/api/v1/endpoints?${q}`);
      assert.equal(status, 400, q);
      assert.equal(body.error.code, 'BAD_REQUEST');
      assert.match(body.error.message, new RegExp(word), q);
    }
  });
});

describe('GET /api/v1/endpoints/{service}/{method}/{route}', () => {
  test('accepts a route with slashes URL-encoded as one segment and returns its breakdown', async () => {
    const { status, body } = await api.get('/api/v1/endpoints/shop/GET/books%2F?window=1h');
    assert.equal(status, 200);
    assertDocumented('/api/v1/endpoints/{service}/{method}/{route}', body);
    assert.equal(body.endpoint.total_ms, 1000);
    assert.equal(body.endpoint.share, 0.5);
    assert.equal(body.step_seconds, 60);
    assert.deepEqual(body.series.map((p: { count: number }) => p.count), [4]);
    assert.deepEqual(
      body.top_queries.map((q: Record<string, unknown>) => [q.fingerprint, q.calls, q.calls_per_request, q.total_ms, q.share_of_endpoint]),
      [['a1a1a1a1a1a1a1a1', 12, 3, 120, 0.12]],
    );
    assert.deepEqual(body.findings.map((f: { type: string; requests: number }) => [f.type, f.requests]), [['n_plus_one', 1]]);
    assert.deepEqual(body.samples.map((s: { trace_id: string }) => s.trace_id), [tid(4)]);
  });

  test('decodes a route with angle brackets and a lower-case method', async () => {
    const { status, body } = await api.get('/api/v1/endpoints/shop/get/books%2F%3Cint%3Apk%3E%2F');
    assert.equal(status, 200);
    assert.deepEqual([body.endpoint.count, body.endpoint.errors], [2, 1]);
  });

  test('answers 404 for an endpoint without requests in the window', async () => {
    const { status, body } = await api.get('/api/v1/endpoints/shop/GET/nothing%2F');
    assert.equal(status, 404);
    assert.equal(body.error.code, 'NOT_FOUND');
  });

  test('answers 400 for a malformed method', async () => {
    const { status, body } = await api.get('/api/v1/endpoints/shop/G3T/books%2F');
    assert.equal(status, 400);
    assert.match(body.error.message, /method/);
  });
});
