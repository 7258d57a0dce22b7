import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HotpathError } from '../errors.js';
import { decodeJsonRequest, decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from './index.js';
import type { DecodeResult } from './index.js';
import { djangoBatch } from './testdata/django-spans.js';
import { serialize } from './testdata/sdk-compare.js';
import { cat, deepAttr, fixed32, fixed64, GOOD_SPAN, int, len, request, span, str, tag } from './testdata/proto-writer.js';

type Outcome =
  | { fails: RegExp }
  | { kept: number; rejected: number; message?: RegExp; check?: (r: DecodeResult) => void };

interface Case {
  name: string;
  format: 'proto' | 'json';
  body: () => Uint8Array | string;
  outcome: Outcome;
}

const real = serialize(djangoBatch(30));
const jsonSpan = (over: Record<string, unknown>) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{
  traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'x', kind: 1,
  startTimeUnixNano: '1000', endTimeUnixNano: '2000', ...over }] }] }] });
const deepJson = (depth: number) => {
  const open = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth);
  const close = '}]}}'.repeat(depth);
  return jsonSpan({ attributes: [{ key: 'deep', value: 0 }] }).replace('"value":0', `"value":${open}{"stringValue":"x"}${close}`);
};

const CASES: Case[] = [
  { name: 'empty protobuf body', format: 'proto', body: () => new Uint8Array(0), outcome: { kept: 0, rejected: 0 } },
  { name: 'truncated protobuf payload', format: 'proto', body: () => real.subarray(0, real.length - 7), outcome: { fails: /past the end|truncated/ } },
  { name: 'text instead of protobuf', format: 'proto', body: () => Buffer.from('this is not protobuf'), outcome: { fails: /wire type/ } },
  { name: 'known field with the wrong wire type', format: 'proto', body: () => int(1, 1), outcome: { fails: /field 1 has wire type 0, expected 2/ } },
  { name: 'varint longer than 10 bytes', format: 'proto', body: () => cat(tag(1, 2), Buffer.alloc(11, 0xff)), outcome: { fails: /varint/ } },
  { name: 'length past the end', format: 'proto', body: () => Buffer.from([0x0a, 0x05, 0x00]), outcome: { fails: /at byte 1: length 5 runs past/ } },
  { name: 'group wire type', format: 'proto', body: () => Buffer.from([0x0b, 0x0c]), outcome: { fails: /unsupported wire type 3/ } },
  { name: 'field number 0', format: 'proto', body: () => Buffer.from([0x02, 0x00]), outcome: { fails: /field number 0/ } },
  { name: 'AnyValue nested 40 levels', format: 'proto', body: () => request(span({ extra: deepAttr('x.deep', 40) })), outcome: { fails: /nested deeper than 32/ } },
  { name: 'AnyValue nested 20 levels is fine', format: 'proto', body: () => request(span({ extra: deepAttr('x.deep', 20) })), outcome: { kept: 1, rejected: 0 } },
  {
    name: 'invalid UTF-8 in a span name', format: 'proto',
    body: () => request(span({ name: Buffer.from([0x47, 0xff, 0xfe, 0x54]) })),
    outcome: { kept: 1, rejected: 0, check: (r) => assert.equal(r.spans[0]!.name, 'G\ufffd\ufffdT') },
  },
  {
    name: 'unknown fields of every wire type are skipped', format: 'proto',
    body: () => request(span({ extra: cat(int(99, 5), fixed32(98, 1), fixed64(97, 1n), str(96, 'x')) })),
    outcome: { kept: 1, rejected: 0 },
  },
  {
    name: 'ids of the wrong length, all-zero ids and end before start', format: 'proto',
    body: () => request(
      span({ traceId: Buffer.alloc(15, 1) }), span({ spanId: Buffer.alloc(4, 1) }), span({ parentSpanId: Buffer.alloc(5, 1) }),
      span({ traceId: Buffer.alloc(16) }), span({ spanId: Buffer.alloc(8) }), span({ start: 10n, end: 9n }), span({ parentSpanId: GOOD_SPAN }),
    ),
    outcome: {
      kept: 1, rejected: 6,
      message: /^6 span\(s\) rejected: resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]: trace_id has 15 bytes, expected 16; .*spans\[1\]: span_id has 4 bytes, expected 8; .*spans\[2\]: parent_span_id has 5 bytes, expected 0 or 8; and 3 more$/,
    },
  },
  {
    name: 'all-zero trace id and end before start, reasons', format: 'proto',
    body: () => request(span({ traceId: Buffer.alloc(16) }), span({ start: 10n, end: 9n })),
    outcome: { kept: 0, rejected: 2, message: /trace_id is all zeros; .*end_time_unix_nano is before start_time_unix_nano/ },
  },
  {
    name: 'all-zero parent span id is read as a root', format: 'proto', body: () => request(span({ parentSpanId: Buffer.alloc(8) })),
    outcome: { kept: 1, rejected: 0, check: (r) => assert.equal(r.spans[0]!.parentSpanId, '') },
  },
  {
    name: 'all-zero parent span id is read as a root', format: 'json', body: () => jsonSpan({ parentSpanId: '0000000000000000' }),
    outcome: { kept: 1, rejected: 0, check: (r) => assert.equal(r.spans[0]!.parentSpanId, '') },
  },
  { name: 'JSON parent id of the wrong length', format: 'json', body: () => jsonSpan({ parentSpanId: 'abc' }), outcome: { kept: 0, rejected: 1, message: /parentSpanId is not 16 hex/ } },
  { name: 'empty JSON body', format: 'json', body: () => '', outcome: { kept: 0, rejected: 0 } },
  { name: 'not JSON', format: 'json', body: () => '{"resourceSpans": [', outcome: { fails: /invalid JSON/ } },
  { name: 'JSON array at the top', format: 'json', body: () => '[]', outcome: { fails: /request must be an object/ } },
  { name: 'resourceSpans of the wrong type', format: 'json', body: () => '{"resourceSpans":{}}', outcome: { fails: /resourceSpans must be an array/ } },
  { name: 'JSON span name of the wrong type', format: 'json', body: () => jsonSpan({ name: 5 }), outcome: { fails: /spans\[0\]: name must be a string/ } },
  { name: 'JSON enum as a name string', format: 'json', body: () => jsonSpan({ kind: 'SPAN_KIND_SERVER' }), outcome: { fails: /kind must be an integer/ } },
  { name: 'JSON negative timestamp', format: 'json', body: () => jsonSpan({ startTimeUnixNano: '-5' }), outcome: { fails: /unsigned 64-bit/ } },
  { name: 'JSON attribute value of the wrong type', format: 'json', body: () => jsonSpan({ attributes: [{ key: 'a', value: { boolValue: 'yes' } }] }), outcome: { fails: /boolValue must be a boolean/ } },
  { name: 'JSON base64 ids', format: 'json', body: () => jsonSpan({ traceId: 'CvdlGRbNQ92ESOshHIAxnA==' }), outcome: { kept: 0, rejected: 1, message: /traceId is not 32 hex/ } },
  { name: 'JSON all-zero span id', format: 'json', body: () => jsonSpan({ spanId: '0000000000000000' }), outcome: { kept: 0, rejected: 1, message: /spanId is all zeros/ } },
  { name: 'JSON end before start', format: 'json', body: () => jsonSpan({ endTimeUnixNano: '999' }), outcome: { kept: 0, rejected: 1, message: /before/ } },
  { name: 'JSON AnyValue nested 100k levels', format: 'json', body: () => deepJson(100_000), outcome: { fails: /nested deeper than 32/ } },
  {
    name: 'JSON with invalid UTF-8 bytes in a name', format: 'json',
    body: () => {
      const [before, after] = jsonSpan({ name: 'A~B' }).split('~');
      return Buffer.concat([Buffer.from(before!), Buffer.from([0xff]), Buffer.from(after!)]);
    },
    outcome: { kept: 1, rejected: 0, check: (r) => assert.equal(r.spans[0]!.name, 'A\ufffdB') },
  },
];

function run(c: Case): DecodeResult {
  const body = c.body();
  if (c.format === 'json') return decodeJsonRequest(body, DEFAULT_DECODE_OPTIONS);
  return decodeProtoRequest(typeof body === 'string' ? Buffer.from(body) : body, DEFAULT_DECODE_OPTIONS);
}

describe('bad input: DECODE_FAILED or rejected spans, never anything else', () => {
  for (const c of CASES) {
    test(`${c.format}: ${c.name}`, () => {
      const o = c.outcome;
      if ('fails' in o) {
        assert.throws(() => run(c), (e: unknown) => {
          assert.ok(e instanceof HotpathError, `threw ${String(e)}`);
          assert.equal(e.code, 'DECODE_FAILED');
          assert.match(e.message, o.fails);
          return true;
        });
        return;
      }
      const r = run(c);
      assert.equal(r.spans.length, o.kept);
      assert.equal(r.rejectedSpans, o.rejected);
      if (o.message) assert.match(r.rejectMessage, o.message);
      else assert.equal(r.rejectMessage, '');
      o.check?.(r);
    });
  }
});
