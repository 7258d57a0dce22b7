// Property-based round trip: random SDK spans -> real OTel serializers -> both decoders. The two
// decoders must agree exactly, and ids, names, kinds and 64-bit times must come back as sent.
// HOTPATH_FUZZ_RUNS scales the run count (default 2000 here divided by 10: each run serialises twice).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Span } from '../contract.js';
import { decodeJsonRequest, decodeProtoRequest } from './index.js';
import { assertSameAsSdk, serialize, serializeJson } from './testdata/sdk-compare.js';
import { plainSpan } from './span-factory.js';

const RUNS = Math.max(20, Math.floor(Number(process.env['HOTPATH_FUZZ_RUNS'] ?? 2000) / 10));
const OPTS = { maxAttributeLength: 40 };

const hexId = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes })
  .filter((b) => b.some((x) => x !== 0)).map((b) => Buffer.from(b).toString('hex'));
// Up to 2^64 - 1 ns: seconds * 1e9 + nanos, as the SDK's encoders compute it.
const hrTime = fc.tuple(fc.integer({ min: 0, max: 18_446_744_072 }), fc.integer({ min: 0, max: 999_999_999 }));
const KEYS = ['http.method', 'http.request.method', 'db.statement', 'db.query.text', 'hotpath.cache.hit', 'http.status_code',
  'http.response.status_code', 'url.full', 'server.address', 'hotpath.db.rows', 'custom.attr', 'db.statement.parameters'];
const value = fc.oneof(fc.string({ maxLength: 60, unit: 'binary' }), fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));
const attributes = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }) as fc.Arbitrary<Attributes>;

const spanArb = fc.record({
  traceId: hexId(16), spanId: hexId(8), parent: fc.option(hexId(8), { nil: undefined }), remote: fc.boolean(),
  name: fc.string({ maxLength: 30, unit: 'binary' }), kind: fc.integer({ min: 0, max: 4 }), start: hrTime, extraNs: fc.nat(),
  attributes, serviceName: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
});

type SpanInput = typeof spanArb extends fc.Arbitrary<infer T> ? T : never;

function toReadable(s: SpanInput): ReadableSpan {
  const startNs = BigInt(s.start[0]) * 1_000_000_000n + BigInt(s.start[1]);
  const endNs = startNs + BigInt(s.extraNs) > 2n ** 64n - 1n ? startNs : startNs + BigInt(s.extraNs);
  const end: [number, number] = [Number(endNs / 1_000_000_000n), Number(endNs % 1_000_000_000n)];
  const ctx = { traceId: s.traceId, spanId: s.spanId, traceFlags: 1 };
  return {
    name: s.name, kind: s.kind, spanContext: () => ctx, startTime: s.start, endTime: end,
    parentSpanContext: s.parent === undefined ? undefined : { traceId: s.traceId, spanId: s.parent, traceFlags: 1, isRemote: s.remote },
    status: { code: 0 }, attributes: s.attributes, links: [], events: [], duration: [0, s.extraNs], ended: true,
    resource: resourceFromAttributes(s.serviceName === undefined ? {} : { 'service.name': s.serviceName }),
    instrumentationScope: { name: 'fuzz' }, droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
  };
}

const plain = (s: Span) => ({ ...plainSpan(s), resource: { ...s.resource } });

/** new ?? old for one string field, with the cut applied: an oracle independent of span-fields.ts. */
function expectedString(attrs: Attributes, newKey: string, oldKey: string): string {
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const raw = scalar(attrs[newKey]) ? attrs[newKey] : scalar(attrs[oldKey]) ? attrs[oldKey] : '';
  const v = String(raw);
  if (v.length <= OPTS.maxAttributeLength) return v;
  const high = /[\ud800-\udbff]/.test(v[OPTS.maxAttributeLength - 1]!);
  return v.slice(0, OPTS.maxAttributeLength - (high ? 1 : 0));
}

describe('round trip through the real serializers', () => {
  test('protobuf and JSON decode random spans identically and as sent', () => {
    fc.assert(fc.property(fc.uniqueArray(spanArb, { minLength: 1, maxLength: 5, selector: (s) => s.spanId }), (specs) => {
      const sdk = specs.map(toReadable);
      const pb = decodeProtoRequest(serialize(sdk), OPTS);
      const js = decodeJsonRequest(serializeJson(sdk), OPTS);
      assertSameAsSdk(pb.spans, sdk);
      const byId = new Map(js.spans.map((s) => [s.spanId, s]));
      for (const s of pb.spans) assert.deepEqual(plain(s), plain(byId.get(s.spanId)!));
      assert.equal(pb.truncatedAttributes, js.truncatedAttributes);
      for (const s of sdk) {
        const d = pb.spans.find((x) => x.spanId === s.spanContext().spanId)!;
        assert.equal(d.httpMethod, expectedString(s.attributes, 'http.request.method', 'http.method'));
        assert.equal(d.dbStatement, expectedString(s.attributes, 'db.query.text', 'db.statement'));
        const hit = s.attributes['hotpath.cache.hit'];
        assert.equal(d.cacheResult, hit === true ? 'hit' : hit === false ? 'miss' : 'unknown');
      }
    }), { numRuns: RUNS });
  });
});
