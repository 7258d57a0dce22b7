// Protobuf wire-format primitives (protobuf.dev "Encoding"): varints, fixed32/64, length-delimited
// ranges. Every failure is a HotpathError('DECODE_FAILED') naming the byte offset, so callers never see
// a RangeError from a typed-array read past the end.
import { HotpathError } from '../errors.js';
import { LONG_MAX_BYTES, longText } from './long-text-cache.js';
import { SHORT_MAX_BYTES, shortText } from './short-text-cache.js';

/** ProtoReader.text() returns interned strings for values of at most this many bytes. */
export const TEXT_INTERNED_BYTES = LONG_MAX_BYTES;

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

// Buffer#toString(enc, start, end) goes through argument checks and an encoding switch before reaching
// the native utf8Slice/hexSlice; calling those directly measured ~10 % faster on the decode benchmark
// (decode-speed.bench.ts). They are undocumented, so fall back to toString if a runtime lacks them.
interface NativeSlices {
  utf8Slice?: (start: number, end: number) => string;
  hexSlice?: (start: number, end: number) => string;
}
const proto = Buffer.prototype as unknown as NativeSlices;
const nativeUtf8 = typeof proto.utf8Slice === 'function';
const nativeHex = typeof proto.hexSlice === 'function';

/** UTF-8 text of buf[start, end) for values that never repeat: no cache lookup or entry. */
export function utf8Uncached(buf: Buffer, start: number, end: number): string {
  return utf8Native(buf, start, end);
}

function utf8Native(buf: Buffer, start: number, end: number): string {
  return nativeUtf8 ? (buf as unknown as Required<NativeSlices>).utf8Slice(start, end) : buf.toString('utf8', start, end);
}

/** Lowercase hex of buf[start, end). */
export function hex(buf: Buffer, start: number, end: number): string {
  return nativeHex ? (buf as unknown as Required<NativeSlices>).hexSlice(start, end) : buf.toString('hex', start, end);
}

export function decodeFailed(message: string, offset: number): HotpathError {
  return new HotpathError('DECODE_FAILED', `invalid protobuf at byte ${offset}: ${message}`);
}

/**
 * A cursor over one protobuf buffer. Nested messages are read by narrowing `end` and restoring it,
 * so no sub-views are allocated per message.
 */
export class ProtoReader {
  readonly buf: Buffer;
  readonly view: DataView;
  pos = 0;
  end: number;
  /** Low/high 32 bits of the last fixed64 read, kept so callers can do exact double maths without BigInt. */
  lo = 0;
  hi = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.byteLength;
  }

  /** Unsigned varint that must fit in 32 bits (tags, lengths, enums as sent by well-behaved peers). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw decodeFailed('truncated varint', pos);
      const b = buf[pos++]!;
      if (shift < 28) result |= (b & 0x7f) << shift;
      else if (shift === 28) {
        if ((b & 0x70) !== 0) throw decodeFailed('varint does not fit in 32 bits', this.pos);
        result |= (b & 0x0f) << 28;
      } else if ((b & 0x7f) !== 0) throw decodeFailed('varint does not fit in 32 bits', this.pos);
      shift += 7;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw decodeFailed('varint longer than 10 bytes', this.pos);
  }

  /**
   * Varint read as a two's-complement int64 and returned as a double (exact below 2^53). Enums and
   * int32 fields are sign-extended to 10 bytes on the wire, so they come through this path too.
   */
  int64(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw decodeFailed('truncated varint', pos);
      const b = buf[pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32); // i = 9 leaves only bit 63, as the wire format says
      if (b < 0x80) {
        this.pos = pos;
        return (hi | 0) * TWO_32 + (lo >>> 0);
      }
    }
    throw decodeFailed('varint longer than 10 bytes', this.pos);
  }

  /** fixed64 read into its exact halves `lo`/`hi`: no BigInt allocated (span timestamps, twice a span). */
  fixed64Halves(): void {
    const pos = this.pos;
    if (pos + 8 > this.end) throw decodeFailed('truncated fixed64', pos);
    this.lo = this.view.getUint32(pos, true);
    this.hi = this.view.getUint32(pos + 4, true);
    this.pos = pos + 8;
  }

  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.end) throw decodeFailed('truncated fixed32', pos);
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) throw decodeFailed('truncated double', pos);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and returns the end offset of the field's bytes (pos is at their start). */
  lengthEnd(): number {
    const at = this.pos;
    const len = this.uint32();
    const stop = this.pos + len;
    if (stop > this.end) throw decodeFailed(`length ${len} runs past the end of its message`, at);
    return stop;
  }

  /** Length-delimited string; invalid UTF-8 becomes U+FFFD (Buffer's decoder never throws). */
  string(): string {
    const stop = this.lengthEnd();
    const start = this.pos;
    this.pos = stop;
    return start === stop ? '' : this.text(start, stop);
  }

  /**
   * UTF-8 text of buf[start, end) through the short and the long value caches: interned when it
   * is at most TEXT_INTERNED_BYTES bytes long, so callers need not intern() it again. Invalid
   * sequences become U+FFFD, never an exception.
   */
  text(start: number, end: number): string {
    const len = end - start;
    if (len <= SHORT_MAX_BYTES) return shortText(this.buf, start, end, utf8Native);
    if (len > LONG_MAX_BYTES) return utf8Native(this.buf, start, end);
    return longText(this.buf, this.view, start, end, utf8Native);
  }

  /** Reads a tag; returns field number * 8 + wire type, validated. */
  tag(): number {
    const at = this.pos;
    const t = this.uint32();
    const wire = t & 7;
    if (t >>> 3 === 0) throw decodeFailed('field number 0', at);
    if (wire !== WIRE_VARINT && wire !== WIRE_I64 && wire !== WIRE_LEN && wire !== WIRE_I32) {
      // Groups (3/4) are proto2-only and absent from OTLP; 6/7 are not wire types at all.
      throw decodeFailed(`unsupported wire type ${wire} for field ${t >>> 3}`, at);
    }
    return t;
  }

  /** Skips a field whose tag was just read. */
  skip(tag: number): void {
    switch (tag & 7) {
      case WIRE_VARINT:
        this.int64();
        return;
      case WIRE_I64:
        if (this.pos + 8 > this.end) throw decodeFailed('truncated fixed64', this.pos);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        return;
      default:
        if (this.pos + 4 > this.end) throw decodeFailed('truncated fixed32', this.pos);
        this.pos += 4;
    }
  }

  /** Throws unless the tag carries `wire`; used for known fields so a type confusion never decodes. */
  expect(tag: number, wire: number, at: number): void {
    if ((tag & 7) !== wire) {
      throw decodeFailed(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wire}`, at);
    }
  }
}
