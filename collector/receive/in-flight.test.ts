// hotpath_receiver_in_flight_requests comes from Ingest.inFlightRequests: an export counts from
// arrival until its answer, whatever the outcome, so a slow or stuck sender shows up in the gauge.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { SpanKind as ApiKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { startTestReceivers, type TestReceivers } from './testing.js';

function body(): Buffer {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('t').startSpan('GET books/', { kind: ApiKind.SERVER }).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!);
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached within 2 s');
}

describe('in-flight exports', () => {
  let rx: TestReceivers;
  before(async () => {
    rx = await startTestReceivers();
  });
  after(async () => rx.close());

  test('an export whose body is still arriving is in flight, and not once it is answered', async () => {
    const b = body();
    let status = 0;
    const answered = new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: rx.httpPort, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-length': b.length } }, (res) => {
        status = res.statusCode ?? 0;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.write(b.subarray(0, 10)); // half a request: the receiver waits for the rest
      void until(() => rx.ingest.inFlightRequests === 1).then(() => req.end(b.subarray(10)), reject);
    });
    await answered;
    assert.equal(status, 200);
    assert.equal(rx.ingest.inFlightRequests, 0);
  });

  test('refused exports leave the count where it was', async () => {
    const res = await fetch(rx.httpUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(res.status, 415);
    const wrong = await fetch(rx.httpUrl.replace('/v1/traces', '/v1/nope'), { method: 'POST', body: 'x' });
    assert.equal(wrong.status, 404);
    assert.equal(rx.ingest.inFlightRequests, 0);
  });
});
