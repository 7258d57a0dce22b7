import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createMetrics } from './index.js';
import { negotiateFormat } from './scrape.js';
import { request, sample } from './testing.js';

// What Prometheus 2.42 and 3.x send by default (scrape_protocols).
const PROM2_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const PROM3_ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1';

describe('negotiateFormat', () => {
  test('chooses OpenMetrics for the Accept headers Prometheus sends', () => {
    assert.equal(negotiateFormat(PROM2_ACCEPT), 'openmetrics');
    assert.equal(negotiateFormat(PROM3_ACCEPT), 'openmetrics');
  });
  test('chooses text for browsers, curl and a missing header', () => {
    assert.equal(negotiateFormat(undefined), 'text');
    assert.equal(negotiateFormat(''), 'text');
    assert.equal(negotiateFormat('*/*'), 'text');
    assert.equal(negotiateFormat('text/html,application/xhtml+xml,*/*;q=0.8'), 'text');
  });
  test('follows q-values and ignores ranges with q=0', () => {
    assert.equal(negotiateFormat('text/plain;q=0.9,application/openmetrics-text;q=0.5'), 'text');
    assert.equal(negotiateFormat('application/openmetrics-text;q=0,text/plain'), 'text');
  });
});

describe('handleScrape', () => {
  test('answers OpenMetrics with its content type, exemplars and # EOF', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 1_700_000_000_000);
    m.sink.consume(request({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), breakdown: { durationMs: 30 } }));
    const r = await m.handleScrape(PROM3_ACCEPT);
    assert.equal(r.contentType, Registry.OPENMETRICS_CONTENT_TYPE);
    assert.match(r.body, /# EOF\n$/);
    const line = r.body.split('\n').find((l) => l.startsWith('hotpath_http_server_request_duration_seconds_bucket{le="0.05"'));
    assert.ok(line, 'bucket 0.05 present');
    assert.match(line, / 1 # \{trace_id="a{32}",span_id="b{16}"\} 0\.03 1700000000$/);
  });

  test('answers text 0.0.4 without exemplars when OpenMetrics is not asked for', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 0);
    m.sink.consume(request({ breakdown: { durationMs: 30 } }));
    const r = await m.handleScrape('text/plain');
    assert.equal(r.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.doesNotMatch(r.body, /trace_id=/);
    assert.doesNotMatch(r.body, /# EOF/);
    assert.equal(sample(r.body, 'hotpath_http_server_request_duration_seconds_count', { http_route: 'api/items/' }), 1);
  });

  test('keeps counter names with _total in text after an OpenMetrics scrape renamed them', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 0);
    m.selfMetrics.receiverAccepted('http', 7);
    const om = await m.handleScrape(PROM2_ACCEPT);
    assert.match(om.body, /# TYPE hotpath_receiver_accepted_spans counter/);
    assert.equal(sample(om.body, 'hotpath_receiver_accepted_spans_total', { protocol: 'http' }), 7);
    const text = await m.handleScrape(undefined);
    assert.match(text.body, /# TYPE hotpath_receiver_accepted_spans_total counter/);
    assert.equal(sample(text.body, 'hotpath_receiver_accepted_spans_total', { protocol: 'http' }), 7);
  });

  test('serves concurrent scrapes of both formats each with a body matching its content type', async () => {
    const m = createMetrics({ defaultMetrics: true }, () => 0);
    m.sink.consume(request());
    const results = await Promise.all([m.handleScrape(PROM3_ACCEPT), m.handleScrape('text/plain'), m.handleScrape(PROM2_ACCEPT)]);
    assert.deepEqual(
      results.map((r) => [r.contentType.split(';')[0], r.body.endsWith('# EOF\n')]),
      [['application/openmetrics-text', true], ['text/plain', false], ['application/openmetrics-text', true]],
    );
    assert.match(results[0]!.body, /process_cpu_seconds_total/);
  });

  test('with names, writes only those families, in either format, and ignores unknown names', async () => {
    const m = createMetrics({ defaultMetrics: false }, () => 1_700_000_000_000);
    m.selfMetrics.receiverAccepted('http', 7);
    m.sink.consume(request({ breakdown: { durationMs: 30 } }));
    const names = ['hotpath_receiver_accepted_spans_total', 'no_such_metric'];
    const text = await m.handleScrape(undefined, names);
    assert.equal(text.contentType, Registry.PROMETHEUS_CONTENT_TYPE);
    assert.deepEqual(text.body.split('\n').filter((l) => l.startsWith('# TYPE')), ['# TYPE hotpath_receiver_accepted_spans_total counter']);
    assert.equal(sample(text.body, 'hotpath_receiver_accepted_spans_total', { protocol: 'http' }), 7);
    const om = await m.handleScrape(PROM3_ACCEPT, names);
    assert.equal(om.contentType, Registry.OPENMETRICS_CONTENT_TYPE);
    assert.match(om.body, /^# HELP hotpath_receiver_accepted_spans [^\n]*\n# TYPE hotpath_receiver_accepted_spans counter\n/);
    assert.match(om.body, /\n# EOF\n$/);
    assert.doesNotMatch(om.body, /hotpath_http_server_request_duration_seconds/);
    const full = await m.handleScrape(undefined);
    assert.match(full.body, /hotpath_http_server_request_duration_seconds_bucket/);
  });

  test('with names, a process family set by another family\'s collect is fresh, not 0', async () => {
    const m = createMetrics({ defaultMetrics: true }, () => 0);
    const names = ['nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes', 'nodejs_heap_space_size_used_bytes', 'nodejs_eventloop_lag_max_seconds'];
    const body = (await m.handleScrape(undefined, names)).body;
    assert.ok((sample(body, 'nodejs_heap_size_used_bytes') ?? 0) > 1_000_000, 'heap in use is read, not the initial 0');
    assert.ok((sample(body, 'nodejs_external_memory_bytes') ?? 0) > 0);
    assert.ok((sample(body, 'nodejs_heap_space_size_used_bytes', { space: 'old' }) ?? 0) > 0);
    assert.match(body, /^nodejs_eventloop_lag_max_seconds \S+$/m);
    assert.doesNotMatch(body, /nodejs_heap_size_total_bytes/, 'the filling family is collected, not written');
  });
});
