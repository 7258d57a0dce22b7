import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { API_MOUNT, createApiRouter } from './create-api.js';
import { NOW } from './test-dataset.js';
import { startTestApi } from './test-server.js';
import type { TestApi } from './test-server.js';

let api: TestApi;
before(async () => {
  api = await startTestApi({ nowMs: NOW });
});
after(() => api.close());

type Op = { operationId: string; parameters: { name: string; in: string; required: boolean; schema: object }[]; responses: Record<string, { content?: { 'application/json': { schema: object } } }> };
type Doc = { openapi: string; paths: Record<string, { get: Op }> };

/** Paths express actually routes, read from the router's own layer stack, in OpenAPI `{param}` form. */
function registeredPaths(): string[] {
  const router = createApiRouter({ db: api.readDb, clock: () => NOW }) as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  return router.stack
    .filter((l) => l.route !== undefined)
    .map((l) => API_MOUNT + l.route!.path.replace(/:(\w+)/g, '{$1}'))
    .sort();
}

describe('GET /api/v1/openapi.json', () => {
  test('is an OpenAPI 3.1 document listing exactly the registered routes', async () => {
    const { status, body } = await api.get('/api/v1/openapi.json');
    assert.equal(status, 200);
    const doc = body as Doc;
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), registeredPaths());
    assert.ok(registeredPaths().length >= 10);
  });

  test('declares every path parameter, a response schema that compiles, and the error responses', async () => {
    const doc = (await api.get('/api/v1/openapi.json')).body as Doc;
    const ajv = new Ajv2020({ strict: false });
    for (const [path, { get }] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual(get.parameters.filter((p) => p.in === 'path').map((p) => p.name), inPath, path);
      assert.ok(get.parameters.filter((p) => p.in === 'path').every((p) => p.required), path);
      ajv.compile(get.responses[200]!.content!['application/json'].schema);
      assert.ok(get.responses[400] && get.responses[401], path);
      assert.equal(get.responses[404] !== undefined, inPath.length > 0, `${path}: 404 documented iff it looks up an id`);
    }
  });

  test('documents list filters, sort keys with their defaults, and pagination', async () => {
    const doc = (await api.get('/api/v1/openapi.json')).body as Doc;
    const params = doc.paths['/api/v1/endpoints']!.get.parameters;
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    for (const name of ['from', 'to', 'window', 'service', 'route', 'method', 'version', 'sort', 'limit', 'offset']) {
      assert.ok(byName[name], `missing ${name}`);
      assert.equal(byName[name]!.required, false);
    }
    assert.deepEqual(byName.sort!.schema, { default: 'total_time', type: 'string', enum: ['total_time', 'p95', 'p99', 'mean', 'count', 'errors'] });
    assert.deepEqual(byName.limit!.schema, { default: 50, type: 'integer', minimum: 1, maximum: 1000 });
  });
});
