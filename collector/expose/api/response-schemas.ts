// Response shapes for the OpenAPI document. Tests validate real responses against the generated
// JSON Schemas, so a field the storage read side adds or drops without a change here fails a test.
import { z } from 'zod';

const ms = z.number().describe('milliseconds');
const msOrNull = z.number().nullable().describe('milliseconds; null when there is no data');
const time = z.string().describe('RFC 3339 timestamp (UTC)');

export const rangeFields = { from: time, to: time };
export const nextOffset = z.number().int().nullable().describe('offset of the next page; null on the last page');

export const serviceSchema = z.strictObject({
  service: z.string(), count: z.number().int(), errors: z.number().int(), total_ms: ms,
  endpoints: z.number().int(), last_seen: time,
  versions: z.array(z.strictObject({
    version: z.string(), environment: z.string(), first_seen: time, last_seen: time, requests: z.number().int(),
  })),
});

export const endpointSchema = z.strictObject({
  service: z.string(), kind: z.enum(['request', 'task']), method: z.string(), route: z.string(),
  count: z.number().int(), errors: z.number().int(), total_ms: ms, mean_ms: ms,
  share: z.number().min(0).max(1).describe("part of all request time in the selection (total, not mean)"),
  p50_ms: msOrNull, p95_ms: msOrNull, p99_ms: msOrNull, max_ms: ms, db_ms: ms, db_queries: z.number().int(),
  cache_ms: ms, cache_hits: z.number().int(), cache_misses: z.number().int(), template_ms: ms,
  middleware_ms: ms, outbound_ms: ms, self_ms: ms,
});

export const findingSchema = z.strictObject({
  type: z.string(), service: z.string(), method: z.string(), route: z.string(), fingerprint: z.string(),
  occurrences: z.number().int(), requests: z.number().int(), total_ms: ms, sample_trace_ids: z.array(z.string()),
  suggestion: z.string(), first_seen: time, last_seen: time,
});

export const queryRouteSchema = z.strictObject({ method: z.string(), route: z.string(), calls: z.number().int(), total_ms: ms });

export const queryStatsSchema = z.strictObject({
  service: z.string(), fingerprint: z.string(), normalized: z.string(), operation: z.string(),
  tables: z.array(z.string()), db_system: z.string(), calls: z.number().int(), requests: z.number().int(),
  calls_per_request: z.number(), duplicates: z.number().int(), errors: z.number().int(), total_ms: ms,
  mean_ms: ms, p95_ms: msOrNull, max_ms: ms, routes: z.array(queryRouteSchema),
});

export const slowQuerySchema = z.strictObject({
  time, service: z.string(), version: z.string(), method: z.string(), route: z.string(), trace_id: z.string(),
  span_id: z.string(), duration_ms: ms, fingerprint: z.string(), operation: z.string(),
  rows: z.number().int().nullable(), statement: z.string().describe('normalised SQL unless raw is true'),
  raw: z.boolean(),
});

export const seriesPointSchema = z.strictObject({
  time, count: z.number().int(), errors: z.number().int(), total_ms: ms, mean_ms: ms, p50_ms: msOrNull,
  p95_ms: msOrNull, p99_ms: msOrNull, db_ms: ms, db_queries: z.number().int(), cache_ms: ms, template_ms: ms,
  middleware_ms: ms, outbound_ms: ms, self_ms: ms,
});

export const endpointDetailSchema = z.strictObject({
  ...rangeFields,
  endpoint: endpointSchema,
  step_seconds: z.number().int(),
  series: z.array(seriesPointSchema),
  top_queries: z.array(z.strictObject({
    fingerprint: z.string(), normalized: z.string(), operation: z.string(), calls: z.number().int(),
    calls_per_request: z.number(), duplicates: z.number().int(), total_ms: ms, mean_ms: ms, p95_ms: msOrNull,
    max_ms: ms, share_of_endpoint: z.number(),
  })),
  findings: z.array(findingSchema),
  samples: z.array(z.strictObject({
    time, trace_id: z.string(), span_id: z.string(), duration_ms: ms, status: z.number().int(),
    error: z.boolean(), reasons: z.array(z.string()), finding_types: z.array(z.string()),
  })),
});

export const queryDetailSchema = z.strictObject({
  ...rangeFields,
  fingerprint: z.string(), normalized: z.string(), operation: z.string(), tables: z.array(z.string()),
  first_seen: time, last_seen: time, stats: z.array(queryStatsSchema), step_seconds: z.number().int(),
  series: z.array(z.strictObject({ time, calls: z.number().int(), total_ms: ms, mean_ms: ms, p95_ms: msOrNull, max_ms: ms })),
  slow_samples: z.array(slowQuerySchema),
  findings: z.array(findingSchema),
});

export const storedRequestSchema = z.strictObject({
  trace_id: z.string(), span_id: z.string(), time, service: z.string(), version: z.string(), kind: z.string(),
  method: z.string(), route: z.string(), status: z.number().int(), error: z.boolean(), partial: z.boolean(),
  duration_ms: ms, reasons: z.array(z.string()), breakdown: z.record(z.string(), z.number()),
  spans: z.array(z.strictObject({
    span_id: z.string(), parent_span_id: z.string(), name: z.string(), category: z.string(),
    offset_ms: ms.describe('start relative to the request start'), duration_ms: ms, error: z.boolean(),
    fingerprint: z.string().nullable(), statement: z.string().nullable(), operation: z.string().nullable(),
    duplicate: z.boolean(), rows: z.number().int().nullable(), cache_hit: z.boolean().nullable(),
    detail: z.string(), finding_types: z.array(z.string()),
  })),
  findings: z.array(z.strictObject({
    type: z.string(), fingerprint: z.string(), occurrences: z.number().int(), total_ms: ms,
    span_ids: z.array(z.string()), suggestion: z.string(),
  })),
  other_requests: z.array(z.strictObject({ service: z.string(), span_id: z.string(), method: z.string(), route: z.string() })),
});

const versionStats = z
  .strictObject({ count: z.number().int(), mean_ms: ms, p95_ms: msOrNull, per_request: z.number() })
  .nullable()
  .describe('null when the endpoint or query did not run in that version');

export const comparisonSchema = z.strictObject({
  ...rangeFields,
  service: z.string(), from_version: z.string(), to_version: z.string(),
  endpoints: z.array(z.strictObject({
    method: z.string(), route: z.string(), before: versionStats, after: versionStats,
    mean_change_ms: msOrNull, p95_change_ms: msOrNull, slower: z.boolean(), more_queries: z.boolean(),
  })),
  queries: z.array(z.strictObject({
    fingerprint: z.string(), normalized: z.string(), before: versionStats, after: versionStats,
    mean_change_ms: msOrNull, ms_per_request_change: ms, slower: z.boolean(), more_frequent: z.boolean(),
  })),
});
