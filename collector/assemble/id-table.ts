// Span id -> small integer, for the assembler's per-trace indexes, in typed arrays off the V8 heap.
// As a Map per trace keyed by hex strings, the index and its keys were the largest part of what a
// held span kept on the heap: 51 B of Map storage and 39 B of id strings of 273 B a span
// (bench/held-memory.ts heap snapshot, 220,042 spans in 10,000 requests), all of it promoted and
// marked by every major GC. Here an entry is four int32s: the trace's number and the id's two
// halves as key, the value beside them.
//
// Open addressing with linear probing, at most half full, and deletion by backward shift (no
// tombstones, so a table that churns millions of keys never degrades). It grows by doubling; it
// shrinks, in one step, once it has worked below an eighth full for as many deletions as half its
// capacity, so a burst's memory is given back when the load has really dropped. Shrinking as soon
// as it was an eighth full made a load that drains and refills (the bench's passes) rehash the
// table up and down each time: resize was 1.2% of a profile's busy time.

/** Returned by `get` for a key that is not in the table. */
export const ABSENT = -1;

export class IdTable {
  /**
   * trace, hi, lo, value per entry, interleaved: a probe reads one 16-byte entry, four to a cache
   * line, where keys and values in two arrays cost two misses a probe in a table of megabytes.
   * An entry is empty when its value is ABSENT.
   */
  private e: Int32Array;
  private mask: number;
  private count = 0;
  /** Deletions since the table was last at least an eighth full (or resized). */
  private lowDeletes = 0;

  /** Mixed into every hash, so ids crafted to collide under one seed do not under another. */
  private readonly seed: number;

  constructor(
    private readonly minCapacity = 1024,
    seed = (Math.random() * 0x1_0000_0000) | 0,
  ) {
    this.seed = seed;
    if (minCapacity < 8 || (minCapacity & (minCapacity - 1)) !== 0) throw new Error('minCapacity must be a power of two >= 8');
    this.e = emptyEntries(minCapacity);
    this.mask = minCapacity - 1;
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get(trace: number, hi: number, lo: number): number {
    const e = this.e;
    for (let i = slotOf(trace, hi, lo, this.seed) & this.mask; ; i = (i + 1) & this.mask) {
      const k = i << 2;
      const v = e[k + 3]!;
      if (v === ABSENT) return ABSENT;
      if (e[k] === trace && e[k + 1] === hi && e[k + 2] === lo) return v;
    }
  }

  /** Sets the value of a key (a value >= 0); true when the key is new. */
  set(trace: number, hi: number, lo: number, value: number): boolean {
    if (value < 0) throw new Error(`IdTable values are >= 0, got ${value}`);
    const e = this.e;
    let k = (slotOf(trace, hi, lo, this.seed) & this.mask) << 2;
    for (; e[k + 3] !== ABSENT; k = (k + 4) & ((this.mask << 2) | 3)) {
      if (e[k] === trace && e[k + 1] === hi && e[k + 2] === lo) {
        e[k + 3] = value;
        return false;
      }
    }
    e[k] = trace;
    e[k + 1] = hi;
    e[k + 2] = lo;
    e[k + 3] = value;
    if (++this.count * 2 > this.capacity) this.resize(this.capacity * 2);
    return true;
  }

  /** Removes a key; true when it was there. */
  delete(trace: number, hi: number, lo: number): boolean {
    const e = this.e;
    const mask = this.mask;
    let i = slotOf(trace, hi, lo, this.seed) & mask;
    for (; ; i = (i + 1) & mask) {
      const k = i << 2;
      if (e[k + 3] === ABSENT) return false;
      if (e[k] === trace && e[k + 1] === hi && e[k + 2] === lo) break;
    }
    // Backward shift: later entries of the probe run move into the gap when their home slot lies
    // at or before it (cyclically), so every entry stays reachable from its home without markers.
    let gap = i;
    for (let j = (gap + 1) & mask; e[(j << 2) + 3] !== ABSENT; j = (j + 1) & mask) {
      const k = j << 2;
      const home = slotOf(e[k]!, e[k + 1]!, e[k + 2]!, this.seed) & mask;
      if (((j - home) & mask) >= ((j - gap) & mask)) {
        const g = gap << 2;
        e[g] = e[k]!;
        e[g + 1] = e[k + 1]!;
        e[g + 2] = e[k + 2]!;
        e[g + 3] = e[k + 3]!;
        gap = j;
      }
    }
    e[(gap << 2) + 3] = ABSENT;
    this.count--;
    if (this.count * 8 >= this.capacity || this.capacity === this.minCapacity) this.lowDeletes = 0;
    else if (++this.lowDeletes * 2 >= this.capacity) {
      let c = this.minCapacity;
      while (c < this.count * 4) c *= 2;
      this.resize(c);
    }
    return true;
  }

  private resize(capacity: number): void {
    this.lowDeletes = 0;
    const old = this.e;
    const e = emptyEntries(capacity);
    const mask = capacity - 1;
    for (let k = 0; k < old.length; k += 4) {
      if (old[k + 3] === ABSENT) continue;
      let j = slotOf(old[k]!, old[k + 1]!, old[k + 2]!, this.seed) & mask;
      while (e[(j << 2) + 3] !== ABSENT) j = (j + 1) & mask;
      const n = j << 2;
      e[n] = old[k]!;
      e[n + 1] = old[k + 1]!;
      e[n + 2] = old[k + 2]!;
      e[n + 3] = old[k + 3]!;
    }
    this.e = e;
    this.mask = mask;
  }
}

function emptyEntries(capacity: number): Int32Array {
  const e = new Int32Array(capacity * 4);
  for (let k = 3; k < e.length; k += 4) e[k] = ABSENT;
  return e;
}

/**
 * Span ids are random (W3C trace context), but an exporter may send sequential ones: the halves
 * are multiplied by odd constants and finished with murmur3's fmix, so neighbouring ids land far
 * apart and linear probing sees no runs.
 */
export function slotOf(trace: number, hi: number, lo: number, seed: number): number {
  let h = Math.imul(lo ^ seed, 0xcc9e2d51) ^ Math.imul(hi, 0x1b873593) ^ Math.imul(trace + seed, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
