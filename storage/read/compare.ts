import type { Database } from 'better-sqlite3';
import { bucketedSource, ratio, round3 } from './bucketed-source.js';
import type { TimeRange } from './bucketed-source.js';
import { prepared } from './statement-cache.js';
import { mergedSketchSql } from '../sketch-sql.js';

const SKETCH = mergedSketchSql();

export interface VersionStats {
  count: number;
  mean_ms: number;
  p95_ms: number | null;
  /** Endpoints: DB queries per request. Queries: executions per request of the service. */
  per_request: number;
}

export interface EndpointChange {
  method: string;
  route: string;
  before: VersionStats | null;
  after: VersionStats | null;
  mean_change_ms: number | null;
  p95_change_ms: number | null;
  slower: boolean;
  more_queries: boolean;
}

export interface QueryChange {
  fingerprint: string;
  normalized: string;
  before: VersionStats | null;
  after: VersionStats | null;
  mean_change_ms: number | null;
  /** Query time per request of the service, after minus before: the net cost of the change. */
  ms_per_request_change: number;
  slower: boolean;
  more_frequent: boolean;
}

export interface Comparison {
  service: string;
  from_version: string;
  to_version: string;
  endpoints: EndpointChange[];
  queries: QueryChange[];
}

/** A change counts when it is over 10 %: within that, sketch error (1 %) and noise dominate. */
const CHANGE_THRESHOLD = 1.1;

interface Group {
  version: string;
  key: string;
  count: number;
  total_ms: number;
  p95: number | null;
  extra: number;
}

function grouped(db: Database, table: 'endpoint' | 'query', range: TimeRange, service: string, versions: string[]): Group[] {
  const isEndpoint = table === 'endpoint';
  const cols = isEndpoint ? 'version, kind, method, route, count, total_ms, sketch, db_count' : 'version, fingerprint, calls, total_ms, sketch';
  const src = bucketedSource(db, table, cols, range, { service, ...(isEndpoint ? { kind: 'request' } : {}) }, ['service', 'kind']);
  const sql = isEndpoint
    ? `WITH g AS MATERIALIZED (
         SELECT version, method || ' ' || route AS key, SUM(count) AS count, SUM(total_ms) AS total_ms,
                SUM(db_count) AS extra, ${SKETCH} AS sk
         FROM ${src.sql} WHERE version IN (?, ?) GROUP BY version, method, route)
       SELECT version, key, count, total_ms, extra, ddsketch_quantile(sk, 0.95) AS p95 FROM g`
    : `WITH g AS MATERIALIZED (
         SELECT version, fingerprint AS key, SUM(calls) AS count, SUM(total_ms) AS total_ms, ${SKETCH} AS sk
         FROM ${src.sql} WHERE version IN (?, ?) GROUP BY version, fingerprint)
       SELECT version, key, count, total_ms, 0 AS extra, ddsketch_quantile(sk, 0.95) AS p95 FROM g`;
  return prepared(db, sql).all(...src.params, ...versions) as Group[];
}

function pair(groups: Group[], from: string): Map<string, { before?: Group; after?: Group }> {
  const m = new Map<string, { before?: Group; after?: Group }>();
  for (const g of groups) {
    const e = m.get(g.key) ?? {};
    if (g.version === from) e.before = g;
    else e.after = g;
    m.set(g.key, e);
  }
  return m;
}

const stats = (g: Group | undefined, perRequest: number): VersionStats | null =>
  g === undefined
    ? null
    : { count: g.count, mean_ms: round3(ratio(g.total_ms, g.count)) ?? 0, p95_ms: round3(g.p95), per_request: round3(perRequest) ?? 0 };

const grew = (a: number | undefined, b: number | undefined): boolean =>
  a !== undefined && b !== undefined && b > a * CHANGE_THRESHOLD;

const diff = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined ? null : round3(b - a);

/** Per endpoint and per fingerprint of `service`: what got slower or more frequent from one version to the other. */
export function compareVersions(db: Database, range: TimeRange, service: string, fromVersion: string, toVersion: string): Comparison {
  const versions = [fromVersion, toVersion];
  const endpoints: EndpointChange[] = [];
  const requests = new Map<string, number>();
  for (const [key, { before, after }] of pair(grouped(db, 'endpoint', range, service, versions), fromVersion)) {
    for (const g of [before, after]) if (g !== undefined) requests.set(g.version, (requests.get(g.version) ?? 0) + g.count);
    const b = stats(before, before ? ratio(before.extra, before.count) : 0);
    const a = stats(after, after ? ratio(after.extra, after.count) : 0);
    const [method, ...rest] = key.split(' ');
    endpoints.push({
      method: method ?? '', route: rest.join(' '), before: b, after: a,
      mean_change_ms: diff(b?.mean_ms, a?.mean_ms), p95_change_ms: diff(b?.p95_ms, a?.p95_ms),
      slower: grew(b?.mean_ms, a?.mean_ms), more_queries: grew(b?.per_request, a?.per_request),
    });
  }
  const info = prepared(db, 'SELECT normalized FROM queries WHERE service = ? AND fingerprint = ?');
  const queries: QueryChange[] = [];
  for (const [fp, { before, after }] of pair(grouped(db, 'query', range, service, versions), fromVersion)) {
    const perReq = (g: Group | undefined) => (g === undefined ? 0 : ratio(g.count, requests.get(g.version) ?? 0));
    const msPerReq = (g: Group | undefined) => (g === undefined ? 0 : ratio(g.total_ms, requests.get(g.version) ?? 0));
    const b = stats(before, perReq(before));
    const a = stats(after, perReq(after));
    queries.push({
      fingerprint: fp, normalized: (info.get(service, fp) as { normalized: string } | undefined)?.normalized ?? '',
      before: b, after: a, mean_change_ms: diff(b?.mean_ms, a?.mean_ms),
      ms_per_request_change: round3(msPerReq(after) - msPerReq(before)) ?? 0,
      slower: grew(b?.mean_ms, a?.mean_ms), more_frequent: grew(b?.per_request, a?.per_request),
    });
  }
  // Worst regressions first; endpoints present in only one version sort after those in both.
  endpoints.sort((x, y) => (y.mean_change_ms ?? -Infinity) - (x.mean_change_ms ?? -Infinity) || x.route.localeCompare(y.route));
  queries.sort((x, y) => y.ms_per_request_change - x.ms_per_request_change || x.fingerprint.localeCompare(y.fingerprint));
  return { service, from_version: fromVersion, to_version: toVersion, endpoints, queries };
}
