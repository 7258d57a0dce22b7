// The Prometheus half of the end-to-end run: a real Prometheus scrapes the collector, then every
// PromQL expression of every dashboard panel and rule is evaluated through its HTTP API: each must
// parse, and each panel must return data (a number, not NaN) after the demo traffic.
import { join } from 'node:path';
import { collectQueries, check } from '../check-promql.js';
import { waitUntil, type Proc } from './procs.js';
import type { CheckResult } from './checks.js';

async function instant(base: string, expr: string): Promise<number> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { data?: { result?: unknown[] } };
  return body.data?.result?.length ?? 0;
}

/**
 * `again` drives the demo's views once more. The first round's series reach Prometheus already
 * counted, and rate() does not count a series' first value, so without a second round every rate
 * panel would read 0 or NaN (a blank panel) while passing a check that only counts series.
 */
export async function checkPrometheus(base: string, root: string, procs: Proc[], again: () => Promise<void>): Promise<CheckResult[]> {
  await waitUntil('Prometheus to scrape the collector', 60_000, async () => ((await instant(base, 'up{job="hotpath"} == 1')) > 0 ? true : undefined), procs);
  await waitUntil('demo series in Prometheus', 60_000, async () =>
    (await instant(base, 'count_over_time(hotpath_http_server_request_duration_seconds_count{service_name="django-demo"}[1m]) >= 2')) > 0 ? true : undefined,
  procs);
  await again();
  // Every view's second round analysed, flushed and scraped (the error view /boom/ is the last).
  await waitUntil('the second round in Prometheus', 60_000, async () =>
    (await instant(base, 'increase(hotpath_http_server_request_duration_seconds_count{service_name="django-demo",http_route="boom/"}[1m]) > 0')) > 0 ? true : undefined,
  procs);
  const queries = collectQueries(join(root, 'grafana', 'dashboards'), join(root, 'prometheus', 'rules'));
  const verdict = await check(base, queries, { requireData: true, vars: { service: 'django-demo' }, range: '5m' });
  const out: CheckResult[] = [
    { name: `Prometheus: all ${queries.length} dashboard and rule expressions parse and every panel has data`, ok: verdict.failures.length === 0, detail: verdict.failures.slice(0, 10).join('; ') || `${verdict.results.length} evaluated` },
  ];
  const exemplars = await fetch(`${base}/api/v1/query_exemplars?query=${encodeURIComponent('hotpath_http_server_request_duration_seconds_bucket')}&start=${Date.now() / 1000 - 600}&end=${Date.now() / 1000}`);
  const ex = (await exemplars.json()) as { data?: Array<{ exemplars?: Array<{ labels?: Record<string, string> }> }> };
  const withTrace = (ex.data ?? []).some((s) => (s.exemplars ?? []).some((e) => /^[0-9a-f]{32}$/.test(e.labels?.['trace_id'] ?? '')));
  out.push({ name: 'exemplars with trace_id reach Prometheus (OpenMetrics scrape)', ok: withTrace });
  return out;
}
