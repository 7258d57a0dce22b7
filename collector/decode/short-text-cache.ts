// Short values repeat endlessly in OTLP: span names like "SELECT", db.system, hosts, scope names,
// and per route its route, view, template and cache prefix. This cache returns one interned string
// object per value without a native call or a new allocation (decode-speed.bench.ts measured it
// faster than calling utf8Slice for every value), and the caller skips intern()'s Map lookup.
// Two-way set associative over one byte arena: the bench at 1,000 routes sends ~5,000 distinct
// short values, and 2,048 direct-mapped slots holding a Uint8Array each evicted each other on
// every other lookup (bench/flush-cost.ts profile diff, 10 -> 1,000 routes: utf8 +0.36 s of +2.4 s).
import { intern } from './intern.js';

/** Values up to this many bytes are kept here; longer ones go to long-text-cache.ts. */
export const SHORT_MAX_BYTES = 32;
const SETS = 8192;
/** Bytes of entry e at [e * SHORT_MAX_BYTES, + entryLen[e]): 512 KiB for 16,384 entries. */
const arena = new Uint8Array(SETS * 2 * SHORT_MAX_BYTES);
const entryLen = new Int8Array(SETS * 2).fill(-1);
const entryText: string[] = new Array<string>(SETS * 2).fill('');
/** Which way of each set the next miss replaces (round robin). */
const nextWay = new Uint8Array(SETS);

function sameAt(e: number, buf: Uint8Array, start: number, len: number): boolean {
  if (entryLen[e] !== len) return false;
  const at = e * SHORT_MAX_BYTES;
  for (let i = 0; i < len; i++) if (arena[at + i] !== buf[start + i]) return false;
  return true;
}

/** The interned text of buf[start, end) (at most SHORT_MAX_BYTES), decoded by `decode` on a miss. */
export function shortText<B extends Uint8Array>(buf: B, start: number, end: number, decode: (buf: B, start: number, end: number) => string): string {
  const len = end - start;
  let h = len;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  const set = (h ^ (h >>> 13)) & (SETS - 1);
  const e0 = set * 2;
  if (sameAt(e0, buf, start, len)) return entryText[e0]!;
  if (sameAt(e0 + 1, buf, start, len)) return entryText[e0 + 1]!;
  const text = intern(decode(buf, start, end));
  const e = e0 + nextWay[set]!;
  nextWay[set] = nextWay[set]! ^ 1;
  // A copy: the request buffer is pooled and reused, and the cache must not keep it alive.
  arena.set(buf.subarray(start, end), e * SHORT_MAX_BYTES);
  entryLen[e] = len;
  entryText[e] = text;
  return text;
}
