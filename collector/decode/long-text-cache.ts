// Long attribute values repeat as much as short ones: a Django app sends the same few hundred SQL
// statements (values are %s placeholders), templates and middleware paths over and over. Decoding
// each one into a new string and then finding it in intern()'s Map cost a UTF-8 decode, V8's hash
// of every character of a fresh string and ~230 heap bytes per DB span (bench/profile.ts: intern
// 5.0% and the UTF-8 path 4.1% of the collector's time; bench/alloc-profile.ts: utf8 166 B/span).
// Here the bytes are hashed and compared where they lie in the request buffer, and a hit returns the
// interned string found the first time, so nothing is allocated and the caller skips intern().
// Decode only (bench/decode-child.mjs, Django workload, alternating builds): 579k -> 641k spans per
// CPU-second with a sampled hash, then 650-657k -> 668-670k with this hash and short-text-cache.ts.
//
// Direct-mapped and bounded: LONG_SLOTS entries of at most LONG_MAX_BYTES bytes, and LONG_BUDGET
// bytes in all (when a copy would pass it the cache starts over, as intern() does). Every value
// comes back interned. A value is copied in only when its hash missed in the same slot before, so
// a stream of values that never repeat (URLs, messages) costs a hash each and never evicts the
// statements that do. Equal hashes are always confirmed byte for byte: a collision costs speed,
// never a wrong value.
import { intern } from './intern.js';

/** Longer values are decoded as before (and intern() keeps at most 4,096 characters anyway). */
export const LONG_MAX_BYTES = 2048;
/**
 * The bench at 1,000 routes and fingerprints sends 2,958 distinct statements and 1,002 long span
 * names: in 4,096 direct-mapped slots about half of them shared a slot and missed every time.
 */
const LONG_SLOTS = 16_384;
/** ~20,000 statements of 200 bytes: far more than an app has, and a bound on what a flood costs. */
export const LONG_BUDGET = 4 << 20;
let budgetUsed = 0;

const entryBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(LONG_SLOTS).fill(undefined);
const entryText: string[] = new Array<string>(LONG_SLOTS).fill('');
const entryHash = new Int32Array(LONG_SLOTS);
/** The hash that last missed in each slot: a second miss with the same hash copies the value in. */
const missedHash = new Int32Array(LONG_SLOTS);

/**
 * Hash of every byte of [start, end), read four bytes at a time into four independent
 * multiply-xor lanes: 63 ns for a 200-byte statement, where a byte-at-a-time pass took 264 ns (more
 * than the 370 ns decode and Map lookup it replaces) and a hash of 32 sampled bytes, though 26 ns,
 * gave ORM statements that differ in one character (`"shop5_tag"` / `"shop9_tag"`) the same hash:
 * at 1,000 fingerprints 30% of lookups found another statement (compiled microbenchmarks and a count
 * over the bench workload on this project's VM).
 */
export function hashBytes(view: DataView, start: number, end: number): number {
  let a = 0x811c9dc5, b = end - start, c = 0x9e3779b1, d = 0x27d4eb2f;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    a = Math.imul(a ^ view.getInt32(i, true), 0x01000193);
    b = Math.imul(b ^ view.getInt32(i + 4, true), 0x85ebca6b);
    c = Math.imul(c ^ view.getInt32(i + 8, true), 0xc2b2ae35);
    d = Math.imul(d ^ view.getInt32(i + 12, true), 0x27d4eb2f);
  }
  for (; i + 4 <= end; i += 4) a = Math.imul(a ^ view.getInt32(i, true), 0x01000193);
  for (; i < end; i++) b = Math.imul(b ^ view.getUint8(i), 0x01000193);
  // murmur3's finalizer: a product carries a difference only to higher bits, and the slot is taken
  // from the low ones (a weaker mix put two of ten statements differing in one digit in one slot).
  let h = a ^ Math.imul(b, 31) ^ Math.imul(c, 961) ^ Math.imul(d, 29791);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The text of buf[start, end) (more than 32 bytes, at most LONG_MAX_BYTES; `view` spans the same
 * bytes as `buf`), interned, and decoded by `decode` only when it is not cached. A miss costs the
 * intern() lookup its caller would otherwise make.
 */
export function longText(
  buf: Buffer, view: DataView, start: number, end: number, decode: (buf: Buffer, start: number, end: number) => string,
): string {
  const len = end - start;
  const h = hashBytes(view, start, end);
  const slot = h & (LONG_SLOTS - 1);
  const cached = entryBytes[slot];
  // Buffer#compare is native (75 ns for 200 bytes; a JS loop took 130-280 ns).
  if (cached !== undefined && entryHash[slot] === h) {
    if (cached.length === len && buf.compare(cached, 0, len, start, end) === 0) return entryText[slot]!;
    // Same hash, other bytes: keep the entry, or two hot values would evict each other on every call.
    return intern(decode(buf, start, end));
  }
  const text = intern(decode(buf, start, end));
  if (missedHash[slot] !== h) {
    missedHash[slot] = h;
    return text;
  }
  if (budgetUsed + len > LONG_BUDGET) {
    entryBytes.fill(undefined);
    entryText.fill('');
    budgetUsed = 0;
  }
  budgetUsed += len - (entryBytes[slot]?.length ?? 0);
  // A copy: the request buffer is pooled and reused, and the cache must not keep it alive.
  const copy = new Uint8Array(len);
  copy.set(buf.subarray(start, end));
  entryBytes[slot] = copy;
  entryText[slot] = text;
  entryHash[slot] = h;
  return text;
}
