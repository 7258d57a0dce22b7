// Hostile cardinality against the real collector process: a flood of distinct services, routes,
// SQL statements, templates and attribute keys. Label values on /metrics stay within the
// configured bounds (the rest folds into __overflow__), rows written per flush stay within the
// aggregator's bound, memory stays bounded; oversized attribute values are cut and counted, and
// requests with too many spans are cut and counted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { rssBytes, sleep, startCollector, until, type CollectorProcess } from './collector-process.js';
import { exportRequest, metricSum, postJson, scrape, type FakeRequest } from './otlp-traffic.js';

const MAX_SERVICES = 5;
const MAX_ROUTES = 10;
const MAX_TEMPLATES = 4;
const MAX_ATTRIBUTE_LENGTH = 256;
const MAX_SPANS_PER_REQUEST = 50;
/** DEFAULT_AGGREGATOR_CONFIG.maxGroupsPerFlush (collector/aggregate/aggregator.ts; no env setting). */
const MAX_GROUPS_PER_FLUSH = 50_000;
const EXPORTS = 40;
const REQUESTS_PER_EXPORT = 500;
const RSS_LIMIT_BYTES = 512 * 1024 * 1024;

function floodRequest(n: number): FakeRequest {
  const junk: Record<string, string> = {};
  for (let k = 0; k < 10; k++) junk[`custom.key.${n}.${k}`] = `v${n}`;
  return {
    service: `svc-${n % 40}`,
    route: `flood/${n}/<int:pk>/`,
    statement: `SELECT "t${n}"."c${n}" FROM "table_${n}" WHERE "t${n}"."id" = %s`,
    rootAttrs: junk,
    children: [{ name: `django.template.render t${n}.html`, kind: 1, attrs: { 'hotpath.kind': 'template', 'hotpath.template.name': `t${n}.html`, ...junk } }],
  };
}

/** Distinct values of `label` among the samples of `metric`, grouped by another label's value. */
function labelValues(text: string, metric: string, label: string, by?: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const v = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1];
    if (v === undefined) continue;
    const key = by === undefined ? '' : (new RegExp(`${by}="([^"]*)"`).exec(line)?.[1] ?? '');
    if (!out.has(key)) out.set(key, new Set());
    out.get(key)!.add(v);
  }
  return out;
}

describe('flood of distinct names: bounded series, rows and memory; oversize cut and counted', () => {
  let c: CollectorProcess;
  let metrics = '';
  let peakRss = 0;
  let sentRequests = 0;
  before(async () => {
    c = await startCollector({
      env: {
        HOTPATH_GRACE_MS: '0',
        // One flush for the whole flood, so the per-flush row bound is what limits it.
        HOTPATH_FLUSH_INTERVAL_MS: '600000',
        HOTPATH_METRICS_MAX_SERVICES: String(MAX_SERVICES),
        HOTPATH_METRICS_MAX_ROUTES: String(MAX_ROUTES),
        HOTPATH_METRICS_MAX_TEMPLATES: String(MAX_TEMPLATES),
        HOTPATH_MAX_ATTRIBUTE_LENGTH: String(MAX_ATTRIBUTE_LENGTH),
        HOTPATH_MAX_SPANS_PER_REQUEST: String(MAX_SPANS_PER_REQUEST),
      },
    });
    let n = 0;
    for (let e = 0; e < EXPORTS; e++) {
      const { body } = exportRequest(Array.from({ length: REQUESTS_PER_EXPORT }, () => floodRequest(n++)));
      assert.equal((await postJson(c.otlpUrl, body)).status, 200);
      sentRequests += REQUESTS_PER_EXPORT;
      peakRss = Math.max(peakRss, rssBytes(c.pid));
    }
    // Oversized: a 100 kB statement and a request with 10x the span bound.
    const huge = `SELECT "big"."id" FROM "big" WHERE "big"."name" = '${'x'.repeat(100_000)}'`;
    const big = exportRequest([
      { service: 'svc-big', route: 'huge/', statement: huge },
      { service: 'svc-big', route: 'many/', queries: MAX_SPANS_PER_REQUEST * 10 },
    ]);
    assert.equal((await postJson(c.otlpUrl, big.body)).status, 200);
    sentRequests += 2;
    await until(async () => metricSum(await scrape(c.apiUrl), 'hotpath_http_server_request_duration_seconds_count') >= sentRequests, 30_000, 'flood analysed');
    peakRss = Math.max(peakRss, rssBytes(c.pid));
    await sleep(200);
    metrics = await scrape(c.apiUrl);
  });
  after(async () => {
    await c?.dispose();
  });

  test(`service_name label values stay within ${MAX_SERVICES} plus __overflow__`, () => {
    const services = labelValues(metrics, 'hotpath_http_server_request_duration_seconds_count', 'service_name').get('')!;
    assert.equal(services.size, MAX_SERVICES + 1, [...services].join(','));
    assert.ok(services.has('__overflow__'));
  });

  test(`http_route values per service stay within ${MAX_ROUTES} plus __overflow__, templates within ${MAX_TEMPLATES}`, () => {
    for (const [svc, routes] of labelValues(metrics, 'hotpath_http_server_request_duration_seconds_count', 'http_route', 'service_name')) {
      assert.ok(routes.size <= MAX_ROUTES + 1, `${svc}: ${routes.size} routes`);
    }
    for (const [svc, templates] of labelValues(metrics, 'hotpath_template_render_duration_seconds_count', 'template', 'service_name')) {
      assert.ok(templates.size <= MAX_TEMPLATES + 1, `${svc}: ${templates.size} templates`);
    }
  });

  test('the whole exposition stays small: series do not grow with the flood, no custom attribute key leaks in', (t) => {
    const series = metrics.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    t.diagnostic(`${series} series after ${sentRequests} requests with distinct names; peak RSS ${(peakRss / 1048576).toFixed(0)} MiB`);
    assert.ok(series < 5000, `${series} series`);
    assert.doesNotMatch(metrics, /custom_key|custom\.key/);
  });

  test(`resident memory stays under ${RSS_LIMIT_BYTES / 1048576} MiB`, () => {
    assert.ok(peakRss > 0 && peakRss < RSS_LIMIT_BYTES, `peak RSS ${peakRss}`);
  });

  test('an attribute value over the limit is cut and counted in hotpath_decode_truncated_attributes_total', () => {
    assert.ok(metricSum(metrics, 'hotpath_decode_truncated_attributes_total') >= 1);
  });

  test('aggregated rows cut at the per-flush group bound are counted in hotpath_storage_dropped_rows_total', () => {
    assert.ok(metricSum(metrics, 'hotpath_storage_dropped_rows_total', { reason: 'max_groups_per_flush' }) > 0);
  });

  test('a request over the span bound is cut and counted: evicted trace and dropped spans', () => {
    assert.equal(metricSum(metrics, 'hotpath_traces_evicted_total', { reason: 'max_spans' }), 1);
    // root + 500 queries, of which MAX_SPANS_PER_REQUEST are kept.
    assert.equal(metricSum(metrics, 'hotpath_spans_dropped_total', { stage: 'assemble' }), MAX_SPANS_PER_REQUEST * 10 + 1 - MAX_SPANS_PER_REQUEST);
  });

  test(`after the one flush, rows written stay within maxGroupsPerFlush (${MAX_GROUPS_PER_FLUSH}) and the cut statement is short`, async (t) => {
    assert.deepEqual(await c.stop('SIGTERM'), { code: 0, signal: null }, c.output().slice(-2000));
    const db = new BetterSqlite3(c.dbPath, { readonly: true });
    try {
      const rows = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      const grouped = rows('endpoint_minute') + rows('query_minute') + rows('query_route_minute') + rows('finding_minute') + rows('background_minute');
      t.diagnostic(`grouped rows ${grouped} from ${sentRequests} distinct requests (uncut: >= 3 rows each)`);
      assert.ok(grouped <= MAX_GROUPS_PER_FLUSH, `${grouped} rows`);
      // Uncut, every request would add at least 3 rows (endpoint, query, query-by-route: all distinct).
      assert.ok(grouped < sentRequests * 3, 'the bound, not the input, limited the rows');
      const longest = (db.prepare('SELECT max(length(normalized)) AS n FROM queries').get() as { n: number }).n;
      assert.ok(longest <= MAX_ATTRIBUTE_LENGTH + 16, `longest stored statement ${longest} chars`);
    } finally {
      db.close();
    }
  });
});

describe('adversarial SQL through the collector (attribute limit raised to let 1 MB through)', () => {
  test('1 MB of nested parentheses, an unbalanced quote and an unterminated comment are analysed, the collector keeps serving', async () => {
    const c = await startCollector({ env: { HOTPATH_GRACE_MS: '0', HOTPATH_MAX_ATTRIBUTE_LENGTH: String(2 * 1024 * 1024) } });
    try {
      const MB = 1024 * 1024;
      const statements = [
        `SELECT ${'('.repeat(MB / 2)}1${')'.repeat(MB / 2)}`,
        `SELECT '${"x''".repeat(MB / 3)}`,
        `SELECT 1 /*${'*'.repeat(MB)}`,
        `SELECT "${'a"b'.repeat(MB / 3)}`,
      ];
      const { body } = exportRequest(statements.map((statement, i) => ({ service: 'adversarial', route: `sql/${i}/`, statement })));
      assert.equal((await postJson(c.otlpUrl, body)).status, 200);
      const seen = await until(async () => {
        const n = metricSum(await scrape(c.apiUrl), 'hotpath_http_server_request_duration_seconds_count', { service_name: 'adversarial' });
        return n >= statements.length ? n : false;
      }, 30_000, 'adversarial statements analysed');
      assert.equal(seen, statements.length);
      assert.equal(metricSum(await scrape(c.apiUrl), 'hotpath_sink_errors_total'), 0);
      assert.deepEqual(await c.stop('SIGTERM'), { code: 0, signal: null });
    } finally {
      await c.dispose();
    }
  });
});
