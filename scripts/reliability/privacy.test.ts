// Privacy by default, proven on the bytes: spans full of secrets go through the real collector
// process; after a clean shutdown neither the SQLite file (nor its -wal/-shm) nor /metrics holds
// any of them. The same spans do produce rows (so the grep looks at real data), and with
// HOTPATH_STORE_RAW_SQL=true the SQL literal does reach the file (so the grep can find it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { startCollector, until, type CollectorProcess } from './collector-process.js';
import { exportRequest, metricSum, postJson, scrape, type FakeRequest } from './otlp-traffic.js';

const SECRETS = {
  sqlEmail: 'alice.secret@example.com',
  sqlToken: 'tok_SqlLiteral_8f3a',
  sqlNumber: '4111111111111111',
  paramEmail: 'bob.param@example.com',
  paramToken: 'ptok_Param_77c1',
  urlToken: 'urltok_Full_19be',
  httpUrlToken: 'urltok_Old_5d20',
  targetToken: 'target_Key_a0f4',
  queryToken: 'query_Sess_3e91',
  cacheKey: 'cachekey_User_c41d',
  redisKey: 'rediskey_Sess_92aa',
  header: 'hdr_Bearer_61f0',
  capture: 'capture_Secret_0b7e',
  exception: 'carol.exc@example.com',
};

function secretRequests(service: string): FakeRequest[] {
  const s = SECRETS;
  return Array.from({ length: 6 }, (_, i): FakeRequest => ({
    service,
    route: 'accounts/<int:pk>/',
    queries: 6,
    queryMs: 30,
    statement: `SELECT "u"."id" FROM "auth_user" "u" WHERE "u"."email" = '${s.sqlEmail}' AND "u"."token" = '${s.sqlToken}' AND "u"."card" = ${s.sqlNumber}`,
    dbAttrs: { 'db.statement.parameters': `('${s.paramEmail}', '${s.paramToken}')`, 'hotpath.db.params': `["${s.paramEmail}"]` },
    rootAttrs: {
      'url.full': `https://shop.example/accounts/${i}/?token=${s.urlToken}`,
      'http.url': `https://shop.example/accounts/${i}/?token=${s.httpUrlToken}`,
      'http.target': `/accounts/${i}/?api_key=${s.targetToken}`,
      'url.query': `session=${s.queryToken}`,
      'http.request.header.authorization': `Bearer ${s.header}`,
      'http.request.header.x_hotpath_capture': s.capture,
    },
    errorMessage: `lookup failed for ${s.exception}`,
    rootEvents: [{ name: 'exception', attrs: { 'exception.type': 'ValueError', 'exception.message': `bad user ${s.exception}` } }],
    children: [
      { name: 'django.cache.get', kind: 1, attrs: { 'hotpath.kind': 'cache', 'hotpath.cache.operation': 'get', 'hotpath.cache.key': `user:${s.cacheKey}`, 'hotpath.cache.key_prefix': 'user', 'hotpath.cache.hit': false } },
      { name: 'GET', kind: 3, attrs: { 'db.system': 'redis', 'db.statement': `GET session:${s.redisKey}` } },
      { name: 'GET', kind: 3, attrs: { 'http.request.method': 'GET', 'url.full': `https://api.example/v1/?token=${s.urlToken}`, 'server.address': 'api.example' } },
    ],
  }));
}

interface Run {
  collector: CollectorProcess;
  metrics: string;
  bytes: Buffer;
}

async function runWith(env: Record<string, string>, service: string): Promise<Run> {
  const collector = await startCollector({ env: { HOTPATH_GRACE_MS: '0', HOTPATH_SLOW_QUERY_MS: '1', HOTPATH_FLUSH_INTERVAL_MS: '200', ...env } });
  const req = exportRequest(secretRequests(service));
  const res = await postJson(collector.otlpUrl, req.body);
  assert.equal(res.status, 200, res.body);
  await until(async () => metricSum(await scrape(collector.apiUrl), 'hotpath_http_server_request_duration_seconds_count') >= 6, 10_000, 'requests analysed');
  const metrics = await scrape(collector.apiUrl);
  const exit = await collector.stop('SIGTERM');
  assert.equal(exit.code, 0, collector.output());
  const files = ['', '-wal', '-shm'].map((x) => collector.dbPath + x).filter((p) => existsSync(p));
  return { collector, metrics, bytes: Buffer.concat(files.map((p) => readFileSync(p))) };
}

function count(dbPath: string, sql: string): number {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('privacy: secrets in spans never reach the database file or /metrics', () => {
  let byDefault: Run;
  let rawSql: Run;
  before(async () => {
    [byDefault, rawSql] = await Promise.all([runWith({}, 'shop'), runWith({ HOTPATH_STORE_RAW_SQL: 'true' }, 'shop-raw')]);
  });
  after(async () => {
    await Promise.all([byDefault?.collector.dispose(), rawSql?.collector.dispose()]);
  });

  test('the secret-laden spans were stored: endpoint, query, long-query and sample rows exist', () => {
    const db = byDefault.collector.dbPath;
    assert.equal(count(db, "SELECT coalesce(sum(count),0) AS n FROM endpoint_minute WHERE service = 'shop'"), 6);
    assert.ok(count(db, 'SELECT count(*) AS n FROM queries') >= 1, 'fingerprinted queries stored');
    assert.ok(count(db, 'SELECT count(*) AS n FROM slow_queries') >= 1, 'long queries logged (30 ms over a 1 ms threshold)');
    assert.ok(count(db, 'SELECT count(*) AS n FROM samples') >= 1, 'request samples stored');
    assert.ok(byDefault.bytes.includes('auth_user'), 'the table name of the statement is in the file: the grep reads real content');
  });

  for (const [name, secret] of Object.entries(SECRETS)) {
    test(`by default "${name}" appears neither in the database file nor in /metrics`, () => {
      assert.equal(byDefault.bytes.includes(secret), false, `${secret} found in the database file`);
      assert.equal(byDefault.metrics.includes(secret), false, `${secret} found in /metrics`);
    });
  }

  test('with HOTPATH_STORE_RAW_SQL=true the SQL literal is stored (the opt-in works and the grep finds it)', () => {
    assert.ok(rawSql.bytes.includes(SECRETS.sqlEmail), 'raw SQL literal stored when opted in');
    assert.equal(rawSql.bytes.includes(SECRETS.urlToken), false, 'opting into raw SQL does not store URL query strings');
    assert.equal(rawSql.metrics.includes(SECRETS.sqlEmail), false, 'metrics never carry raw SQL');
  });
});
