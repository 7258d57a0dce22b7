// OTLP/JSON (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"): lowerCamelCase keys,
// hex ids (case-insensitive), integer enums, int64 as string or number, unknown keys ignored.
// Policy: a known field of the wrong JSON type makes the whole body DECODE_FAILED (the sender is
// broken); a well-typed span with unusable ids or times is rejected alone (partial success), exactly
// like the protobuf decoder. Base64 ids are therefore rejected spans, not a failed request.
import type { Resource, Span } from '../contract.js';
import { HotpathError } from '../errors.js';
import { checkOptions, ResultBuilder } from './decode-result.js';
import type { DecodeOptions, DecodeResult } from './decode-result.js';
import { checkHexId } from './ids.js';
import { smallInt } from './small-int.js';
import { JsonReader } from './json-reader.js';
import type { Obj } from './json-reader.js';
import type { KeyEntry, KeyTable } from './key-table.js';
import { MAX_ANY_VALUE_DEPTH } from './proto-any-value.js';
import { newResource, newSpan } from './span-factory.js';
import { cut, newFieldState, resetSpanState } from './field-state.js';
import type { FieldState } from './field-state.js';
import {
  EVENT_KEYS, EXCEPTION_EVENT_NAME, finishSpan, RESOURCE_KEYS, setResourceString, setSpanBool, setSpanNumber,
  setSpanString, SPAN_KEYS,
} from './span-fields.js';


export function decodeJsonRequest(body: Uint8Array | string, opts: DecodeOptions): DecodeResult {
  const d = new JsonDecoder(checkOptions(opts));
  let root: unknown = undefined;
  try {
    // toString can also throw (ERR_STRING_TOO_LONG) on bodies beyond V8's string limit.
    let text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() !== '') root = JSON.parse(text);
  } catch (e) {
    throw new HotpathError('DECODE_FAILED', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (root !== undefined) d.request(root);
  return d.out.finish(d.state);
}

class JsonDecoder extends JsonReader {
  readonly state: FieldState;
  readonly out = new ResultBuilder();

  constructor(maxLen: number) {
    super();
    this.state = newFieldState(maxLen);
  }

  request(root: unknown): void {
    const r = this.obj(root, 'the request');
    if (r === null) this.fail('the request must be an object');
    const rs = this.arr(r['resourceSpans'], 'resourceSpans');
    for (let i = 0; i < rs.length; i++) {
      this.rs = i;
      this.ss = -1;
      this.sp = -1;
      const o = this.obj(rs[i], 'a ResourceSpans');
      if (o === null) continue;
      const resource = newResource();
      this.state.resourceRanks.fill(0);
      const res = this.obj(o['resource'], 'resource');
      if (res !== null) {
        for (const kv of this.arr(res['attributes'], 'resource.attributes')) {
          this.attribute(kv, RESOURCE_KEYS, (e, v) => {
            if (typeof v === 'string') setResourceString(this.state, resource, e, v);
            else if (typeof v === 'number' || typeof v === 'boolean') setResourceString(this.state, resource, e, String(v));
          });
        }
      }
      const scopes = this.arr(o['scopeSpans'], 'scopeSpans');
      for (let j = 0; j < scopes.length; j++) {
        this.ss = j;
        this.sp = -1;
        const ss = this.obj(scopes[j], 'a ScopeSpans');
        if (ss !== null) this.scopeSpans(ss, resource);
      }
    }
  }

  private scopeSpans(ss: Obj, resource: Resource): void {
    const scope = this.obj(ss['scope'], 'scope');
    const scopeName = scope === null ? '' : this.str(scope['name'], 'scope.name');
    const spans = this.arr(ss['spans'], 'spans');
    for (let k = 0; k < spans.length; k++) {
      this.sp = k;
      const o = this.obj(spans[k], 'a Span');
      if (o === null) continue;
      this.span(o, resource, scopeName);
    }
  }

  private span(o: Obj, resource: Resource, scopeName: string): void {
    const span = newSpan(resource);
    resetSpanState(this.state);
    span.scope = scopeName;
    const traceId = this.str(o['traceId'], 'traceId');
    const spanId = this.str(o['spanId'], 'spanId');
    const parent = this.str(o['parentSpanId'], 'parentSpanId');
    span.name = this.str(o['name'], 'name');
    span.kind = smallInt(this.int(o['kind'], 'kind'));
    const startNs = this.nanos(o['startTimeUnixNano'], 'startTimeUnixNano');
    const endNs = this.nanos(o['endTimeUnixNano'], 'endTimeUnixNano');
    const flags = this.int(o['flags'], 'flags');
    for (const kv of this.arr(o['attributes'], 'attributes')) {
      this.attribute(kv, SPAN_KEYS, (e, v) => {
        if (typeof v === 'string') setSpanString(this.state, span, e, v);
        else if (typeof v === 'number') setSpanNumber(this.state, span, e, v);
        else if (typeof v === 'boolean') setSpanBool(this.state, span, e, v);
      });
    }
    for (const ev of this.arr(o['events'], 'events')) this.event(ev, span);
    for (const link of this.arr(o['links'], 'links')) {
      const l = this.obj(link, 'a Link');
      if (l !== null) for (const kv of this.arr(l['attributes'], 'link attributes')) this.attribute(kv, null, null);
    }
    const status = this.obj(o['status'], 'status');
    if (status !== null) {
      span.statusCode = smallInt(this.int(status['code'], 'status.code'));
      span.statusMessage = cut(this.state, span, this.str(status['message'], 'status.message'));
    }
    const parentWhy = parent === '' ? '' : checkHexId(parent, 8);
    // An all-zero parent id means "no parent" in practice, as in the protobuf decoder.
    const isRoot = parent === '' || parentWhy === 'is all zeros';
    let reason = '';
    let why = '';
    if ((why = checkHexId(traceId, 16)) !== '') reason = `traceId ${why}`;
    else if ((why = checkHexId(spanId, 8)) !== '') reason = `spanId ${why}`;
    else if (!isRoot && parentWhy !== '') reason = `parentSpanId ${parentWhy}`;
    else if (endNs < startNs) reason = 'endTimeUnixNano is before startTimeUnixNano';
    if (reason !== '') {
      this.state.truncated -= span.truncatedAttributes; // a rejected span's cuts are not reported
      this.out.reject(this.where(), reason);
      return;
    }
    span.traceId = traceId.toLowerCase();
    span.spanId = spanId.toLowerCase();
    span.parentSpanId = isRoot ? '' : parent.toLowerCase();
    span.parentIsRemote = (flags & 0x200) !== 0;
    span.startMs = Number(startNs) / 1e6;
    span.durationMs = Number(endNs - startNs) / 1e6;
    finishSpan(span);
    this.out.spans.push(span);
  }

  private event(ev: unknown, span: Span): void {
    const o = this.obj(ev, 'an Event');
    if (o === null) return;
    const isException = this.str(o['name'], 'event name') === EXCEPTION_EVENT_NAME;
    let type = '';
    for (const kv of this.arr(o['attributes'], 'event attributes')) {
      this.attribute(kv, isException ? EVENT_KEYS : null, (_e, v) => {
        if (typeof v === 'string' && type === '') type = v;
      });
    }
    if (isException && !span.hasException) {
      span.hasException = true;
      span.exceptionType = cut(this.state, span, type);
    }
  }

  /** One KeyValue: validates it, and hands a mapped key's scalar value to `apply`. */
  private attribute(kv: unknown, table: KeyTable | null, apply: ((e: KeyEntry, v: unknown) => void) | null): void {
    const o = this.obj(kv, 'an attribute');
    if (o === null) return;
    const key = this.str(o['key'], 'attribute key');
    const value = this.obj(o['value'], `value of attribute ${JSON.stringify(key)}`);
    if (value === null) return;
    const scalar = this.anyValue(value, 0);
    const e = table === null ? undefined : table.lookup(key);
    if (e !== undefined && apply !== null && scalar !== undefined) apply(e, scalar);
  }

  /** Returns the scalar of an AnyValue (int64 text as a number), validating nested values to a depth cap. */
  private anyValue(v: Obj, depth: number): unknown {
    if (depth > MAX_ANY_VALUE_DEPTH) this.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
    // null is proto3 JSON for "not set" (JSON.stringify also writes non-finite doubles as null).
    const s = v['stringValue'];
    if (s != null) return this.str(s, 'stringValue');
    const b = v['boolValue'];
    if (b != null) {
      if (typeof b !== 'boolean') this.fail('boolValue must be a boolean');
      return b;
    }
    if (v['intValue'] != null) return this.int(v['intValue'], 'intValue');
    const d = v['doubleValue'];
    if (d != null) {
      // proto3 JSON also allows "NaN"/"Infinity" strings for doubles; they map to no field.
      if (typeof d !== 'number' && typeof d !== 'string') this.fail('doubleValue must be a number');
      return typeof d === 'number' ? d : undefined;
    }
    const list = this.obj(v['arrayValue'] ?? v['kvlistValue'], 'arrayValue/kvlistValue');
    if (list !== null) {
      const isArray = v['arrayValue'] != null;
      for (const item of this.arr(list['values'], 'values')) {
        const o = this.obj(item, 'a nested value');
        if (o === null) continue;
        const inner = isArray ? o : this.obj(o['value'], 'a nested value');
        if (inner !== null) this.anyValue(inner, depth + 1);
      }
    }
    return undefined;
  }
}
