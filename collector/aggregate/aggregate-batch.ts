// What the aggregator hands the storage writer every flush: rows to upsert (counters add, maxima
// take the larger, sketches merge) and rows to append. Column meanings: storage/SCHEMA.md.
import type { RowSketch } from '../../storage/row-sketch.js';
import type { Breakdown, CacheResult, Category, Finding, FindingType } from '../contract.js';

/** Per (bucket, service, version, kind, method, route). Table endpoint_minute. */
export interface EndpointRow {
  bucketMs: number;
  service: string;
  version: string;
  kind: 'request' | 'task';
  method: string;
  route: string;
  count: number;
  errors: number;
  partial: number;
  status4xx: number;
  status5xx: number;
  totalMs: number;
  maxMs: number;
  /** Request durations in ms. */
  sketch: RowSketch;
  dbMs: number;
  dbCount: number;
  cacheMs: number;
  cacheHits: number;
  cacheMisses: number;
  cacheUnknown: number;
  templateMs: number;
  middlewareMs: number;
  outboundMs: number;
  selfMs: number;
  findings: number;
}

/** Per (bucket, service, version) for rootless work. Table background_minute. */
export interface BackgroundRow {
  bucketMs: number;
  service: string;
  version: string;
  count: number;
  spans: number;
  totalMs: number;
  dbMs: number;
  dbCount: number;
  cacheMs: number;
  cacheCount: number;
  outboundMs: number;
  outboundCount: number;
}

/** Per (bucket, service, version, fingerprint). Table query_minute. */
export interface QueryRow {
  bucketMs: number;
  service: string;
  version: string;
  fingerprint: string;
  calls: number;
  requests: number;
  errors: number;
  duplicates: number;
  totalMs: number;
  maxMs: number;
  /** Execution times in ms. */
  sketch: RowSketch;
  rows: number;
  rowsCalls: number;
}

/** Per (bucket, service, version, fingerprint, method, route). Table query_route_minute. */
export interface QueryRouteRow extends QueryRow {
  method: string;
  route: string;
}

/** Once per (service, fingerprint). Table queries. */
export interface QueryInfoRow {
  service: string;
  fingerprint: string;
  normalized: string;
  operation: string;
  tables: string[];
  dbSystem: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** Per (bucket, service, version, method, route, type, fingerprint): finding_minute and findings. */
export interface FindingRow {
  bucketMs: number;
  service: string;
  version: string;
  method: string;
  route: string;
  type: FindingType;
  fingerprint: string;
  occurrences: number;
  requests: number;
  totalMs: number;
  firstSeenMs: number;
  lastSeenMs: number;
  suggestion: string;
  /** Most recent first, at most MAX_SAMPLE_TRACE_IDS. */
  sampleTraceIds: string[];
}

export const MAX_SAMPLE_TRACE_IDS = 5;

/** One execution over the slow threshold. Table slow_queries. */
export interface SlowQueryRow {
  timeMs: number;
  service: string;
  version: string;
  method: string;
  route: string;
  traceId: string;
  spanId: string;
  durationMs: number;
  fingerprint: string;
  operation: string;
  dbSystem: string;
  rows: number;
  /** Normalised unless `raw`. */
  statement: string;
  raw: boolean;
}

export type SampleReason = 'finding' | 'error' | 'slow';

export interface SampleSpan {
  spanId: string;
  parentSpanId: string;
  name: string;
  category: Category;
  kind: number;
  /** Start relative to the request start (ms). */
  offsetMs: number;
  durationMs: number;
  status: number;
  error: boolean;
  exceptionType: string;
  sql: { fingerprint: string; normalized: string; operation: string; tables: string[] } | null;
  /** Raw SQL only when the user opted in; '' otherwise. */
  statement: string;
  duplicate: boolean;
  rows: number;
  dbSystem: string;
  cache: { result: CacheResult; operation: string; backend: string; keyPrefix: string; hits: number; misses: number } | null;
  template: string;
  middleware: { class: string; hook: string } | null;
  http: { method: string; route: string; status: number; serverAddress: string } | null;
  task: string;
}

/** JSON stored in samples.body. */
export interface SampleBody {
  breakdown: Breakdown;
  findings: Finding[];
  spans: SampleSpan[];
}

/** A request kept whole. Table samples. */
export interface SampleRow {
  timeMs: number;
  service: string;
  version: string;
  kind: 'request' | 'task';
  method: string;
  route: string;
  traceId: string;
  spanId: string;
  durationMs: number;
  status: number;
  error: boolean;
  partial: boolean;
  reasons: SampleReason[];
  findingTypes: FindingType[];
  spanCount: number;
  /** JSON of SampleBody, serialised at consume time so the request is not retained. */
  body: string;
}

/** Table service_versions. */
export interface ServiceVersionRow {
  service: string;
  version: string;
  environment: string;
  firstSeenMs: number;
  lastSeenMs: number;
  requests: number;
}

export interface AggregateBatch {
  endpoints: EndpointRow[];
  background: BackgroundRow[];
  queries: QueryRow[];
  queryRoutes: QueryRouteRow[];
  queryInfo: QueryInfoRow[];
  findings: FindingRow[];
  slowQueries: SlowQueryRow[];
  samples: SampleRow[];
  serviceVersions: ServiceVersionRow[];
}

export function emptyBatch(): AggregateBatch {
  return {
    endpoints: [],
    background: [],
    queries: [],
    queryRoutes: [],
    queryInfo: [],
    findings: [],
    slowQueries: [],
    samples: [],
    serviceVersions: [],
  };
}

export function batchRowCount(b: AggregateBatch): number {
  let n = 0;
  for (const rows of Object.values(b) as unknown[][]) n += rows.length;
  return n;
}
