// What the end-to-end run asserts from the collector's API after driving every demo view: each
// detector fires on its pattern and stays quiet on the fixed twin, and the counted figures equal
// what the views did (services/django-demo/shop/scenarios.py holds the exact per-request numbers).
import { waitUntil, type Proc } from './procs.js';

export const REQUESTS_PER_VIEW = 3;

export interface Ctx {
  api: string;
  base: string;
  postgres: boolean;
  requests: number;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
}

interface Endpoint {
  service: string;
  method: string;
  route: string;
  count: number;
  errors: number;
  db_queries: number;
  cache_hits: number;
  cache_misses: number;
  template_ms: number;
  middleware_ms: number;
  outbound_ms: number;
}
interface Finding {
  type: string;
  route: string;
  suggestion: string;
  occurrences: number;
  requests: number;
}
interface QueryRow {
  fingerprint: string;
  normalized: string;
  tables: string[];
  calls: number;
  routes: Array<{ route: string; calls: number }>;
}
interface SlowQuery {
  route: string;
  duration_ms: number;
  statement: string;
}

const VIEWS: Array<[string, 'GET' | 'POST']> = [
  ['/ping/', 'GET'],
  ['/books/n-plus-one/', 'GET'],
  ['/books/select-related/', 'GET'],
  ['/books/tags-n-plus-one/', 'GET'],
  ['/books/prefetch/', 'GET'],
  ['/books/duplicates/', 'GET'],
  ['/reports/slow/', 'GET'],
  ['/cache/heavy/', 'GET'],
  ['/pages/template-heavy/', 'GET'],
  ['/slow-mw/', 'GET'],
  ['/orders/insert-loop/', 'POST'],
  ['/orders/bulk-create/', 'POST'],
  ['/books/len/', 'GET'],
  ['/books/count/', 'GET'],
  ['/boom/', 'GET'],
  ['/outbound/', 'GET'],
];

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url} -> ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Requests every demo view `times` times. */
export async function driveViews(base: string, times: number): Promise<void> {
  for (const [path, method] of VIEWS) {
    for (let i = 0; i < times; i++) {
      const r = await fetch(base + path, { method });
      await r.arrayBuffer();
    }
  }
}

export async function runChecks(ctx: Ctx, procs: Proc[]): Promise<CheckResult[]> {
  await driveViews(ctx.base, ctx.requests);
  const q = `window=1h&service=django-demo&limit=1000`;
  // Every view's requests must reach the API: exporter batch delay + grace period + writer flush.
  const endpoints = await waitUntil('every demo view counted by the API', 60_000, async () => {
    const e = await getJson<{ endpoints: Endpoint[] }>(`${ctx.api}/api/v1/endpoints?${q}`);
    const routes = new Map(e.endpoints.map((x) => [x.route, x]));
    // /outbound/ calls /ping/ on the same server, so ping is counted twice per outbound request.
    const done = VIEWS.every(([p]) => (routes.get(p.slice(1))?.count ?? 0) >= (p === '/ping/' ? 2 : 1) * ctx.requests);
    return done ? routes : undefined;
  }, procs);
  const findings = (await getJson<{ findings: Finding[] }>(`${ctx.api}/api/v1/findings?${q}`)).findings;
  const slow = (await getJson<{ slow_queries: SlowQuery[] }>(`${ctx.api}/api/v1/slow-queries?${q}`)).slow_queries;
  const metrics = await (await fetch(`${ctx.api}/metrics`)).text();

  const out: CheckResult[] = [];
  const check = (name: string, ok: boolean, detail?: string): void => {
    out.push(detail === undefined ? { name, ok } : { name, ok, detail });
  };
  const ep = (route: string): Endpoint | undefined => endpoints.get(route);
  const found = (type: string, route: string): Finding | undefined => findings.find((f) => f.type === type && f.route === route);
  const n = ctx.requests;

  for (const [path] of VIEWS) {
    const e = ep(path.slice(1));
    const want = path === '/ping/' ? 2 * n : n;
    check(`${path} counted ${want} times`, e?.count === want, `count=${e?.count}`);
  }
  const fk = found('n_plus_one', 'books/n-plus-one/');
  check('FK N+1 found with a select_related suggestion', !!fk && /select_related\('author'\)/.test(fk.suggestion), fk?.suggestion);
  check('no N+1 on the select_related twin', !found('n_plus_one', 'books/select-related/'));
  const m2m = found('n_plus_one', 'books/tags-n-plus-one/');
  check('M2M N+1 found with a prefetch_related suggestion', !!m2m && /prefetch_related\('tags'\)/.test(m2m.suggestion), m2m?.suggestion);
  check('no N+1 on the prefetch_related twin', !found('n_plus_one', 'books/prefetch/'));
  const dup = found('duplicate_query', 'books/duplicates/');
  check('duplicate queries found (same SQL, same parameters)', !!dup, dup?.suggestion);
  check('duplicates are not reported as N+1', !found('n_plus_one', 'books/duplicates/'));
  const wl = found('write_loop', 'orders/insert-loop/');
  check('insert loop flagged with a bulk_create suggestion', !!wl && /bulk_create/.test(wl.suggestion), wl?.suggestion);
  check('bulk_create twin not flagged', !found('write_loop', 'orders/bulk-create/'));
  if (ctx.postgres) {
    const s = slow.filter((x) => x.route === 'reports/slow/');
    check('the pg_sleep query is in the long-query log with its route', s.length === n && s.every((x) => x.duration_ms >= 500), `${s.length} rows`);
    check('the long-query log holds normalised SQL, no literal', s.every((x) => !x.statement.includes('0.6')), s[0]?.statement);
  }
  const cache = ep('cache/heavy/');
  check(`cache hits = ${6 * n} and misses = ${3 * n}, as the view did`, cache?.cache_hits === 6 * n && cache?.cache_misses === 3 * n, `hits=${cache?.cache_hits} misses=${cache?.cache_misses}`);
  check('cache-heavy page flagged', !!found('cache_heavy', 'cache/heavy/'));
  const tpl = ep('pages/template-heavy/');
  check('template time present on the template-heavy page', (tpl?.template_ms ?? 0) > 0, `template_ms=${tpl?.template_ms}`);
  check('template render time per template name in /metrics', /hotpath_template_render_duration_seconds_count\{[^}]*template="[^"]*card[^"]*"/.test(metrics));
  const mw = ep('slow-mw/');
  check(`slow middleware time >= ${30 * n} ms`, (mw?.middleware_ms ?? 0) >= 30 * n, `middleware_ms=${mw?.middleware_ms}`);
  check('middleware time per class in /metrics', /hotpath_middleware_duration_seconds_count\{[^}]*middleware="[^"]*SlowPrefixMiddleware"/.test(metrics));
  const boom = ep('boom/');
  check(`the 500 counted as an error (${n})`, boom?.errors === n, `errors=${boom?.errors}`);
  const ob = ep('outbound/');
  check('outbound HTTP time present', (ob?.outbound_ms ?? 0) > 0, `outbound_ms=${ob?.outbound_ms}`);
  const queries = (await getJson<{ queries: QueryRow[] }>(`${ctx.api}/api/v1/queries?${q}`)).queries;
  const authorLookups = queries.find((x) => x.tables.includes('shop_author') && x.routes.some((r) => r.route === 'books/n-plus-one/') && / LIMIT /.test(x.normalized));
  const perRoute = authorLookups?.routes.find((r) => r.route === 'books/n-plus-one/');
  check(`the N+1 query counted as the view ran it (25 per request, ${25 * n} in all)`, perRoute?.calls === 25 * n, `calls=${perRoute?.calls}`);
  const nq = ep('books/n-plus-one/');
  // A worker's first request also carries the connection's set-up statements, so >= rather than =.
  check(`query count per request at least the view's 26`, (nq?.db_queries ?? 0) >= 26 * n, `db_queries=${nq?.db_queries}`);
  return out;
}
