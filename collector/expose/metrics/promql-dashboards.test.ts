// End to end against a real Prometheus: it scrapes this package's /metrics output (content
// negotiation, exemplars), loads the alert rules, and answers every dashboard and rule expression.
// Needs /usr/bin/prometheus (Debian package `prometheus`); without it the test fails, it never skips.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createMetrics } from './index.js';
import { sampleTraffic } from './testing.js';
import { check, collectQueries } from '../../../scripts/check-promql.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

async function getJson(url: string): Promise<{ status: string; data: unknown }> {
  return (await (await fetch(url)).json()) as { status: string; data: unknown };
}

/** Polls `probe` until it returns true; Prometheus is an external process with its own clock. */
async function waitFor(what: string, probe: () => Promise<boolean>, attempts = 150): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('dashboards and rules against a real Prometheus', () => {
  // One middleware slot: the second middleware class of the traffic overflows, so the overflow
  // panel has data too.
  const metrics = createMetrics({ version: 'test', maxMiddleware: 1 }, Date.now);
  let server: Server;
  let prom: ChildProcess | undefined;
  let feeder: NodeJS.Timeout | undefined;
  let base = '';
  let promLog = '';
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-prom-'));
  let round = 0;

  const feed = (): void => {
    for (const r of sampleTraffic(round++)) metrics.sink.consume(r);
    const s = metrics.selfMetrics;
    s.receiverAccepted('grpc', 500);
    s.receiverAccepted('http', 200);
    s.receiverRefused('http', 'OVERLOADED', 5);
    s.receiverRequest('grpc', 'OK');
    s.requestSize('http', 20_000);
    s.requestLatency('grpc', 0.004);
    s.setInFlightRequests(1);
    s.assemblerEvicted('max_spans', 1);
    s.setAssemblerOpenRequests(12);
    s.setAssemblerBufferedSpans(340);
    s.setSpanStoreSlots(440, 4096);
    s.spansDropped('assemble', 'max_spans_per_request', 2);
    s.attributesTruncated(3);
    s.setQueueDepth('ingest', 100);
    s.storageFlush(0.012, 40);
    s.storageError('flush');
    s.setFingerprintCacheSize(42);
    s.setFlushInterval(1.6);
    s.setReady(true);
  };

  before(async () => {
    const which = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
    assert.equal(which.error, undefined, 'prometheus is not installed: apt-get install -y prometheus (Debian package)');
    feed();
    server = createServer((req, res) => {
      metrics.handleScrape(req.headers.accept).then(({ contentType, body }) => {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(body);
      }, (e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    feeder = setInterval(feed, 250);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: [${JSON.stringify(join(ROOT, 'prometheus', 'rules', '*.yml'))}]`,
      'scrape_configs:',
      `  - { job_name: hotpath, static_configs: [ { targets: [${JSON.stringify(target)}] } ] }`,
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    prom = spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    prom.stderr?.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
    // Rates over [1m] need two samples and $__range tables need increase(): wait for 6 scrapes.
    await waitFor('six scrapes', async () => {
      const r = await getJson(`${base}/api/v1/query?query=${encodeURIComponent('count_over_time(up{job="hotpath"}[1m])')}`);
      const v = (r.data as { result: { value: [number, string] }[] }).result[0]?.value[1];
      return Number(v) >= 6;
    });
  });

  after(async () => {
    if (feeder !== undefined) clearInterval(feeder);
    prom?.kill('SIGTERM');
    if (prom !== undefined && prom.exitCode === null) await new Promise((ok) => prom!.once('exit', ok));
    await new Promise((ok) => server.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  test('the scrape succeeds (up == 1) through content negotiation', async () => {
    const r = await getJson(`${base}/api/v1/query?query=up`);
    assert.deepEqual((r.data as { result: { value: [number, string] }[] }).result.map((x) => x.value[1]), ['1'], promLog);
  });

  test('Prometheus stores the trace_id/span_id exemplars of the request histogram', async () => {
    const now = Date.now() / 1000;
    const q = encodeURIComponent('hotpath_http_server_request_duration_seconds_bucket');
    const r = await getJson(`${base}/api/v1/query_exemplars?query=${q}&start=${now - 300}&end=${now + 60}`);
    const exemplars = (r.data as { exemplars: { labels: Record<string, string> }[] }[]).flatMap((s) => s.exemplars);
    assert.ok(exemplars.length > 0, 'no exemplars stored');
    assert.match(exemplars[0]!.labels.trace_id ?? '', /^[0-9a-f]{32}$/);
    assert.match(exemplars[0]!.labels.span_id ?? '', /^[0-9a-f]{16}$/);
  });

  test('every rule file loads and every rule evaluates without error', async () => {
    await waitFor('rule evaluation', async () => {
      const r = await getJson(`${base}/api/v1/rules`);
      const rules = (r.data as { groups: { rules: { health: string }[] }[] }).groups.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((x) => x.health === 'ok');
    });
    const r = await getJson(`${base}/api/v1/rules`);
    const rules = (r.data as { groups: { rules: { name: string; health: string; lastError?: string }[] }[] }).groups.flatMap((g) => g.rules);
    assert.equal(rules.length, 19);
    assert.deepEqual(rules.filter((x) => x.health !== 'ok').map((x) => `${x.name}: ${x.lastError}`), []);
  });

  test('every dashboard and rule expression parses and every dashboard panel and variable returns data', async () => {
    const queries = collectQueries(join(ROOT, 'grafana', 'dashboards'), join(ROOT, 'prometheus', 'rules'));
    assert.ok(queries.filter((q) => q.kind === 'panel').length >= 40, 'dashboards lost their queries');
    const verdict = await check(base, queries, { requireData: true, range: '5m' });
    assert.deepEqual(verdict.failures, []);
    const empty = verdict.results.filter((r) => r.kind === 'panel' && r.series === 0).map((r) => r.source);
    assert.deepEqual(empty, [], 'with every self-metric fed, each panel query has data');
  });

  test('the checker reports a syntax error, a panel without data and one that is only NaN', async () => {
    const verdict = await check(base, [
      { source: 'broken.json > Broken', panel: 1, kind: 'panel', expr: 'sum(rate(hotpath_findings_total[$__rate_interval])' },
      { source: 'empty.json > Empty', panel: 2, kind: 'panel', expr: 'hotpath_no_such_metric{service_name=~"$service"}' },
      { source: 'nan.json > NaN', panel: 3, kind: 'panel', expr: 'vector(0) / vector(0)' },
      { source: 'zero.json > Zero', panel: 4, kind: 'panel', expr: 'vector(0)' },
    ], { requireData: true });
    assert.equal(verdict.failures.length, 3);
    assert.match(verdict.failures[0]!, /^broken\.json > Broken: .*parse error/);
    assert.match(verdict.failures[1]!, /^empty\.json > Empty: no data/);
    assert.match(verdict.failures[2]!, /^nan\.json > NaN: no data/);
  });
});
