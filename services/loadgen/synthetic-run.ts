// Sends synthetic Django traces to an OTLP/HTTP endpoint at a fixed request rate, through the
// real OTel JS SDK (BasicTracerProvider + BatchSpanProcessor + OTLPTraceExporter), as a Python
// app with the OTel distro would. Bounded by count and/or duration; stops by itself.

import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HotpathError } from '../../collector/errors.js';
import { checkTargetUrl } from './loopback.js';
import { DEFAULT_SYNTHETIC_OPTIONS, SyntheticTraffic, syntheticResource } from './synthetic-traces.js';
import type { SyntheticOptions } from './synthetic-traces.js';

export type OtlpHttpProtocol = 'http/protobuf' | 'http/json';

export interface SyntheticRunOptions extends Partial<SyntheticOptions> {
  /** OTLP/HTTP base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  protocol?: OtlpHttpProtocol;
  /** Requests per second. */
  rate: number;
  /** Stop after this many seconds (default 10 when `count` is not given). */
  durationSec?: number;
  /** Stop after this many requests. */
  count?: number;
  allowRemote?: boolean;
  signal?: AbortSignal;
  /** Ms since the epoch for each request's start; defaults to Date.now (spans carry wall-clock times). */
  now?: () => number;
}

export interface SyntheticRunResult {
  requests: number;
  /** Spans recorded; the SDK's batch processor drops spans if its queue (16,384) overflows. */
  spans: number;
  elapsedMs: number;
}

export const DEFAULT_SYNTHETIC_RUN = { protocol: 'http/protobuf', durationSec: 10 } as const;
const MAX_RATE = 50_000;

export async function runSynthetic(opts: SyntheticRunOptions): Promise<SyntheticRunResult> {
  const base = checkTargetUrl(opts.endpoint, opts.allowRemote ?? false);
  if (!(opts.rate > 0 && opts.rate <= MAX_RATE)) throw new HotpathError('CONFIG_INVALID', `rate must be in (0, ${MAX_RATE}]`);
  const url = new URL('v1/traces', base.href.endsWith('/') ? base : new URL(base.href + '/')).href;
  const protocol = opts.protocol ?? DEFAULT_SYNTHETIC_RUN.protocol;
  const exporter = protocol === 'http/json' ? new OtlpJsonExporter({ url }) : new OtlpProtoExporter({ url });
  const settings = { ...DEFAULT_SYNTHETIC_OPTIONS, ...opts };
  const provider = new BasicTracerProvider({
    resource: syntheticResource(settings),
    // A 512-span batch every 200 ms, the Python SDK's default batch size with a shorter delay
    // so short runs flush promptly; the queue holds a few seconds of 20 req/s x 60 spans.
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, scheduledDelayMillis: 200, maxQueueSize: 16_384 })],
  });
  const traffic = new SyntheticTraffic(provider, settings);
  const now = opts.now ?? Date.now;
  const count = opts.count ?? Infinity;
  const durationMs = (opts.durationSec ?? (opts.count === undefined ? DEFAULT_SYNTHETIC_RUN.durationSec : Infinity)) * 1000;
  const interval = 1000 / opts.rate;
  const start = performance.now();
  let requests = 0;
  let spans = 0;
  const aborted = (): boolean => opts.signal?.aborted === true;
  try {
    while (requests < count && requests * interval < durationMs && !aborted()) {
      const wait = start + requests * interval - performance.now();
      // Behind schedule, still yield once per request: the batch processor's export timer has to
      // run, or its queue fills and the SDK drops spans.
      if (wait > 1) await sleep(wait, undefined, { signal: opts.signal }).catch(() => undefined);
      else await setImmediate();
      if (aborted()) break;
      spans += traffic.record(now()).spans;
      requests++;
    }
    await provider.forceFlush();
  } finally {
    await provider.shutdown();
  }
  return { requests, spans, elapsedMs: performance.now() - start };
}
