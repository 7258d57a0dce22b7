// Queries: DB operation latency, the costliest SQL fingerprints, and the API's query tables.
import { dashboard, datasourceVar, row, serviceVar } from './dashboard.js';
import { apiTable, col, promTable, timeseries } from './model.js';

const S = 'service_name=~"$service"';
const DB = 'hotpath_db_client_operation_duration_seconds';
const RI = '$__rate_interval';

export const queries = dashboard({
  uid: 'hotpath-queries',
  title: 'Hotpath / Queries',
  description: 'Database operations, top SQL fingerprints by total time, and the slow-query log from the Hotpath API.',
  variables: [datasourceVar, serviceVar],
  panels: [
    timeseries('DB operation latency p95', [
      { expr: `histogram_quantile(0.95, sum by (db_system, db_operation_name, le) (rate(${DB}_bucket{${S}}[${RI}])))`, legend: '{{db_system}} {{db_operation_name}}', exemplar: true },
    ], { unit: 's' }),
    timeseries('DB operations/s', [
      { expr: `sum by (db_system, db_operation_name) (rate(${DB}_count{${S}}[${RI}]))`, legend: '{{db_system}} {{db_operation_name}}' },
    ], { unit: 'ops', stack: true }),
    promTable(
      'Top fingerprints by total time',
      { expr: `topk(20, sum by (service_name, db_fingerprint) (increase(hotpath_db_fingerprint_duration_seconds_total{${S}}[$__range])))` },
      ['service_name', 'db_fingerprint'],
      'Total time',
      { unit: 's', w: 12, h: 10, description: 'Look a fingerprint up in the table below or at /api/v1/queries/{fingerprint}.' },
    ),
    timeseries('Slow queries/s by route', [
      { expr: `sum by (service_name, http_route) (rate(hotpath_slow_queries_total{${S}}[${RI}]))`, legend: '{{service_name}} {{http_route}}' },
    ], { unit: 'short', w: 12, h: 10 }),
    row('From the Hotpath API'),
    apiTable('Top queries', '/api/v1/queries', 'queries', [
      col('service', 'Service'), col('fingerprint', 'Fingerprint'), col('operation', 'Op'), col('normalized', 'SQL'),
      col('calls', 'Calls', 'number'), col('calls_per_request', 'Per request', 'number'), col('total_ms', 'Total ms', 'number'),
      col('mean_ms', 'Mean ms', 'number'), col('p95_ms', 'p95 ms', 'number'),
    ]),
    apiTable('Slow query log', '/api/v1/slow-queries', 'slow_queries', [
      col('time', 'Time', 'timestamp'), col('service', 'Service'), col('route', 'Route'), col('duration_ms', 'ms', 'number'),
      col('operation', 'Op'), col('statement', 'SQL'), col('trace_id', 'Trace'),
    ]),
  ],
});
