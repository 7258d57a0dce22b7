// Test support: real receivers on ephemeral loopback ports, feeding a queue whose consumer records
// every span that made it through, so tests compare what arrived with what was sent.
import type { Span } from '../contract.js';
import { HotpathError } from '../errors.js';
import { Ingest, NO_TELEMETRY, type ReceiverTelemetry } from './ingest.js';
import { IngestQueue } from './ingest-queue.js';
import { OtlpHttpReceiver } from './http-receiver.js';
import { OtlpGrpcReceiver } from './grpc-receiver.js';

export interface TestReceivers {
  httpPort: number;
  grpcPort: number;
  grpc: OtlpGrpcReceiver;
  httpUrl: string;
  received: Span[];
  queue: IngestQueue;
  ingest: Ingest;
  /** Makes admission refuse (simulating draining or a storage fault) until reset to null. */
  setAdmission(err: HotpathError | null): void;

  close(): Promise<void>;
}

export interface TestReceiverOptions {
  token?: string;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  queueMaxSpans?: number;
  telemetry?: ReceiverTelemetry;
  /** The gRPC receiver's HTTP/2 flow-control window, bytes (unset: HTTP/2's default). */
  grpcFlowControlWindow?: number;
}

export async function startTestReceivers(o: TestReceiverOptions = {}): Promise<TestReceivers> {
  const received: Span[] = [];
  const queue = new IngestQueue({ maxSpans: o.queueMaxSpans ?? 100_000, sliceSpans: 8192 }, (spans) => {
    received.push(...spans);
  });
  let admission: HotpathError | null = null;
  const telemetry = o.telemetry ?? NO_TELEMETRY;
  const ingest = new Ingest({
    queue,
    decode: { maxAttributeLength: 8192 },
    telemetry,
    retryAfterSeconds: 1,
    admission: () => admission,
  });
  const http = new OtlpHttpReceiver(
    {
      host: '127.0.0.1',
      port: 0,
      path: '/v1/traces',
      maxBodyBytes: o.maxBodyBytes ?? 20 * 1024 * 1024,
      maxDecompressedBytes: o.maxDecompressedBytes ?? 64 * 1024 * 1024,
      token: o.token ?? '',
    },
    ingest,
    telemetry,
  );
  const grpc = new OtlpGrpcReceiver(
    { host: '127.0.0.1', port: 0, maxMessageBytes: o.maxDecompressedBytes ?? 64 * 1024 * 1024, token: o.token ?? '', ...(o.grpcFlowControlWindow === undefined ? {} : { flowControlWindow: o.grpcFlowControlWindow }) },
    ingest,
    telemetry,
  );
  await http.start();
  await grpc.start();
  return {
    httpPort: http.port,
    grpcPort: grpc.port,
    grpc,
    httpUrl: `http://127.0.0.1:${http.port}/v1/traces`,
    received,
    queue,
    ingest,
    setAdmission: (e) => {
      admission = e;
    },
    close: async () => {
      await http.shutdown();
      await grpc.shutdown();
      queue.drainNow();
    },
  };
}

/** Waits until `cond` holds, polling; fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
