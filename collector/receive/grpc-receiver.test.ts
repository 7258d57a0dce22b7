// OTLP/gRPC refusals seen by a raw grpc-js client: bad bytes, oversize messages, missing tokens
// and overload each get their status code, and overload carries RetryInfo so exporters retry.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { SpanKind as ApiKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { HotpathError } from '../errors.js';
import { TRACE_SERVICE_EXPORT_PATH, encodeRetryInfo } from './grpc-receiver.js';
import { startTestReceivers, type TestReceiverOptions } from './testing.js';

function validRequest(): Buffer {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('t').startSpan('GET x/', { kind: ApiKind.SERVER }).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!);
}

interface CallResult {
  error: ServiceError | null;
  response: Buffer | undefined;
}

async function call(port: number, body: Buffer, md = new Metadata()): Promise<CallResult> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    return await new Promise<CallResult>((resolve) =>
      client.makeUnaryRequest(TRACE_SERVICE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, body, md, (error, response) =>
        resolve({ error, response }),
      ),
    );
  } finally {
    client.close();
  }
}

async function withReceivers(o: TestReceiverOptions, fn: (port: number, rx: Awaited<ReturnType<typeof startTestReceivers>>) => Promise<void>): Promise<void> {
  const rx = await startTestReceivers(o);
  try {
    await fn(rx.grpcPort, rx);
  } finally {
    await rx.close();
  }
}

describe('OTLP/gRPC receiver', () => {
  test('a valid export succeeds with an empty ExportTraceServiceResponse', () =>
    withReceivers({}, async (port, rx) => {
      const r = await call(port, validRequest());
      assert.equal(r.error, null);
      assert.equal(r.response?.length, 0);
      await rx.queue.whenDrained();
      assert.equal(rx.received.length, 1);
    }));

  test('undecodable bytes are INVALID_ARGUMENT and the server keeps serving', () =>
    withReceivers({}, async (port) => {
      const r = await call(port, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
      assert.equal(r.error?.code, status.INVALID_ARGUMENT);
      assert.match(r.error?.details ?? '', /./);
      assert.equal((await call(port, validRequest())).error, null);
    }));

  test('a message over the size limit is RESOURCE_EXHAUSTED', () =>
    withReceivers({ maxDecompressedBytes: 1024 }, async (port) => {
      const r = await call(port, Buffer.alloc(4096));
      assert.equal(r.error?.code, status.RESOURCE_EXHAUSTED);
    }));

  test('with an ingest token, missing or wrong metadata is UNAUTHENTICATED and the right token passes', () =>
    withReceivers({ token: 'tok-123' }, async (port) => {
      assert.equal((await call(port, validRequest())).error?.code, status.UNAUTHENTICATED);
      const wrong = new Metadata();
      wrong.set('authorization', 'Bearer nope');
      assert.equal((await call(port, validRequest(), wrong)).error?.code, status.UNAUTHENTICATED);
      const right = new Metadata();
      right.set('authorization', 'Bearer tok-123');
      assert.equal((await call(port, validRequest(), right)).error, null);
    }));

  test('a full queue is RESOURCE_EXHAUSTED with a RetryInfo trailer, then recovers', () =>
    withReceivers({ queueMaxSpans: 1 }, async (port, rx) => {
      rx.queue.pause();
      assert.equal((await call(port, validRequest())).error, null);
      const r = await call(port, validRequest());
      assert.equal(r.error?.code, status.RESOURCE_EXHAUSTED);
      const retry = r.error?.metadata.get('google.rpc.retryinfo-bin')[0];
      assert.ok(Buffer.isBuffer(retry));
      assert.deepEqual(retry, encodeRetryInfo(1));
      rx.queue.resume();
      await rx.queue.whenDrained();
      assert.equal((await call(port, validRequest())).error, null);
    }));

  test('while admission refuses, exports are UNAVAILABLE with RetryInfo', () =>
    withReceivers({}, async (port, rx) => {
      rx.setAdmission(new HotpathError('UNAVAILABLE', 'draining', { retryAfterSeconds: 2 }));
      const r = await call(port, validRequest());
      assert.equal(r.error?.code, status.UNAVAILABLE);
      assert.deepEqual(r.error?.metadata.get('google.rpc.retryinfo-bin')[0], encodeRetryInfo(2));
    }));

  test('RetryInfo encodes a Duration of whole seconds', () => {
    assert.deepEqual([...encodeRetryInfo(2)], [0x0a, 0x02, 0x08, 0x02]);
    assert.deepEqual([...encodeRetryInfo(300)], [0x0a, 0x03, 0x08, 0xac, 0x02]);
  });
});
