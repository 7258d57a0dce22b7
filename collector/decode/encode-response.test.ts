import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { encodeExportResponse, encodeRpcStatus } from './index.js';
import { cat, int, str } from './testdata/proto-writer.js';

describe('encodeExportResponse', () => {
  test('encodes full success as an empty message: zero bytes in protobuf, {} in JSON', () => {
    assert.equal(encodeExportResponse('proto', 0, '').length, 0);
    assert.equal(encodeExportResponse('json', 0, '').toString(), '{}');
  });

  test('encodes partial success so the OTel JS exporter reads back the count and message', () => {
    const pb = ProtobufTraceSerializer.deserializeResponse(encodeExportResponse('proto', 3, '3 span(s) rejected: x'));
    assert.deepEqual(pb.partialSuccess, { rejectedSpans: 3, errorMessage: '3 span(s) rejected: x' });
    const js = JsonTraceSerializer.deserializeResponse(encodeExportResponse('json', 3, '3 span(s) rejected: x'));
    assert.deepEqual(js, { partialSuccess: { rejectedSpans: '3', errorMessage: '3 span(s) rejected: x' } });
  });

  test('encodes a warning (zero rejected, non-empty message) with the count left out', () => {
    const pb = ProtobufTraceSerializer.deserializeResponse(encodeExportResponse('proto', 0, 'attributes truncated'));
    assert.equal(pb.partialSuccess?.errorMessage, 'attributes truncated');
    assert.ok(!pb.partialSuccess?.rejectedSpans);
  });

  test('writes counts above 2^31 as a plain varint', () => {
    const body = encodeExportResponse('proto', 2 ** 40, '');
    assert.deepEqual(body, Buffer.from([0x0a, 0x07, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]));
  });
});

describe('encodeRpcStatus', () => {
  test('encodes google.rpc.Status code = 1 and message = 2 in protobuf', () => {
    assert.deepEqual(encodeRpcStatus('proto', 3, 'bad body'), cat(int(1, 3), str(2, 'bad body')));
  });

  test('encodes a negative code as a 10-byte varint like int32 on the wire', () => {
    assert.deepEqual(encodeRpcStatus('proto', -1, ''), int(1, -1));
    assert.equal(int(1, -1).length, 11);
  });

  test('encodes JSON with the proto3 JSON names', () => {
    assert.deepEqual(JSON.parse(encodeRpcStatus('json', 8, 'too large').toString()), { code: 8, message: 'too large' });
  });
});
