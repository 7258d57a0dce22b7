// Bearer-token checks for ingest and API. Tokens are compared through SHA-256 digests with
// timingSafeEqual, so neither the token's content nor its length leaks through response timing.
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** A checker for `Authorization: Bearer <token>`; with no token configured every request passes. */
export function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  if (token === '') return () => true;
  const want = digest(token);
  return (authorization) => {
    if (authorization === undefined) return false;
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (m === null) return false;
    return timingSafeEqual(digest(m[1]!), want);
  };
}
