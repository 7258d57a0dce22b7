// Turns each AnalysedRequest into metric updates. consume() runs for every request at full
// ingest rate, so label values are resolved through bounded tables whose entries cache their
// series objects: a steady-state request costs a few Map lookups and field writes, allocates no
// closures, and per-span work is limited to DB, template and middleware spans.
import type { AnalysedRequest, Clock, RequestSink } from '../../contract.js';
import { FINDING_TYPES } from '../../contract.js';
import type { Gauge } from 'prom-client';
import { BoundedTable, type Entry } from './bounded-table.js';
import { OVERFLOW, type MetricsConfig } from './config.js';
import type { RequestFamilies } from './request-families.js';
import type { CounterFamily, CounterSeries, HistogramSeries } from './series-family.js';

const SEP = '\u0001';
const COMPONENTS = ['db', 'cache', 'template', 'middleware', 'outbound', 'self'] as const;
const CACHE_RESULTS = ['hit', 'miss', 'unknown'] as const;
const FINDING_INDEX = new Map<string, number>(FINDING_TYPES.map((t, i) => [t, i]));
// Slots of RouteEntry.counters: components, cache results, slow queries, findings, occurrences.
const CACHE_SLOT = COMPONENTS.length;
const SLOW_SLOT = CACHE_SLOT + CACHE_RESULTS.length;
const FINDING_SLOT = SLOW_SLOT + 1;
const OCCURRENCE_SLOT = FINDING_SLOT + FINDING_TYPES.length;
/** RFC 9110 methods plus QUERY; anything else is `_OTHER`, as semconv http.request.method asks. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
const MAX_VERSIONS_PER_SERVICE = 20;
const STATUS_TEXT: string[] = Array.from({ length: 600 }, (_, i) => (i >= 100 ? String(i) : ''));
const KINDS = ['request', 'task', 'background'] as const;

interface RouteEntry extends Entry {
  readonly service: string;
  readonly key: string;
  /** method -> status -> duration series */
  readonly durations: Map<string, Map<number, HistogramSeries>>;
  queries: HistogramSeries | undefined;
  readonly counters: (CounterSeries | undefined)[];
}
interface HistEntry extends Entry {
  readonly key: string;
  series: HistogramSeries | undefined;
}
interface DbOpEntry extends HistEntry {
  readonly system: string;
  readonly operation: string;
}
interface FingerprintEntry extends Entry {
  readonly key: string;
  seconds: CounterSeries | undefined;
  calls: CounterSeries | undefined;
}
interface ServiceEntry extends Entry {
  readonly routes: BoundedTable<RouteEntry>;
  /** system -> operation -> entry in front of dbOps, so a DB span builds no key string; cleared on sweep. */
  readonly dbOpCache: Map<string, Map<string, DbOpEntry>>;
  readonly templates: BoundedTable<HistEntry>;
  readonly middleware: BoundedTable<HistEntry>;
  readonly dbOps: BoundedTable<DbOpEntry>;
  readonly fingerprints: BoundedTable<FingerprintEntry>;
  readonly versions: BoundedTable<Entry>;
}

const live = <S extends { live: boolean }>(s: S | undefined): s is S => s !== undefined && s.live;

/** Label dimensions with a cardinality bound (hotpath_series_overflow_total `dimension`). */
const OVERFLOW_DIMENSIONS = {
  service: true, service_version: true, http_route: true, template: true, middleware: true, db_operation: true, db_fingerprint: true,
} satisfies Record<string, true>;
type OverflowDimension = keyof typeof OVERFLOW_DIMENSIONS;

export class MetricsSink implements RequestSink {
  private readonly services: BoundedTable<ServiceEntry>;
  private readonly overflowBy = new Map<string, CounterSeries>();
  private readonly kindSeries: CounterSeries[];

  constructor(
    private readonly cfg: MetricsConfig,
    private readonly fam: RequestFamilies,
    private readonly versionGauge: Gauge<'service_name' | 'service_version'>,
    private readonly clock: Clock,
  ) {
    for (const d of Object.keys(OVERFLOW_DIMENSIONS) as OverflowDimension[]) this.overflowSeries(d);
    this.services = new BoundedTable(cfg.maxServices, (v, now) => this.makeService(v, now), this.overflowCounter('service'));
    this.kindSeries = KINDS.map((k) => fam.analysed.child(k, { kind: k }, clock()));
  }

  consume(req: AnalysedRequest): void {
    const now = this.clock();
    const f = this.fam;
    const ks = this.kindSeries[req.kind === 'request' ? 0 : req.kind === 'task' ? 1 : 2]!;
    ks.value++;
    ks.seen = now;
    const svc = this.services.get(req.resource.serviceName, now);
    svc.seen = now;
    svc.versions.get(req.resource.serviceVersion, now).seen = now;
    const route = svc.routes.get(req.route, now);
    route.seen = now;
    const b = req.breakdown;

    if (req.kind === 'request') {
      const method = KNOWN_METHODS.has(req.method) ? req.method : '_OTHER';
      const status = req.status >= 100 && req.status < 600 ? req.status : 0;
      let byStatus = route.durations.get(method);
      if (byStatus === undefined) route.durations.set(method, (byStatus = new Map()));
      let h = byStatus.get(status);
      if (!live(h)) {
        const labels = { service_name: route.service, http_route: route.value, http_request_method: method, http_response_status_code: STATUS_TEXT[status]! };
        byStatus.set(status, (h = f.duration.child(`${route.key}${SEP}${method}${SEP}${status}`, labels, now)));
      }
      f.duration.observe(h, b.durationMs / 1000, now, req.traceId, req.spanId);
    }
    let q = route.queries;
    if (!live(q)) q = route.queries = f.queries.child(route.key, { service_name: route.service, http_route: route.value }, now);
    f.queries.observe(q, b.dbQueries, now, b.dbQueries > 0 ? req.traceId : '', req.spanId);

    this.add(f.component, route, 0, 'component', 'db', b.dbMs / 1000, now);
    this.add(f.component, route, 1, 'component', 'cache', b.cacheMs / 1000, now);
    this.add(f.component, route, 2, 'component', 'template', b.templateMs / 1000, now);
    this.add(f.component, route, 3, 'component', 'middleware', b.middlewareMs / 1000, now);
    this.add(f.component, route, 4, 'component', 'outbound', b.outboundMs / 1000, now);
    this.add(f.component, route, 5, 'component', 'self', b.selfMs / 1000, now);
    if (b.cacheHits > 0) this.add(f.cache, route, CACHE_SLOT, 'result', 'hit', b.cacheHits, now);
    if (b.cacheMisses > 0) this.add(f.cache, route, CACHE_SLOT + 1, 'result', 'miss', b.cacheMisses, now);
    if (b.cacheUnknown > 0) this.add(f.cache, route, CACHE_SLOT + 2, 'result', 'unknown', b.cacheUnknown, now);
    for (const finding of req.findings) {
      const i = FINDING_INDEX.get(finding.type);
      if (i === undefined) continue;
      this.add(f.findings, route, FINDING_SLOT + i, 'type', finding.type, 1, now);
      this.add(f.findingOccurrences, route, OCCURRENCE_SLOT + i, 'type', finding.type, finding.occurrences, now);
      if (i === 2) this.add(f.slowQueries, route, SLOW_SLOT, '', '', finding.occurrences, now);
    }
    if (req.spans.length > 0) this.consumeSpans(req, svc, now);
  }

  /** Adds `v` to the route's counter in `slot`, labelled `extra`=`value` besides service and route. */
  private add(fam: CounterFamily, route: RouteEntry, slot: number, extra: string, value: string, v: number, now: number): void {
    let s = route.counters[slot];
    if (!live(s)) {
      const labels: Record<string, string> = { service_name: route.service, http_route: route.value };
      if (extra !== '') labels[extra] = value;
      s = route.counters[slot] = fam.child(`${route.key}${SEP}${value}`, labels, now);
    }
    s.value += v;
    s.seen = now;
  }

  private consumeSpans(req: AnalysedRequest, svc: ServiceEntry, now: number): void {
    const f = this.fam;
    for (const as of req.spans) {
      const cat = as.category;
      const span = as.span;
      if (cat === 'db') {
        const e = this.dbOp(svc, span.dbSystem || '_OTHER', span.dbOperation || as.sql?.operation || '_OTHER', now);
        e.seen = now;
        let h = e.series;
        if (!live(h)) h = e.series = f.dbOperation.child(e.key, { service_name: svc.value, db_system: e.system, db_operation_name: e.operation }, now);
        f.dbOperation.observe(h, span.durationMs / 1000, now, span.traceId, span.spanId);
        if (as.sql !== null) {
          const fe = svc.fingerprints.get(as.sql.fingerprint, now);
          fe.seen = now;
          let sec = fe.seconds;
          let calls = fe.calls;
          if (!live(sec) || !live(calls)) {
            const labels = { service_name: svc.value, db_fingerprint: fe.value };
            sec = fe.seconds = f.fingerprintSeconds.child(fe.key, labels, now);
            calls = fe.calls = f.fingerprintCalls.child(fe.key, labels, now);
          }
          sec.value += span.durationMs / 1000;
          sec.seen = now;
          calls.value++;
          calls.seen = now;
        }
      } else if (cat === 'template' || cat === 'middleware') {
        const template = cat === 'template';
        const e = template ? svc.templates.get(span.templateName || span.name, now) : svc.middleware.get(span.middlewareClass || span.name, now);
        e.seen = now;
        let h = e.series;
        if (!live(h)) {
          h = e.series = template
            ? f.template.child(e.key, { service_name: svc.value, template: e.value }, now)
            : f.middleware.child(e.key, { service_name: svc.value, middleware: e.value }, now);
        }
        (template ? f.template : f.middleware).observe(h, span.durationMs / 1000, now);
      }
    }
  }

  private dbOp(svc: ServiceEntry, system: string, operation: string, now: number): DbOpEntry {
    const ops = svc.dbOpCache.get(system);
    const cached = ops?.get(operation);
    if (cached !== undefined) return cached;
    const e = svc.dbOps.get(`${system}${SEP}${operation}`, now);
    // Only admitted values are cached, so the cache stays within maxDbOperations and every
    // overflowing span is still counted.
    if (e.value !== OVERFLOW) {
      if (ops === undefined) svc.dbOpCache.set(system, new Map([[operation, e]]));
      else ops.set(operation, e);
    }
    return e;
  }

  /** Drops label values and series not seen for the TTL; called on every scrape. */
  sweep(now: number = this.clock()): void {
    const cutoff = now - this.cfg.seriesTtlMs;
    for (const fam of Object.values(this.fam)) if (fam !== this.fam.analysed && fam !== this.fam.overflow) fam.sweep(cutoff);
    this.services.sweep(cutoff, (svc) => this.dropVersions(svc, Number.POSITIVE_INFINITY));
    for (const svc of this.services.values()) {
      svc.routes.sweep(cutoff);
      svc.templates.sweep(cutoff);
      svc.middleware.sweep(cutoff);
      svc.dbOps.sweep(cutoff);
      svc.dbOpCache.clear();
      svc.fingerprints.sweep(cutoff);
      this.dropVersions(svc, cutoff);
    }
  }

  private dropVersions(svc: ServiceEntry, cutoff: number): void {
    svc.versions.sweep(cutoff, (v) => this.versionGauge.remove({ service_name: svc.value, service_version: v.value }));
  }

  /** Every dimension's overflow series exists from the start, at 0: its panel reads 0, not blank. */
  private overflowSeries(dimension: OverflowDimension): CounterSeries {
    let s = this.overflowBy.get(dimension);
    if (s === undefined) {
      s = this.fam.overflow.child(dimension, { dimension }, this.clock());
      this.overflowBy.set(dimension, s);
    }
    return s;
  }

  private overflowCounter(dimension: OverflowDimension): () => void {
    const series = this.overflowSeries(dimension);
    return () => {
      series.value++;
    };
  }

  private makeService(service: string, now: number): ServiceEntry {
    const cfg = this.cfg;
    const key = (v: string): string => `${service}${SEP}${v}`;
    const hist = (value: string, seen: number): HistEntry => ({ value, seen, key: key(value), series: undefined });
    return {
      value: service,
      seen: now,
      dbOpCache: new Map(),
      routes: new BoundedTable<RouteEntry>(cfg.maxRoutesPerService, (value, seen) => ({
        value, seen, service, key: key(value), durations: new Map(), queries: undefined, counters: [],
      }), this.overflowCounter('http_route')),
      templates: new BoundedTable(cfg.maxTemplates, hist, this.overflowCounter('template')),
      middleware: new BoundedTable(cfg.maxMiddleware, hist, this.overflowCounter('middleware')),
      dbOps: new BoundedTable<DbOpEntry>(cfg.maxDbOperations, (value, seen) => {
        const [system = value, operation = value] = value === OVERFLOW ? [] : value.split(SEP);
        return { value, seen, key: key(value), series: undefined, system, operation };
      }, this.overflowCounter('db_operation')),
      fingerprints: new BoundedTable<FingerprintEntry>(cfg.maxFingerprints, (value, seen) => ({
        value, seen, key: key(value), seconds: undefined, calls: undefined,
      }), this.overflowCounter('db_fingerprint')),
      versions: new BoundedTable(MAX_VERSIONS_PER_SERVICE, (value, seen) => {
        this.versionGauge.set({ service_name: service, service_version: value }, seen / 1000);
        return { value, seen };
      }, this.overflowCounter('service_version')),
    };
  }
}
