// Property-based robustness: mutated real payloads must decode or fail with DECODE_FAILED, nothing
// else. HOTPATH_FUZZ_RUNS sets the number of runs per property (default 2000) for longer CI runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HotpathError } from '../errors.js';
import { decodeJsonRequest, decodeProtoRequest } from './index.js';
import type { DecodeResult } from './index.js';
import { djangoScenario } from './testdata/django-spans.js';
import { serialize, serializeJson } from './testdata/sdk-compare.js';

const RUNS = Number(process.env['HOTPATH_FUZZ_RUNS'] ?? 2000);
const OPTS = { maxAttributeLength: 64 };
const HANG_GUARD = { timeout: 600_000 };

const proto = serialize(djangoScenario());
const json = Buffer.from(serializeJson(djangoScenario()));

type Mutation =
  | { op: 'flip'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
);

function mutate(base: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = Buffer.from(base);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.op === 'flip' && b.length > 0) b[at] = m.value;
    else if (m.op === 'truncate') b = b.subarray(0, at);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.count)]);
  }
  return b;
}

/** The decoder either returns well-formed spans or throws DECODE_FAILED. */
function checkOutcome(decode: () => DecodeResult): void {
  let r: DecodeResult;
  try {
    r = decode();
  } catch (e) {
    assert.ok(e instanceof HotpathError, `threw a non-HotpathError: ${String(e)}`);
    assert.equal(e.code, 'DECODE_FAILED');
    return;
  }
  assert.ok(r.rejectedSpans >= 0);
  for (const s of r.spans) {
    assert.match(s.traceId, /^[0-9a-f]{32}$/);
    assert.match(s.spanId, /^[0-9a-f]{16}$/);
    assert.match(s.parentSpanId, /^([0-9a-f]{16})?$/);
    assert.ok(s.durationMs >= 0 && Number.isFinite(s.startMs));
    assert.ok(s.dbStatement.length <= OPTS.maxAttributeLength);
  }
}

describe('fuzzing the decoders with mutated real payloads', () => {
  test('protobuf: byte flips, truncations, insertions and deletions never escape as other errors', HANG_GUARD, () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (muts) => {
      checkOutcome(() => decodeProtoRequest(mutate(proto, muts), OPTS));
    }), { numRuns: RUNS });
  });

  test('protobuf: arbitrary bytes never escape as other errors', HANG_GUARD, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      checkOutcome(() => decodeProtoRequest(bytes, OPTS));
    }), { numRuns: RUNS });
  });

  test('JSON: mutated text never escapes as other errors', HANG_GUARD, () => {
    const tokens = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', 'null', 'true', '1e400', '-1', '"x"', '{"arrayValue":{}}', '\\u0000');
    const textMutation = fc.record({ at: fc.nat(), del: fc.integer({ min: 0, max: 8 }), insert: fc.array(tokens, { maxLength: 3 }) });
    fc.assert(fc.property(fc.array(textMutation, { minLength: 1, maxLength: 5 }), (muts) => {
      let text = json.toString('utf8');
      for (const m of muts) {
        const at = m.at % (text.length + 1);
        text = text.slice(0, at) + m.insert.join('') + text.slice(at + m.del);
      }
      checkOutcome(() => decodeJsonRequest(text, OPTS));
    }), { numRuns: RUNS });
  });

  test('JSON: byte-level mutations never escape as other errors', HANG_GUARD, () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
      checkOutcome(() => decodeJsonRequest(mutate(json, muts), OPTS));
    }), { numRuns: RUNS });
  });

  test('JSON: structurally valid documents with values of random types never escape as other errors', HANG_GUARD, () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const doc = fc.record({
      traceId: anyJson, spanId: anyJson, name: anyJson, kind: anyJson, startTimeUnixNano: anyJson,
      endTimeUnixNano: anyJson, attributes: anyJson, events: anyJson, status: anyJson, flags: anyJson,
    }, { requiredKeys: [] });
    fc.assert(fc.property(doc, (span) => {
      checkOutcome(() => decodeJsonRequest(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }), OPTS));
    }), { numRuns: RUNS });
  });
});
