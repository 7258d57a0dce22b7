// The collector's own health: what the receivers took in and refused, what the assembler evicted,
// queue and storage state. Callers pass bounded label values (protocols, reason codes), so these
// use prom-client's metrics directly; they change per OTLP request, not per span.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { EVICTION_REASONS } from '../../assemble/assembler-config.js';

/** Why aggregated rows were not written (hotpath_storage_dropped_rows_total `reason`). */
export const ROWS_DROPPED_REASONS = ['max_groups_per_flush', 'slow_query_log_cap', 'sample_cap', 'storage_backlog'] as const;
/** Where accepted spans can be lost before analysis (hotpath_spans_dropped_total labels). */
export const SPANS_DROPPED = [{ stage: 'assemble', reason: 'max_spans_per_request' }] as const;
type SpansDropped = (typeof SPANS_DROPPED)[number];

export type Protocol = 'grpc' | 'http';

export interface SelfMetrics {
  receiverAccepted(protocol: Protocol, spans: number): void;
  /** `reason`: a short code, e.g. an ErrorCode ('OVERLOADED', 'DECODE_FAILED', 'UNAUTHENTICATED'). */
  receiverRefused(protocol: Protocol, reason: string, spans: number): void;
  /** One finished OTLP export request and its outcome code (HTTP status or gRPC code name). */
  receiverRequest(protocol: Protocol, code: string): void;
  requestSize(protocol: Protocol, bytes: number): void;
  requestLatency(protocol: Protocol, seconds: number): void;
  setInFlightRequests(n: number): void;
  assemblerEvicted(reason: string, traces: number): void;
  setAssemblerOpenRequests(n: number): void;
  setAssemblerBufferedSpans(n: number): void;
  /** Slots of the span store (queued and held spans) in use, and allocated (it grows and gives back by chunks). */
  setSpanStoreSlots(used: number, allocated: number): void;
  /** Attribute values cut at the configured maximum length (data kept, not lost). */
  attributesTruncated(n: number): void;
  /** Spans accepted but then lost (e.g. over maxSpansPerRequest); HotpathCollectorDroppingSpans alerts on it. */
  spansDropped(stage: SpansDropped['stage'], reason: SpansDropped['reason'], n: number): void;
  /** Aggregated rows not written: over the per-flush group bound, the long-query log cap, the sample cap, or a storage backlog. */
  storageRowsDropped(reason: (typeof ROWS_DROPPED_REASONS)[number], n: number): void;
  setQueueDepth(queue: string, spans: number): void;
  storageFlush(seconds: number, rows: number): void;
  storageError(operation: string): void;
  setFingerprintCacheSize(entries: number): void;
  setFlushInterval(seconds: number): void;
  sinkError(sink: string): void;
  setReady(ready: boolean): void;
}

const SIZE_BUCKETS = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createSelfMetrics(registry: Registry, version: string): SelfMetrics {
  const registers = [registry];
  const accepted = new Counter({ name: 'hotpath_receiver_accepted_spans_total', help: 'Spans accepted by the OTLP receivers.', labelNames: ['protocol'] as const, registers });
  const refused = new Counter({ name: 'hotpath_receiver_refused_spans_total', help: 'Spans refused by the OTLP receivers, by reason.', labelNames: ['protocol', 'reason'] as const, registers });
  const requests = new Counter({ name: 'hotpath_receiver_requests_total', help: 'OTLP export requests by protocol and outcome code.', labelNames: ['protocol', 'code'] as const, registers });
  const size = new Histogram({ name: 'hotpath_receiver_request_size_bytes', help: 'OTLP export request body size as received.', labelNames: ['protocol'] as const, buckets: SIZE_BUCKETS, registers });
  const latency = new Histogram({ name: 'hotpath_receiver_request_duration_seconds', help: 'Time to handle one OTLP export request.', labelNames: ['protocol'] as const, buckets: LATENCY_BUCKETS, registers });
  const inFlight = new Gauge({ name: 'hotpath_receiver_in_flight_requests', help: 'OTLP export requests being handled.', registers });
  const evicted = new Counter({ name: 'hotpath_traces_evicted_total', help: 'Requests the assembler closed early, by reason.', labelNames: ['reason'] as const, registers });
  const open = new Gauge({ name: 'hotpath_assembler_open_requests', help: 'Requests being assembled.', registers });
  const buffered = new Gauge({ name: 'hotpath_assembler_buffered_spans', help: 'Spans held by the assembler.', registers });
  const storeSlots = new Gauge({ name: 'hotpath_span_store_slots', help: 'Slots of the span store that holds queued and assembling spans, used and allocated.', labelNames: ['state'] as const, registers });
  const truncated = new Counter({ name: 'hotpath_decode_truncated_attributes_total', help: 'Attribute values cut at the maximum attribute length.', registers });
  const dropped = new Counter({ name: 'hotpath_spans_dropped_total', help: 'Accepted spans that were not analysed, by stage and reason.', labelNames: ['stage', 'reason'] as const, registers });
  const rowsDropped = new Counter({ name: 'hotpath_storage_dropped_rows_total', help: 'Aggregated rows not written to SQLite, by the bound that cut them.', labelNames: ['reason'] as const, registers });
  const queue = new Gauge({ name: 'hotpath_queue_depth_spans', help: 'Spans waiting in an internal queue.', labelNames: ['queue'] as const, registers });
  const flush = new Histogram({ name: 'hotpath_storage_flush_duration_seconds', help: 'Duration of one storage flush (SQLite transaction).', buckets: LATENCY_BUCKETS, registers });
  const flushInterval = new Gauge({ name: 'hotpath_storage_flush_interval_seconds', help: 'Time between the last two storage flushes: the configured interval, longer while flushes are costly (HOTPATH_FLUSH_SHARE).', registers });
  const rows = new Counter({ name: 'hotpath_storage_rows_written_total', help: 'Rows written to storage.', registers });
  const storageErrors = new Counter({ name: 'hotpath_storage_errors_total', help: 'Storage operations that failed.', labelNames: ['operation'] as const, registers });
  const fpCache = new Gauge({ name: 'hotpath_fingerprint_cache_entries', help: 'Entries in the SQL fingerprint cache.', registers });
  const sinkErrors = new Counter({ name: 'hotpath_sink_errors_total', help: 'Exceptions thrown by request sinks.', labelNames: ['sink'] as const, registers });
  const ready = new Gauge({ name: 'hotpath_ready', help: '1 while the collector accepts data (what /readyz reports).', registers });
  const build = new Gauge({ name: 'hotpath_build_info', help: 'Build metadata; always 1.', labelNames: ['version', 'node_version'] as const, registers });
  build.set({ version, node_version: process.version }, 1);
  ready.set(0);
  // Zero series let rate() see the first refusal, eviction or failure instead of a series appearing
  // from nothing, and keep the dashboards' panels for them at 0 rather than blank.
  for (const p of ['grpc', 'http'] as const) {
    accepted.inc({ protocol: p }, 0);
    refused.inc({ protocol: p, reason: 'OVERLOADED' }, 0);
  }
  for (const reason of EVICTION_REASONS) evicted.inc({ reason }, 0);
  for (const reason of ROWS_DROPPED_REASONS) rowsDropped.inc({ reason }, 0);
  for (const labels of SPANS_DROPPED) dropped.inc(labels, 0);
  storageErrors.inc({ operation: 'flush' }, 0);

  return {
    receiverAccepted: (protocol, n) => accepted.inc({ protocol }, n),
    receiverRefused: (protocol, reason, n) => refused.inc({ protocol, reason }, n),
    receiverRequest: (protocol, code) => requests.inc({ protocol, code }),
    requestSize: (protocol, bytes) => size.observe({ protocol }, bytes),
    requestLatency: (protocol, seconds) => latency.observe({ protocol }, seconds),
    setInFlightRequests: (n) => inFlight.set(n),
    assemblerEvicted: (reason, n) => evicted.inc({ reason }, n),
    setAssemblerOpenRequests: (n) => open.set(n),
    setAssemblerBufferedSpans: (n) => buffered.set(n),
    setSpanStoreSlots: (used, allocated) => {
      storeSlots.set({ state: 'used' }, used);
      storeSlots.set({ state: 'allocated' }, allocated);
    },
    attributesTruncated: (n) => truncated.inc(n),
    spansDropped: (stage, reason, n) => dropped.inc({ stage, reason }, n),
    storageRowsDropped: (reason, n) => rowsDropped.inc({ reason }, n),
    setQueueDepth: (q, n) => queue.set({ queue: q }, n),
    storageFlush: (seconds, n) => {
      flush.observe(seconds);
      rows.inc(n);
    },
    storageError: (operation) => storageErrors.inc({ operation }),
    setFingerprintCacheSize: (n) => fpCache.set(n),
    setFlushInterval: (seconds) => flushInterval.set(seconds),
    sinkError: (sink) => sinkErrors.inc({ sink }),
    setReady: (r) => ready.set(r ? 1 : 0),
  };
}
