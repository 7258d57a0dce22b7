// What both decoders return, and the bookkeeping for spans they refuse (OTLP partial success:
// rejected spans are counted and explained, the rest of the request is kept).
import type { Span } from '../contract.js';
import { HotpathError } from '../errors.js';
import type { FieldState } from './field-state.js';

export interface DecodeOptions {
  /** Attribute values longer than this many UTF-16 code units are cut and counted. */
  maxAttributeLength: number;
}

export const DEFAULT_DECODE_OPTIONS: DecodeOptions = Object.freeze({ maxAttributeLength: 8192 });

export interface DecodeResult {
  spans: Span[];
  /**
   * The ids of spans[i] as int32 halves at [4i, 4i + 4): span id high and low, parent id high and
   * low (0, 0 for a root), when the decoder read them as bytes (protobuf), else null. The span store
   * keeps ids as halves; read here, they are not parsed back out of the hex strings (HeldIds.read
   * was ~10% of the assembler's time, bench/assembler-cost.ts profile).
   */
  idHalves: Int32Array | null;
  rejectedSpans: number;
  /** Human-readable reasons for the first few rejections ('' when none); goes into partial_success. */
  rejectMessage: string;
  /** Attribute values cut at maxAttributeLength across the whole request. */
  truncatedAttributes: number;
}

/** A partial-success message must stay short; the count carries the rest. */
const MAX_REASONS = 3;

/** Scratch for id halves, grown as needed and copied out by finish (decoding is synchronous). */
let halves = new Int32Array(4 * 1024);

export class ResultBuilder {
  readonly spans: Span[] = [];

  /** `withHalves`: the decoder adds every span with pushWithHalves (protobuf). */
  constructor(private readonly withHalves = false) {}

  /** Adds a decoded span with its ids as int32 halves (see DecodeResult.idHalves). */
  pushWithHalves(span: Span, hi: number, lo: number, parentHi: number, parentLo: number): void {
    const k = this.spans.length * 4;
    if (k + 4 > halves.length) {
      const grown = new Int32Array(halves.length * 2);
      grown.set(halves);
      halves = grown;
    }
    halves[k] = hi;
    halves[k + 1] = lo;
    halves[k + 2] = parentHi;
    halves[k + 3] = parentLo;
    this.spans.push(span);
  }
  private rejected = 0;
  private readonly reasons: string[] = [];

  /** `where` locates the span (e.g. "resource_spans[0].scope_spans[1].spans[4]"). */
  reject(where: string, reason: string): void {
    this.rejected++;
    if (this.reasons.length < MAX_REASONS) this.reasons.push(`${where}: ${reason}`);
  }

  finish(state: FieldState): DecodeResult {
    let message = '';
    if (this.rejected > 0) {
      const more = this.rejected > this.reasons.length ? `; and ${this.rejected - this.reasons.length} more` : '';
      message = `${this.rejected} span(s) rejected: ${this.reasons.join('; ')}${more}`;
    }
    return {
      spans: this.spans,
      idHalves: this.withHalves ? halves.slice(0, this.spans.length * 4) : null,
      rejectedSpans: this.rejected,
      rejectMessage: message,
      truncatedAttributes: state.truncated,
    };
  }
}

/** Validates options once per call; a bad limit is a configuration error, not bad input. */
export function checkOptions(opts: DecodeOptions): number {
  const max = opts.maxAttributeLength;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new HotpathError('CONFIG_INVALID', `maxAttributeLength must be a positive integer, got ${String(max)}`);
  }
  return max;
}
