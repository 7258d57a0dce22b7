// Merging and reading encoded sketches without intermediate arrays. A window of a list merges
// thousands of small per-minute BLOBs per group; merging them pairwise as sorted arrays copied the
// whole accumulated sketch on every row (quadratic in the rows of a group, and the main source of GC
// in the API profile). Here counts are added in place into one dense Float64Array per group.
import { cursor, encodeDense, FORMAT, keyValue, readVarint, runStart, startScan } from './sketch-codec.js';

/**
 * Largest key span a dense accumulator accepts. Keys of finite doubles at 1 % accuracy lie within
 * about +-36,000 (log(1.8e308) / log(1.0202)); anything wider is a corrupt BLOB, not a big sketch.
 */
const MAX_SPAN = 1 << 17;

export class BinAccumulator {
  private bins = new Float64Array(256);
  /** Key of bins[0]; set from the first run seen. */
  private offset = 0;
  /** Index range that may hold positive counts (empty when lo > hi). */
  private lo = 0;
  private hi = -1;
  private zeros = 0;
  private total = 0;
  /** Whether any sketch was added since the last reset (an empty-but-present sketch counts). */
  any = false;

  reset(): void {
    if (this.hi >= this.lo) this.bins.fill(0, this.lo, this.hi + 1);
    this.lo = 0;
    this.hi = -1;
    this.zeros = 0;
    this.total = 0;
    this.any = false;
  }

  count(): number {
    return this.total;
  }

  /** Bins allocated; durations from 1 us to 1 h span about 1,100 keys at 1 % accuracy. */
  get capacity(): number {
    return this.bins.length;
  }

  /** Makes keys [first, last] addressable, growing or re-centring the array as needed. */
  private cover(first: number, last: number): void {
    if (this.hi < this.lo) {
      // Empty: re-centre on the new keys so the array does not grow when groups are far apart.
      if (last - first + 1 > this.bins.length) this.grow(first, last);
      else this.offset = first - ((this.bins.length - (last - first + 1)) >> 1);
      return;
    }
    if (first - this.offset >= 0 && last - this.offset < this.bins.length) return;
    this.grow(Math.min(first, this.lo + this.offset), Math.max(last, this.hi + this.offset));
  }

  private grow(minKey: number, maxKey: number): void {
    const span = maxKey - minKey + 1;
    if (span > MAX_SPAN) throw new Error('corrupt sketch: key range too wide');
    let size = this.bins.length;
    while (size < span + (span >> 1)) size *= 2;
    const next = new Float64Array(size);
    const offset = minKey - ((size - span) >> 1);
    if (this.hi >= this.lo) next.set(this.bins.subarray(this.lo, this.hi + 1), this.lo + this.offset - offset);
    this.lo += this.offset - offset;
    this.hi += this.offset - offset;
    this.bins = next;
    this.offset = offset;
  }

  /** Adds every bin of an encoded sketch (see sketch-codec.ts for the layout). */
  addEncoded(buf: Uint8Array): void {
    startScan(buf);
    this.addOne(buf);
    if (cursor.pos !== buf.length) throw new Error('trailing bytes after sketch');
  }

  /**
   * Adds every sketch of a concatenation of encoded sketches: the encoding is self-delimiting, so
   * SQLite can concatenate a group's BLOBs natively (group_concat) and JS is called once per group.
   */
  addConcat(buf: Uint8Array): void {
    cursor.pos = 0;
    while (cursor.pos < buf.length) {
      if (buf[cursor.pos] !== FORMAT) throw new Error('unknown sketch format');
      cursor.pos++;
      this.addOne(buf);
    }
  }

  /** Reads one sketch from the cursor (just past its format byte). */
  private addOne(buf: Uint8Array): void {
    const zeros = readVarint(buf);
    const runs = readVarint(buf);
    this.any = true;
    this.zeros += zeros;
    this.total += zeros;
    let prevEnd = 0;
    for (let r = 0; r < runs; r++) {
      const first = runStart(prevEnd, readVarint(buf));
      const len = readVarint(buf);
      prevEnd = first + len - 1;
      if (len === 0) continue;
      this.cover(first, prevEnd);
      const base = first - this.offset;
      const bins = this.bins;
      for (let k = 0; k < len; k++) {
        const c = readVarint(buf);
        if (c > 0) {
          bins[base + k] = bins[base + k]! + c;
          this.total += c;
        }
      }
      if (this.hi < this.lo) {
        this.lo = base;
        this.hi = base + len - 1;
      } else {
        if (base < this.lo) this.lo = base;
        if (base + len - 1 > this.hi) this.hi = base + len - 1;
      }
    }
  }

  /** Same rank rule as DDSketch.getValueAtQuantile and sparseQuantile; NaN when empty. */
  quantile(q: number): number {
    if (q < 0 || q > 1 || this.total === 0) return NaN;
    const rank = q * (this.total - 1);
    if (rank < this.zeros) return 0;
    let running = this.zeros;
    let last = this.lo;
    for (let i = this.lo; i <= this.hi; i++) {
      const c = this.bins[i]!;
      if (c <= 0) continue;
      running += c;
      last = i;
      if (running > rank) return keyValue(i + this.offset);
    }
    return keyValue(last + this.offset);
  }

  /** The merged sketch in the stored encoding, byte-identical to encodeSparse of the same bins. */
  encode(): Buffer {
    return encodeDense(this.bins, this.offset, this.lo, this.hi, this.zeros);
  }
}

/** Number of values in an encoded sketch, read in place. */
export function encodedCount(buf: Uint8Array): number {
  startScan(buf);
  let n = readVarint(buf);
  const runs = readVarint(buf);
  for (let r = 0; r < runs; r++) {
    readVarint(buf);
    const len = readVarint(buf);
    for (let k = 0; k < len; k++) n += readVarint(buf);
  }
  return n;
}

/** sparseQuantile(decodeSparse(buf), q) without decoding: one pass to count, one to find the rank. */
export function encodedQuantile(buf: Uint8Array, q: number): number {
  const total = encodedCount(buf);
  if (q < 0 || q > 1 || total === 0) return NaN;
  const rank = q * (total - 1);
  startScan(buf);
  const zeros = readVarint(buf);
  if (rank < zeros) return 0;
  const runs = readVarint(buf);
  let running = zeros;
  let prevEnd = 0;
  let lastKey = 0;
  for (let r = 0; r < runs; r++) {
    const first = runStart(prevEnd, readVarint(buf));
    const len = readVarint(buf);
    for (let k = 0; k < len; k++) {
      const c = readVarint(buf);
      if (c <= 0) continue;
      running += c;
      lastKey = first + k;
      if (running > rank) return keyValue(lastKey);
    }
    prevEnd = first + len - 1;
  }
  return keyValue(lastKey);
}
