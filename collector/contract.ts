// The pipeline contract: the shapes that flow between stages, in data-flow order.
//   receive -> decode (Span[]) -> assemble (AssembledRequest) -> classify + analyse (AnalysedRequest)
//   -> aggregate (AggregateBatch) -> store / expose
// Stages depend on this file, never on each other's internals. Nothing downstream of decode reads
// raw attribute names: decode maps old and new semantic conventions onto the fields below.

/** OTLP SpanKind numbers (trace.proto). */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP Status.StatusCode numbers. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** Per ResourceSpans; shared by reference between all spans of one resource. */
export interface Resource {
  /** `service.name`; `unknown_service` when absent. */
  serviceName: string;
  /** True for `unknown_service` and `unknown_service:<exe>` (semconv resource/service.md). */
  serviceNameUnknown: boolean;
  /** `service.version`, '' when absent. Every figure can be split by it. */
  serviceVersion: string;
  /** `deployment.environment.name ?? deployment.environment`, '' when absent. */
  environment: string;
  /** `service.instance.id`, '' when absent (one per gunicorn worker in practice). */
  serviceInstanceId: string;
}

/** Cache outcome of one cache call: known hit, known miss, or not reported. */
export type CacheResult = 'hit' | 'miss' | 'unknown';

/**
 * One span as every stage after decode sees it. Fields hold `new ?? old` semconv values;
 * '' / 0 / -1 mean "not present" so the hot path allocates no optional wrappers.
 */
export interface Span {
  traceId: string; // 32 lowercase hex chars
  spanId: string; // 16 lowercase hex chars
  parentSpanId: string; // '' for a root
  /** Parent lives in another process (flags bit 0x200, or the parent id is set but unknown locally). */
  parentIsRemote: boolean;
  name: string;
  kind: number; // SpanKind
  /**
   * Start in ms since the epoch and duration in ms, from the 64-bit nanosecond timestamps as sent
   * (start to ~0.25 us at today's epoch, duration exact to the nanosecond below ~104 days). No
   * stage reads whole nanoseconds, so the span holds no BigInt: two BigInts per held span were
   * 48 of its 655 bytes and two allocations per decoded span.
   */
  startMs: number;
  durationMs: number;
  statusCode: number; // StatusCode
  statusMessage: string;
  /** An `exception` event was recorded on the span. */
  hasException: boolean;
  exceptionType: string;
  /** Instrumentation scope name, e.g. `opentelemetry.instrumentation.django`. */
  scope: string;
  resource: Resource;

  // HTTP (server and client)
  httpMethod: string; // http.request.method ?? http.method
  httpRoute: string; // http.route
  httpStatus: number; // http.response.status_code ?? http.status_code; 0 if absent
  /** Outbound: host only (server.address ?? net.peer.name ?? url host). Never a full URL with query. */
  serverAddress: string;

  // Database and cache clients
  dbSystem: string; // db.system.name ?? db.system
  dbNamespace: string; // db.namespace ?? db.name
  dbStatement: string; // db.query.text ?? db.statement (raw; fingerprinted before storage)
  dbOperation: string; // db.operation.name ?? db.operation ?? ''
  /** Hash of the bound parameters (hotpath-django `hotpath.db.params_hash`), or of `db.statement.parameters`. */
  dbParamsHash: string;
  /** Rows returned/affected when reported (`db.response.returned_rows`, `hotpath.db.rows`); -1 if absent. */
  dbRows: number;

  // hotpath-django conventions (services/hotpath-django/src/hotpath_django/conventions.json)
  /** `hotpath.kind` when our Django package made the span: middleware | template | cache | view. */
  hotpathKind: string;
  cacheResult: CacheResult; // hotpath.cache.hit
  cacheOperation: string; // hotpath.cache.operation (get, set, get_many...) or the redis/memcached command
  cacheBackend: string; // hotpath.cache.backend
  cacheKeyPrefix: string; // hotpath.cache.key_prefix
  /** For get_many: how many keys were hit / missed (0 when not reported). */
  cacheHits: number;
  cacheMisses: number;
  templateName: string; // hotpath.template.name ?? jinja2.template_name
  middlewareClass: string; // hotpath.middleware.class
  middlewareHook: string; // hotpath.middleware.hook
  /** The view's dotted path on the request span (`hotpath.django.view` ?? `code.function.name`). */
  viewFunction: string;
  /** Celery task name (`celery.task_name`, or the name after `run/`). */
  taskName: string;
  /** Count of attribute values cut at the configured maximum length (counted by decode). */
  truncatedAttributes: number;
}

/** What a span is, from Hotpath's point of view (issue 3 classification). */
export type Category =
  | 'request'
  | 'view'
  | 'middleware'
  | 'db'
  | 'cache'
  | 'template'
  | 'outbound_http'
  | 'task'
  | 'other';

/**
 * All spans of one request in one process (its local root and descendants), or a group of
 * spans with no request around them (`root === null`: background work).
 */
export interface AssembledRequest {
  traceId: string;
  /** The local root: a Django request span, or a task/consumer span. null for background groups. */
  root: Span | null;
  /** Every span of the request including the root, in arrival order. */
  spans: Span[];
  /** Analysed on the idle timeout without its root, or cut at the span bound. */
  partial: boolean;
  /** Spans not kept because the request hit `maxSpansPerRequest`. */
  droppedSpans: number;
  resource: Resource;
}

/** Result of fingerprinting one SQL statement (analyse/fingerprint). */
export interface SqlInfo {
  /** 16 lowercase hex chars: the first 8 bytes of SHA-1 over `normalized` (documented in analyse/fingerprint). */
  fingerprint: string;
  /** Literals and placeholders as `?`, IN/VALUES lists collapsed, comments stripped, keywords upper-cased. */
  normalized: string;
  /** SELECT, INSERT, UPDATE, DELETE, SAVEPOINT, ... ('' if unknown). */
  operation: string;
  /** Main table(s), unquoted, in order of appearance, de-duplicated. */
  tables: string[];
}

/** Every finding type, in one list: detectors, metrics labels and API validation all read it. */
export const FINDING_TYPES = [
  'n_plus_one',
  'duplicate_query',
  'slow_query',
  'cache_heavy',
  'write_loop',
  'count_then_fetch',
  'len_instead_of_count',
  'slow_template',
  'slow_middleware',
] as const;

export type FindingType = (typeof FINDING_TYPES)[number];

export interface Finding {
  type: FindingType;
  service: string;
  method: string;
  route: string;
  /** SQL fingerprint, or the template/middleware name for those types; '' when none applies. */
  fingerprint: string;
  occurrences: number;
  totalMs: number;
  traceId: string;
  /** The spans that make up the finding (for marking in the request view). */
  spanIds: string[];
  /** A concrete fix in Django terms, e.g. "use select_related('author')". */
  suggestion: string;
}

/** One span after classification and analysis, as stored in request samples. */
export interface AnalysedSpan {
  span: Span;
  category: Category;
  /** Present for db spans with a statement. */
  sql: SqlInfo | null;
  /** Same fingerprint and same parameters as an earlier span of this request. */
  duplicate: boolean;
}

/** Where a request's time went (issue 3 "Breakdown per request"). All times in ms. */
export interface Breakdown {
  durationMs: number;
  dbMs: number;
  cacheMs: number;
  templateMs: number;
  middlewareMs: number;
  outboundMs: number;
  /** Request duration minus the union of its children's intervals; never negative. */
  selfMs: number;
  dbQueries: number;
  distinctFingerprints: number;
  cacheHits: number;
  cacheMisses: number;
  cacheUnknown: number;
  errors: number;
}

export interface AnalysedRequest {
  /** `request` for a Django request, `task` for a Celery task, `background` for rootless groups. */
  kind: 'request' | 'task' | 'background';
  traceId: string;
  /** Root span id ('' for background). */
  spanId: string;
  resource: Resource;
  method: string;
  /** `http.route`, else the span name after the method; `__background__` for background groups. */
  route: string;
  status: number;
  error: boolean;
  /** Root start in ms since the epoch (for bucketing). */
  startMs: number;
  partial: boolean;
  spans: AnalysedSpan[];
  breakdown: Breakdown;
  findings: Finding[];
}

/**
 * A downstream consumer of analysed requests (storage aggregator, metrics). Nothing reuses a request's
 * objects after analysis, so a sink may keep a few of them until its next drain (the sampler does).
 */
export interface RequestSink {
  consume(req: AnalysedRequest): void;
}

/** Anything with background work. `shutdown()` is idempotent and safe without `start()`. */
export interface Lifecycle {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Milliseconds since the epoch; injected into every stateful stage so tests never sleep. */
export type Clock = () => number;
