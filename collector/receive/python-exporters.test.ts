// The real OpenTelemetry Python SDK and OTLP exporters from PyPI (installed into .venv by
// scripts/setup-python.sh, which the test command runs first) send spans over OTLP/HTTP protobuf
// (plain, gzip, deflate) and OTLP/gRPC (plain, gzip); each span is compared with what was sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { startTestReceivers, waitFor, type TestReceivers } from './testing.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const python = join(root, '.venv', 'bin', 'python');
const script = join(here, 'testdata', 'send_python_spans.py');

interface SentSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: number;
  start: string;
  end: string;
  route: string;
  statement: string;
  status_code: number;
}

const CASES: Array<[string, 'http' | 'grpc', 'none' | 'gzip' | 'deflate']> = [
  ['OTLP/HTTP protobuf', 'http', 'none'],
  ['OTLP/HTTP protobuf + gzip', 'http', 'gzip'],
  ['OTLP/HTTP protobuf + deflate (zlib-wrapped)', 'http', 'deflate'],
  ['OTLP/gRPC', 'grpc', 'none'],
  ['OTLP/gRPC + gzip', 'grpc', 'gzip'],
];

describe('real OpenTelemetry Python exporters', () => {
  let rx: TestReceivers;
  before(async () => {
    assert.ok(existsSync(python), `no Python virtualenv at ${python}: run scripts/setup-python.sh (the test command does)`);
    rx = await startTestReceivers();
  });
  after(async () => {
    await rx?.close();
  });

  for (const [label, protocol, compression] of CASES) {
    test(`${label}: spans arrive intact, secrets in http.target are not kept`, async () => {
      rx.received.length = 0;
      const endpoint = protocol === 'http' ? rx.httpUrl : `127.0.0.1:${rx.grpcPort}`;
      const service = `py-${protocol}-${compression}`;
      const { stdout } = await run(python, [script, protocol, endpoint, compression, service], { timeout: 60_000 });
      const out = JSON.parse(stdout) as { spans: SentSpan[]; failures: number };
      assert.equal(out.failures, 0, 'the exporter reported success');
      await waitFor(() => rx.received.length >= out.spans.length, 10_000, 'spans to arrive');
      assert.equal(rx.received.length, out.spans.length);
      const byId = new Map(rx.received.map((s) => [s.spanId, s]));
      for (const s of out.spans) {
        const r = byId.get(s.span_id);
        assert.ok(r, `span ${s.name} arrived`);
        assert.equal(r.traceId, s.trace_id);
        assert.equal(r.parentSpanId, s.parent_span_id);
        assert.equal(r.name, s.name, 'non-ASCII names survive');
        assert.equal(r.kind, s.kind);
        assert.equal(r.startMs, Number(BigInt(s.start)) / 1e6);
        assert.equal(r.durationMs, Number(BigInt(s.end) - BigInt(s.start)) / 1e6);
        assert.equal(r.statusCode, s.status_code);
        assert.equal(r.httpRoute, s.route);
        assert.equal(r.dbStatement, s.statement);
        assert.equal(r.resource.serviceName, service);
        assert.equal(r.resource.serviceVersion, '2.0.0');
        assert.equal(r.resource.environment, 'test');
        if (s.statement !== '') assert.match(r.dbParamsHash, /^[0-9a-f]{16}$/, 'parameters are kept only as a hash');
        assert.ok(!JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).includes('secret@example.com'));
      }
      const rootSpan = rx.received.find((x) => x.parentSpanId === '');
      assert.ok(rootSpan?.hasException, 'the recorded exception is seen');
      assert.equal(rootSpan?.exceptionType, 'ValueError');
    });
  }
});
