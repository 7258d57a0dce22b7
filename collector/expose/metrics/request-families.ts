// The metric families derived from analysed requests. Names follow Prometheus naming (application
// prefix, base units, `_total` on counters) over the OTel semconv bodies, so PromQL written for
// OTel-derived dashboards works after changing the prefix (OTel spec compatibility/prometheus).
import type { Registry } from 'prom-client';
import { CounterFamily, HistogramFamily } from './series-family.js';
import { DB_DURATION_BUCKETS, HTTP_DURATION_BUCKETS, QUERY_COUNT_BUCKETS } from './config.js';

export interface RequestFamilies {
  duration: HistogramFamily;
  queries: HistogramFamily;
  component: CounterFamily;
  dbOperation: HistogramFamily;
  slowQueries: CounterFamily;
  findings: CounterFamily;
  findingOccurrences: CounterFamily;
  cache: CounterFamily;
  template: HistogramFamily;
  middleware: HistogramFamily;
  fingerprintSeconds: CounterFamily;
  fingerprintCalls: CounterFamily;
  overflow: CounterFamily;
  analysed: CounterFamily;
}

export function createRequestFamilies(registry: Registry): RequestFamilies {
  const f: RequestFamilies = {
    duration: new HistogramFamily(
      'hotpath_http_server_request_duration_seconds',
      'Duration of HTTP server requests, from the request span (labels: service_name, http_route, http_request_method, http_response_status_code).',
      HTTP_DURATION_BUCKETS,
      true,
    ),
    queries: new HistogramFamily(
      'hotpath_request_db_queries',
      'Database queries issued per request (labels: service_name, http_route).',
      QUERY_COUNT_BUCKETS,
      true,
    ),
    component: new CounterFamily(
      'hotpath_request_component_seconds_total',
      'Request time spent per component: db, cache, template, middleware, outbound, self.',
    ),
    dbOperation: new HistogramFamily(
      'hotpath_db_client_operation_duration_seconds',
      'Duration of database client operations, from the DB spans (labels: service_name, db_system, db_operation_name).',
      DB_DURATION_BUCKETS,
      true,
    ),
    slowQueries: new CounterFamily('hotpath_slow_queries_total', 'Queries over the slow-query threshold, per route.'),
    findings: new CounterFamily('hotpath_findings_total', 'Findings (N+1, duplicate query, ...) per route and type.'),
    findingOccurrences: new CounterFamily(
      'hotpath_finding_occurrences_total',
      'Spans involved in findings (e.g. queries of an N+1), per route and type.',
    ),
    cache: new CounterFamily('hotpath_cache_requests_total', 'Cache lookups per route by result (hit, miss, unknown).'),
    template: new HistogramFamily(
      'hotpath_template_render_duration_seconds',
      'Template render durations (labels: service_name, template).',
      DB_DURATION_BUCKETS,
      false,
    ),
    middleware: new HistogramFamily(
      'hotpath_middleware_duration_seconds',
      'Middleware hook durations (labels: service_name, middleware).',
      DB_DURATION_BUCKETS,
      false,
    ),
    fingerprintSeconds: new CounterFamily(
      'hotpath_db_fingerprint_duration_seconds_total',
      'Total database time per SQL fingerprint (a hash; the SQL text is in the API).',
    ),
    fingerprintCalls: new CounterFamily('hotpath_db_fingerprint_calls_total', 'Executions per SQL fingerprint.'),
    overflow: new CounterFamily(
      'hotpath_series_overflow_total',
      'Label values folded into __overflow__ because a cardinality bound was reached, per dimension.',
    ),
    analysed: new CounterFamily('hotpath_analysed_requests_total', 'Requests, tasks and background groups analysed, by kind.'),
  };
  for (const fam of Object.values(f)) fam.register(registry);
  return f;
}
