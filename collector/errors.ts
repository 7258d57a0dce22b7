// The one error catalogue. Every error Hotpath reports to a client or operator is a HotpathError
// with a code from this table; its HTTP status, gRPC status and retryability are decided here and
// nowhere else. Retryability follows the OTLP spec: only 429/502/503/504 (HTTP) and
// UNAVAILABLE / RESOURCE_EXHAUSTED with RetryInfo (gRPC) invite a client to send again.

/** gRPC status codes used by Hotpath (grpc/status.h numbering). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

interface CodeInfo {
  http: number;
  grpc: number;
  retryable: boolean;
}

const CATALOGUE = {
  /** Body is not a valid ExportTraceServiceRequest in its content type. */
  DECODE_FAILED: { http: 400, grpc: GrpcCode.INVALID_ARGUMENT, retryable: false },
  /** Content-Encoding other than identity, gzip or deflate. */
  UNSUPPORTED_ENCODING: { http: 400, grpc: GrpcCode.INVALID_ARGUMENT, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, grpc: GrpcCode.INVALID_ARGUMENT, retryable: false },
  METHOD_NOT_ALLOWED: { http: 405, grpc: GrpcCode.UNIMPLEMENTED, retryable: false },
  NOT_FOUND: { http: 404, grpc: GrpcCode.NOT_FOUND, retryable: false },
  /** Compressed body over the wire limit, or inflated body over the decompressed limit. */
  PAYLOAD_TOO_LARGE: { http: 413, grpc: GrpcCode.RESOURCE_EXHAUSTED, retryable: false },
  UNAUTHENTICATED: { http: 401, grpc: GrpcCode.UNAUTHENTICATED, retryable: false },
  /** The ingest queue is full: back off and retry (OTLP throttling). */
  OVERLOADED: { http: 429, grpc: GrpcCode.RESOURCE_EXHAUSTED, retryable: true },
  /** Draining for shutdown, or storage cannot accept writes right now. */
  UNAVAILABLE: { http: 503, grpc: GrpcCode.UNAVAILABLE, retryable: true },
  /** API input that fails validation. */
  BAD_REQUEST: { http: 400, grpc: GrpcCode.INVALID_ARGUMENT, retryable: false },
  /** Configuration invalid at start-up (never sent to a client). */
  CONFIG_INVALID: { http: 500, grpc: GrpcCode.INTERNAL, retryable: false },
  /** The database schema is newer than this build understands. */
  SCHEMA_TOO_NEW: { http: 500, grpc: GrpcCode.FAILED_PRECONDITION, retryable: false },
  STORAGE_FAILED: { http: 503, grpc: GrpcCode.UNAVAILABLE, retryable: true },
  INTERNAL: { http: 500, grpc: GrpcCode.INTERNAL, retryable: false },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof CATALOGUE;

export class HotpathError extends Error {
  readonly code: ErrorCode;
  /** Seconds a client should wait before retrying (Retry-After / RetryInfo), when retryable. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HotpathError';
    this.code = code;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get httpStatus(): number {
    return CATALOGUE[this.code].http;
  }

  get grpcCode(): number {
    return CATALOGUE[this.code].grpc;
  }

  get retryable(): boolean {
    return CATALOGUE[this.code].retryable;
  }
}

export function isHotpathError(e: unknown): e is HotpathError {
  return e instanceof HotpathError;
}

/** Wraps anything thrown into a HotpathError (unknown errors become INTERNAL). */
export function asHotpathError(e: unknown): HotpathError {
  if (e instanceof HotpathError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new HotpathError('INTERNAL', msg, { cause: e });
}

export function allErrorCodes(): ErrorCode[] {
  return Object.keys(CATALOGUE) as ErrorCode[];
}
