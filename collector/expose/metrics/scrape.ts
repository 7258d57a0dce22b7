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

/**
 * Writes `registry` in the negotiated format. One registry serves both formats: prom-client's
 * OpenMetrics writer renames counters in place (drops `_total`), so their names are put back
 * before a text scrape, and scrapes run one at a time because the content type is registry state.
 */
export function createScrapeHandler(registry: Registry, beforeScrape: () => void): (accept: string | undefined) => Promise<ScrapeResult> {
  const originalNames = new WeakMap<object, string>();
  let chain: Promise<unknown> = Promise.resolve();

  const scrape = async (format: ExpositionFormat): Promise<ScrapeResult> => {
    beforeScrape();
    for (const m of registry.getMetricsAsArray()) {
      const metric = m as unknown as { name: string; type: string };
      const original = originalNames.get(metric);
      if (original === undefined) originalNames.set(metric, metric.name);
      else if (format === 'text') metric.name = original;
    }
    const contentType = format === 'openmetrics' ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
    (registry as Registry<typeof contentType>).setContentType(contentType);
    const body = await registry.metrics();
    return { contentType, body };
  };

  return (accept) => {
    const run = chain.then(() => scrape(negotiateFormat(accept)));
    chain = run.catch(() => undefined);
    return run;
  };
}
