// Security defaults of the real collector process: loopback-only listeners, no CORS, bearer
// tokens on every /api route and on both ingest transports (while /metrics and the probes stay
// open), a bound on API URLs, and no secret from request headers in the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Client, Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { startCollector, type CollectorProcess } from './collector-process.js';
import { exportRequest, getText, postJson } from './otlp-traffic.js';

const API_TOKEN = 'apitok_Sec_4b8e0c';
const INGEST_TOKEN = 'ingtok_Sec_93d1aa';
const CAPTURE = 'capture_Hdr_Secret_7f2c';
const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** Local IPv4 listeners from /proc/net/tcp[6] (state 0A = LISTEN): "addr:port" in hex. */
function listeners(): Array<{ host: string; port: number }> {
  const out: Array<{ host: string; port: number }> = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== '0A') continue;
      const [addr, port] = f[1]!.split(':') as [string, string];
      out.push({ host: addr, port: parseInt(port, 16) });
    }
  }
  return out;
}

function grpcExport(port: number, md: Metadata): Promise<ServiceError | null> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise<ServiceError | null>((resolve) =>
    client.makeUnaryRequest(EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), md, (err) => resolve(err)),
  ).finally(() => client.close());
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2000 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

describe('security defaults of the collector process', () => {
  let c: CollectorProcess;
  let apiPaths: string[];
  const auth = { authorization: `Bearer ${API_TOKEN}` };
  before(async () => {
    c = await startCollector({ env: { HOTPATH_API_TOKEN: API_TOKEN, HOTPATH_INGEST_TOKEN: INGEST_TOKEN, HOTPATH_LOG_LEVEL: 'trace' } });
    const doc = JSON.parse((await getText(`${c.apiUrl}/api/v1/openapi.json`, auth)).body) as { paths: Record<string, unknown> };
    apiPaths = Object.keys(doc.paths).map((p) => p.replace(/\{[^}]+\}/g, 'x'));
  });
  after(async () => {
    await c?.dispose();
  });

  test('every listener is bound to 127.0.0.1 only', async () => {
    const mine = listeners().filter((l) => Object.values(c.ports).includes(l.port));
    assert.equal(mine.length, 3, `three listening sockets for ${JSON.stringify(c.ports)}`);
    for (const l of mine) assert.equal(l.host, '0100007F', `port ${l.port} listens on 127.0.0.1 (little-endian hex)`);
    const external = Object.values(networkInterfaces()).flat().filter((i) => i !== undefined && !i.internal && i.family === 'IPv4');
    for (const i of external) {
      for (const port of Object.values(c.ports)) assert.equal(await canConnect(i!.address, port), false, `${i!.address}:${port} must refuse`);
    }
  });

  test('no CORS header on API, metrics or probes, even for a cross-origin request or preflight', async () => {
    const origin = { origin: 'https://evil.example' };
    for (const path of ['/api/v1/openapi.json', '/metrics', '/readyz', '/livez', apiPaths[0]!]) {
      const r = await getText(`${c.apiUrl}${path}`, { ...origin, ...auth });
      assert.equal(r.headers.get('access-control-allow-origin'), null, path);
      const pre = await fetch(`${c.apiUrl}${path}`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'GET' } });
      assert.equal(pre.headers.get('access-control-allow-origin'), null, `preflight ${path}`);
      await pre.arrayBuffer();
    }
  });

  test('every /api route answers 401 without the token or with a wrong one, and not 401 with it', async () => {
    assert.ok(apiPaths.length >= 5, `the OpenAPI document lists the routes (${apiPaths.length})`);
    for (const path of apiPaths) {
      assert.equal((await getText(`${c.apiUrl}${path}`)).status, 401, `${path} without token`);
      assert.equal((await getText(`${c.apiUrl}${path}`, { authorization: `Bearer ${API_TOKEN}x` })).status, 401, `${path} wrong token`);
      assert.notEqual((await getText(`${c.apiUrl}${path}`, auth)).status, 401, `${path} with token`);
    }
  });

  test('/metrics, /livez and /readyz stay open without the API token', async () => {
    for (const path of ['/metrics', '/livez', '/readyz']) assert.equal((await getText(`${c.apiUrl}${path}`)).status, 200, path);
  });

  test('/metrics?name= answers only the named families, and nothing for names it does not have', async () => {
    const one = await getText(`${c.apiUrl}/metrics?name=hotpath_ready&name=hotpath_build_info`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.split('\n').filter((l) => l.startsWith('# TYPE')), ['# TYPE hotpath_ready gauge', '# TYPE hotpath_build_info gauge']);
    for (const q of ['name=', 'name=%00%27%22', 'name=hotpath_ready%0A', `name=${'x'.repeat(5000)}`]) {
      const r = await getText(`${c.apiUrl}/metrics?${q}`);
      assert.equal(r.status, 200, q);
      assert.doesNotMatch(r.body, /^# TYPE/m, q);
    }
    const other = await getText(`${c.apiUrl}/metrics?name[a]=b`); // not a `name` parameter: the full exposition
    assert.match(other.body, /^# TYPE hotpath_ready gauge$/m);
  });

  test('OTLP/HTTP ingest needs the ingest token: missing or wrong is 401, right is 200', async () => {
    const { body } = exportRequest([{ service: 'sec', route: 'a/' }]);
    assert.equal((await postJson(c.otlpUrl, body)).status, 401);
    assert.equal((await postJson(c.otlpUrl, body, { authorization: `Bearer ${API_TOKEN}` })).status, 401, 'the API token is not an ingest token');
    assert.equal((await postJson(c.otlpUrl, body, { authorization: `Bearer ${INGEST_TOKEN}` })).status, 200);
  });

  test('OTLP/gRPC ingest needs the token in authorization metadata: UNAUTHENTICATED otherwise', async () => {
    assert.equal((await grpcExport(c.ports.grpc, new Metadata()))?.code, status.UNAUTHENTICATED);
    const wrong = new Metadata();
    wrong.set('authorization', `Bearer ${INGEST_TOKEN}0`);
    assert.equal((await grpcExport(c.ports.grpc, wrong))?.code, status.UNAUTHENTICATED);
    const right = new Metadata();
    right.set('authorization', `Bearer ${INGEST_TOKEN}`);
    assert.equal(await grpcExport(c.ports.grpc, right), null);
  });

  test('an oversized API URL is refused with 4xx before reaching a route', async () => {
    const r = await getText(`${c.apiUrl}${apiPaths[0]!}?service=${'a'.repeat(8000)}`, auth);
    assert.ok([400, 414, 431].includes(r.status), `status ${r.status}`);
    const huge = await getText(`${c.apiUrl}${apiPaths[0]!}?service=${'a'.repeat(40_000)}`, auth);
    assert.ok([400, 414, 431].includes(huge.status), `status ${huge.status}`);
    assert.equal((await getText(`${c.apiUrl}/livez`)).status, 200, 'the server still answers');
  });

  test('tokens and the Django capture header never appear in the log, even at trace level and on refusals', async () => {
    const { body } = exportRequest([{ service: 'sec', route: 'b/' }]);
    const headers = { 'x-hotpath-capture': CAPTURE };
    await postJson(c.otlpUrl, body, { ...headers, authorization: `Bearer ${INGEST_TOKEN}` });
    await postJson(c.otlpUrl, body, { ...headers, authorization: `Bearer ${CAPTURE}` });
    await postJson(c.otlpUrl, '{not json', { ...headers, authorization: `Bearer ${INGEST_TOKEN}` });
    await getText(`${c.apiUrl}/api/v1/nope`, { ...headers, ...auth });
    await getText(`${c.apiUrl}/api/v1/nope`, { ...headers, authorization: `Bearer ${CAPTURE}` });
    const md = new Metadata();
    md.set('authorization', `Bearer ${CAPTURE}`);
    md.set('x-hotpath-capture', CAPTURE);
    await grpcExport(c.ports.grpc, md);
    const log = c.output();
    assert.ok(log.includes('"hotpath started"'), 'the log was captured');
    for (const secret of [API_TOKEN, INGEST_TOKEN, CAPTURE]) assert.equal(log.includes(secret), false, `${secret} in the log`);
  });
});
