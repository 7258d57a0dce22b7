// Outbound spans keep only the peer host of a URL: url.full / http.url may carry credentials, paths
// and query strings, which Hotpath never stores (privacy rule in the project brief).

/** Host of an absolute URL, without userinfo, port, path or query; '' if there is none. */
export function urlHost(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return '';
  let start = scheme + 3;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) { end = i; break; } // / ? #
  }
  const at = url.lastIndexOf('@', end - 1);
  if (at >= start) start = at + 1;
  if (url.charCodeAt(start) === 0x5b) {
    const close = url.indexOf(']', start);
    return close > start && close < end ? url.slice(start + 1, close).toLowerCase() : '';
  }
  const colon = url.indexOf(':', start);
  if (colon >= 0 && colon < end) end = colon;
  return url.slice(start, end).toLowerCase();
}
