// Test helpers: serialise SDK spans with the real OTel serializers and compare decoded spans with
// what the SDK span itself says (independent of the decoder under test).
import assert from 'node:assert/strict';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Span } from '../../contract.js';

const nanos = (t: [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

export function serialize(spans: ReadableSpan[]): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  assert.ok(bytes !== undefined);
  return bytes;
}

export function serializeJson(spans: ReadableSpan[]): string {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  assert.ok(bytes !== undefined);
  return Buffer.from(bytes).toString('utf8');
}

export function byName(spans: Span[], name: string): Span[] {
  return spans.filter((s) => s.name === name);
}

/** What the SDK span says, independent of the decoder. */
export function assertSameAsSdk(decoded: Span[], sdk: ReadableSpan[]): void {
  assert.equal(decoded.length, sdk.length);
  const index = new Map(decoded.map((s) => [s.spanId, s]));
  for (const s of sdk) {
    const ctx = s.spanContext();
    const d = index.get(ctx.spanId);
    assert.ok(d, `span ${ctx.spanId} decoded`);
    assert.equal(d.traceId, ctx.traceId);
    assert.equal(d.parentSpanId, s.parentSpanContext?.spanId ?? '');
    assert.equal(d.parentIsRemote, s.parentSpanContext?.isRemote === true);
    assert.equal(d.name, s.name);
    assert.equal(d.kind, s.kind + 1);
    assert.equal(d.startMs, Number(nanos(s.startTime)) / 1e6);
    assert.equal(d.durationMs, Number(nanos(s.endTime) - nanos(s.startTime)) / 1e6);
    assert.equal(d.scope, s.instrumentationScope.name);
    assert.equal(d.statusCode, s.status.code);
    assert.equal(d.statusMessage, s.status.message ?? '');
  }
}

