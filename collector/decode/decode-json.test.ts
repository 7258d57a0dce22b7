import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span } from '../contract.js';
import { decodeJsonRequest, decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from './index.js';
import { djangoBatch, djangoScenario } from './testdata/django-spans.js';
import { assertSameAsSdk, serialize, serializeJson } from './testdata/sdk-compare.js';
import { plainSpan } from './span-factory.js';

const plain = (s: Span) => ({ ...plainSpan(s), resource: { ...s.resource } });

/** A minimal OTLP/JSON request around one span object. */
function oneSpan(span: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [{ scope: { name: 'opentelemetry.instrumentation.django' }, spans: [span] }],
      ...extra,
    }],
  });
}

const BASE = {
  traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'EEE19B7EC3C1B174', parentSpanId: '',
  name: 'GET /x/', kind: 2, startTimeUnixNano: '1763700000123456789', endTimeUnixNano: '1763700000223456790',
};

describe('decodeJsonRequest on bytes from the OTel JS JSON serializer', () => {
  test('returns every span with ids, names, kinds, exact nanosecond times and scopes as sent', () => {
    const sdk = djangoScenario();
    const r = decodeJsonRequest(serializeJson(sdk), DEFAULT_DECODE_OPTIONS);
    assert.equal(r.rejectedSpans, 0);
    assertSameAsSdk(r.spans, sdk);
  });

  test('agrees field by field with the protobuf decoder on the same spans', () => {
    for (const sdk of [djangoScenario(), djangoBatch(300)]) {
      const fromJson = decodeJsonRequest(Buffer.from(serializeJson(sdk)), DEFAULT_DECODE_OPTIONS);
      const fromProto = decodeProtoRequest(serialize(sdk), DEFAULT_DECODE_OPTIONS);
      const protoById = new Map(fromProto.spans.map((s) => [s.spanId, s]));
      assert.equal(fromJson.spans.length, fromProto.spans.length);
      for (const s of fromJson.spans) assert.deepEqual(plain(s), plain(protoById.get(s.spanId)!));
      assert.equal(fromJson.truncatedAttributes, fromProto.truncatedAttributes);
    }
  });
});

describe('decodeJsonRequest follows the OTLP JSON encoding rules', () => {
  test('accepts upper-case hex ids and returns them lower-case', () => {
    const r = decodeJsonRequest(oneSpan({ ...BASE, parentSpanId: 'AAAAAAAAAAAAAAAA' }), DEFAULT_DECODE_OPTIONS);
    assert.equal(r.spans[0]!.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(r.spans[0]!.spanId, 'eee19b7ec3c1b174');
    assert.equal(r.spans[0]!.parentSpanId, 'aaaaaaaaaaaaaaaa');
  });

  test('accepts 64-bit integers as strings or numbers', () => {
    const attrs = [{ key: 'http.response.status_code', value: { intValue: '503' } }, { key: 'hotpath.db.rows', value: { intValue: 7 } }];
    const r = decodeJsonRequest(oneSpan({ ...BASE, startTimeUnixNano: 1000, endTimeUnixNano: '3000', attributes: attrs }), DEFAULT_DECODE_OPTIONS);
    const s = r.spans[0]!;
    assert.deepEqual([s.startMs, s.durationMs, s.httpStatus, s.dbRows], [0.001, 0.002, 503, 7]);
  });

  test('ignores unknown fields at every level', () => {
    const r = decodeJsonRequest(oneSpan({ ...BASE, futureField: { a: [1] }, status: { code: 2, extra: true } }, { somethingNew: 1 }), DEFAULT_DECODE_OPTIONS);
    assert.equal(r.spans.length, 1);
    assert.equal(r.spans[0]!.statusCode, 2);
  });

  test('reads the parent-is-remote flag and the exception event', () => {
    const events = [{ name: 'exception', timeUnixNano: '1', attributes: [{ key: 'exception.type', value: { stringValue: 'KeyError' } }] }];
    const r = decodeJsonRequest(oneSpan({ ...BASE, parentSpanId: '00f067aa0ba902b7', flags: 0x301, events }), DEFAULT_DECODE_OPTIONS);
    assert.deepEqual([r.spans[0]!.parentIsRemote, r.spans[0]!.hasException, r.spans[0]!.exceptionType], [true, true, 'KeyError']);
  });

  test('rejects a span whose ids are base64 (proto3 JSON style) and keeps the others', () => {
    const b64 = { ...BASE, traceId: Buffer.from(BASE.traceId, 'hex').toString('base64'), spanId: 'AAAAAAAAAAE=' };
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [b64, BASE] }] }] });
    const r = decodeJsonRequest(body, DEFAULT_DECODE_OPTIONS);
    assert.equal(r.spans.length, 1);
    assert.equal(r.rejectedSpans, 1);
    assert.match(r.rejectMessage, /spans\[0\]: traceId is not 32 hex characters/);
  });
});
