import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from './index.js';
import { analysedSpan, finding, request, sample } from './testing.js';

function countSeries(body: string, prefix: string): number {
  return body.split('\n').filter((l) => l.startsWith(prefix) && !l.startsWith('#')).length;
}

describe('cardinality bounds', () => {
  test('100,000 distinct routes, templates, middleware and statements stay within the configured bounds', async () => {
    const cfg = { maxRoutesPerService: 20, maxTemplates: 10, maxMiddleware: 5, maxDbOperations: 4, maxFingerprints: 8, maxServices: 3, defaultMetrics: false };
    const m = createMetrics(cfg, () => 0);
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      const spans = [
        analysedSpan('db', { dbSystem: 'postgresql', dbOperation: `OP${i}` }, i.toString(16).padStart(16, '0')),
        analysedSpan('template', { templateName: `t${i}.html` }),
        analysedSpan('middleware', { middlewareClass: `m.M${i}` }),
      ];
      m.sink.consume(request({ service: `svc${i % 5}`, route: `r/${i}/`, spans, findings: [finding('n_plus_one', 6)], breakdown: { cacheHits: 1 } }));
    }
    const body = (await m.handleScrape('text/plain')).body;
    // 3 services + 1 overflow service, each with at most (limit + 1 overflow) values per dimension.
    const services = cfg.maxServices + 1;
    const routes = services * (cfg.maxRoutesPerService + 1);
    assert.equal(countSeries(body, 'hotpath_http_server_request_duration_seconds_count{'), routes);
    assert.equal(countSeries(body, 'hotpath_request_component_seconds_total{'), routes * 6);
    assert.equal(countSeries(body, 'hotpath_findings_total{'), routes);
    assert.equal(countSeries(body, 'hotpath_template_render_duration_seconds_count{'), services * (cfg.maxTemplates + 1));
    assert.equal(countSeries(body, 'hotpath_middleware_duration_seconds_count{'), services * (cfg.maxMiddleware + 1));
    assert.equal(countSeries(body, 'hotpath_db_client_operation_duration_seconds_count{'), services * (cfg.maxDbOperations + 1));
    assert.equal(countSeries(body, 'hotpath_db_fingerprint_calls_total{'), services * (cfg.maxFingerprints + 1));
    const perRouteFamilies = 6 + 1 + 1 + 1 + 1 + 1; // components, duration, queries, findings, occurrences, cache hit
    const bound = routes * perRouteFamilies + services * (cfg.maxTemplates + cfg.maxMiddleware + cfg.maxDbOperations + 2 * cfg.maxFingerprints + 5) + 3 + 10;
    assert.ok(m.seriesCount() <= bound, `${m.seriesCount()} series > bound ${bound}`);
    assert.equal(sample(body, 'hotpath_metric_series'), m.seriesCount());

    // Every request beyond the bounds is folded and counted: 2 of 5 services overflow.
    assert.equal(sample(body, 'hotpath_series_overflow_total', { dimension: 'service' }), (N * 2) / 5);
    assert.equal(sample(body, 'hotpath_series_overflow_total', { dimension: 'http_route' }), N - services * cfg.maxRoutesPerService);
    assert.equal(sample(body, 'hotpath_series_overflow_total', { dimension: 'template' }), N - services * cfg.maxTemplates);
    assert.equal(
      sample(body, 'hotpath_http_server_request_duration_seconds_count', { service_name: '__overflow__', http_route: '__overflow__' }),
      (N * 2) / 5 - cfg.maxRoutesPerService,
    );
    assert.doesNotMatch(body, /r\/99999\//);
  });
});

describe('series expiry', () => {
  test('removes series of routes not seen for the TTL and frees their slots', async () => {
    let now = 0;
    const m = createMetrics({ seriesTtlMs: 15 * 60_000, maxRoutesPerService: 2, defaultMetrics: false }, () => now);
    m.sink.consume(request({ route: 'old/' }));
    m.sink.consume(request({ route: 'kept/' }));
    now = 10 * 60_000;
    m.sink.consume(request({ route: 'kept/' }));
    now = 16 * 60_000;
    const body = (await m.handleScrape(undefined)).body;
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_count', { http_route: 'old/' }), undefined);
    assert.equal(sample(body, 'hotpath_request_component_seconds_total', { http_route: 'old/' }), undefined);
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_count', { http_route: 'kept/' }), 2);

    // The freed slot takes a new route instead of __overflow__.
    m.sink.consume(request({ route: 'new/' }));
    const after = (await m.handleScrape(undefined)).body;
    assert.equal(sample(after, 'hotpath_http_server_request_duration_seconds_count', { http_route: 'new/' }), 1);
    assert.equal(sample(after, 'hotpath_series_overflow_total', { dimension: 'http_route' }), 0);
  });

  test('a route that returns after expiry starts fresh series and keeps counting', async () => {
    let now = 0;
    const m = createMetrics({ seriesTtlMs: 60_000, defaultMetrics: false }, () => now);
    const base = m.seriesCount(); // the per-kind request counters, which never expire
    m.sink.consume(request({ route: 'a/', findings: [finding('n_plus_one', 5, 'a/')] }));
    now = 120_000;
    m.sweep();
    assert.equal(m.seriesCount(), base);
    m.sink.consume(request({ route: 'a/', findings: [finding('n_plus_one', 5, 'a/')] }));
    m.sink.consume(request({ route: 'a/', findings: [finding('n_plus_one', 5, 'a/')] }));
    const body = (await m.handleScrape(undefined)).body;
    assert.equal(sample(body, 'hotpath_findings_total', { http_route: 'a/' }), 2);
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_count', { http_route: 'a/' }), 2);
  });

  test('drops the version marker of a version no longer seen', async () => {
    let now = 0;
    const m = createMetrics({ seriesTtlMs: 60_000, defaultMetrics: false }, () => now);
    m.sink.consume(request({ version: '1' }));
    now = 50_000;
    m.sink.consume(request({ version: '2' }));
    now = 100_000;
    const body = (await m.handleScrape(undefined)).body;
    assert.equal(sample(body, 'hotpath_service_version_first_seen_timestamp_seconds', { service_version: '1' }), undefined);
    assert.equal(sample(body, 'hotpath_service_version_first_seen_timestamp_seconds', { service_version: '2' }), 50);
  });
});
