// Long attribute values repeat as much as short ones: a Django app sends the same few hundred SQL
// statements (values are %s placeholders), templates and middleware paths over and over. Decoding
// each one into a new string and then finding it in intern()'s Map cost a UTF-8 decode, V8's hash
// of every character of a fresh string and ~230 heap bytes per DB span (bench/profile.ts: intern
// 5.0% and the UTF-8 path 4.1% of the collector's time; bench/alloc-profile.ts: utf8 166 B/span).
// Here the bytes are hashed and compared where they lie in the request buffer, and a hit returns the
// string decoded the first time, so nothing is allocated and intern()'s lookup finds the very same
// string with its hash already computed. Decode only (bench/decode-child.mjs, Django workload,
// alternating builds): 579k -> 641k spans per CPU-second.
//
// Direct-mapped and bounded: LONG_SLOTS entries of at most LONG_MAX_BYTES bytes (8 MiB at worst).
// A value is copied in only when its hash missed in the same slot before, so a stream of values
// that never repeat (URLs, messages) costs a hash each and never evicts the statements that do.
// Equal hashes are always confirmed byte for byte: a collision costs speed, never a wrong value.
import { intern } from './intern.js';

/** Longer values are decoded as before (and intern() keeps at most 4,096 characters anyway). */
export const LONG_MAX_BYTES = 2048;
const LONG_SLOTS = 4096;

const entryBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(LONG_SLOTS).fill(undefined);
const entryText: string[] = new Array<string>(LONG_SLOTS).fill('');
const entryHash = new Int32Array(LONG_SLOTS);
/** The hash that last missed in each slot: a second miss with the same hash copies the value in. */
const missedHash = new Int32Array(LONG_SLOTS);

/**
 * Hash of ~32 bytes spread over buf[start, end) plus its last 4 and its length: 26 ns for a 200-byte
 * statement where a pass over every byte took 264 ns, more than the Map lookup it replaces (370 ns
 * with the decode; compiled microbenchmark on this project's VM). Values that differ only between
 * sampled bytes share a hash; the byte compare tells them apart, and longText keeps the one it holds
 * while the other is decoded as before.
 */
export function sampledHash(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  let h = Math.imul(len, 0x9e3779b1);
  const step = (len >> 5) + 1;
  for (let i = start; i < end; i += step) h = Math.imul(h ^ buf[i]!, 0x01000193);
  for (let i = end - 4; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x85ebca6b);
  return h ^ (h >>> 15);
}

/**
 * The text of buf[start, end) (more than 32 bytes, at most LONG_MAX_BYTES), decoded by `decode` only
 * when it is not cached. Values that repeat come back as one interned string.
 */
export function longText(buf: Buffer, start: number, end: number, decode: (buf: Buffer, start: number, end: number) => string): string {
  const len = end - start;
  const h = sampledHash(buf, start, end);
  const slot = h & (LONG_SLOTS - 1);
  const cached = entryBytes[slot];
  // Buffer#compare is native (75 ns for 200 bytes; a JS loop took 130-280 ns).
  if (cached !== undefined && entryHash[slot] === h) {
    if (cached.length === len && buf.compare(cached, 0, len, start, end) === 0) return entryText[slot]!;
    // Same hash, other bytes: keep the entry, or two hot values would evict each other on every call.
    return decode(buf, start, end);
  }
  const text = decode(buf, start, end);
  if (missedHash[slot] !== h) {
    missedHash[slot] = h;
    return text;
  }
  // A copy: the request buffer is pooled and reused, and the cache must not keep it alive.
  const copy = new Uint8Array(len);
  copy.set(buf.subarray(start, end));
  entryBytes[slot] = copy;
  const shared = intern(text);
  entryText[slot] = shared;
  entryHash[slot] = h;
  return shared;
}
