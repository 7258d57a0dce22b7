// Overview: RED per service and where the time goes, across all routes.
import { dashboard, datasourceVar, row, serviceVar } from './dashboard.js';
import { promTable, stat, timeseries } from './model.js';

const S = 'service_name=~"$service"';
const DUR = 'hotpath_http_server_request_duration_seconds';
const RI = '$__rate_interval';

export const overview = dashboard({
  uid: 'hotpath-overview',
  title: 'Hotpath / Overview',
  description: 'Rate, errors and duration per Django service, and the endpoints that cost the most time.',
  variables: [datasourceVar, serviceVar],
  panels: [
    stat('Requests/s', { expr: `sum(rate(${DUR}_count{${S}}[${RI}]))` }, { unit: 'reqps' }),
    stat('5xx ratio', { expr: `sum(rate(${DUR}_count{${S},http_response_status_code=~"5.."}[${RI}])) / sum(rate(${DUR}_count{${S}}[${RI}]))` }, { unit: 'percentunit' }),
    stat('p95 latency', { expr: `histogram_quantile(0.95, sum by (le) (rate(${DUR}_bucket{${S}}[${RI}])))` }, { unit: 's' }),
    stat('DB queries per request', { expr: `sum(rate(hotpath_request_db_queries_sum{${S}}[${RI}])) / sum(rate(hotpath_request_db_queries_count{${S}}[${RI}]))` }, { unit: 'short' }),
    row('RED per service'),
    timeseries('Requests/s by service', [{ expr: `sum by (service_name) (rate(${DUR}_count{${S}}[${RI}]))`, legend: '{{service_name}}' }], { unit: 'reqps', w: 8 }),
    timeseries('Errors (5xx) ratio by service', [
      { expr: `sum by (service_name) (rate(${DUR}_count{${S},http_response_status_code=~"5.."}[${RI}])) / sum by (service_name) (rate(${DUR}_count{${S}}[${RI}]))`, legend: '{{service_name}}' },
    ], { unit: 'percentunit', w: 8 }),
    timeseries('Latency by service', [
      { expr: `histogram_quantile(0.5, sum by (service_name, le) (rate(${DUR}_bucket{${S}}[${RI}])))`, legend: 'p50 {{service_name}}' },
      { expr: `histogram_quantile(0.95, sum by (service_name, le) (rate(${DUR}_bucket{${S}}[${RI}])))`, legend: 'p95 {{service_name}}' },
      { expr: `histogram_quantile(0.99, sum by (service_name, le) (rate(${DUR}_bucket{${S}}[${RI}])))`, legend: 'p99 {{service_name}}', exemplar: true },
    ], { unit: 's', w: 8 }),
    row('Where the time goes'),
    promTable(
      'Top endpoints by total time',
      { expr: `topk(20, sum by (service_name, http_route) (increase(${DUR}_sum{${S}}[$__range])))` },
      ['service_name', 'http_route'],
      'Total time',
      { unit: 's', w: 12, h: 10, description: 'Total = requests x mean duration over the dashboard range: what to optimise first.' },
    ),
    timeseries('Time per second by component', [
      { expr: `sum by (component) (rate(hotpath_request_component_seconds_total{${S}}[${RI}]))`, legend: '{{component}}' },
    ], { unit: 's', stack: true, w: 12, h: 10, description: 'Seconds of request time spent per second of wall time, stacked by component.' }),
    timeseries('Cache hit ratio by service', [
      { expr: `sum by (service_name) (rate(hotpath_cache_requests_total{${S},result="hit"}[${RI}])) / sum by (service_name) (rate(hotpath_cache_requests_total{${S},result=~"hit|miss"}[${RI}]))`, legend: '{{service_name}}' },
    ], { unit: 'percentunit' }),
    timeseries('Findings/s by type', [{ expr: `sum by (type) (rate(hotpath_findings_total{${S}}[${RI}]))`, legend: '{{type}}' }], { unit: 'short', stack: true }),
  ],
});
