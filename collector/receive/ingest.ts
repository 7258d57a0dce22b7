// The one export path behind both OTLP transports: admission (draining, storage health, queue
// room), decode, queue, and the outcome the transport turns into a response. HTTP and gRPC differ
// only in how bytes arrive and how this outcome is written back.
import type { Span } from '../contract.js';
import { HotpathError } from '../errors.js';
import { decodeJsonRequest, decodeProtoRequest, type DecodeOptions } from '../decode/index.js';
import type { SpanIntake } from './ingest-queue.js';

export type Protocol = 'http' | 'grpc';
export type WireFormat = 'proto' | 'json';

/** What the receivers report; main.ts adapts it onto the Prometheus self-metrics. */
export interface ReceiverTelemetry {
  accepted(protocol: Protocol, spans: number): void;
  refused(protocol: Protocol, reason: string, spans: number): void;
  truncatedAttributes(count: number): void;
  requestSize(protocol: Protocol, bytes: number): void;
  requestLatency(protocol: Protocol, seconds: number): void;
}

export const NO_TELEMETRY: ReceiverTelemetry = {
  accepted: () => undefined,
  refused: () => undefined,
  truncatedAttributes: () => undefined,
  requestSize: () => undefined,
  requestLatency: () => undefined,
};

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** Why spans were rejected ('' when none were): goes into partial_success.error_message. */
  message: string;
}

export interface IngestDeps {
  queue: SpanIntake;
  decode: DecodeOptions;
  telemetry: ReceiverTelemetry;
  retryAfterSeconds: number;
  /** Returns an error while Hotpath cannot take data (draining, storage failing), else null. */
  admission: () => HotpathError | null;
}

/** Metric `reason` labels for refusals; other codes use their lower-cased name. */
const REFUSAL_REASON: Partial<Record<HotpathError['code'], string>> = {
  DECODE_FAILED: 'decode',
  OVERLOADED: 'queue_full',
};

export class Ingest {
  /** Exports between arrival and answer (HTTP bodies being read or inflated; gRPC answers in one turn). */
  inFlightRequests = 0;

  constructor(private readonly deps: IngestDeps) {}

  /** Receivers bracket each export with begin/end (in a finally), whatever its outcome. */
  begin(): void {
    this.inFlightRequests++;
  }

  end(): void {
    this.inFlightRequests--;
  }

  /** Spans carried by refused exports, when known (a refusal before decoding carries none). */
  private readonly refusedSpans = new WeakMap<HotpathError, number>();

  /** Refuses early, before the body is read, when no export could be accepted now. */
  precheck(): void {
    const blocked = this.deps.admission();
    if (blocked !== null) throw blocked;
    if (!this.deps.queue.hasRoom()) throw this.overloaded();
  }

  /**
   * Counts one refused export, whatever refused it (transport, admission, decoder, queue): the
   * receivers call this from their single error path, so every refusal is counted exactly once.
   */
  recordRefusal(protocol: Protocol, err: HotpathError): void {
    this.deps.telemetry.refused(protocol, REFUSAL_REASON[err.code] ?? err.code.toLowerCase(), this.refusedSpans.get(err) ?? 0);
  }

  private overloaded(): HotpathError {
    return new HotpathError('OVERLOADED', `ingest queue is full (${this.deps.queue.capacity} spans); retry later`, {
      retryAfterSeconds: this.deps.retryAfterSeconds,
    });
  }

  /** Decodes and queues one ExportTraceServiceRequest. Throws HotpathError on refusal. */
  export(protocol: Protocol, format: WireFormat, body: Uint8Array): IngestResult {
    const { telemetry } = this.deps;
    this.precheck();
    let spans: Span[];
    let idHalves: Int32Array | null;
    let rejected: number;
    let message: string;
    try {
      const r = format === 'proto' ? decodeProtoRequest(body, this.deps.decode) : decodeJsonRequest(body, this.deps.decode);
      spans = r.spans;
      idHalves = r.idHalves;
      rejected = r.rejectedSpans;
      message = r.rejectMessage;
      if (r.truncatedAttributes > 0) telemetry.truncatedAttributes(r.truncatedAttributes);
    } catch (e) {
      if (e instanceof HotpathError) throw e;
      // The decoder's contract is to throw only HotpathError; anything else is our bug, still a 400
      // for this body rather than a crash.
      throw new HotpathError('DECODE_FAILED', `undecodable request: ${(e as Error).message}`, { cause: e });
    }
    if (rejected > 0) telemetry.refused(protocol, 'invalid_span', rejected);
    if (!this.deps.queue.offer(spans, idHalves)) {
      const err = this.overloaded();
      this.refusedSpans.set(err, spans.length);
      throw err;
    }
    telemetry.accepted(protocol, spans.length);
    return { accepted: spans.length, rejected, message };
  }
}
