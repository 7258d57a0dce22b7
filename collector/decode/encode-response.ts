// Response bodies in the request's encoding (OTLP spec, "OTLP/HTTP Response"): an
// ExportTraceServiceResponse on success / partial success, a google.rpc.Status on failure.

export type WireFormat = 'proto' | 'json';

function varintLength(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
}

/** Writes a non-negative integer (< 2^53) as a varint; returns the new offset. */
function writeVarint(out: Buffer, pos: number, v: number): number {
  while (v >= 0x80) {
    out[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}

/** Varint of a safe integer; negatives take the 10-byte two's-complement form protobuf uses for int32/int64. */
function signedVarint(v: number): Buffer {
  if (v >= 0) {
    const b = Buffer.alloc(varintLength(v));
    writeVarint(b, 0, v);
    return b;
  }
  const b = Buffer.alloc(10);
  let x = BigInt.asUintN(64, BigInt(v));
  for (let i = 0; i < 10; i++) {
    const low = Number(x & 0x7fn);
    x >>= 7n;
    b[i] = i < 9 ? low | 0x80 : low;
  }
  return b;
}

function lenField(field: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(1 + varintLength(payload.length));
  head[0] = (field << 3) | 2;
  writeVarint(head, 1, payload.length);
  return Buffer.concat([head, payload]);
}

function varintField(field: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([field << 3]), value]);
}

/**
 * Full success is an empty message (zero bytes / `{}`); the spec says partial_success MUST then be
 * unset. A count of 0 with a message is the spec's "warning" form and is still sent.
 */
export function encodeExportResponse(format: WireFormat, rejectedSpans: number, errorMessage: string): Buffer {
  const rejected = Number.isSafeInteger(rejectedSpans) && rejectedSpans > 0 ? rejectedSpans : 0;
  if (rejected === 0 && errorMessage === '') return format === 'json' ? Buffer.from('{}') : Buffer.alloc(0);
  if (format === 'json') {
    const partial: Record<string, string> = {};
    // proto3 JSON writes int64 as a decimal string; the OTLP spec requires receivers to accept both.
    if (rejected > 0) partial['rejectedSpans'] = String(rejected);
    if (errorMessage !== '') partial['errorMessage'] = errorMessage;
    return Buffer.from(JSON.stringify({ partialSuccess: partial }));
  }
  const parts: Buffer[] = [];
  if (rejected > 0) parts.push(varintField(1, signedVarint(rejected)));
  if (errorMessage !== '') parts.push(lenField(2, Buffer.from(errorMessage, 'utf8')));
  return lenField(1, Buffer.concat(parts));
}

/** google.rpc.Status { code = 1 (int32), message = 2, details = 3 (unused) }. */
export function encodeRpcStatus(format: WireFormat, code: number, message: string): Buffer {
  const c = Number.isInteger(code) ? code | 0 : 0;
  if (format === 'json') {
    const body: Record<string, unknown> = {};
    if (c !== 0) body['code'] = c;
    if (message !== '') body['message'] = message;
    return Buffer.from(JSON.stringify(body));
  }
  const parts: Buffer[] = [];
  if (c !== 0) parts.push(varintField(1, signedVarint(c)));
  if (message !== '') parts.push(lenField(2, Buffer.from(message, 'utf8')));
  return Buffer.concat(parts);
}
