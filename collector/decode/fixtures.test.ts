import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HotpathError } from '../errors.js';
import { decodeJsonRequest, decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from './index.js';
import { buildFixtures } from './testdata/make-fixtures.js';

const read = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));

describe('committed decoder fixtures', () => {
  test('match what make-fixtures.ts produces today', () => {
    for (const [name, bytes] of Object.entries(buildFixtures())) assert.ok(read(name).equals(bytes), `${name} is stale: rerun make-fixtures.ts`);
  });

  test('django-request.pb and django-request.otlp.json decode to the same 19 spans', () => {
    const pb = decodeProtoRequest(read('django-request.pb'), DEFAULT_DECODE_OPTIONS);
    const js = decodeJsonRequest(read('django-request.otlp.json'), DEFAULT_DECODE_OPTIONS);
    assert.equal(pb.spans.length, 19);
    assert.deepEqual(new Set(js.spans.map((s) => s.spanId)), new Set(pb.spans.map((s) => s.spanId)));
  });

  test('truncated.pb fails with DECODE_FAILED', () => {
    assert.throws(() => decodeProtoRequest(read('truncated.pb'), DEFAULT_DECODE_OPTIONS), (e: unknown) => e instanceof HotpathError && e.code === 'DECODE_FAILED');
  });

  test('json-base64-ids.otlp.json rejects only the span with base64 ids', () => {
    const r = decodeJsonRequest(read('json-base64-ids.otlp.json'), DEFAULT_DECODE_OPTIONS);
    assert.deepEqual([r.spans.length, r.rejectedSpans], [18, 1]);
    assert.match(r.rejectMessage, /traceId is not 32 hex characters/);
  });

  test('bad-span-ids.pb rejects the malformed spans and keeps the valid one', () => {
    const r = decodeProtoRequest(read('bad-span-ids.pb'), DEFAULT_DECODE_OPTIONS);
    assert.deepEqual([r.spans.length, r.rejectedSpans], [1, 2]);
    assert.match(r.rejectMessage, /trace_id has 15 bytes.*span_id is all zeros/);
  });
});
