// common.proto AnyValue / KeyValue / ArrayValue / KeyValueList on the wire. Values of keys we do not
// map are walked for structure (tags, lengths, nesting depth) without decoding any string, so a broken
// or hostile value is still refused while the common case costs a few varint reads.
import { decodeFailed, TEXT_INTERNED_BYTES, utf8Uncached, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';
import type { ProtoReader } from './proto-reader.js';

/** AnyValue nesting limit: OTel attributes are flat in practice; this bounds recursion on hostile input. */
export const MAX_ANY_VALUE_DEPTH = 32;

export const V_NONE = 0;
export const V_STRING = 1;
export const V_NUMBER = 2;
export const V_BOOL = 3;

/** Reused scratch for one scalar attribute value, so reading a mapped value allocates only its string. */
export interface Scalar {
  kind: number;
  str: string;
  /** `str` is already interned (ProtoReader.text), so setSpanString need not look it up again. */
  interned: boolean;
  num: number;
  bool: boolean;
}

export function newScalar(): Scalar {
  return { kind: V_NONE, str: '', interned: false, num: 0, bool: false };
}

/**
 * Reads the AnyValue in [r.pos, stop) into `out`. Strings longer than 3 * maxLen + 3 bytes are only
 * decoded that far: that already yields more than maxLen UTF-16 units, so the caller's cut sees them.
 */
export function readScalar(r: ProtoReader, stop: number, out: Scalar, maxLen: number, depth: number, unique = false): void {
  out.kind = V_NONE;
  const saved = r.end;
  r.end = stop;
  while (r.pos < stop) {
    const at = r.pos;
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1: {
        r.expect(tag, WIRE_LEN, at);
        const end = r.lengthEnd();
        const start = r.pos;
        const cap = 3 * maxLen + 3;
        out.kind = V_STRING;
        const to = end - start > cap ? start + cap : end;
        out.str = unique ? utf8Uncached(r.buf, start, to) : r.text(start, to);
        out.interned = !unique && to - start <= TEXT_INTERNED_BYTES;
        r.pos = end;
        break;
      }
      case 2:
        r.expect(tag, WIRE_VARINT, at);
        out.kind = V_BOOL;
        out.bool = r.int64() !== 0;
        break;
      case 3:
        r.expect(tag, WIRE_VARINT, at);
        out.kind = V_NUMBER;
        out.num = r.int64();
        break;
      case 4:
        r.expect(tag, WIRE_I64, at);
        out.kind = V_NUMBER;
        out.num = r.double();
        break;
      case 5:
      case 6:
        // Arrays and maps never feed a Span field; validate and move on.
        out.kind = V_NONE;
        walkNested(r, tag, at, depth);
        break;
      default:
        out.kind = V_NONE;
        r.skip(tag);
    }
  }
  r.end = saved;
}

/** Validates the AnyValue in [r.pos, stop) without decoding it. */
export function walkAnyValue(r: ProtoReader, stop: number, depth: number): void {
  if (depth > MAX_ANY_VALUE_DEPTH) throw decodeFailed(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`, r.pos);
  const saved = r.end;
  r.end = stop;
  while (r.pos < stop) {
    const at = r.pos;
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 7) {
      r.expect(tag, WIRE_LEN, at);
      r.pos = r.lengthEnd();
    } else if (field === 2 || field === 3 || field === 8) {
      r.expect(tag, WIRE_VARINT, at);
      r.int64();
    } else if (field === 4) {
      r.expect(tag, WIRE_I64, at);
      r.skip(tag);
    } else if (field === 5 || field === 6) {
      walkNested(r, tag, at, depth);
    } else r.skip(tag);
  }
  r.end = saved;
}

/** ArrayValue (5) or KeyValueList (6): both hold repeated field 1. */
function walkNested(r: ProtoReader, tag: number, at: number, depth: number): void {
  if (depth + 1 > MAX_ANY_VALUE_DEPTH) throw decodeFailed(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`, at);
  r.expect(tag, WIRE_LEN, at);
  const stop = r.lengthEnd();
  const isArray = tag >>> 3 === 5;
  const saved = r.end;
  r.end = stop;
  while (r.pos < stop) {
    const at2 = r.pos;
    const t = r.tag();
    if (t >>> 3 !== 1) {
      r.skip(t);
      continue;
    }
    r.expect(t, WIRE_LEN, at2);
    const end = r.lengthEnd();
    if (isArray) walkAnyValue(r, end, depth + 1);
    else walkKeyValue(r, end, depth + 1);
  }
  r.end = saved;
}

/** Validates a KeyValue whose key we will not use. */
export function walkKeyValue(r: ProtoReader, stop: number, depth: number): void {
  const saved = r.end;
  r.end = stop;
  while (r.pos < stop) {
    const at = r.pos;
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1) {
      r.expect(tag, WIRE_LEN, at);
      r.pos = r.lengthEnd();
    } else if (field === 2) {
      r.expect(tag, WIRE_LEN, at);
      const end = r.lengthEnd();
      walkAnyValue(r, end, depth);
    } else r.skip(tag);
  }
  r.end = saved;
}
