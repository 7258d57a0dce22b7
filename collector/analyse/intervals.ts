// Interval arithmetic on flat number arrays [start0, end0, start1, end1, ...] (ms). Flat arrays
// keep a request's breakdown to a few allocations instead of one object per interval.

/** Length of the union of the intervals in `flat` (any order; overlaps counted once). */
export function unionLength(flat: readonly number[]): number {
  const n = flat.length >> 1;
  if (n === 0) return 0;
  const order = sortedByStart(flat, 0);
  let total = 0;
  let curStart = flat[2 * order[0]!]!;
  let curEnd = flat[2 * order[0]! + 1]!;
  for (let k = 1; k < n; k++) {
    const i = order[k]!;
    const s = flat[2 * i]!;
    const e = flat[2 * i + 1]!;
    if (s > curEnd) {
      total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else if (e > curEnd) {
      curEnd = e;
    }
  }
  return total + (curEnd - curStart);
}

/**
 * Appends to `out` the parts of [start, end] not covered by any interval in `cover` (any order,
 * may overlap each other or stick out of [start, end]); returns their total length.
 */
export function subtractInto(start: number, end: number, cover: readonly number[], out: number[]): number {
  let cursor = start;
  let total = 0;
  const n = cover.length >> 1;
  const order = sortedByStart(cover, 1);
  for (let k = 0; k < n && cursor < end; k++) {
    const i = order[k]!;
    const s = cover[2 * i]!;
    const e = cover[2 * i + 1]!;
    if (e <= cursor) continue;
    if (s > cursor) {
      const stop = Math.min(s, end);
      out.push(cursor, stop);
      total += stop - cursor;
    }
    cursor = Math.max(cursor, e);
  }
  if (cursor < end) {
    out.push(cursor, end);
    total += end - cursor;
  }
  return total;
}

/**
 * Interval indices in start order. Requests hand their intervals over nearly sorted (spans are in
 * start order), so small inputs use an insertion sort into a reused buffer: Array.prototype.sort
 * with a comparator allocated its work area on every call, 389 B per span of the collector's
 * garbage with the index arrays (bench/alloc-profile.ts). Callers finish with the returned order
 * before calling again; `slot` keeps unionLength and subtractInto on separate buffers.
 */
const SMALL = 64;
const scratch = [new Int32Array(SMALL), new Int32Array(SMALL)];

function sortedByStart(flat: readonly number[], slot: 0 | 1): ArrayLike<number> {
  const n = flat.length >> 1;
  if (n > SMALL) {
    const order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => flat[2 * a]! - flat[2 * b]!);
  }
  const order = scratch[slot]!;
  for (let i = 0; i < n; i++) {
    const start = flat[2 * i]!;
    let j = i;
    while (j > 0 && flat[2 * order[j - 1]!]! > start) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  return order;
}
