import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isHotpathError } from '../../collector/errors.js';
import { runSynthetic } from './synthetic-run.js';
import { startTestServer } from './test-server.js';

interface OtlpJson {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ scope: { name: string }; spans: unknown[] }>;
  }>;
}

describe('runSynthetic', () => {
  test('exports every recorded span to <endpoint>/v1/traces as OTLP/HTTP JSON', async () => {
    const server = await startTestServer();
    try {
      const r = await runSynthetic({ endpoint: server.url, protocol: 'http/json', rate: 1000, count: 12, routes: 3, serviceName: 'shop' });
      assert.equal(r.requests, 12);
      let spans = 0;
      const scopes = new Set<string>();
      for (const got of server.received) {
        assert.equal(got.path, '/v1/traces');
        assert.match(got.contentType, /application\/json/);
        const body = JSON.parse(got.body.toString('utf8')) as OtlpJson;
        for (const rs of body.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
          assert.equal(service, 'shop');
          for (const ss of rs.scopeSpans) {
            scopes.add(ss.scope.name);
            spans += ss.spans.length;
          }
        }
      }
      assert.equal(spans, r.spans);
      assert.deepEqual([...scopes].sort(), ['hotpath_django', 'opentelemetry.instrumentation.django', 'opentelemetry.instrumentation.psycopg']);
    } finally {
      await server.close();
    }
  });

  test('sends OTLP/HTTP protobuf by default', async () => {
    const server = await startTestServer();
    try {
      const r = await runSynthetic({ endpoint: server.url + '/', rate: 1000, count: 2 });
      assert.equal(r.requests, 2);
      assert.ok(server.received.length >= 1);
      for (const got of server.received) {
        assert.equal(got.path, '/v1/traces');
        assert.equal(got.contentType, 'application/x-protobuf');
        assert.ok(got.body.length > 0);
      }
    } finally {
      await server.close();
    }
  });

  test('stops after durationSec worth of requests at the given rate', async () => {
    const server = await startTestServer();
    try {
      const r = await runSynthetic({ endpoint: server.url, rate: 100, durationSec: 0.05 });
      assert.equal(r.requests, 5);
    } finally {
      await server.close();
    }
  });

  test('refuses a non-loopback endpoint', async () => {
    await assert.rejects(runSynthetic({ endpoint: 'http://198.51.100.7:4318', rate: 1, count: 1 }), (e) => isHotpathError(e) && e.code === 'CONFIG_INVALID');
  });
});
