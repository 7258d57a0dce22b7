// How the collector reports on itself: the receivers' telemetry adapted onto the Prometheus
// self-metrics, and the stages' running totals (what their bounds cut) turned into counter
// increments when /metrics or /readyz is read, so no hot path touches a metric for them.
import type { SelfMetrics } from './expose/metrics/index.js';
import type { ReceiverTelemetry } from './receive/ingest.js';
import type { Pipeline, PipelineStats } from './pipeline.js';
import type { Aggregator } from './aggregate/aggregator.js';
import type { StorageWriter } from '../storage/writer.js';

export function receiverTelemetry(self: SelfMetrics): ReceiverTelemetry {
  return {
    accepted: (p, n) => {
      self.receiverAccepted(p, n);
      self.receiverRequest(p, 'ok');
    },
    // A refusal before the body is read carries 0 spans, so the refused-spans counter alone would
    // hide an overload (found by scripts/reliability/overload.test.ts): count refused requests too.
    // 'invalid_span' is a partial refusal inside an accepted request, already counted as 'ok'.
    refused: (p, reason, n) => {
      self.receiverRefused(p, reason, n);
      if (reason !== 'invalid_span') self.receiverRequest(p, reason);
    },
    truncatedAttributes: (n) => self.attributesTruncated(n),
    requestSize: (p, b) => self.requestSize(p, b),
    requestLatency: (p, s) => self.requestLatency(p, s),
  };
}

/** Returns a function that brings gauges and cut-counters up to date and returns the pipeline stats. */
export function stageMetricsSync(
  self: SelfMetrics,
  pipeline: Pipeline,
  aggregator: Aggregator,
  writer: StorageWriter,
  ingest?: { inFlightRequests: number },
): () => PipelineStats {
  const totals: Array<[() => number, (n: number) => void]> = [
    [() => pipeline.assembler.droppedSpans, (n) => self.spansDropped('assemble', 'max_spans_per_request', n)],
    [() => aggregator.droppedGroups, (n) => self.storageRowsDropped('max_groups_per_flush', n)],
    [() => aggregator.droppedSlowQueries, (n) => self.storageRowsDropped('slow_query_log_cap', n)],
    [() => aggregator.droppedSamples, (n) => self.storageRowsDropped('sample_cap', n)],
    [() => writer.status().droppedRows, (n) => self.storageRowsDropped('storage_backlog', n)],
  ];
  const reported = totals.map(() => 0);
  return () => {
    const p = pipeline.stats();
    self.setQueueDepth('ingest', p.queued);
    if (ingest !== undefined) self.setInFlightRequests(ingest.inFlightRequests);
    self.setAssemblerOpenRequests(p.inFlight);
    self.setAssemblerBufferedSpans(pipeline.assembler.spanCount);
    self.setSpanStoreSlots(pipeline.assembler.store.size, pipeline.assembler.store.capacity);
    self.setFingerprintCacheSize(pipeline.fingerprints.size);
    self.setFlushInterval(writer.status().flushIntervalMs / 1000);
    totals.forEach(([read, report], i) => {
      const now = read();
      if (now > reported[i]!) report(now - reported[i]!);
      reported[i] = now;
    });
    return p;
  };
}
