// The benchmark's input: Django-shaped requests recorded through the real OTel JS SDK
// (services/loadgen) and encoded once by the real OTLP protobuf serializer, before any timing.
// Re-sending the same bytes would make the assembler see the same trace ids again, so each pass
// over the batches ("cycle") rewrites the first 4 bytes of every trace id: the offsets are found
// once by walking the encoded message, and a request never straddles two cycles because the
// batches are cut from one contiguous, request-ordered span list.
import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { syntheticSpans, type SyntheticOptions } from '../services/loadgen/synthetic-traces.js';

export interface Workload {
  label: string;
  batches: Buffer[];
  /** Per batch: byte offsets of every span's 16-byte trace id. */
  traceIdOffsets: number[][];
  /** Per batch: spans, and local roots (requests) it completes. */
  spansIn: number[];
  rootsIn: number[];
  /** Per batch: its last span is a root, so no request continues into the next batch. */
  endsRequest: boolean[];
  spans: number;
  requests: number;
  /** Protobuf bytes of all batches (uncompressed). */
  bytes: number;
}

export interface WorkloadSpec {
  label: string;
  requests: number;
  options: Partial<SyntheticOptions>;
  batchSize?: number;
}

/**
 * ~22 spans a request: root, 2 middleware, 2 cache, a template and 10-22 DB spans (N+1 loops on a
 * quarter of the routes), matching the "~20 spans per request".
 */
export const DJANGO_SHAPE: Partial<SyntheticOptions> = { dbSpansMin: 10, dbSpansMax: 22, middlewareSpans: 2, cacheSpans: 2, routes: 10, fingerprints: 10 };

export function buildWorkload(spec: WorkloadSpec, startMs = Date.now()): Workload {
  const size = spec.batchSize ?? 512;
  const spans = syntheticSpans(spec.requests, spec.options, startMs, 0.2);
  const w: Workload = { label: spec.label, batches: [], traceIdOffsets: [], spansIn: [], rootsIn: [], endsRequest: [], spans: spans.length, requests: spec.requests, bytes: 0 };
  for (let i = 0; i < spans.length; i += size) {
    const chunk = spans.slice(i, i + size);
    const bytes = ProtobufTraceSerializer.serializeRequest(chunk);
    if (bytes === undefined) throw new Error('the OTLP serializer returned nothing');
    const buf = Buffer.from(bytes);
    w.batches.push(buf);
    w.traceIdOffsets.push(traceIdOffsets(buf));
    w.spansIn.push(chunk.length);
    w.rootsIn.push(chunk.filter((s) => s.parentSpanContext === undefined).length);
    w.endsRequest.push(chunk[chunk.length - 1]!.parentSpanContext === undefined);
    w.bytes += buf.length;
  }
  return w;
}

/** A copy of batch `i` whose trace ids carry `cycle`, gzipped (level 1, like a busy exporter) or not. */
export function batchFor(w: Workload, i: number, cycle: number, gzip: boolean): Buffer {
  const out = Buffer.from(w.batches[i]!);
  for (const off of w.traceIdOffsets[i]!) out.writeUInt32BE(cycle >>> 0, off);
  return gzip ? gzipSync(out, { level: 1 }) : out;
}

/** Hands out batches in order, a new cycle after each full pass. */
export class BatchSource {
  private next = 0;
  constructor(
    readonly w: Workload,
    private cycle: number,
    private readonly gzip: boolean,
  ) {}

  take(): { body: Buffer; spans: number; roots: number; endsRequest: boolean } {
    const i = this.next;
    const body = batchFor(this.w, i, this.cycle, this.gzip);
    this.next++;
    if (this.next === this.w.batches.length) {
      this.next = 0;
      this.cycle++;
    }
    return { body, spans: this.w.spansIn[i]!, roots: this.w.rootsIn[i]!, endsRequest: this.w.endsRequest[i]! };
  }

  /** The cycle the next pass will use: callers continue from it so trace ids never repeat. */
  get nextCycle(): number {
    return this.cycle + 1;
  }
}

// Minimal protobuf walk: ExportTraceServiceRequest.resource_spans(1) -> ResourceSpans.scope_spans(2)
// -> ScopeSpans.spans(2) -> Span.trace_id(1). Other fields are skipped by wire type.
function traceIdOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  const path = [1, 2, 2];
  const walk = (start: number, end: number, depth: number): void => {
    let p = start;
    while (p < end) {
      let tag = 0;
      [tag, p] = varint(buf, p);
      const field = tag >>> 3;
      const wire = tag & 7;
      if (wire === 0) [, p] = varint(buf, p);
      else if (wire === 1) p += 8;
      else if (wire === 5) p += 4;
      else if (wire === 2) {
        let len = 0;
        [len, p] = varint(buf, p);
        if (depth < 3 && field === path[depth]) walk(p, p + len, depth + 1);
        else if (depth === 3 && field === 1 && len === 16) out.push(p);
        p += len;
      } else throw new Error(`unexpected wire type ${wire}`);
    }
  };
  walk(0, buf.length, 0);
  return out;
}

function varint(buf: Buffer, p: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const b = buf[p++]!;
    v += (b & 0x7f) * mul;
    if (b < 0x80) return [v, p];
    mul *= 128;
  }
}
