import type { NextFunction, Request, Response } from 'express';
import { asHotpathError, HotpathError } from '../../errors.js';

export interface ApiLogger {
  error(obj: object, msg: string): void;
}

/** The one place an API error becomes a response: `{"error": {"code", "message"}}` with the catalogue status. */
export function apiErrorHandler(logger?: ApiLogger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const e = fromExpressError(err);
    if (e.httpStatus >= 500) logger?.error({ err: e.cause ?? e, code: e.code }, 'api request failed');
    // Internal messages can carry SQL or file paths; clients only learn that it failed.
    const message = e.code === 'INTERNAL' ? 'internal error' : e.message;
    if (e.retryAfterSeconds !== undefined) res.set('Retry-After', String(e.retryAfterSeconds));
    res.status(e.httpStatus).json({ error: { code: e.code, message } });
  };
}

/** Errors raised by express itself (body-parser, URI decoding) carry an HTTP `status` instead of a code. */
function fromExpressError(err: unknown): HotpathError {
  if (err instanceof HotpathError) return err;
  // better-sqlite3 errors (SQLITE_BUSY past busy_timeout, I/O errors): the database, not the request,
  // is at fault, so the client may retry; the SQLite message stays in the log.
  if (err instanceof Error && err.name === 'SqliteError') {
    return new HotpathError('STORAGE_FAILED', 'storage is unavailable', { cause: err, retryAfterSeconds: 1 });
  }
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 413) return new HotpathError('PAYLOAD_TOO_LARGE', 'request body too large', { cause: err });
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HotpathError('BAD_REQUEST', 'malformed request', { cause: err });
  }
  return asHotpathError(err);
}

export function apiNotFound(req: Request, _res: Response, next: NextFunction): void {
  next(new HotpathError('NOT_FOUND', `no API route ${req.method} ${req.path.slice(0, 200)}`));
}
