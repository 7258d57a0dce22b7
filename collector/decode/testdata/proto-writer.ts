// A tiny protobuf writer for tests that need bytes no SDK would produce (wrong id lengths, deep
// nesting, bad wire types). Field numbers are the OTLP trace schema's.

export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return Buffer.from(out);
}

export const tag = (field: number, wire: number): Buffer => varint(field * 8 + wire);
export const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
export const len = (field: number, payload: Buffer): Buffer => cat(tag(field, 2), varint(payload.length), payload);
export const str = (field: number, s: string | Buffer): Buffer => len(field, Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
export const int = (field: number, n: number | bigint): Buffer => cat(tag(field, 0), varint(n));

export function fixed64(field: number, n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return cat(tag(field, 1), b);
}

export function fixed32(field: number, n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return cat(tag(field, 5), b);
}

/** KeyValue with a string value. */
export const strAttr = (field: number, key: string, value: string | Buffer): Buffer => len(field, cat(str(1, key), len(2, str(1, value))));

export interface RawSpan {
  traceId?: Buffer;
  spanId?: Buffer;
  parentSpanId?: Buffer;
  name?: string | Buffer;
  start?: bigint;
  end?: bigint;
  extra?: Buffer;
}

export const GOOD_TRACE = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
export const GOOD_SPAN = Buffer.from('b7ad6b7169203331', 'hex');

export function span(s: RawSpan): Buffer {
  return cat(
    str(1, s.traceId ?? GOOD_TRACE), str(2, s.spanId ?? GOOD_SPAN),
    s.parentSpanId ? str(4, s.parentSpanId) : Buffer.alloc(0), str(5, s.name ?? 'GET /'), int(6, 2),
    fixed64(7, s.start ?? 1763700000123456789n), fixed64(8, s.end ?? 1763700000223456789n), s.extra ?? Buffer.alloc(0),
  );
}

/** ExportTraceServiceRequest with one ResourceSpans, one ScopeSpans and the given spans. */
export function request(...spans: Buffer[]): Buffer {
  const scopeSpans = cat(len(1, str(1, 'scope')), ...spans.map((s) => len(2, s)));
  return len(1, cat(len(1, strAttr(1, 'service.name', 'svc')), len(2, scopeSpans)));
}

/** An AnyValue nested `depth` kvlist levels deep, as a span attribute `key`. */
export function deepAttr(key: string, depth: number): Buffer {
  let value = str(1, 'leaf');
  for (let i = 0; i < depth; i++) value = len(6, len(1, cat(str(1, 'k'), len(2, value))));
  return len(9, cat(str(1, key), len(2, value)));
}
