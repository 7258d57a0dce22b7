// Every setting Hotpath has, in one table: its key in the YAML file, its env var, its CLI flag, its
// default and its validation. `--help`, the README's table and the loader are all generated from it,
// so a setting cannot exist in one place and be missing in another.
import { z } from 'zod';

const MiB = 1024 * 1024;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegative = z.coerce.number().min(0);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) =>
  typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 'yes',
);

/** "books/<int:pk>/=2000,reports/=5000" -> { 'books/<int:pk>/': 2000, 'reports/': 5000 } */
const routeThresholds = z.union([z.record(z.string(), z.number().min(0)), z.string()]).transform((v, ctx) => {
  if (typeof v !== 'string') return v;
  const out: Record<string, number> = {};
  for (const part of v.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.lastIndexOf('=');
    const ms = Number(part.slice(at + 1));
    if (at <= 0 || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not route=milliseconds` });
      return z.NEVER;
    }
    out[part.slice(0, at)] = ms;
  }
  return out;
});

export interface Setting {
  /** Dotted path in the YAML file and in the parsed config object. */
  key: string;
  env: string;
  flag: string;
  default: string | number | boolean;
  schema: z.ZodType;
  help: string;
  /** Never printed in logs or `--help` defaults. */
  secret?: boolean;
}

function s(key: string, env: string, def: Setting['default'], schema: z.ZodType, help: string, secret = false): Setting {
  const flag = '--' + key.replace(/\./g, '-').replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  return { key, env, flag, default: def, schema, help, secret };
}

export const SETTINGS: readonly Setting[] = [
  // where Hotpath listens: loopback unless an operator opts into more
  s('listen.host', 'HOTPATH_LISTEN_HOST', '127.0.0.1', z.string().min(1), 'Address every listener binds to'),
  s('otlp.grpcPort', 'HOTPATH_OTLP_GRPC_PORT', 4317, port, 'OTLP/gRPC port'),
  // HTTP/2's default 64 KiB window let a client send a quarter of a 217 KiB export before waiting for
  // a WINDOW_UPDATE, which the collector sends only when its event loop reads the data (after the
  // analysis slice in progress): paced gRPC trials at 130k / 160k spans/s offered delivered a mean
  // of 101k / 107k with it and 114k / 123k with 1 MiB, grpc-java's default (bench/README.md,
  // session 15). It bounds what one connection may have sent and not yet been read.
  s('otlp.grpcFlowControlWindow', 'HOTPATH_GRPC_FLOW_CONTROL_WINDOW', MiB, z.coerce.number().int().min(65_535).max(2 ** 31 - 1), 'HTTP/2 flow-control window of each OTLP/gRPC stream and connection, bytes: what a client may send before the collector has read it'),
  s('otlp.httpPort', 'HOTPATH_OTLP_HTTP_PORT', 4318, port, 'OTLP/HTTP port (POST /v1/traces)'),
  s('otlp.httpPath', 'HOTPATH_OTLP_HTTP_PATH', '/v1/traces', z.string().startsWith('/'), 'OTLP/HTTP traces path'),
  s('api.port', 'HOTPATH_API_PORT', 9464, port, 'Port of the JSON API, /metrics, /livez and /readyz'),
  s('api.token', 'HOTPATH_API_TOKEN', '', z.string(), 'Bearer token required by /api (empty: none)', true),
  s('api.thread', 'HOTPATH_API_THREAD', true, bool, 'Serve /api from its own thread and SQLite connection, so queries and ingest never wait on each other (off, or a :memory: database: on the main thread)'),
  s('api.threadNice', 'HOTPATH_API_THREAD_NICE', 9, z.coerce.number().int().min(0).max(19), 'Linux nice value of the API thread: higher leaves more of a saturated core to ingest, lower answers queries sooner under load (bench/README.md)'),
  s('ingest.token', 'HOTPATH_INGEST_TOKEN', '', z.string(), 'Bearer token required on OTLP ingest (empty: none)', true),
  // OTLP spec: the server MUST bound the decompressed size (64 MiB recommended); the wire limit
  // stops a client streaming an unbounded body before any inflation happens.
  s('ingest.maxBodyBytes', 'HOTPATH_MAX_BODY_BYTES', 20 * MiB, positiveInt, 'Largest OTLP request body on the wire'),
  s('ingest.maxDecompressedBytes', 'HOTPATH_MAX_DECOMPRESSED_BYTES', 64 * MiB, positiveInt, 'Largest OTLP request after gzip/deflate'),
  s('ingest.maxAttributeLength', 'HOTPATH_MAX_ATTRIBUTE_LENGTH', 8192, positiveInt, 'Attribute values are cut at this many characters'),
  s('ingest.queueMaxSpans', 'HOTPATH_QUEUE_MAX_SPANS', 200_000, positiveInt, 'Spans accepted but not yet assembled; past it ingest answers 429'),
  s('ingest.retryAfterSeconds', 'HOTPATH_RETRY_AFTER_SECONDS', 2, positiveInt, 'Retry-After sent with 429/503'),
  s('assembler.graceMs', 'HOTPATH_GRACE_MS', 2000, nonNegative, 'Wait for stragglers after a request root arrives'),
  s('assembler.idleTimeoutMs', 'HOTPATH_IDLE_TIMEOUT_MS', 30_000, positiveInt, 'Analyse a request without its root after this idle time (partial)'),
  s('assembler.maxRequestsInFlight', 'HOTPATH_MAX_REQUESTS_IN_FLIGHT', 20_000, positiveInt, 'Requests being assembled at once; the oldest is evicted past it'),
  // The memory bound of the assembler (~0.3 KB of heap a held span, bench/held-memory.ts). It also bounds throughput: a
  // sustained rate needs rate x (grace + ~0.1 s) spans in flight, so 200k allows ~95k spans/s at
  // the default 2 s grace (bench/). Raise it with the rate, and the memory budget with it.
  s('assembler.maxSpansInFlight', 'HOTPATH_MAX_SPANS_IN_FLIGHT', 200_000, positiveInt, 'Spans held by the assembler at once; the oldest request is evicted past it'),
  s('assembler.maxSpansPerRequest', 'HOTPATH_MAX_SPANS_PER_REQUEST', 2000, positiveInt, 'Spans kept per request; the rest are counted and dropped'),
  s('analysis.nPlusOneMinCount', 'HOTPATH_N_PLUS_ONE_MIN_COUNT', 5, positiveInt, 'N+1: repetitions of one query under one parent'),
  s('analysis.nPlusOneMinTotalMs', 'HOTPATH_N_PLUS_ONE_MIN_TOTAL_MS', 50, nonNegative, 'N+1: minimum time of the repetitions together (0 = count only)'),
  s('analysis.nPlusOneCountOnly', 'HOTPATH_N_PLUS_ONE_COUNT_ONLY', false, bool, 'N+1: fire on the count alone, ignoring the time threshold'),
  s('analysis.duplicateMinCount', 'HOTPATH_DUPLICATE_MIN_COUNT', 2, positiveInt, 'Executions with the same SQL and parameters that make a duplicate'),
  s('analysis.slowQueryMs', 'HOTPATH_SLOW_QUERY_MS', 500, nonNegative, 'A query at least this long is a slow query'),
  s('analysis.slowQueryRouteOverrides', 'HOTPATH_SLOW_QUERY_ROUTE_OVERRIDES', '', routeThresholds, 'Per-route slow-query thresholds, "route=ms,route=ms"'),
  s('analysis.largeResultRows', 'HOTPATH_LARGE_RESULT_ROWS', 1000, positiveInt, 'Rows from an unbounded SELECT that count as a large fetch'),
  s('analysis.cacheHeavyCalls', 'HOTPATH_CACHE_HEAVY_CALLS', 10, positiveInt, 'More cache calls than this in one request is cache-heavy'),
  s('analysis.writeLoopMinCount', 'HOTPATH_WRITE_LOOP_MIN_COUNT', 5, positiveInt, 'Writes with one fingerprint in one request that make a write loop'),
  s('analysis.slowTemplateMs', 'HOTPATH_SLOW_TEMPLATE_MS', 100, nonNegative, 'A template render at least this long is slow'),
  s('analysis.slowMiddlewareMs', 'HOTPATH_SLOW_MIDDLEWARE_MS', 50, nonNegative, 'Middleware self time at least this long is slow'),
  s('analysis.fingerprintCacheSize', 'HOTPATH_FINGERPRINT_CACHE_SIZE', 10_000, positiveInt, 'Distinct SQL texts whose fingerprint is cached'),
  s('storage.path', 'HOTPATH_DB', './data/hotpath.db', z.string().min(1), 'SQLite database file'),
  s('storage.flushIntervalMs', 'HOTPATH_FLUSH_INTERVAL_MS', 500, positiveInt, 'The writer looks at the aggregates pending this often, and writes them when cheap enough (see HOTPATH_FLUSH_SHARE)'),
  s('storage.maxFlushIntervalMs', 'HOTPATH_FLUSH_MAX_INTERVAL_MS', 4000, positiveInt, 'The longest time between two flushes, however costly (see HOTPATH_FLUSH_SHARE)'),
  s('storage.flushShare', 'HOTPATH_FLUSH_SHARE', 0.05, z.coerce.number().min(0).max(1), 'A flush waits until writing what is pending (estimated from the last five flushes) takes at most this share of the time since the last one (0: every interval)'),
  s('storage.storeRawSql', 'HOTPATH_STORE_RAW_SQL', false, bool, 'Store raw SQL with literals in the long-query log (privacy: off)'),
  s('retention.minuteHours', 'HOTPATH_RETENTION_MINUTE_HOURS', 48, positiveInt, 'Keep per-minute rows this many hours'),
  s('retention.hourDays', 'HOTPATH_RETENTION_HOUR_DAYS', 90, positiveInt, 'Keep per-hour rows this many days'),
  s('retention.logDays', 'HOTPATH_RETENTION_LOG_DAYS', 14, positiveInt, 'Keep the long-query log and request samples this many days'),
  s('retention.maxSamplesPerRoute', 'HOTPATH_MAX_SAMPLES_PER_ROUTE', 50, positiveInt, 'Request samples kept per route'),
  s('retention.samplesPerRoutePerMinute', 'HOTPATH_SAMPLES_PER_ROUTE_PER_MINUTE', 6, positiveInt, 'Request samples written per route per minute, so the kept ones span minutes rather than seconds'),
  s('metrics.maxRoutesPerService', 'HOTPATH_METRICS_MAX_ROUTES', 200, positiveInt, 'Route label values per service before __overflow__'),
  s('metrics.maxServices', 'HOTPATH_METRICS_MAX_SERVICES', 50, positiveInt, 'Service label values before __overflow__'),
  s('metrics.maxTemplates', 'HOTPATH_METRICS_MAX_TEMPLATES', 200, positiveInt, 'Template label values before __overflow__'),
  s('metrics.maxMiddleware', 'HOTPATH_METRICS_MAX_MIDDLEWARE', 100, positiveInt, 'Middleware label values before __overflow__'),
  s('metrics.seriesTtlMinutes', 'HOTPATH_METRICS_SERIES_TTL_MINUTES', 15, positiveInt, 'Series of routes unseen this long are removed'),
  // V8 lets the old generation grow to up to 4x what the last major GC left live before it collects
  // again, and what the assembler holds is promoted at the ingest rate, so RSS followed that slack
  // (live ~95 MB, RSS 416-426 MB at 60k spans/s with 10,000 requests in flight). At 60, RSS was
  // 262-269 MB for ~2.5% fewer spans per CPU-second (bench/README.md, session 5). 0: V8's own rule.
  s('runtime.heapGrowthPercent', 'HOTPATH_HEAP_GROWTH_PERCENT', 60, z.coerce.number().int().min(0).max(300), 'Old-generation growth allowed between major GCs, in % of the live heap (0: leave V8\'s rule, or node\'s --heap-growing-percent flag)'),
  s('log.level', 'HOTPATH_LOG_LEVEL', 'info', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'Log level'),
];

export const CONFIG_FILE_ENV = 'HOTPATH_CONFIG';
