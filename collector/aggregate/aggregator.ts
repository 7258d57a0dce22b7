// Folds analysed requests into per-minute rows in memory; the storage writer drains them every
// flush interval. Bounded: at most maxGroupsPerFlush rows, maxSlowQueriesPerFlush log rows and the
// sampler's limits between two drains; the rest is counted. Rows live in nested maps (service scope
// -> route scope -> fingerprint) so each request builds two key strings and each DB span only looks up
// its fingerprint. Flat per-span keys measured 54 us per 15-span request, nested 18 us
// (aggregator.bench.ts). A DB span is folded into its route's row of its fingerprint only: the
// service-wide row of the fingerprint (query_minute) and its statement row (queries) are made from
// the route rows at drain, which are exact sums (a request has one route). Folding into all three
// per span took 0.21-0.25 us a span at 10 routes and 0.46-0.52 at 1,000 (session 18, bench/README.md).
import type { AnalysedRequest, AnalysedSpan, Clock, RequestSink, SqlInfo } from '../contract.js';
import type { AggregateBatch, BackgroundRow, EndpointRow, FindingRow, QueryInfoRow, QueryRow, ServiceVersionRow, SlowQueryRow } from './aggregate-batch.js';
import type { HeldQueryRouteRow, Marked } from './rows.js';
import { foldEndpoint, foldFinding, foldQuery, mergeQuery, newEndpointRow, newFindingRow, newQueryRouteRow, newQueryRow, queryInfoFrom } from './rows.js';
import { Sampler } from './sampler.js';

export interface AggregatorConfig {
  /** A DB span at least this long goes to the long-query log (ms). */
  slowQueryMs: number;
  /** A request at least this long is kept as a sample (ms). */
  sampleSlowRequestMs: number;
  maxSamplesPerRoutePerFlush: number;
  maxSamplesPerFlush: number;
  maxSamplesPerRoutePerMinute: number;
  maxSlowQueriesPerFlush: number;
  /** Rows and scopes (service/version and route per minute) held between drains. */
  maxGroupsPerFlush: number;
  /** Privacy opt-in: keep raw SQL (with literals) in the long-query log and samples. */
  storeRawSql: boolean;
  /** Requests stamped further than this in the future are bucketed at "now" (client clock skew). */
  maxFutureSkewMs: number;
}

export const DEFAULT_AGGREGATOR_CONFIG: AggregatorConfig = {
  slowQueryMs: 500,
  sampleSlowRequestMs: 1000,
  maxSamplesPerRoutePerFlush: 2,
  maxSamplesPerFlush: 200,
  maxSamplesPerRoutePerMinute: 6,
  maxSlowQueriesPerFlush: 1000,
  maxGroupsPerFlush: 50_000,
  storeRawSql: false,
  maxFutureSkewMs: 60_000,
};

const MINUTE_MS = 60_000;
const SEP = '\x1f';

/** Everything of one (bucket, service, version). */
interface ServiceScope {
  /**
   * Fingerprints with a row in some route of the scope: each makes a service-wide query row and a
   * statement row at drain, counted against maxGroupsPerFlush when first seen.
   */
  fingerprints: Set<string>;
  routes: Map<string, RouteScope>;
  background: BackgroundRow | undefined;
}

/** Everything of one (bucket, service, version, kind, method, route). */
interface RouteScope {
  endpoint: EndpointRow | undefined;
  queries: Map<string, HeldQueryRouteRow>;
}

export class Aggregator implements RequestSink {
  private readonly cfg: AggregatorConfig;
  private readonly sampler: Sampler;
  private scopes = new Map<string, ServiceScope>();
  private findings = new Map<string, FindingRow & Marked>();
  private slowQueries: SlowQueryRow[] = [];
  private versions = new Map<string, ServiceVersionRow>();
  private groups = 0;
  private seq = 0;

  /** Rows not created because maxGroupsPerFlush was reached (their data is lost). */
  droppedGroups = 0;
  droppedSlowQueries = 0;
  /** Requests whose start was in the future beyond maxFutureSkewMs. */
  clampedTimestamps = 0;
  consumed = 0;

  constructor(
    config: Partial<AggregatorConfig> = {},
    private readonly clock: Clock = Date.now,
  ) {
    this.cfg = { ...DEFAULT_AGGREGATOR_CONFIG, ...config };
    this.sampler = new Sampler(this.cfg);
  }

  /** Sample candidates not kept because of the per-route (per flush and per minute) or per-flush bound. */
  get droppedSamples(): number {
    return this.sampler.dropped;
  }

  private room(): boolean {
    if (this.groups >= this.cfg.maxGroupsPerFlush) {
      this.droppedGroups++;
      return false;
    }
    this.groups++;
    return true;
  }

  consume(req: AnalysedRequest): void {
    this.consumed++;
    const seq = ++this.seq;
    let startMs = req.startMs;
    const now = this.clock();
    if (startMs > now + this.cfg.maxFutureSkewMs) {
      startMs = now;
      this.clampedTimestamps++;
    }
    const bucketMs = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    const res = req.resource;
    const svcKey = res.serviceName + SEP + res.serviceVersion;
    this.noteVersion(req, svcKey, startMs);
    const scopeKey = bucketMs + SEP + svcKey;
    // Scopes count against maxGroupsPerFlush too: service versions and routes come from clients.
    let scope = this.scopes.get(scopeKey);
    if (scope === undefined && this.room()) {
      scope = { fingerprints: new Set(), routes: new Map(), background: undefined };
      this.scopes.set(scopeKey, scope);
    }
    const routeKey = req.kind + SEP + req.method + SEP + req.route;
    let route = scope?.routes.get(routeKey);
    if (scope !== undefined && route === undefined && this.room()) {
      route = { endpoint: undefined, queries: new Map() };
      scope.routes.set(routeKey, route);
    }

    if (req.kind === 'background') {
      if (scope !== undefined) this.foldBackground(scope, req, bucketMs);
    } else if (route !== undefined) {
      if (route.endpoint === undefined && this.room()) route.endpoint = newEndpointRow(bucketMs, req, req.kind);
      if (route.endpoint !== undefined) foldEndpoint(route.endpoint, req);
    }

    for (const a of req.spans) {
      if (a.category !== 'db' || a.sql === null) continue;
      if (a.span.durationMs >= this.cfg.slowQueryMs) this.noteSlowQuery(req, a.sql, a.span);
      if (scope === undefined || route === undefined) continue;
      const fp = a.sql.fingerprint;
      let qr = route.queries.get(fp);
      if (qr === undefined) {
        if (!scope.fingerprints.has(fp)) {
          if (!this.room()) continue;
          scope.fingerprints.add(fp);
        }
        if (!this.room()) continue;
        route.queries.set(fp, (qr = newQueryRouteRow(bucketMs, res, a.sql, a.span.dbSystem, req.method, req.route, a.span.startMs)));
      }
      foldQuery(qr, a.span, a.duplicate, seq);
    }

    for (const f of req.findings) {
      const key = bucketMs + SEP + f.service + SEP + res.serviceVersion + SEP + f.method + SEP + f.route + SEP + f.type + SEP + f.fingerprint;
      let row = this.findings.get(key);
      if (row === undefined && this.room()) this.findings.set(key, (row = newFindingRow(bucketMs, res.serviceVersion, f, startMs)));
      if (row !== undefined) foldFinding(row, f, startMs, seq);
    }
    if (req.kind !== 'background') this.sampler.consider(req, svcKey + SEP + routeKey, now);
  }

  private noteVersion(req: AnalysedRequest, key: string, timeMs: number): void {
    const v = this.versions.get(key);
    if (v === undefined) {
      const r = req.resource;
      this.versions.set(key, { service: r.serviceName, version: r.serviceVersion, environment: r.environment, firstSeenMs: timeMs, lastSeenMs: timeMs, requests: 1 });
      return;
    }
    v.requests++;
    if (timeMs < v.firstSeenMs) v.firstSeenMs = timeMs;
    if (timeMs > v.lastSeenMs) v.lastSeenMs = timeMs;
    if (req.resource.environment !== '') v.environment = req.resource.environment;
  }

  private foldBackground(scope: ServiceScope, req: AnalysedRequest, bucketMs: number): void {
    const res = req.resource;
    if (scope.background === undefined && this.room()) {
      scope.background = {
        bucketMs, service: res.serviceName, version: res.serviceVersion, count: 0, spans: 0, totalMs: 0,
        dbMs: 0, dbCount: 0, cacheMs: 0, cacheCount: 0, outboundMs: 0, outboundCount: 0,
      };
    }
    const row = scope.background;
    if (row === undefined) return;
    const b = req.breakdown;
    row.count++;
    row.spans += req.spans.length;
    row.totalMs += b.durationMs;
    row.dbMs += b.dbMs;
    row.dbCount += b.dbQueries;
    row.cacheMs += b.cacheMs;
    row.cacheCount += b.cacheHits + b.cacheMisses + b.cacheUnknown;
    row.outboundMs += b.outboundMs;
    for (const a of req.spans) if (a.category === 'outbound_http') row.outboundCount++;
  }

  private noteSlowQuery(req: AnalysedRequest, sql: SqlInfo, span: AnalysedSpan['span']): void {
    if (this.slowQueries.length >= this.cfg.maxSlowQueriesPerFlush) {
      this.droppedSlowQueries++;
      return;
    }
    const raw = this.cfg.storeRawSql && span.dbStatement !== '';
    this.slowQueries.push({
      timeMs: span.startMs, service: req.resource.serviceName, version: req.resource.serviceVersion,
      method: req.method, route: req.route, traceId: span.traceId, spanId: span.spanId,
      durationMs: span.durationMs, fingerprint: sql.fingerprint, operation: sql.operation,
      dbSystem: span.dbSystem, rows: span.dbRows, statement: raw ? span.dbStatement : sql.normalized, raw,
    });
  }

  /** Rows and scopes held for the next drain (the storage writer sizes its next flush by it). */
  pendingRows(): number {
    return this.groups + this.slowQueries.length;
  }

  /**
   * Hands over everything folded since the last drain and starts afresh. Rows go out as they are,
   * `lastSeq` included (the writer reads named columns only): copying each to drop one field was
   * an allocation per row per flush.
   */
  drain(): AggregateBatch {
    const batch: AggregateBatch = {
      endpoints: [], background: [], queries: [], queryRoutes: [], queryInfo: [],
      findings: [...this.findings.values()], slowQueries: this.slowQueries,
      samples: this.sampler.drain(this.clock()), serviceVersions: [...this.versions.values()],
    };
    for (const scope of this.scopes.values()) {
      if (scope.background !== undefined) batch.background.push(scope.background);
      // Per fingerprint of the scope: its service-wide row and its statement row, made from the first
      // route row met and widened by the others.
      const byFingerprint = new Map<string, { query: QueryRow; info: QueryInfoRow }>();
      for (const route of scope.routes.values()) {
        if (route.endpoint !== undefined) batch.endpoints.push(route.endpoint);
        for (const qr of route.queries.values()) {
          batch.queryRoutes.push(qr);
          const made = byFingerprint.get(qr.fingerprint);
          if (made === undefined) {
            const query = newQueryRow(qr.bucketMs, qr.service, qr.version, qr.fingerprint);
            mergeQuery(query, qr);
            byFingerprint.set(qr.fingerprint, { query, info: queryInfoFrom(qr) });
            continue;
          }
          mergeQuery(made.query, qr);
          if (qr.firstSeenMs < made.info.firstSeenMs) made.info.firstSeenMs = qr.firstSeenMs;
          if (qr.lastSeenMs > made.info.lastSeenMs) made.info.lastSeenMs = qr.lastSeenMs;
        }
      }
      for (const { query, info } of byFingerprint.values()) {
        batch.queries.push(query);
        batch.queryInfo.push(info);
      }
    }
    this.scopes = new Map();
    this.findings = new Map();
    this.slowQueries = [];
    this.versions = new Map();
    this.groups = 0;
    return batch;
  }
}
