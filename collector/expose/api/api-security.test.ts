import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { dataset, FP_BOOKS, NOW, tid } from './test-dataset.js';
import { startTestApi } from './test-server.js';
import type { TestApi } from './test-server.js';

const TOKEN = 'correct-horse-battery-staple';
let api: TestApi;
before(async () => {
  api = await startTestApi({ nowMs: NOW, requests: dataset(), token: TOKEN });
});
after(() => api.close());

const auth = { authorization: `Bearer ${TOKEN}` };

describe('bearer token', () => {
  test('answers 401 with a Bearer challenge without a token or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }];
    for (const headers of attempts) {
      const { status, body, headers: h } = await api.get('/api/v1/endpoints', headers);
      assert.equal(status, 401);
      assert.equal(body.error.code, 'UNAUTHENTICATED');
      assert.match(h.get('www-authenticate') ?? '', /^Bearer/);
    }
  });

  test('serves every route with the right token', async () => {
    const { status, body } = await api.get('/api/v1/endpoints', auth);
    assert.equal(status, 200);
    assert.equal(body.endpoints.length, 4);
  });
});

const INJECTIONS = [
  "shop' OR '1'='1",
  "x'; DROP TABLE endpoint_minute; --",
  '1 UNION SELECT name FROM sqlite_schema',
  'total_ms DESC; DELETE FROM samples',
];

function tableCounts(api: TestApi): Record<string, number> {
  const tables = api.writeDb.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(tables.map((t) => [t.name, (api.writeDb.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
}

/** A list response counts as harmless when every array in it is empty. */
const emptyLists = (body: Record<string, unknown>) =>
  Object.values(body).every((v) => !Array.isArray(v) || v.length === 0);
/** A comparison is harmless when the injected version matched no data ("before" is empty everywhere). */
const nothingBefore = (body: { endpoints: { before: unknown }[]; queries: { before: unknown }[] }) =>
  [...body.endpoints, ...body.queries].every((e) => e.before === null);

describe('SQL injection', () => {
  test('every filter, sort key and id answers 400 or nothing, and the database is unchanged', async () => {
    const before = tableCounts(api);
    assert.ok((before.endpoint_minute ?? 0) > 0);
    const lists: Record<string, string[]> = {
      '/api/v1/services': ['from', 'to', 'window'],
      '/api/v1/endpoints': ['service', 'route', 'method', 'version', 'kind', 'sort', 'limit', 'offset', 'from', 'window'],
      '/api/v1/queries': ['service', 'route', 'method', 'version', 'sort', 'limit', 'offset'],
      '/api/v1/slow-queries': ['service', 'route', 'method', 'version', 'fingerprint', 'sort'],
      '/api/v1/findings': ['service', 'route', 'method', 'version', 'type', 'fingerprint'],
      '/api/v1/compare?service=shop&to_version=1.1': ['from_version'],
      '/api/v1/compare?from_version=1.0&to_version=1.1': ['service'],
      [`/api/v1/requests/${tid(4)}`]: ['span_id'],
    };
    let checked = 0;
    for (const [path, params] of Object.entries(lists)) {
      for (const p of params) {
        for (const evil of INJECTIONS) {
          const sep = path.includes('?') ? '&' : '?';
          const { status, body } = await api.get(`${path}${sep}${p}=${encodeURIComponent(evil)}`, auth);
          const harmless = p === 'from_version' ? nothingBefore(body) : emptyLists(body);
          assert.ok(status === 400 || (status === 200 && harmless) || status === 404, `${path} ${p}=${evil}: ${status} ${JSON.stringify(body)}`);
          checked++;
        }
      }
    }
    const ids = [
      '/api/v1/endpoints/{x}/GET/books%2F', '/api/v1/endpoints/shop/{x}/books%2F', '/api/v1/endpoints/shop/GET/{x}',
      '/api/v1/queries/{x}', '/api/v1/requests/{x}',
    ];
    for (const tpl of ids) {
      for (const evil of INJECTIONS) {
        const { status } = await api.get(tpl.replace('{x}', encodeURIComponent(evil)), auth);
        assert.ok(status === 400 || status === 404, `${tpl} with ${evil}: ${status}`);
        checked++;
      }
    }
    assert.equal(checked, 160);
    assert.deepEqual(tableCounts(api), before);
    assert.equal((await api.get(`/api/v1/queries/${FP_BOOKS}`, auth)).status, 200);
  });
});

describe('request hygiene', () => {
  test('sends no CORS headers, even to a cross-origin request', async () => {
    const { headers } = await api.get('/api/v1/services', { ...auth, origin: 'https://evil.example' });
    assert.equal(headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${api.base}/api/v1/services`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    assert.equal(preflight.status, 405);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  test('rejects other methods with 405 and request bodies with 413', async () => {
    const post = await fetch(`${api.base}/api/v1/endpoints`, { method: 'POST', headers: auth, body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.base}/api/v1/endpoints`, { method: 'GET', headers: { ...auth, 'content-length': '5' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('hello');
    });
    assert.equal(status, 413);
  });

  test('rejects an oversized query string with 400', async () => {
    const { status, body } = await api.get(`/api/v1/endpoints?service=${'a'.repeat(5000)}`, auth);
    assert.equal(status, 400);
    assert.match(body.error.message, /URL longer/);
  });

  test('answers unknown API paths with a JSON 404', async () => {
    for (const path of ['/api/v1/nothing', '/api/v2/endpoints', '/api/v1/endpoints/shop']) {
      const { status, body } = await api.get(path, auth);
      assert.equal(status, 404, path);
      assert.equal(body.error.code, 'NOT_FOUND');
    }
  });

  test('answers a malformed percent-encoding with 400', async () => {
    const { status, body } = await api.get('/api/v1/queries/%E0%A4%A', auth);
    assert.equal(status, 400);
    assert.equal(body.error.code, 'BAD_REQUEST');
  });
});
