// Endpoint: one route's latency, its time breakdown by component, queries per request, findings.
import { dashboard, datasourceVar, routeVar, row, serviceVar } from './dashboard.js';
import { promTable, timeseries } from './model.js';

const SR = 'service_name=~"$service",http_route=~"$route"';
const DUR = 'hotpath_http_server_request_duration_seconds';
const RI = '$__rate_interval';
const PER_REQUEST = `on () group_left () sum(rate(hotpath_request_db_queries_count{${SR}}[${RI}]))`;

export const endpoint = dashboard({
  uid: 'hotpath-endpoint',
  title: 'Hotpath / Endpoint',
  description: 'One route: latency with exemplars, where each request spends its time, queries and findings.',
  variables: [datasourceVar, serviceVar, routeVar],
  panels: [
    timeseries('Latency', [
      { expr: `histogram_quantile(0.5, sum by (le) (rate(${DUR}_bucket{${SR}}[${RI}])))`, legend: 'p50' },
      { expr: `histogram_quantile(0.95, sum by (le) (rate(${DUR}_bucket{${SR}}[${RI}])))`, legend: 'p95', exemplar: true },
      { expr: `histogram_quantile(0.99, sum by (le) (rate(${DUR}_bucket{${SR}}[${RI}])))`, legend: 'p99' },
    ], { unit: 's', description: 'Exemplar dots link to the trace of a request in that bucket.' }),
    timeseries('Requests/s by status', [
      { expr: `sum by (http_request_method, http_response_status_code) (rate(${DUR}_count{${SR}}[${RI}]))`, legend: '{{http_request_method}} {{http_response_status_code}}' },
    ], { unit: 'reqps' }),
    row('Time breakdown'),
    timeseries('Mean time per request by component', [
      { expr: `sum by (component) (rate(hotpath_request_component_seconds_total{${SR}}[${RI}])) / ${PER_REQUEST}`, legend: '{{component}}' },
    ], { unit: 's', stack: true, w: 24, h: 10, description: 'db, cache, template, middleware, outbound and the view\'s own code (self), stacked: the total is the mean request duration.' }),
    row('Queries and findings'),
    timeseries('DB queries per request', [
      { expr: `sum(rate(hotpath_request_db_queries_sum{${SR}}[${RI}])) / sum(rate(hotpath_request_db_queries_count{${SR}}[${RI}]))`, legend: 'mean' },
      { expr: `histogram_quantile(0.95, sum by (le) (rate(hotpath_request_db_queries_bucket{${SR}}[${RI}])))`, legend: 'p95', exemplar: true },
    ], { unit: 'short', w: 8 }),
    timeseries('Findings/s by type', [{ expr: `sum by (type) (rate(hotpath_findings_total{${SR}}[${RI}]))`, legend: '{{type}}' }], { unit: 'short', stack: true, w: 8 }),
    timeseries('Cache lookups/s by result', [{ expr: `sum by (result) (rate(hotpath_cache_requests_total{${SR}}[${RI}]))`, legend: '{{result}}' }], { unit: 'short', stack: true, w: 8 }),
    promTable(
      'Findings in range',
      { expr: `sort_desc(sum by (service_name, http_route, type) (increase(hotpath_findings_total{${SR}}[$__range])))` },
      ['service_name', 'http_route', 'type'],
      'Findings',
      { w: 24, h: 8 },
    ),
  ],
});
