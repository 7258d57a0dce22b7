// ExportTraceServiceRequest (opentelemetry-proto trace_service.proto / trace.proto) decoded in one pass
// straight into Span objects: no intermediate message tree. Field numbers are the OTLP wire schema's.
import type { Resource, Span } from '../contract.js';
import { checkOptions, ResultBuilder } from './decode-result.js';
import type { DecodeOptions, DecodeResult } from './decode-result.js';
import { cut, newFieldState, resetSpanState } from './field-state.js';
import type { FieldState } from './field-state.js';
import { allZero, bytesToHex, RepeatHex } from './ids.js';
import { newScalar, V_BOOL, V_NUMBER, V_STRING, walkKeyValue } from './proto-any-value.js';
import type { Scalar } from './proto-any-value.js';
import { readExceptionEvent, readKeyValue, walkLink } from './proto-attributes.js';
import { ProtoReader, TEXT_INTERNED_BYTES, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';
import { checkSpan } from './span-checks.js';
import { intern } from './intern.js';
import { smallInt } from './small-int.js';
import { newResource, newSpan } from './span-factory.js';
import {
  finishSpan, RESOURCE_KEYS, setResourceString, setSpanBool, setSpanNumber, setSpanString, SPAN_KEYS,
} from './span-fields.js';

const TWO_32 = 4294967296;

/** Big-endian int32 at `at`: the first or last four bytes of an id, as the span store keeps them. */
function int32At(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

export function decodeProtoRequest(body: Uint8Array, opts: DecodeOptions): DecodeResult {
  const d = new ProtoDecoder(body, checkOptions(opts));
  d.request();
  return d.out.finish(d.state);
}

class ProtoDecoder {
  readonly r: ProtoReader;
  readonly state: FieldState;
  readonly out = new ResultBuilder(true);
  readonly value: Scalar = newScalar();
  private rsIndex = 0;
  private ssIndex = 0;
  private spanIndex = 0;
  // Spans of one trace sit next to each other in an export (exporters batch in end order, a
  // request's spans end together), and so do siblings (the DB spans of one view or N+1 loop): the
  // previous span's string is reused when the bytes match, so held spans share one string per
  // trace and per parent (fewer bytes kept, fewer survivors for the GC to copy).
  private readonly traceIds = new RepeatHex(16);
  private readonly parentIds = new RepeatHex(8);

  constructor(body: Uint8Array, maxLen: number) {
    this.r = new ProtoReader(body);
    this.state = newFieldState(maxLen);
  }

  /** Enters the length-delimited field whose tag was just read; returns the previous end to restore. */
  private enter(tag: number, at: number): number {
    this.r.expect(tag, WIRE_LEN, at);
    const stop = this.r.lengthEnd();
    const saved = this.r.end;
    this.r.end = stop;
    return saved;
  }

  request(): void {
    const r = this.r;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.tag();
      if (tag >>> 3 !== 1) { r.skip(tag); continue; }
      const saved = this.enter(tag, at);
      this.resourceSpans();
      r.end = saved;
      this.rsIndex++;
    }
  }

  private resourceSpans(): void {
    const r = this.r;
    // Created up front and filled in place: a sender may put `resource` after `scope_spans`.
    const resource = newResource();
    this.state.resourceRanks.fill(0);
    this.ssIndex = 0;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.tag();
      const field = tag >>> 3;
      if (field !== 1 && field !== 2) { r.skip(tag); continue; }
      const saved = this.enter(tag, at);
      if (field === 1) this.resource(resource);
      else { this.scopeSpans(resource); this.ssIndex++; }
      r.end = saved;
    }
  }

  private resource(resource: Resource): void {
    const r = this.r;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.tag();
      if (tag >>> 3 !== 1) { r.skip(tag); continue; }
      r.expect(tag, WIRE_LEN, at);
      const stop = r.lengthEnd();
      const e = readKeyValue(r, stop, RESOURCE_KEYS, this.state.resourceRanks, this.value, this.state.maxLen);
      if (e === undefined) continue;
      const v = this.value;
      if (v.kind === V_STRING) setResourceString(this.state, resource, e, v.str);
      else if (v.kind === V_NUMBER || v.kind === V_BOOL) setResourceString(this.state, resource, e, String(v.kind === V_NUMBER ? v.num : v.bool));
    }
  }

  private scopeSpans(resource: Resource): void {
    const r = this.r;
    const first = this.out.spans.length;
    let scope = '';
    this.spanIndex = 0;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.tag();
      const field = tag >>> 3;
      if (field !== 1 && field !== 2) { r.skip(tag); continue; }
      const saved = this.enter(tag, at);
      if (field === 1) scope = this.scopeName();
      else { this.span(resource); this.spanIndex++; }
      r.end = saved;
    }
    // Assigned afterwards because `scope` may legally follow the spans on the wire.
    const spans = this.out.spans;
    for (let i = first; i < spans.length; i++) spans[i]!.scope = scope;
  }

  private scopeName(): string {
    const r = this.r;
    let name = '';
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.tag();
      const field = tag >>> 3;
      if (field === 1) { r.expect(tag, WIRE_LEN, at); name = r.string(); }
      else if (field === 3) { r.expect(tag, WIRE_LEN, at); walkKeyValue(r, r.lengthEnd(), 0); }
      else r.skip(tag);
    }
    return name;
  }

  private span(resource: Resource): void {
    const r = this.r;
    const span = newSpan(resource);
    const state = this.state;
    resetSpanState(state);
    let traceLen = 0, spanLen = 0, parentLen = 0, traceZero = false, spanZero = false;
    let idHi = 0, idLo = 0, parentHi = 0, parentLo = 0;
    let sLo = 0, sHi = 0, eLo = 0, eHi = 0, flags = 0;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.tag();
      const field = tag >>> 3;
      if (field <= 4 && field !== 3) {
        r.expect(tag, WIRE_LEN, at);
        const stop = r.lengthEnd();
        const start = r.pos;
        const len = stop - start;
        const zero = allZero(r.buf, start, stop);
        if (field === 1) {
          traceLen = len;
          traceZero = zero;
          span.traceId = this.traceIds.of(r.buf, start, stop);
          r.pos = stop;
          continue;
        }
        if (field === 2) {
          spanLen = len;
          spanZero = zero;
          span.spanId = len === 8 || len === 16 ? bytesToHex(r.buf, start, stop) : '';
          if (len === 8) { idHi = int32At(r.buf, start); idLo = int32At(r.buf, start + 4); }
        } else {
          parentLen = len;
          span.parentSpanId = zero ? '' : this.parentIds.of(r.buf, start, stop); // all-zero parent = root
          // A repeated field counts last (protobuf), so a later all-zero parent clears an earlier one.
          parentHi = len === 8 && !zero ? int32At(r.buf, start) : 0;
          parentLo = len === 8 && !zero ? int32At(r.buf, start + 4) : 0;
        }
        r.pos = stop;
      } else if (field === 5) {
        r.expect(tag, WIRE_LEN, at);
        const name = r.string();
        // ProtoReader.text interns what it decodes up to TEXT_INTERNED_BYTES.
        span.name = name.length > TEXT_INTERNED_BYTES / 3 ? intern(name) : name;
      } else if (field === 6) {
        r.expect(tag, WIRE_VARINT, at);
        span.kind = smallInt(r.int64());
      } else if (field === 7 || field === 8) {
        r.expect(tag, WIRE_I64, at);
        r.fixed64Halves();
        if (field === 7) { sLo = r.lo; sHi = r.hi; }
        else { eLo = r.lo; eHi = r.hi; }
      } else if (field === 9) {
        r.expect(tag, WIRE_LEN, at);
        this.spanAttribute(span, r.lengthEnd());
      } else if (field === 11) {
        const saved = this.enter(tag, at);
        const type = readExceptionEvent(r, this.value, state.maxLen);
        r.end = saved;
        // The first exception event is the one that ended the span in Python's use_span().
        if (type !== null && !span.hasException) {
          span.hasException = true;
          span.exceptionType = cut(state, span, type);
        }
      } else if (field === 13) {
        r.expect(tag, WIRE_LEN, at);
        walkLink(r, r.lengthEnd());
      } else if (field === 15) {
        const saved = this.enter(tag, at);
        this.status(span);
        r.end = saved;
      } else if (field === 16) {
        r.expect(tag, WIRE_I32, at);
        flags = r.fixed32();
      } else r.skip(tag);
    }
    const reason = checkSpan(traceLen, traceZero, spanLen, spanZero, parentLen, eHi < sHi || (eHi === sHi && eLo < sLo));
    if (reason !== '') {
      state.truncated -= span.truncatedAttributes; // a rejected span's cuts are not reported
      this.out.reject(`resource_spans[${this.rsIndex}].scope_spans[${this.ssIndex}].spans[${this.spanIndex}]`, reason);
      return;
    }
    // OTLP flags bit 9 (SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK): the parent came from another process.
    span.parentIsRemote = (flags & 0x200) !== 0;
    // Exact in doubles: hi * 2^32 is exact and the one addition rounds once, like Number(bigint).
    span.startMs = (sHi * TWO_32 + sLo) / 1e6;
    span.durationMs = ((eHi - sHi) * TWO_32 + (eLo - sLo)) / 1e6;
    finishSpan(span);
    // checkSpan passed: the span id is 8 bytes, and the parent id 8 bytes or absent/all-zero.
    this.out.pushWithHalves(span, idHi, idLo, parentHi, parentLo);
  }

  private spanAttribute(span: Span, stop: number): void {
    const e = readKeyValue(this.r, stop, SPAN_KEYS, this.state.spanRanks, this.value, this.state.maxLen);
    if (e === undefined) return;
    const v = this.value;
    if (v.kind === V_STRING) setSpanString(this.state, span, e, v.str, v.interned);
    else if (v.kind === V_NUMBER) setSpanNumber(this.state, span, e, v.num);
    else if (v.kind === V_BOOL) setSpanBool(this.state, span, e, v.bool);
  }

  private status(span: Span): void {
    const r = this.r;
    while (r.pos < r.end) {
      const at = r.pos;
      const tag = r.tag();
      const field = tag >>> 3;
      if (field === 2) { r.expect(tag, WIRE_LEN, at); span.statusMessage = cut(this.state, span, r.string()); }
      else if (field === 3) { r.expect(tag, WIRE_VARINT, at); span.statusCode = smallInt(r.int64()); }
      else r.skip(tag);
    }
  }
}
