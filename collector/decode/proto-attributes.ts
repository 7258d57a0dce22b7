// KeyValue lists on the wire (span/resource attributes, events, links). Keys are matched as bytes
// against a KeyTable, so only the values of mapped keys are ever decoded into strings.
import type { KeyEntry, KeyTable } from './key-table.js';
import { readScalar, V_STRING, walkAnyValue, walkKeyValue } from './proto-any-value.js';
import type { Scalar } from './proto-any-value.js';
import { WIRE_LEN } from './proto-reader.js';
import type { ProtoReader } from './proto-reader.js';
import { EVENT_KEYS, EXCEPTION_EVENT_NAME, wanted } from './span-fields.js';

const EXCEPTION_BYTES = Buffer.from(EXCEPTION_EVENT_NAME, 'utf8');

/**
 * Reads the KeyValue in [r.pos, stop). For a key in `table` the scalar value lands in `out` and the
 * entry is returned; any other value is only validated. `value` may legally precede `key`, so both
 * are located first. With `ranks`, a value that would lose to a newer-convention key already set
 * (dup mode sends both) is not decoded at all.
 */
export function readKeyValue(
  r: ProtoReader, stop: number, table: KeyTable, ranks: Uint8Array | null, out: Scalar, maxLen: number,
): KeyEntry | undefined {
  const saved = r.end;
  r.end = stop;
  let keyStart = 0, keyEnd = 0, valStart = -1, valEnd = -1;
  while (r.pos < stop) {
    const at = r.pos;
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      r.expect(tag, WIRE_LEN, at);
      const end = r.lengthEnd();
      if (field === 1) { keyStart = r.pos; keyEnd = end; }
      else { valStart = r.pos; valEnd = end; }
      r.pos = end;
    } else r.skip(tag);
  }
  let e = table.lookupBytes(r.buf, keyStart, keyEnd);
  if (e !== undefined && ranks !== null && !wanted(ranks, e)) e = undefined;
  out.kind = 0;
  if (valStart >= 0) {
    r.pos = valStart;
    if (e !== undefined) readScalar(r, valEnd, out, maxLen, 0, e.unique);
    else walkAnyValue(r, valEnd, 0);
    r.pos = stop;
  }
  r.end = saved;
  return e;
}

/** Reads the Event in [r.pos, r.end): its `exception.type` ('' if absent) when named `exception`, else null. */
export function readExceptionEvent(r: ProtoReader, out: Scalar, maxLen: number): string | null {
  let isException = false;
  let type = '';
  while (r.pos < r.end) {
    const at = r.pos;
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 2) {
      r.expect(tag, WIRE_LEN, at);
      const stop = r.lengthEnd();
      isException = stop - r.pos === EXCEPTION_BYTES.length && EXCEPTION_BYTES.equals(r.buf.subarray(r.pos, stop));
      r.pos = stop;
    } else if (field === 3) {
      r.expect(tag, WIRE_LEN, at);
      const e = readKeyValue(r, r.lengthEnd(), EVENT_KEYS, null, out, maxLen);
      if (e !== undefined && out.kind === V_STRING && type === '') type = out.str;
    } else r.skip(tag);
  }
  return isException ? type : null;
}

/** Links are not used by Hotpath; their attributes are still validated like any others. */
export function walkLink(r: ProtoReader, stop: number): void {
  const saved = r.end;
  r.end = stop;
  while (r.pos < stop) {
    const at = r.pos;
    const tag = r.tag();
    if (tag >>> 3 === 4) { r.expect(tag, WIRE_LEN, at); walkKeyValue(r, r.lengthEnd(), 0); }
    else r.skip(tag);
  }
  r.end = saved;
}
