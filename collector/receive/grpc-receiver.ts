// OTLP/gRPC transport: the unary TraceService/Export method. Messages pass through grpc-js as raw
// bytes (identity (de)serialisers) so the same decoder and export path as OTLP/HTTP handle them;
// grpc-js itself undoes `grpc-encoding: gzip`. Python's opentelemetry-instrument exports over gRPC
// by default, so this is the transport most Django apps will use.
import {
  Metadata,
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import type { Lifecycle } from '../contract.js';
import { HotpathError, asHotpathError } from '../errors.js';
import { encodeExportResponse } from '../decode/index.js';
import type { Ingest, ReceiverTelemetry } from './ingest.js';
import { bearerChecker } from './auth.js';

export const TRACE_SERVICE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface GrpcReceiverOptions {
  host: string;
  port: number;
  /** Largest message after decompression; grpc-js answers RESOURCE_EXHAUSTED past it. */
  maxMessageBytes: number;
  token: string;
  /** How long shutdown waits for in-flight calls before cancelling them. */
  shutdownTimeoutMs?: number;
  /** HTTP/2 flow-control window of each stream and connection, bytes (65,535 is HTTP/2's default). */
  flowControlWindow?: number;
}

const identity = (b: Buffer): Buffer => b;

const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: TRACE_SERVICE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/**
 * google.rpc.RetryInfo { Duration retry_delay = 1 } with Duration { int64 seconds = 1 }.
 * The OTLP spec makes RESOURCE_EXHAUSTED retryable only when this detail is present, and the Python
 * exporter reads it from the `google.rpc.retryinfo-bin` trailer.
 */
export function encodeRetryInfo(seconds: number): Buffer {
  const varint: number[] = [];
  let v = Math.max(0, Math.floor(seconds));
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    varint.push(byte);
  } while (v > 0);
  const duration = Buffer.from([0x08, ...varint]);
  return Buffer.concat([Buffer.from([0x0a, duration.length]), duration]);
}

/**
 * Sets the flow-control window of the HTTP/2 servers grpc-js made at bind: the per-stream window they
 * announce in SETTINGS to new sessions, and each new session's connection window. grpc-js reads
 * `grpc-node.flow_control_window` only on the client (the server side is grpc/grpc-node#3058, open),
 * and keeps its servers in a private map; false when that map is not there (a grpc-js upgrade).
 */
export function applyFlowControlWindow(server: Server, bytes: number): boolean {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map) || servers.size === 0) return false;
  for (const h of servers.keys() as IterableIterator<Http2Server>) {
    h.updateSettings({ initialWindowSize: bytes });
    h.on('session', (session: ServerHttp2Session) => session.setLocalWindowSize(bytes));
  }
  return true;
}

export class OtlpGrpcReceiver implements Lifecycle {
  /** False when the configured flow-control window could not be applied (see applyFlowControlWindow). */
  flowControlApplied = true;
  private server: Server | null = null;
  private boundPort = 0;
  private readonly authorized: (h: string | undefined) => boolean;

  constructor(
    private readonly opts: GrpcReceiverOptions,
    private readonly ingest: Ingest,
    private readonly telemetry: ReceiverTelemetry,
    private readonly onError: (e: HotpathError) => void = () => undefined,
  ) {
    this.authorized = bearerChecker(opts.token);
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = new Server({
      'grpc.max_receive_message_length': this.opts.maxMessageBytes,
      'grpc.max_send_message_length': 4 * 1024 * 1024,
      // For when grpc-js reads it on the server too; applyFlowControlWindow does it until then.
      ...(this.opts.flowControlWindow === undefined ? {} : { 'grpc-node.flow_control_window': this.opts.flowControlWindow }),
    });
    server.addService(TRACE_SERVICE, { Export: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => this.handle(call, cb) });
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${this.opts.port}`, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    if (this.opts.flowControlWindow !== undefined) this.flowControlApplied = applyFlowControlWindow(server, this.opts.flowControlWindow);
    this.server = server;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, this.opts.shutdownTimeoutMs ?? 5000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private handle(call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>): void {
    const started = process.hrtime.bigint();
    this.ingest.begin();
    try {
      const auth = call.metadata.get('authorization')[0];
      if (!this.authorized(typeof auth === 'string' ? auth : auth?.toString('utf8'))) {
        throw new HotpathError('UNAUTHENTICATED', 'missing or wrong bearer token');
      }
      const body = call.request;
      this.telemetry.requestSize('grpc', body.length);
      const result = this.ingest.export('grpc', 'proto', body);
      cb(null, encodeExportResponse('proto', result.rejected, result.message));
    } catch (e) {
      const err = asHotpathError(e);
      this.ingest.recordRefusal('grpc', err);
      if (err.code === 'INTERNAL') this.onError(err);
      const trailer = new Metadata();
      if (err.retryAfterSeconds !== undefined) trailer.set('google.rpc.retryinfo-bin', encodeRetryInfo(err.retryAfterSeconds));
      cb({ code: err.grpcCode as GrpcStatus, details: err.message, metadata: trailer });
    } finally {
      this.ingest.end();
      this.telemetry.requestLatency('grpc', Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}
