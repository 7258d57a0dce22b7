// Compact DDSketch encoding for SQLite BLOBs. The library's toProto() writes every bin of the dense
// store, padding included, as an 8-byte double (4,140 bytes for 10k uniform values, measured), which
// would dominate the database. Durations are never negative and weights are always 1, so we store only
// the positive bins, as runs of adjacent keys with varint counts: about one byte per occupied bin.
// The mapping is always LogarithmicMapping(SKETCH_ACCURACY), so it is not stored.
// Layout: [FORMAT] varint(zeroCount) varint(runCount), then per run: zigzag varint(first key minus
// the previous run's end key), varint(length), length x varint(count) (0 for a gap inside a run).
//
// Reads run inside SQL functions once per row of a window (tens of thousands per API call), so the
// scanners below walk the bytes in place with a module-level cursor instead of building key/count
// arrays (api-latency.bench.ts: array building and merging was most of a list's time).
import { DDSketch } from '@datadog/sketches-js';

export const SKETCH_ACCURACY = 0.01;
export const FORMAT = 1;
const mapping = new DDSketch({ relativeAccuracy: SKETCH_ACCURACY }).mapping;

/** Representative value (ms) of bin `key`: the library's own mapping, so quantiles match it exactly. */
export const keyValue = (key: number): number => mapping.value(key);

export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });
}

/** Sparse form: ascending keys, positive integer counts. */
export interface SparseBins {
  zeroCount: number;
  keys: number[];
  counts: number[];
}

// One scratch buffer reused by every encode; the result is copied out at its exact length.
let scratch = Buffer.allocUnsafe(64 * 1024);

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    if (scratch.length < size) scratch = Buffer.allocUnsafe(size);
    this.buf = scratch;
  }
  varint(n: number): void {
    if (n < 0x80) {
      this.buf[this.pos++] = n;
      return;
    }
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Position of the next byte for readVarint; callers set it before scanning one buffer. */
export const cursor = { pos: 0 };

export function readVarint(buf: Uint8Array): number {
  // Most varints here are single bytes (bin counts and run lengths under 128): that path reads the
  // cursor once and does no float arithmetic, which made decoding ~4x faster (sketch-merge.ts).
  let pos = cursor.pos;
  const b = buf[pos++];
  if (b === undefined) throw new Error('truncated sketch');
  if (b < 0x80) {
    cursor.pos = pos;
    return b;
  }
  let result = b & 0x7f;
  let mul = 0x80;
  for (;;) {
    const c = buf[pos++];
    if (c === undefined) throw new Error('truncated sketch');
    result += (c & 0x7f) * mul;
    if (c < 0x80) {
      cursor.pos = pos;
      return result;
    }
    mul *= 0x80;
  }
}

/** Checks the format byte and leaves the cursor on the zero count. */
export function startScan(buf: Uint8Array): void {
  if (buf.length === 0 || buf[0] !== FORMAT) throw new Error('unknown sketch format');
  cursor.pos = 1;
}

/** First key of a run from its zigzag delta to the previous run's end. */
export const runStart = (prevEnd: number, z: number): number => prevEnd + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Gaps up to this many empty bins stay inside a run: a zero costs 1 byte, a new run header 2+. */
const MAX_GAP_IN_RUN = 2;

/**
 * Encodes the positive bins `bins[lo..hi]` (key of index i is i + offset) of a dense store. Output
 * is byte-identical to encodeSparse of the same bins.
 */
export function encodeDense(bins: ArrayLike<number>, offset: number, lo: number, hi: number, zeroCount: number): Buffer {
  let occupied = 0;
  let runs = 0;
  let last = -Infinity;
  for (let i = lo; i <= hi; i++) {
    if (!(bins[i]! > 0)) continue;
    if (i - last > MAX_GAP_IN_RUN + 1) runs++;
    last = i;
    occupied++;
  }
  // Worst case: a run header per bin (2 x 10) plus the count (10), plus in-run gap zeros.
  const w = new Writer(1 + 20 + occupied * 30 + (hi - lo + 1));
  w.buf[w.pos++] = FORMAT;
  w.varint(Math.round(zeroCount));
  w.varint(runs);
  let prevEnd = 0;
  let i = lo;
  while (i <= hi) {
    if (!(bins[i]! > 0)) {
      i++;
      continue;
    }
    // The run ends at the last positive bin before a gap longer than MAX_GAP_IN_RUN.
    let end = i;
    for (let j = i + 1; j <= hi && j - end <= MAX_GAP_IN_RUN + 1; j++) if (bins[j]! > 0) end = j;
    const delta = i + offset - prevEnd;
    w.varint(delta >= 0 ? delta * 2 : -delta * 2 - 1);
    w.varint(end - i + 1);
    for (let k = i; k <= end; k++) w.varint(bins[k]! > 0 ? Math.round(bins[k]!) : 0);
    prevEnd = end + offset;
    i = end + 1;
  }
  return w.done();
}

export function encodeSparse(s: SparseBins): Buffer {
  return encodeBins(s.zeroCount, s.keys, s.counts, s.keys.length);
}

/** encodeSparse over the first `n` entries of parallel key and count arrays (typed or not). */
export function encodeBins(zeroCount: number, keys: ArrayLike<number>, counts: ArrayLike<number>, n: number): Buffer {
  const w = new Writer(1 + 20 + n * 30);
  w.buf[w.pos++] = FORMAT;
  w.varint(zeroCount);
  let runs = 0;
  for (let i = 0; i < n; i++) if (i === 0 || keys[i]! - keys[i - 1]! > MAX_GAP_IN_RUN + 1) runs++;
  w.varint(runs);
  let prevEnd = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && keys[j]! - keys[j - 1]! <= MAX_GAP_IN_RUN + 1) j++;
    const first = keys[i]!;
    const last = keys[j - 1]!;
    const delta = first - prevEnd;
    w.varint(delta >= 0 ? delta * 2 : -delta * 2 - 1);
    w.varint(last - first + 1);
    for (let k = i; k < j; k++) {
      if (k > i) for (let gap = keys[k - 1]! + 1; gap < keys[k]!; gap++) w.varint(0);
      w.varint(counts[k]!);
    }
    prevEnd = last;
    i = j;
  }
  return w.done();
}

/** Takes the zero count and the positive bins of an encoded sketch, in ascending key order. */
export interface BinSink {
  zeroCount: number;
  push(key: number, count: number): void;
}

export function scanBins(buf: Uint8Array, sink: BinSink): void {
  startScan(buf);
  sink.zeroCount = readVarint(buf);
  const runs = readVarint(buf);
  let prevEnd = 0;
  for (let r = 0; r < runs; r++) {
    const first = runStart(prevEnd, readVarint(buf));
    const len = readVarint(buf);
    for (let k = 0; k < len; k++) {
      const c = readVarint(buf);
      if (c > 0) sink.push(first + k, c);
    }
    prevEnd = first + len - 1;
  }
}

export function decodeSparse(buf: Uint8Array): SparseBins {
  const keys: number[] = [];
  const counts: number[] = [];
  const sink: BinSink = {
    zeroCount: 0,
    push: (key, count) => {
      keys.push(key);
      counts.push(count);
    },
  };
  scanBins(buf, sink);
  return { zeroCount: sink.zeroCount, keys, counts };
}

/** Encodes a sketch filled by accept(value >= 0) with unit weights. */
export function encodeSketch(sketch: DDSketch): Buffer {
  const store = sketch.store;
  const hi = store.count > 0 ? store.bins.length - 1 : -1;
  return encodeDense(store.bins, store.offset, 0, hi, sketch.zeroCount);
}

export function decodeSketch(buf: Uint8Array): DDSketch {
  const s = decodeSparse(buf);
  const sketch = newSketch();
  for (let i = 0; i < s.keys.length; i++) sketch.store.add(s.keys[i]!, s.counts[i]!);
  sketch.zeroCount = s.zeroCount;
  sketch.count = sketch.store.count + s.zeroCount;
  return sketch;
}

export function sparseCount(s: SparseBins): number {
  let n = s.zeroCount;
  for (const c of s.counts) n += c;
  return n;
}

/** Same rank rule as DDSketch.getValueAtQuantile (lower rank, no interpolation); NaN when empty. */
export function sparseQuantile(s: SparseBins, q: number): number {
  const total = sparseCount(s);
  if (q < 0 || q > 1 || total === 0) return NaN;
  const rank = q * (total - 1);
  if (rank < s.zeroCount) return 0;
  let running = s.zeroCount;
  for (let i = 0; i < s.keys.length; i++) {
    running += s.counts[i]!;
    if (running > rank) return keyValue(s.keys[i]!);
  }
  return keyValue(s.keys[s.keys.length - 1]!);
}
