// Table-driven hostile and broken input against the real OTLP/HTTP receiver: each case gets its
// status code and body, and the server keeps answering valid exports afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGzip, gzipSync } from 'node:zlib';
import { SpanKind as ApiKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { HotpathError } from '../errors.js';
import { startTestReceivers, type TestReceivers } from './testing.js';
import { NO_TELEMETRY } from './ingest.js';

function realSpans(name = 'GET books/') {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bad-input' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const s = provider.getTracer('t').startSpan(name, { kind: ApiKind.SERVER, attributes: { 'http.route': 'books/' } });
  s.end();
  return memory.getFinishedSpans();
}

const validProto = Buffer.from(ProtobufTraceSerializer.serializeRequest(realSpans())!);
const validJson = Buffer.from(JsonTraceSerializer.serializeRequest(realSpans())!);

function withInvalidUtf8(): Buffer {
  const b = Buffer.from(ProtobufTraceSerializer.serializeRequest(realSpans('XXXXXXXX'))!);
  const at = b.indexOf('XXXXXXXX');
  Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0x41]).copy(b, at);
  return b;
}

function jsonWith(mutate: (span: Record<string, unknown>) => void): Buffer {
  const doc = JSON.parse(validJson.toString()) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
  mutate(doc.resourceSpans[0]!.scopeSpans[0]!.spans[0]!);
  return Buffer.from(JSON.stringify(doc));
}

function deeplyNestedJson(levels: number): Buffer {
  const open = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels);
  const close = '}]}}'.repeat(levels);
  return Buffer.from(jsonWith((s) => (s['attributes'] = [{ key: 'deep', value: '__X__' }])).toString().replace('"__X__"', `${open}{"stringValue":"x"}${close}`));
}

/** 1 GiB of zeros gzipped (about 1 MiB on the wire), made by streaming one reused zero chunk. */
async function gzipBomb(): Promise<Buffer> {
  const gz = createGzip({ level: 1 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 1024; i++) if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(out);
}

interface Case {
  name: string;
  method?: string;
  type?: string;
  encoding?: string;
  body?: () => Buffer | Promise<Buffer>;
  status: number;
  /** For 200s: spans the export should report as rejected. */
  rejected?: number;
}

const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const CASES: Case[] = [
  { name: 'empty protobuf body is a valid export of zero spans', type: PROTO, body: () => Buffer.alloc(0), status: 200, rejected: 0 },
  { name: 'empty JSON object is a valid export of zero spans', type: JSON_TYPE, body: () => Buffer.from('{}'), status: 200, rejected: 0 },
  { name: 'truncated protobuf', type: PROTO, body: () => validProto.subarray(0, validProto.length - 7), status: 400 },
  { name: 'random bytes as protobuf', type: PROTO, body: () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), status: 400 },
  { name: 'wrong wire type (group start) at top level', type: PROTO, body: () => Buffer.from([0x0b, 0x00]), status: 400 },
  { name: 'invalid UTF-8 in a span name is accepted with replacement characters', type: PROTO, body: withInvalidUtf8, status: 200, rejected: 0 },
  { name: 'span id of the wrong length is rejected alone', type: JSON_TYPE, body: () => jsonWith((s) => (s['spanId'] = 'abcd')), status: 200, rejected: 1 },
  { name: 'trace id of the wrong length is rejected alone', type: JSON_TYPE, body: () => jsonWith((s) => (s['traceId'] = '0af7651916cd43dd8448eb211c80319c00')), status: 200, rejected: 1 },
  { name: 'base64 ids in JSON are rejected (OTLP/JSON ids are hex)', type: JSON_TYPE, body: () => jsonWith((s) => (s['traceId'] = 'Cvdlkha2zd2ESOshHIAxnA==')), status: 200, rejected: 1 },
  { name: 'end before start is rejected alone', type: JSON_TYPE, body: () => jsonWith((s) => (s['endTimeUnixNano'] = '1')), status: 200, rejected: 1 },
  { name: 'JSON that does not parse', type: JSON_TYPE, body: () => Buffer.from('{"resourceSpans": ['), status: 400 },
  { name: 'JSON with a wrong type for a known field', type: JSON_TYPE, body: () => Buffer.from('{"resourceSpans": 7}'), status: 400 },
  { name: 'deeply nested JSON attribute values', type: JSON_TYPE, body: () => deeplyNestedJson(5000), status: 400 },
  { name: 'gzip body that is not gzip', type: PROTO, encoding: 'gzip', body: () => Buffer.from('not gzip at all'), status: 400 },
  { name: 'unsupported content encoding', type: PROTO, encoding: 'br', body: () => validProto, status: 400 },
  { name: '1 GiB gzip bomb is refused without being inflated', type: PROTO, encoding: 'gzip', body: gzipBomb, status: 413 },
  { name: '30 MiB body is over the wire limit', type: PROTO, body: () => Buffer.alloc(30 * 1024 * 1024, 0x0a), status: 413 },
  { name: 'unsupported content type', type: 'text/plain', body: () => Buffer.from('hello'), status: 415 },
  { name: 'GET is not allowed', method: 'GET', status: 405 },
];

async function post(rx: TestReceivers, c: Case): Promise<Response> {
  const headers: Record<string, string> = {};
  if (c.type) headers['content-type'] = c.type;
  if (c.encoding) headers['content-encoding'] = c.encoding;
  const body = c.body ? await c.body() : undefined;
  return fetch(rx.httpUrl, { method: c.method ?? 'POST', headers, body: body === undefined ? undefined : new Uint8Array(body) });
}

async function assertStillServes(rx: TestReceivers): Promise<void> {
  const r = await fetch(rx.httpUrl, { method: 'POST', headers: { 'content-type': PROTO }, body: validProto });
  assert.equal(r.status, 200, 'the receiver still accepts a valid export');
  assert.equal((await r.arrayBuffer()).byteLength, 0, 'full success is an empty ExportTraceServiceResponse');
}

describe('OTLP/HTTP receiver on bad input', () => {
  let rx: TestReceivers;
  before(async () => {
    rx = await startTestReceivers();
  });
  after(async () => {
    await rx.close();
  });

  for (const c of CASES) {
    test(`${c.name} -> ${c.status}`, async () => {
      const r = await post(rx, c);
      assert.equal(r.status, c.status);
      const text = Buffer.from(await r.arrayBuffer());
      if (c.status === 200 && c.type === JSON_TYPE) {
        const doc = JSON.parse(text.toString()) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
        assert.equal(Number(doc.partialSuccess?.rejectedSpans ?? 0), c.rejected);
        if (c.rejected) assert.ok((doc.partialSuccess?.errorMessage ?? '').length > 0, 'rejections carry an error_message');
      } else if (c.status === 200) {
        assert.equal(text.length === 0, c.rejected === 0, 'full success has an empty body');
      } else if (c.type === JSON_TYPE || c.type === undefined || c.type === 'text/plain') {
        const status = JSON.parse(text.toString()) as { message?: string };
        assert.ok((status.message ?? '').length > 0, 'errors carry a google.rpc.Status message');
      } else {
        assert.ok(text.length > 0, 'errors carry a google.rpc.Status body');
      }
      await assertStillServes(rx);
    });
  }

  test('an unknown path answers 404', async () => {
    const r = await fetch(rx.httpUrl.replace('/v1/traces', '/v1/tracez'), { method: 'POST', headers: { 'content-type': PROTO }, body: validProto });
    assert.equal(r.status, 404);
  });

  test('a full queue answers 429 with Retry-After, and recovers once drained', async () => {
    const small = await startTestReceivers({ queueMaxSpans: 2 });
    try {
      small.queue.pause();
      const send = () => fetch(small.httpUrl, { method: 'POST', headers: { 'content-type': PROTO }, body: validProto });
      assert.equal((await send()).status, 200);
      assert.equal((await send()).status, 200);
      const refused = await send();
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(small.queue.size, 2, 'the refused export was not queued');
      small.queue.resume();
      await small.queue.whenDrained();
      assert.equal((await send()).status, 200, 'service returns to normal by itself');
      await small.queue.whenDrained();
      assert.equal(small.received.length, 3, 'every acknowledged span reached analysis, the refused one did not');
    } finally {
      await small.close();
    }
  });

  test('while admission refuses (draining, storage fault) ingest answers 503 with Retry-After', async () => {
    rx.setAdmission(new HotpathError('UNAVAILABLE', 'draining for shutdown', { retryAfterSeconds: 3 }));
    const r = await fetch(rx.httpUrl, { method: 'POST', headers: { 'content-type': PROTO }, body: validProto });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '3');
    rx.setAdmission(null);
    await assertStillServes(rx);
  });

  test('a gzip body inflating past the decompressed limit is 413 even under the wire limit', async () => {
    const small = await startTestReceivers({ maxDecompressedBytes: 1024 });
    try {
      const r = await fetch(small.httpUrl, { method: 'POST', headers: { 'content-type': PROTO, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(4096)) });
      assert.equal(r.status, 413);
    } finally {
      await small.close();
    }
  });

  test('with an ingest token, a missing or wrong token is 401 and the right one is accepted', async () => {
    const secured = await startTestReceivers({ token: 's3cret-token' });
    try {
      const send = (auth?: string) =>
        fetch(secured.httpUrl, { method: 'POST', headers: { 'content-type': PROTO, ...(auth ? { authorization: auth } : {}) }, body: validProto });
      assert.equal((await send()).status, 401);
      assert.equal((await send('Bearer wrong')).status, 401);
      assert.equal((await send('Bearer s3cret-token')).status, 200);
    } finally {
      await secured.close();
    }
  });
});

describe('refusal accounting', () => {
  test('every refused export is counted once with its reason, from transport errors to a full queue', async () => {
    const refused: string[] = [];
    const telemetry = { ...NO_TELEMETRY, refused: (p: string, reason: string, n: number) => void refused.push(`${p}:${reason}:${n}`) };
    const rx = await startTestReceivers({ token: 't', queueMaxSpans: 1, telemetry });
    try {
      const auth = { authorization: 'Bearer t' };
      const post = (headers: Record<string, string>, body: Uint8Array<ArrayBuffer> = new Uint8Array(validProto)) =>
        fetch(rx.httpUrl, { method: 'POST', headers: { 'content-type': PROTO, ...headers }, body });
      assert.equal((await post({})).status, 401);
      assert.equal((await post({ ...auth, 'content-type': 'text/plain' })).status, 415);
      assert.equal((await fetch(rx.httpUrl, { headers: auth })).status, 405);
      assert.equal((await post(auth, new Uint8Array([0x0b]))).status, 400);
      rx.queue.pause();
      assert.equal((await post(auth)).status, 200);
      assert.equal((await post(auth)).status, 429);
      assert.deepEqual(refused, ['http:unauthenticated:0', 'http:unsupported_media_type:0', 'http:method_not_allowed:0', 'http:decode:0', 'http:queue_full:0']);
    } finally {
      rx.queue.resume();
      await rx.close();
    }
  });
});
