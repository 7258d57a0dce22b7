// OTLP/HTTP transport (opentelemetry-proto docs/specification.md, "OTLP/HTTP"): POST of an
// ExportTraceServiceRequest as application/x-protobuf or application/json on one port, optionally
// gzip- or deflate-compressed. Plain node:http rather than express: this is the hot path, and it
// needs byte-level control of limits before any inflation happens.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip, inflate, inflateRaw, type InputType, type ZlibOptions } from 'node:zlib';
import type { Lifecycle } from '../contract.js';
import { HotpathError, asHotpathError } from '../errors.js';
import { encodeExportResponse, encodeRpcStatus } from '../decode/index.js';
import type { Ingest, ReceiverTelemetry, WireFormat } from './ingest.js';
import { bearerChecker } from './auth.js';

export interface HttpReceiverOptions {
  host: string;
  port: number;
  path: string;
  maxBodyBytes: number;
  maxDecompressedBytes: number;
  token: string;
}

const CONTENT_TYPES: Record<string, WireFormat> = {
  'application/x-protobuf': 'proto',
  'application/protobuf': 'proto',
  'application/json': 'json',
};
const RESPONSE_TYPE: Record<WireFormat, string> = { proto: 'application/x-protobuf', json: 'application/json' };

type Inflate = (buf: InputType, opts: ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void;

function inflateWith(fn: Inflate, body: Buffer, max: number): Promise<Buffer> {
  // maxOutputLength makes zlib stop at the limit, so a gzip bomb is refused after inflating at most
  // `max` bytes, never its full size. Async: the work runs on libuv's pool, off the event loop.
  return new Promise((resolve, reject) => fn(body, { maxOutputLength: max }, (err, out) => (err ? reject(err) : resolve(out))));
}

async function decompress(encoding: string, body: Buffer, max: number): Promise<Buffer> {
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return await inflateWith(gunzip, body, max);
    // Python's exporter sends zlib-wrapped data (RFC 1950) as "deflate"; some clients send raw
    // RFC 1951 streams under the same name, so fall back to raw when the zlib header is absent.
    try {
      return await inflateWith(inflate, body, max);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw e;
      return await inflateWith(inflateRaw, body, max);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new HotpathError('PAYLOAD_TOO_LARGE', `request body inflates past the ${max}-byte limit`);
    }
    throw new HotpathError('DECODE_FAILED', `invalid ${encoding} body: ${(e as Error).message}`);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > max) {
        failed = true;
        chunks.length = 0;
        reject(new HotpathError('PAYLOAD_TOO_LARGE', `request body over the ${max}-byte limit`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => failed || resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', (e) => failed || reject(new HotpathError('DECODE_FAILED', `request body not received: ${e.message}`)));
  });
}

export class OtlpHttpReceiver implements Lifecycle {
  private server: Server | null = null;
  private readonly authorized: (h: string | undefined) => boolean;

  constructor(
    private readonly opts: HttpReceiverOptions,
    private readonly ingest: Ingest,
    private readonly telemetry: ReceiverTelemetry,
    private readonly onError: (e: HotpathError) => void = () => undefined,
  ) {
    this.authorized = bearerChecker(opts.token);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** The bound port (useful when configured as 0). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    // close() stops accepting and resolves once in-flight exports have been answered.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    let format: WireFormat | null = null;
    this.ingest.begin();
    try {
      const url = req.url ?? '/';
      const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
      if (path !== this.opts.path) throw new HotpathError('NOT_FOUND', `no OTLP endpoint at ${path}; traces go to ${this.opts.path}`);
      if (req.method !== 'POST') throw new HotpathError('METHOD_NOT_ALLOWED', `${req.method} not allowed; use POST`);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      format = CONTENT_TYPES[type] ?? null;
      if (format === null) {
        throw new HotpathError('UNSUPPORTED_MEDIA_TYPE', `unsupported content type "${type}"; use application/x-protobuf or application/json`);
      }
      if (!this.authorized(req.headers.authorization)) throw new HotpathError('UNAUTHENTICATED', 'missing or wrong bearer token');
      const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (!['identity', '', 'gzip', 'x-gzip', 'deflate'].includes(encoding)) {
        throw new HotpathError('UNSUPPORTED_ENCODING', `unsupported content encoding "${encoding}"; use gzip, deflate or none`);
      }
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (declared > this.opts.maxBodyBytes) throw new HotpathError('PAYLOAD_TOO_LARGE', `request body over the ${this.opts.maxBodyBytes}-byte limit`);
      this.ingest.precheck();
      const wire = await readBody(req, this.opts.maxBodyBytes);
      this.telemetry.requestSize('http', wire.length);
      const body = encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate'
        ? await decompress(encoding, wire, this.opts.maxDecompressedBytes)
        : wire;
      if (body.length > this.opts.maxDecompressedBytes) {
        throw new HotpathError('PAYLOAD_TOO_LARGE', `request body over the ${this.opts.maxDecompressedBytes}-byte limit`);
      }
      const result = this.ingest.export('http', format, body);
      const out = encodeExportResponse(format, result.rejected, result.message);
      res.writeHead(200, { 'content-type': RESPONSE_TYPE[format], 'content-length': out.length });
      res.end(out);
    } catch (e) {
      const err = asHotpathError(e);
      this.ingest.recordRefusal('http', err);
      if (err.code === 'INTERNAL') this.onError(err);
      this.fail(res, format ?? 'json', err);
    } finally {
      this.ingest.end();
      this.telemetry.requestLatency('http', Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private fail(res: ServerResponse, format: WireFormat, err: HotpathError): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // OTLP/HTTP: failures carry a google.rpc.Status in the request's encoding.
    const body = encodeRpcStatus(format, err.grpcCode, err.message);
    const headers: Record<string, string | number> = { 'content-type': RESPONSE_TYPE[format], 'content-length': body.length };
    if (err.retryAfterSeconds !== undefined) headers['retry-after'] = err.retryAfterSeconds;
    if (err.code === 'METHOD_NOT_ALLOWED') headers['allow'] = 'POST';
    // A refused large body is not read; closing stops the client from streaming the rest.
    if (err.code === 'PAYLOAD_TOO_LARGE') headers['connection'] = 'close';
    res.writeHead(err.httpStatus, headers);
    res.end(body);
  }
}
