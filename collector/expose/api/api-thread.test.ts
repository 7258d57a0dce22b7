import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createHotpath } from '../../app.js';
import { loadConfig, type HotpathConfig } from '../../config/load-config.js';
import { createLogger } from '../../logging.js';
import { ApiThread } from './api-host.js';

function config(dbPath: string, env: Record<string, string> = {}): HotpathConfig {
  const r = loadConfig({
    argv: [],
    env: { HOTPATH_DB: dbPath, HOTPATH_API_PORT: '0', HOTPATH_OTLP_HTTP_PORT: '0', HOTPATH_OTLP_GRPC_PORT: '0', HOTPATH_LOG_LEVEL: 'error', ...env },
    readFile: () => '',
  });
  assert.equal(r.kind, 'config');
  return (r as { config: HotpathConfig }).config;
}

/**
 * Times requests from a thread of their own, so the test's main thread can be blocked while they
 * run: [path, start offset ms, duration ms][] for each path, in order.
 */
function timeRequests(port: number, paths: readonly string[], headers: Record<string, string> = {}, delayMs = 0, gapMs = 0): Promise<Array<[string, number, number, number]>> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      const t0 = performance.now();
      await sleep(workerData.delayMs);
      const out = [];
      for (const p of workerData.paths) {
        if (out.length > 0) await sleep(workerData.gapMs);
        const s = performance.now();
        const r = await fetch('http://127.0.0.1:' + workerData.port + p, { headers: workerData.headers });
        await r.text();
        out.push([p, s - t0, performance.now() - s, r.status]);
      }
      parentPort.postMessage(out);
    })();`;
  const w = new Worker(code, { eval: true, workerData: { port, paths, headers, delayMs, gapMs } });
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('the API on its own thread', () => {
  test('answers /api while the main thread is blocked, and /livez (main thread) only after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-api-thread-'));
    const app = createHotpath(config(join(dir, 'h.db')), createLogger('error'));
    try {
      await app.start();
      const api = Array.from({ length: 5 }, () => '/api/v1/endpoints?window=15m');
      // Requests from 300 ms on, 100 ms apart; the main thread (ingest, analysis) is blocked from
      // ~100 ms to ~1,600 ms.
      const pending = timeRequests(app.ports.api, [...api, '/livez'], {}, 300, 100);
      await new Promise((r) => setTimeout(r, 100));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
      const times = await pending;
      const apiTimes = times.filter(([p]) => p.startsWith('/api'));
      assert.ok(apiTimes.every(([, , , status]) => status === 200), JSON.stringify(times));
      const [, livezAt, livezMs, livezStatus] = times.find(([p]) => p === '/livez')!;
      assert.equal(livezStatus, 200);
      // Every API answer came within 300 ms though the main thread was blocked for 1.5 s, so all of
      // them and the /livez request were sent before it ended; /livez waited for the main thread.
      assert.ok(apiTimes.every(([, , ms]) => ms < 300), JSON.stringify(times));
      assert.ok(livezAt < 1500, `the requests ran while the main thread was blocked: ${JSON.stringify(times)}`);
      assert.ok(livezAt + livezMs > 1500, `/livez was answered by the blocked main thread: ${JSON.stringify(times)}`);
    } finally {
      await app.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the token guards /api on the thread while health and metrics, passed to the main thread, stay open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-api-thread-'));
    const app = createHotpath(config(join(dir, 'h.db'), { HOTPATH_API_TOKEN: 's3cret-token' }), createLogger('error'));
    try {
      await app.start();
      const open = await timeRequests(app.ports.api, ['/api/v1/endpoints', '/readyz', '/metrics?name=hotpath_span_store_slots', '/nope']);
      assert.deepEqual(open.map(([p, , , s]) => [p, s]), [['/api/v1/endpoints', 401], ['/readyz', 200], ['/metrics?name=hotpath_span_store_slots', 200], ['/nope', 404]]);
      const authed = await timeRequests(app.ports.api, ['/api/v1/endpoints'], { authorization: 'Bearer s3cret-token' });
      assert.equal(authed[0]![3], 200);
    } finally {
      await app.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a thread that dies is started again on the same port, and the death is logged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-api-thread-'));
    const app = createHotpath(config(join(dir, 'h.db')), createLogger('error'));
    const warnings: string[] = [];
    try {
      await app.start();
      const thread = new ApiThread(
        { dbPath: join(dir, 'h.db'), token: '', host: '127.0.0.1', port: 0, internalPort: app.ports.api, nice: 10 },
        { error: (_o, msg) => warnings.push(msg), warn: (_o, msg) => warnings.push(msg) },
      );
      const port = await thread.start();
      assert.equal((await timeRequests(port, ['/api/v1/endpoints']))[0]![3], 200);
      await (thread as unknown as { worker: Worker }).worker.terminate();
      const deadline = Date.now() + 5000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = await fetch(`http://127.0.0.1:${port}/api/v1/endpoints`).then((r) => r.status, () => 0);
      }
      assert.equal(status, 200, 'the API answers again on its port');
      assert.equal(thread.restarts, 1);
      assert.ok(warnings.some((w) => w.includes('starting it again')), warnings.join('; '));
      await thread.stop();
      assert.equal(await fetch(`http://127.0.0.1:${port}/api/v1/endpoints`).then((r) => r.status, () => 0), 0, 'stopped: nothing listens');
    } finally {
      await app.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
