import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from './index.js';
import { analysedSpan, finding, request, sample } from './testing.js';

async function text(m: ReturnType<typeof createMetrics>): Promise<string> {
  return (await m.handleScrape('text/plain')).body;
}

describe('MetricsSink.consume', () => {
  test('records request duration per service, route, method and status in seconds', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 0);
    m.sink.consume(request({ route: 'api/orders/<int:pk>/', status: 200, breakdown: { durationMs: 40 } }));
    m.sink.consume(request({ route: 'api/orders/<int:pk>/', status: 500, breakdown: { durationMs: 2000 } }));
    m.sink.consume(request({ route: 'api/orders/<int:pk>/', method: 'BREW', status: 200, breakdown: { durationMs: 10 } }));
    const body = await text(m);
    const l = { service_name: 'shop', http_route: 'api/orders/<int:pk>/', http_request_method: 'GET' };
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_count', { ...l, http_response_status_code: '200' }), 1);
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_sum', { ...l, http_response_status_code: '500' }), 2);
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_bucket', { ...l, http_response_status_code: '200', le: '0.05' }), 1);
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_bucket', { ...l, http_response_status_code: '200', le: '0.025' }), 0);
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_count', { http_request_method: '_OTHER' }), 1);
  });

  test('splits request time by component and counts queries per request', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 0);
    m.sink.consume(request({ breakdown: { durationMs: 500, dbMs: 300, cacheMs: 20, templateMs: 50, middlewareMs: 10, outboundMs: 100, selfMs: 20, dbQueries: 12 } }));
    const body = await text(m);
    const comp = (c: string): number | undefined => sample(body, 'hotpath_request_component_seconds_total', { http_route: 'api/items/', component: c });
    assert.deepEqual(['db', 'cache', 'template', 'middleware', 'outbound', 'self'].map(comp), [0.3, 0.02, 0.05, 0.01, 0.1, 0.02]);
    assert.equal(sample(body, 'hotpath_request_db_queries_bucket', { le: '10' }), 0);
    assert.equal(sample(body, 'hotpath_request_db_queries_bucket', { le: '20' }), 1);
    assert.equal(sample(body, 'hotpath_request_db_queries_sum'), 12);
  });

  test('counts cache results, findings, their occurrences and slow queries per route', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 0);
    const findings = [finding('n_plus_one', 25), finding('slow_query', 2), finding('slow_query', 1)];
    m.sink.consume(request({ breakdown: { cacheHits: 3, cacheMisses: 1 }, findings }));
    const body = await text(m);
    assert.equal(sample(body, 'hotpath_cache_requests_total', { result: 'hit' }), 3);
    assert.equal(sample(body, 'hotpath_cache_requests_total', { result: 'miss' }), 1);
    assert.equal(sample(body, 'hotpath_cache_requests_total', { result: 'unknown' }), undefined);
    assert.equal(sample(body, 'hotpath_findings_total', { type: 'n_plus_one' }), 1);
    assert.equal(sample(body, 'hotpath_finding_occurrences_total', { type: 'n_plus_one' }), 25);
    assert.equal(sample(body, 'hotpath_findings_total', { type: 'slow_query' }), 2);
    assert.equal(sample(body, 'hotpath_slow_queries_total', { service_name: 'shop', http_route: 'api/items/' }), 3);
  });

  test('records DB operations, fingerprints, templates and middleware from the spans', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 0);
    const spans = [
      analysedSpan('db', { dbSystem: 'postgresql', dbOperation: 'SELECT', durationMs: 4 }, 'aaaaaaaaaaaaaaaa'),
      analysedSpan('db', { dbSystem: 'postgresql', dbOperation: 'SELECT', durationMs: 6 }, 'aaaaaaaaaaaaaaaa'),
      analysedSpan('db', { dbSystem: 'postgresql', dbOperation: '', durationMs: 2 }, ''),
      analysedSpan('template', { templateName: 'shop/list.html', durationMs: 30 }),
      analysedSpan('middleware', { middlewareClass: 'django.contrib.sessions.middleware.SessionMiddleware', durationMs: 3 }),
      analysedSpan('cache', { durationMs: 1 }),
    ];
    m.sink.consume(request({ spans }));
    const body = await text(m);
    const db = { service_name: 'shop', db_system: 'postgresql' };
    assert.equal(sample(body, 'hotpath_db_client_operation_duration_seconds_count', { ...db, db_operation_name: 'SELECT' }), 2);
    assert.equal(sample(body, 'hotpath_db_client_operation_duration_seconds_sum', { ...db, db_operation_name: 'SELECT' }), 0.01);
    assert.equal(sample(body, 'hotpath_db_client_operation_duration_seconds_count', { ...db, db_operation_name: '_OTHER' }), 1);
    assert.equal(sample(body, 'hotpath_db_fingerprint_calls_total', { db_fingerprint: 'aaaaaaaaaaaaaaaa' }), 2);
    assert.equal(sample(body, 'hotpath_db_fingerprint_duration_seconds_total', { db_fingerprint: 'aaaaaaaaaaaaaaaa' }), 0.01);
    assert.equal(sample(body, 'hotpath_template_render_duration_seconds_count', { template: 'shop/list.html' }), 1);
    assert.equal(sample(body, 'hotpath_middleware_duration_seconds_sum', { middleware: 'django.contrib.sessions.middleware.SessionMiddleware' }), 0.003);
  });

  test('keeps tasks out of the HTTP server histogram but counts their components', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 0);
    m.sink.consume(request({ kind: 'task', route: 'shop.tasks.rebuild', status: 0, breakdown: { dbMs: 50 } }));
    const body = await text(m);
    assert.equal(sample(body, 'hotpath_http_server_request_duration_seconds_count'), undefined);
    assert.equal(sample(body, 'hotpath_request_component_seconds_total', { http_route: 'shop.tasks.rebuild', component: 'db' }), 0.05);
    assert.equal(sample(body, 'hotpath_analysed_requests_total', { kind: 'task' }), 1);
  });

  test('marks each service version with the time it was first seen', async () => {
    let now = 1_000_000;
    const m = createMetrics({ defaultMetrics: false }, () => now);
    m.sink.consume(request({ version: '1.0.0' }));
    now = 2_000_000;
    m.sink.consume(request({ version: '1.0.0' }));
    m.sink.consume(request({ version: '1.1.0' }));
    const body = await text(m);
    const name = 'hotpath_service_version_first_seen_timestamp_seconds';
    assert.equal(sample(body, name, { service_version: '1.0.0' }), 1000);
    assert.equal(sample(body, name, { service_version: '1.1.0' }), 2000);
  });
});
