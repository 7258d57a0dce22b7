// Bounds for every label whose values come from the monitored application. Prometheus advises
// investigating any metric that can exceed ~100 series (docs/practices/instrumentation.md); these
// caps make the worst case a fixed number rather than a function of the traffic.

export interface MetricsConfig {
  /** Distinct `service_name` values before `__overflow__`. */
  maxServices: number;
  /** Distinct `http_route` values per service before `__overflow__`. */
  maxRoutesPerService: number;
  /** Distinct `template` values per service. */
  maxTemplates: number;
  /** Distinct `middleware` values per service. */
  maxMiddleware: number;
  /** Distinct (`db_system`, `db_operation_name`) pairs per service. */
  maxDbOperations: number;
  /** Distinct SQL fingerprints (16-hex hashes, never SQL text) per service. */
  maxFingerprints: number;
  /** A label value not seen for this long has its series removed (checked on scrape / sweep()). */
  seriesTtlMs: number;
  /** Also export prom-client's process_* and nodejs_* metrics. */
  defaultMetrics: boolean;
  /** Value of the `version` label of hotpath_build_info. */
  version: string;
}

export const DEFAULT_METRICS_CONFIG: Readonly<MetricsConfig> = Object.freeze({
  maxServices: 50,
  maxRoutesPerService: 200,
  maxTemplates: 200,
  maxMiddleware: 100,
  maxDbOperations: 50,
  maxFingerprints: 100,
  seriesTtlMs: 15 * 60_000,
  defaultMetrics: true,
  version: '0.0.0',
});

/** The one label value that absorbs everything past a bound. */
export const OVERFLOW = '__overflow__';

/** semconv http.server.request.duration advisory boundaries (docs/http/http-metrics.md, v1.44). */
export const HTTP_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** semconv db.client.operation.duration advisory boundaries (docs/db/database-metrics.md, v1.44). */
export const DB_DURATION_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** Queries per request: N+1 shows up as mass in the upper buckets. */
export const QUERY_COUNT_BUCKETS: readonly number[] = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export function resolveMetricsConfig(partial: Partial<MetricsConfig> = {}): MetricsConfig {
  return { ...DEFAULT_METRICS_CONFIG, ...partial };
}
