// Compact DDSketch encoding for SQLite BLOBs. The library's toProto() writes every bin of the dense
// store, padding included, as an 8-byte double (4,140 bytes for 10k uniform values, measured), which
// would dominate the database. Durations are never negative and weights are always 1, so we store only
// the positive bins, as runs of adjacent keys with varint counts: about one byte per occupied bin.
// The mapping is always LogarithmicMapping(SKETCH_ACCURACY), so it is not stored.
// Layout: [FORMAT] varint(zeroCount) varint(runCount), then per run: zigzag varint(first key minus
// the previous run's end key), varint(length), length x varint(count) (0 for a gap inside a run).
import { DDSketch } from '@datadog/sketches-js';

export const SKETCH_ACCURACY = 0.01;
const FORMAT = 1;
const mapping = new DDSketch({ relativeAccuracy: SKETCH_ACCURACY }).mapping;

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
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }
}

function readVarint(buf: Uint8Array, state: { pos: number }): number {
  let result = 0;
  let mul = 1;
  for (;;) {
    if (state.pos >= buf.length) throw new Error('truncated sketch');
    const b = buf[state.pos++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 0x80;
  }
}

/** Gaps up to this many empty bins stay inside a run: a zero costs 1 byte, a new run header 2+. */
const MAX_GAP_IN_RUN = 2;

export function encodeSparse(s: SparseBins): Buffer {
  const n = s.keys.length;
  // Worst case: a run header per bin (2 x 10) plus the count (10); typical blobs are far smaller.
  const w = new Writer(1 + 20 + n * 30);
  w.buf[w.pos++] = FORMAT;
  w.varint(s.zeroCount);
  let runs = 0;
  for (let i = 0; i < n; i++) if (i === 0 || s.keys[i]! - s.keys[i - 1]! > MAX_GAP_IN_RUN + 1) runs++;
  w.varint(runs);
  let prevEnd = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && s.keys[j]! - s.keys[j - 1]! <= MAX_GAP_IN_RUN + 1) j++;
    const first = s.keys[i]!;
    const last = s.keys[j - 1]!;
    const delta = first - prevEnd;
    w.varint(delta >= 0 ? delta * 2 : -delta * 2 - 1);
    w.varint(last - first + 1);
    for (let k = i; k < j; k++) {
      if (k > i) for (let gap = s.keys[k - 1]! + 1; gap < s.keys[k]!; gap++) w.varint(0);
      w.varint(s.counts[k]!);
    }
    prevEnd = last;
    i = j;
  }
  return Buffer.from(w.buf.subarray(0, w.pos));
}

export function decodeSparse(buf: Uint8Array): SparseBins {
  if (buf.length === 0 || buf[0] !== FORMAT) throw new Error('unknown sketch format');
  const st = { pos: 1 };
  const zeroCount = readVarint(buf, st);
  const runs = readVarint(buf, st);
  const keys: number[] = [];
  const counts: number[] = [];
  let prevEnd = 0;
  for (let r = 0; r < runs; r++) {
    const z = readVarint(buf, st);
    const first = prevEnd + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
    const len = readVarint(buf, st);
    for (let k = 0; k < len; k++) {
      const c = readVarint(buf, st);
      if (c > 0) {
        keys.push(first + k);
        counts.push(c);
      }
    }
    prevEnd = first + len - 1;
  }
  return { zeroCount, keys, counts };
}

/** Encodes a sketch filled by accept(value >= 0) with unit weights. */
export function encodeSketch(sketch: DDSketch): Buffer {
  const store = sketch.store;
  const keys: number[] = [];
  const counts: number[] = [];
  if (store.count > 0) {
    for (let i = 0; i < store.bins.length; i++) {
      const c = store.bins[i]!;
      if (c > 0) {
        keys.push(i + store.offset);
        counts.push(Math.round(c));
      }
    }
  }
  return encodeSparse({ zeroCount: Math.round(sketch.zeroCount), keys, counts });
}

export function decodeSketch(buf: Uint8Array): DDSketch {
  const s = decodeSparse(buf);
  const sketch = newSketch();
  for (let i = 0; i < s.keys.length; i++) sketch.store.add(s.keys[i]!, s.counts[i]!);
  sketch.zeroCount = s.zeroCount;
  sketch.count = sketch.store.count + s.zeroCount;
  return sketch;
}

export function mergeSparse(a: SparseBins, b: SparseBins): SparseBins {
  const keys: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const ka = i < a.keys.length ? a.keys[i]! : Infinity;
    const kb = j < b.keys.length ? b.keys[j]! : Infinity;
    if (ka === kb) {
      keys.push(ka);
      counts.push(a.counts[i++]! + b.counts[j++]!);
    } else if (ka < kb) {
      keys.push(ka);
      counts.push(a.counts[i++]!);
    } else {
      keys.push(kb);
      counts.push(b.counts[j++]!);
    }
  }
  return { zeroCount: a.zeroCount + b.zeroCount, keys, counts };
}

export function mergeEncoded(a: Uint8Array, b: Uint8Array): Buffer {
  return encodeSparse(mergeSparse(decodeSparse(a), decodeSparse(b)));
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
    if (running > rank) return mapping.value(s.keys[i]!);
  }
  return mapping.value(s.keys[s.keys.length - 1]!);
}
