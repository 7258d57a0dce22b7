// The load generator talks to loopback only unless told otherwise: pointing it at someone
// else's server by a typo would be a small denial-of-service.

import { isIPv4 } from 'node:net';
import { HotpathError } from '../../collector/errors.js';

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/** Parses an http(s) URL and refuses a non-loopback host unless `allowRemote`. */
export function checkTargetUrl(raw: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new HotpathError('CONFIG_INVALID', `not a URL: ${raw}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HotpathError('CONFIG_INVALID', `only http and https URLs are supported, got ${url.protocol}`);
  }
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw new HotpathError('CONFIG_INVALID', `refusing non-loopback host ${url.hostname} (pass --allow-remote to allow it)`);
  }
  return url;
}
