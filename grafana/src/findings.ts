// Findings: N+1 and the other detectors over time, against deploys (version first-seen markers).
import { dashboard, datasourceVar, routeVar, serviceVar } from './dashboard.js';
import { apiTable, col, promTable, timeseries } from './model.js';

const SR = 'service_name=~"$service",http_route=~"$route"';
const RI = '$__rate_interval';

export const findings = dashboard({
  uid: 'hotpath-findings',
  title: 'Hotpath / Findings',
  description: 'N+1 queries, duplicate and slow queries, heavy cache use, slow templates and middleware, by deploy.',
  variables: [datasourceVar, serviceVar, routeVar],
  panels: [
    timeseries('Findings/s by type', [{ expr: `sum by (type) (rate(hotpath_findings_total{${SR}}[${RI}]))`, legend: '{{type}}' }], { unit: 'short', stack: true }),
    timeseries('N+1 queries per request by route', [
      {
        expr: `sum by (service_name, http_route) (rate(hotpath_finding_occurrences_total{${SR},type="n_plus_one"}[${RI}])) / sum by (service_name, http_route) (rate(hotpath_request_db_queries_count{${SR}}[${RI}]))`,
        legend: '{{service_name}} {{http_route}}',
      },
    ], { unit: 'short', description: 'Queries caught in N+1 loops per request; a step at a deploy marker is a regression.' }),
    promTable(
      'Findings by route and type in range',
      { expr: `sort_desc(sum by (service_name, http_route, type) (increase(hotpath_findings_total{${SR}}[$__range])))` },
      ['service_name', 'http_route', 'type'],
      'Findings',
    ),
    promTable(
      'Deploys (versions first seen)',
      { expr: `max by (service_name, service_version) (hotpath_service_version_first_seen_timestamp_seconds{service_name=~"$service"}) * 1000` },
      ['service_name', 'service_version'],
      'First seen',
      { unit: 'dateTimeAsIso' },
    ),
    apiTable('Findings from the API', '/api/v1/findings', 'findings', [
      col('type', 'Type'), col('service', 'Service'), col('method', 'Method'), col('route', 'Route'), col('fingerprint', 'Fingerprint'),
      col('occurrences', 'Occurrences', 'number'), col('requests', 'Requests', 'number'), col('total_ms', 'Total ms', 'number'),
      col('suggestion', 'Suggestion'), col('last_seen', 'Last seen', 'timestamp'),
    ]),
  ],
});
