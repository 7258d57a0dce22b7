import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isHotpathError } from '../../collector/errors.js';
import { DEFAULT_MIX, driveDemo, parseMix } from './drive-demo.js';
import { startTestServer } from './test-server.js';

describe('driveDemo', () => {
  test('sends exactly `count` requests, spread over the mix by weight, and counts them per path', async () => {
    const server = await startTestServer();
    try {
      const r = await driveDemo({ baseUrl: server.url, mix: parseMix('/heavy/=3,/light/=1'), rate: 2000, count: 200 });
      assert.equal(r.sent, 200);
      assert.equal(r.ok, 200);
      assert.equal(server.received.length, 200);
      assert.equal(server.hits.get('/heavy/'), r.byPath['/heavy/']);
      assert.equal(server.hits.get('/light/'), r.byPath['/light/']);
      assert.ok((r.byPath['/heavy/'] ?? 0) > 2 * (r.byPath['/light/'] ?? 0));
      assert.equal(r.byStatus['200'], 200);
    } finally {
      await server.close();
    }
  });

  test('stops after `durationSec` worth of ticks at the given rate', async () => {
    const server = await startTestServer();
    try {
      const r = await driveDemo({ baseUrl: server.url, mix: [{ path: '/', weight: 1 }], rate: 100, durationSec: 0.1 });
      assert.equal(r.sent + r.skipped, 10);
      assert.equal(server.received.length, r.sent);
    } finally {
      await server.close();
    }
  });

  test('counts 5xx responses as failed', async () => {
    const server = await startTestServer((req, res) => {
      res.writeHead(req.path === '/boom/' ? 500 : 200);
      res.end();
    });
    try {
      const r = await driveDemo({ baseUrl: server.url, mix: parseMix('/boom/,/ok/'), rate: 1000, count: 40 });
      assert.equal(r.failed, server.hits.get('/boom/'));
      assert.equal(r.ok, server.hits.get('/ok/'));
    } finally {
      await server.close();
    }
  });

  test('skips ticks instead of opening more than maxInFlight requests', async () => {
    const server = await startTestServer(() => undefined); // never answers
    try {
      const r = await driveDemo({ baseUrl: server.url, mix: [{ path: '/hang/', weight: 1 }], rate: 100, durationSec: 0.1, maxInFlight: 2, timeoutMs: 2000 });
      assert.equal(r.sent, 2);
      assert.equal(r.skipped, 8);
      assert.equal(r.failed, 2);
    } finally {
      await server.close();
    }
  });

  test('refuses a non-loopback host before sending anything', async () => {
    await assert.rejects(driveDemo({ baseUrl: 'http://192.0.2.10:8000', mix: DEFAULT_MIX, rate: 1, count: 1 }), (e) => isHotpathError(e) && e.code === 'CONFIG_INVALID');
  });
});

describe('parseMix', () => {
  test('reads path=weight pairs with weight 1 by default', () => {
    assert.deepEqual(parseMix('/a/=3, /b/'), [{ path: '/a/', weight: 3 }, { path: '/b/', weight: 1 }]);
  });

  test('rejects relative paths, non-positive weights and an empty mix', () => {
    for (const bad of ['a/=1', '/a/=0', '/a/=x', ' , ']) assert.throws(() => parseMix(bad), (e) => isHotpathError(e) && e.code === 'CONFIG_INVALID');
  });
});
