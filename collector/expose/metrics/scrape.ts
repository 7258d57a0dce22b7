// /metrics content negotiation. Prometheus asks for OpenMetrics first (scrape_protocols default)
// and only OpenMetrics carries exemplars; everything else gets text 0.0.4. Prometheus 3 rejects a
// scrape whose Content-Type does not match the body, so the type always comes from the registry
// that wrote the body.
import { Registry } from 'prom-client';

export type ExpositionFormat = 'openmetrics' | 'text';

/** Picks the format from an Accept header by q-value; ties go to the earlier media range. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept === '') return 'text';
  let best: ExpositionFormat = 'text';
  let bestQ = -1;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    let q = 1;
    for (const p of params) {
      if (p.startsWith('q=')) q = Number(p.slice(2));
    }
    if (!(q > 0)) continue;
    const fmt: ExpositionFormat | null =
      type === 'application/openmetrics-text' ? 'openmetrics' : type === 'text/plain' || type === '*/*' || type === 'text/*' ? 'text' : null;
    if (fmt !== null && q > bestQ) {
      best = fmt;
      bestQ = q;
    }
  }
  return best;
}

export interface ScrapeResult {
  contentType: string;
  body: string;
}

export type ScrapeHandler = (accept: string | undefined, names?: readonly string[]) => Promise<ScrapeResult>;

/**
 * Writes `registry` in the negotiated format. One registry serves both formats: prom-client's
 * OpenMetrics writer renames counters in place (drops `_total`), so their names are put back
 * before a text scrape, and scrapes run one at a time because the content type is registry state.
 * `names` (from `/metrics?name=...`) limits the body to those families, for scripts polling one
 * counter: at 1,000 routes a full body is thousands of series, and the benchmark's polling every
 * 100 ms took ~1.5% of the collector's CPU (bench/profile.ts --routes=1000: scrape handler and
 * process metrics). Families are named as registered (counters with `_total`).
 */
/**
 * prom-client's process metrics set several families from one family's collect callback (the
 * others have none), so asking for one of those alone served a stale value: 0 before the first full
 * scrape (`/metrics?name=nodejs_heap_size_used_bytes`). The family whose collect fills a family.
 */
export function filledBy(name: string): string | undefined {
  if (name === 'nodejs_heap_size_used_bytes' || name === 'nodejs_external_memory_bytes') return 'nodejs_heap_size_total_bytes';
  if (name === 'nodejs_heap_space_size_used_bytes' || name === 'nodejs_heap_space_size_available_bytes') return 'nodejs_heap_space_size_total_bytes';
  if (name === 'process_cpu_system_seconds_total' || name === 'process_cpu_seconds_total') return 'process_cpu_user_seconds_total';
  if (/^nodejs_eventloop_lag_[a-z0-9]+_seconds$/.test(name)) return 'nodejs_eventloop_lag_seconds';
  return undefined;
}

export function createScrapeHandler(registry: Registry, beforeScrape: () => void): ScrapeHandler {
  const originalNames = new WeakMap<object, string>();
  let chain: Promise<unknown> = Promise.resolve();

  const scrape = async (format: ExpositionFormat, names: readonly string[] | undefined): Promise<ScrapeResult> => {
    if (names === undefined) beforeScrape();
    for (const m of registry.getMetricsAsArray()) {
      const metric = m as unknown as { name: string; type: string };
      const original = originalNames.get(metric);
      if (original === undefined) originalNames.set(metric, metric.name);
      else if (format === 'text') metric.name = original;
    }
    const contentType = format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
    (registry as Registry<typeof contentType>).setContentType(contentType);
    if (names === undefined) return { contentType, body: await registry.metrics() };
    const parts: string[] = [];
    for (const name of names) {
      const metric = registry.getSingleMetric(name) as unknown as { name: string; type: string } | undefined;
      if (metric === undefined) continue;
      const filler = filledBy(name);
      if (filler !== undefined) await registry.getSingleMetric(filler)?.get();
      // What registry.metrics() does to counters for OpenMetrics, done to this family alone.
      if (format === 'openmetrics' && metric.type === 'counter') metric.name = name.replace(/_total$/, '');
      parts.push(await registry.getSingleMetricAsString(name));
    }
    return { contentType, body: format === 'openmetrics' ? `${parts.join('\n')}\n# EOF\n` : `${parts.join('\n\n')}\n` };
  };

  return (accept, names) => {
    const run = chain.then(() => scrape(negotiateFormat(accept), names));
    chain = run.catch(() => undefined);
    return run;
  };
}
