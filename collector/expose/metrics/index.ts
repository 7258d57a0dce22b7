// Entry point of the Prometheus exposition: one registry holding the request-derived families
// (bounded, TTL-expired), the collector's own health metrics, and optionally process metrics.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock, RequestSink } from '../../contract.js';
import { resolveMetricsConfig, type MetricsConfig } from './config.js';
import { createRequestFamilies } from './request-families.js';
import { MetricsSink } from './request-sink.js';
import { createScrapeHandler, type ScrapeResult } from './scrape.js';
import { createSelfMetrics, type SelfMetrics } from './self-metrics.js';

export type { MetricsConfig } from './config.js';
export { DEFAULT_METRICS_CONFIG, OVERFLOW } from './config.js';
export type { SelfMetrics, Protocol } from './self-metrics.js';
export type { ScrapeResult } from './scrape.js';
export { negotiateFormat } from './scrape.js';

export interface Metrics {
  readonly registry: Registry;
  /** Feed every AnalysedRequest here. */
  readonly sink: RequestSink;
  readonly selfMetrics: SelfMetrics;
  /** Body and Content-Type for GET /metrics given the request's Accept header. */
  handleScrape(acceptHeader: string | undefined, names?: readonly string[]): Promise<ScrapeResult>;
  /** Expires label values unseen for seriesTtlMs (handleScrape does this too). */
  sweep(): void;
  /** Series held by the request-derived families, for tests and the health dashboard. */
  seriesCount(): number;
}

export function createMetrics(cfg: Partial<MetricsConfig>, clock: Clock): Metrics {
  const config = resolveMetricsConfig(cfg);
  const registry = new Registry();
  const families = createRequestFamilies(registry);
  const versionGauge = new Gauge({
    name: 'hotpath_service_version_first_seen_timestamp_seconds',
    help: 'When the collector first saw a service version: deploy markers for dashboards and alerts.',
    labelNames: ['service_name', 'service_version'] as const,
    registers: [registry],
  });
  const sink = new MetricsSink(config, families, versionGauge, clock);
  const seriesCount = (): number => Object.values(families).reduce((n, f) => n + f.size, 0);
  new Gauge({
    name: 'hotpath_metric_series',
    help: 'Series held by the request-derived metric families.',
    registers: [registry],
    collect() {
      this.set(seriesCount());
    },
  });
  const selfMetrics = createSelfMetrics(registry, config.version);
  if (config.defaultMetrics) collectDefaultMetrics({ register: registry });
  const handleScrape = createScrapeHandler(registry, () => sink.sweep());
  return { registry, sink, selfMetrics, handleScrape, sweep: () => sink.sweep(), seriesCount };
}
