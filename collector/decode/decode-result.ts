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
  rejectedSpans: number;
  /** Human-readable reasons for the first few rejections ('' when none); goes into partial_success. */
  rejectMessage: string;
  /** Attribute values cut at maxAttributeLength across the whole request. */
  truncatedAttributes: number;
}

/** A partial-success message must stay short; the count carries the rest. */
const MAX_REASONS = 3;

export class ResultBuilder {
  readonly spans: Span[] = [];
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
