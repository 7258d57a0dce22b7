// Evaluates every PromQL expression of the Grafana dashboards and the Prometheus rules against a
// running Prometheus (GET /api/v1/query): each must parse, and with --require-data every dashboard
// panel must return data. Grafana variables are substituted the way Grafana would expand them.
//
//   node --import tsx scripts/check-promql.ts --prometheus http://127.0.0.1:9090 [--require-data]
//        [--var service=django-demo] [--range 5m] [--dashboards grafana/dashboards] [--rules prometheus/rules]
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

export interface Query {
  /** `dashboard.json > panel title`, `dashboard.json > annotation`, `rules.yml > rule name`. */
  source: string;
  /** Panel id within its dashboard; queries of one panel share it. Rules: -1. */
  panel: number;
  kind: 'panel' | 'annotation' | 'variable' | 'rule';
  expr: string;
}

export interface Result extends Query {
  evaluated: string;
  error: string;
  series: number;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function* panelsOf(panels: unknown): Generator<Json> {
  if (!Array.isArray(panels)) return;
  for (const p of panels) {
    if (!isObj(p)) continue;
    yield p;
    yield* panelsOf(p.panels); // collapsed rows keep their panels inside
  }
}

function isPrometheus(ds: unknown, fallback: boolean): boolean {
  if (!isObj(ds)) return fallback;
  return ds.type === 'prometheus' || ds.uid === '${datasource}' || ds.uid === '$datasource';
}

/** PromQL of every Prometheus target, annotation and label_values() variable of one dashboard. */
export function dashboardQueries(file: string, dash: Json): Query[] {
  const out: Query[] = [];
  for (const p of panelsOf(dash.panels)) {
    const targets = Array.isArray(p.targets) ? p.targets : [];
    for (const t of targets) {
      if (isObj(t) && typeof t.expr === 'string' && isPrometheus(t.datasource ?? p.datasource, true)) {
        out.push({ source: `${file} > ${String(p.title)}`, panel: Number(p.id), kind: 'panel', expr: t.expr });
      }
    }
  }
  const annotations = isObj(dash.annotations) && Array.isArray(dash.annotations.list) ? dash.annotations.list : [];
  for (const a of annotations) {
    if (isObj(a) && typeof a.expr === 'string') out.push({ source: `${file} > annotation ${String(a.name)}`, panel: -1, kind: 'annotation', expr: a.expr });
  }
  const vars = isObj(dash.templating) && Array.isArray(dash.templating.list) ? dash.templating.list : [];
  for (const v of vars) {
    if (!isObj(v) || v.type !== 'query') continue;
    const q = isObj(v.query) ? v.query.query : v.query;
    const m = typeof q === 'string' ? /^label_values\((.+),\s*\w+\)$/.exec(q.trim()) : null;
    if (m !== null) out.push({ source: `${file} > variable ${String(v.name)}`, panel: -1, kind: 'variable', expr: m[1]! });
  }
  return out;
}

export function ruleQueries(file: string, doc: unknown): Query[] {
  const groups = isObj(doc) && Array.isArray(doc.groups) ? doc.groups : [];
  const out: Query[] = [];
  for (const g of groups) {
    for (const r of isObj(g) && Array.isArray(g.rules) ? g.rules : []) {
      if (isObj(r) && typeof r.expr === 'string') {
        out.push({ source: `${file} > ${String(r.alert ?? r.record)}`, panel: -1, kind: 'rule', expr: r.expr });
      }
    }
  }
  return out;
}

export function collectQueries(dashboardsDir: string, rulesDir: string): Query[] {
  const out: Query[] = [];
  for (const f of readdirSync(dashboardsDir).filter((n) => n.endsWith('.json')).sort()) {
    out.push(...dashboardQueries(f, JSON.parse(readFileSync(join(dashboardsDir, f), 'utf8')) as Json));
  }
  for (const f of readdirSync(rulesDir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    out.push(...ruleQueries(f, parseYaml(readFileSync(join(rulesDir, f), 'utf8'))));
  }
  return out;
}

/** Expands Grafana's variables: built-in intervals, then `$name` / `${name}` / `${name:fmt}`. */
export function substitute(expr: string, vars: Record<string, string>, range = '5m'): string {
  const builtins: Record<string, string> = { __rate_interval: '1m', __interval: '1m', __range: range };
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, a?: string, b?: string) => {
    const name = (a ?? b)!;
    return builtins[name] ?? vars[name] ?? (name.startsWith('__') ? whole : '.+');
  });
}

export async function evaluate(base: string, q: Query, vars: Record<string, string>, range: string): Promise<Result> {
  const evaluated = substitute(q.expr, vars, range);
  const url = `${base.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(evaluated)}`;
  try {
    const res = await fetch(url);
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (body.status !== 'success') return { ...q, evaluated, error: body.error ?? `HTTP ${res.status}`, series: 0 };
    const r = body.data?.result;
    // A NaN sample (histogram_quantile over buckets that never moved) is a blank panel in Grafana:
    // not data. Found when the storage flush histogram was declared but never observed.
    const nanSample = (v: unknown): boolean => Array.isArray(v) && v[1] === 'NaN';
    const series = Array.isArray(r) ? r.filter((x) => !nanSample((x as { value?: unknown }).value)).length : r === undefined || nanSample(r) ? 0 : 1;
    return { ...q, evaluated, error: '', series };
  } catch (e) {
    return { ...q, evaluated, error: e instanceof Error ? e.message : String(e), series: 0 };
  }
}

export interface Verdict {
  results: Result[];
  /** Human-readable reasons; empty means the check passed. */
  failures: string[];
}

/**
 * Every expression must parse. With requireData every query of every dashboard panel must return
 * data (a panel line that is never drawn is a defect too: the storage flush histogram was declared
 * and charted but never observed), and so must every variable.
 */
export async function check(base: string, queries: Query[], opts: { requireData: boolean; vars?: Record<string, string>; range?: string }): Promise<Verdict> {
  const results: Result[] = [];
  for (const q of queries) results.push(await evaluate(base, q, opts.vars ?? {}, opts.range ?? '5m'));
  const failures = results.filter((r) => r.error !== '').map((r) => `${r.source}: ${r.error}`);
  if (opts.requireData) {
    for (const r of results) {
      if ((r.kind === 'variable' || r.kind === 'panel') && r.series === 0 && r.error === '') failures.push(`${r.source}: no data from ${r.expr}`);
    }
  }
  return { results, failures };
}

function table(results: Result[]): string {
  const rows = results.map((r) => [r.error !== '' ? 'ERROR' : r.series > 0 ? `${r.series}` : '-', r.kind, r.source, r.error || r.evaluated.replace(/\s+/g, ' ').slice(0, 90)]);
  const widths = [6, 10, Math.max(...rows.map((r) => r[2]!.length), 6)];
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      prometheus: { type: 'string' },
      'require-data': { type: 'boolean', default: false },
      var: { type: 'string', multiple: true, default: [] },
      range: { type: 'string', default: '5m' },
      dashboards: { type: 'string' },
      rules: { type: 'string' },
    },
  });
  if (values.prometheus === undefined) {
    console.error('usage: check-promql.ts --prometheus URL [--require-data] [--var name=value]... [--range 5m]');
    return 2;
  }
  const root = resolve(fileURLToPath(import.meta.url), '..', '..');
  const vars = Object.fromEntries(values.var.map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));
  const queries = collectQueries(values.dashboards ?? join(root, 'grafana', 'dashboards'), values.rules ?? join(root, 'prometheus', 'rules'));
  const verdict = await check(values.prometheus, queries, { requireData: values['require-data'], vars, range: values.range });
  console.log(`series  kind        source\n${table(verdict.results)}`);
  for (const f of verdict.failures) console.error(`FAIL ${f}`);
  console.log(`${verdict.results.length} expressions, ${verdict.failures.length} failures`);
  return verdict.failures.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => (process.exitCode = code), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
