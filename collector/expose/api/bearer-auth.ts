import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HotpathError } from '../../errors.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first so timingSafeEqual compares
 * equal-length buffers: neither the token's content nor its length leaks through response timing.
 */
export function bearerAuth(token: string) {
  const expected = digest(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const given = digest(m?.[1] ?? '');
    if (m === null || !timingSafeEqual(given, expected)) {
      // RFC 6750 section 3: a 401 carries a WWW-Authenticate challenge naming the scheme.
      res.set('WWW-Authenticate', 'Bearer realm="hotpath"');
      next(new HotpathError('UNAUTHENTICATED', 'missing or invalid bearer token'));
      return;
    }
    next();
  };
}
