// Django-shaped OTLP/HTTP JSON traffic with known counts, plus small readers for what the collector
// exposes (/metrics samples, stored endpoint counts). Shared by the reliability tests and scripts.
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';

export type AttrValue = string | number | boolean;

export interface FakeRequest {
  service: string;
  route: string;
  /** Database spans under the request span. */
  queries?: number;
  statement?: string;
  /** Extra attributes on the request (server) span. */
  rootAttrs?: Record<string, AttrValue>;
  /** Extra attributes on each database span. */
  dbAttrs?: Record<string, AttrValue>;
  /** Extra child spans, each with its own attributes. */
  children?: Array<{ name: string; kind: number; attrs: Record<string, AttrValue> }>;
  /** Span events on the request span (e.g. an `exception` event). */
  rootEvents?: Array<{ name: string; attrs: Record<string, AttrValue> }>;
  /** Error status with this message on the request span. */
  errorMessage?: string;
  /** Duration of each database span in ms (default 0.005). */
  queryMs?: number;
  version?: string;
  /** Request start, ms since the epoch (default: 1 s ago). */
  startMs?: number;
}

function anyValue(v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function attrs(a: Record<string, AttrValue>): Array<{ key: string; value: Record<string, unknown> }> {
  return Object.entries(a).map(([key, v]) => ({ key, value: anyValue(v) }));
}

const ns = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

/** Spans of one request: a SERVER root plus its children. */
export function requestSpans(r: FakeRequest): { service: string; version: string; spans: object[] } {
  const traceId = randomBytes(16).toString('hex');
  const rootId = randomBytes(8).toString('hex');
  const t0 = r.startMs ?? Date.now() - 1000;
  const spans: object[] = [
    {
      traceId, spanId: rootId, name: `GET ${r.route}`, kind: 2,
      startTimeUnixNano: ns(t0), endTimeUnixNano: ns(t0 + 50),
      attributes: attrs({ 'http.request.method': 'GET', 'http.route': r.route, 'http.response.status_code': 200, ...r.rootAttrs }),
      events: (r.rootEvents ?? []).map((e) => ({ timeUnixNano: ns(t0 + 10), name: e.name, attributes: attrs(e.attrs) })),
      ...(r.errorMessage === undefined ? {} : { status: { code: 2, message: r.errorMessage } }),
    },
  ];
  for (let i = 0; i < (r.queries ?? 1); i++) {
    spans.push({
      traceId, spanId: randomBytes(8).toString('hex'), parentSpanId: rootId, name: 'SELECT', kind: 3,
      startTimeUnixNano: ns(t0 + 1 + i * 0.01), endTimeUnixNano: ns(t0 + 1 + i * 0.01 + (r.queryMs ?? 0.005)),
      attributes: attrs({ 'db.system': 'postgresql', 'db.statement': r.statement ?? 'SELECT "a"."id" FROM "a" WHERE "a"."id" = %s', ...r.dbAttrs }),
    });
  }
  for (const c of r.children ?? []) {
    spans.push({
      traceId, spanId: randomBytes(8).toString('hex'), parentSpanId: rootId, name: c.name, kind: c.kind,
      startTimeUnixNano: ns(t0 + 2), endTimeUnixNano: ns(t0 + 3), attributes: attrs(c.attrs),
    });
  }
  return { service: r.service, version: r.version ?? '1.0.0', spans };
}

/** One ExportTraceServiceRequest (OTLP JSON) holding every request given. */
export function exportRequest(requests: FakeRequest[]): { body: string; spans: number } {
  const groups = requests.map(requestSpans);
  const resourceSpans = groups.map((g) => ({
    resource: { attributes: attrs({ 'service.name': g.service, 'service.version': g.version }) },
    scopeSpans: [{ scope: { name: 'opentelemetry.instrumentation.django' }, spans: g.spans }],
  }));
  return { body: JSON.stringify({ resourceSpans }), spans: groups.reduce((n, g) => n + g.spans.length, 0) };
}

export interface PostResult {
  status: number;
  retryAfter: string | null;
  body: string;
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<PostResult> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

export async function getText(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Sum of every sample of `name` whose labels include `labels`, in a text exposition. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => got.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** Distinct series (sample lines) of the metric families whose names start with `prefix`. */
export function seriesCount(text: string, prefix: string): number {
  return text.split('\n').filter((l) => l.startsWith(prefix)).length;
}

export async function scrape(apiUrl: string): Promise<string> {
  const r = await getText(`${apiUrl}/metrics`);
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
  return r.body;
}

/** Requests stored per-minute in the endpoint table (opened read-only, after or during a run). */
export function storedRequests(dbPath: string, service?: string): number {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = service === undefined
      ? db.prepare('SELECT coalesce(sum(count), 0) AS n FROM endpoint_minute').get()
      : db.prepare('SELECT coalesce(sum(count), 0) AS n FROM endpoint_minute WHERE service = ?').get(service);
    return (row as { n: number }).n;
  } finally {
    db.close();
  }
}
