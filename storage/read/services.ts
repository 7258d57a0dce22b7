import type { Database } from 'better-sqlite3';
import { bucketedSource, iso, round3 } from './bucketed-source.js';
import type { TimeRange } from './bucketed-source.js';
import { prepared } from './statement-cache.js';

export interface ServiceVersion {
  version: string;
  environment: string;
  first_seen: string;
  last_seen: string;
  /** Requests, tasks and background groups seen with this version over the retained history. */
  requests: number;
}

export interface ServiceSummary {
  service: string;
  /** Over the requested range: Django requests only. */
  count: number;
  errors: number;
  total_ms: number;
  endpoints: number;
  last_seen: string;
  /** Newest first. */
  versions: ServiceVersion[];
}

interface VersionRaw {
  service: string;
  version: string;
  environment: string;
  first_seen_ms: number;
  last_seen_ms: number;
  requests: number;
}

interface TotalsRaw {
  service: string;
  count: number;
  errors: number;
  total_ms: number;
  endpoints: number;
}

/** Every service known to the retained history, with its request totals over `range`. */
export function listServices(db: Database, range: TimeRange): ServiceSummary[] {
  const versions = prepared(
    db,
    `SELECT service, version, environment, first_seen_ms, last_seen_ms, requests FROM service_versions
     ORDER BY service, last_seen_ms DESC, version`,
  ).all() as VersionRaw[];
  const src = bucketedSource(db, 'endpoint', 'service, method, route, count, errors, total_ms', range, { kind: 'request' }, ['kind']);
  const totals = prepared(
    db,
    `SELECT service, SUM(count) AS count, SUM(errors) AS errors, SUM(total_ms) AS total_ms,
            COUNT(DISTINCT method || ' ' || route) AS endpoints
     FROM ${src.sql} GROUP BY service`,
  ).all(...src.params) as TotalsRaw[];
  const byService = new Map<string, ServiceSummary>();
  for (const v of versions) {
    let s = byService.get(v.service);
    if (s === undefined) {
      s = { service: v.service, count: 0, errors: 0, total_ms: 0, endpoints: 0, last_seen: iso(v.last_seen_ms), versions: [] };
      byService.set(v.service, s);
    }
    if (v.last_seen_ms > Date.parse(s.last_seen)) s.last_seen = iso(v.last_seen_ms);
    s.versions.push({
      version: v.version,
      environment: v.environment,
      first_seen: iso(v.first_seen_ms),
      last_seen: iso(v.last_seen_ms),
      requests: v.requests,
    });
  }
  for (const t of totals) {
    const s = byService.get(t.service);
    if (s === undefined) continue;
    s.count = t.count;
    s.errors = t.errors;
    s.total_ms = round3(t.total_ms) ?? 0;
    s.endpoints = t.endpoints;
  }
  return [...byService.values()];
}
