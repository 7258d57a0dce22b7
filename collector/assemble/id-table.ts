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
  /** trace, hi, lo per entry; an entry is empty when its value is ABSENT. */
  private keys: Int32Array;
  private values: Int32Array;
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
    this.keys = new Int32Array(minCapacity * 3);
    this.values = new Int32Array(minCapacity).fill(ABSENT);
    this.mask = minCapacity - 1;
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get(trace: number, hi: number, lo: number): number {
    const keys = this.keys;
    const values = this.values;
    for (let i = slotOf(trace, hi, lo, this.seed) & this.mask; ; i = (i + 1) & this.mask) {
      const v = values[i]!;
      if (v === ABSENT) return ABSENT;
      const k = i * 3;
      if (keys[k] === trace && keys[k + 1] === hi && keys[k + 2] === lo) return v;
    }
  }

  /** Sets the value of a key (a value >= 0); true when the key is new. */
  set(trace: number, hi: number, lo: number, value: number): boolean {
    if (value < 0) throw new Error(`IdTable values are >= 0, got ${value}`);
    const keys = this.keys;
    const values = this.values;
    let i = slotOf(trace, hi, lo, this.seed) & this.mask;
    for (; values[i] !== ABSENT; i = (i + 1) & this.mask) {
      const k = i * 3;
      if (keys[k] === trace && keys[k + 1] === hi && keys[k + 2] === lo) {
        values[i] = value;
        return false;
      }
    }
    const k = i * 3;
    keys[k] = trace;
    keys[k + 1] = hi;
    keys[k + 2] = lo;
    values[i] = value;
    if (++this.count * 2 > this.capacity) this.resize(this.capacity * 2);
    return true;
  }

  /** Removes a key; true when it was there. */
  delete(trace: number, hi: number, lo: number): boolean {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = slotOf(trace, hi, lo, this.seed) & mask;
    for (; ; i = (i + 1) & mask) {
      if (values[i] === ABSENT) return false;
      const k = i * 3;
      if (keys[k] === trace && keys[k + 1] === hi && keys[k + 2] === lo) break;
    }
    // Backward shift: later entries of the probe run move into the gap when their home slot lies
    // at or before it (cyclically), so every entry stays reachable from its home without markers.
    let gap = i;
    for (let j = (gap + 1) & mask; values[j] !== ABSENT; j = (j + 1) & mask) {
      const k = j * 3;
      const home = slotOf(keys[k]!, keys[k + 1]!, keys[k + 2]!, this.seed) & mask;
      if (((j - home) & mask) >= ((j - gap) & mask)) {
        const g = gap * 3;
        keys[g] = keys[k]!;
        keys[g + 1] = keys[k + 1]!;
        keys[g + 2] = keys[k + 2]!;
        values[gap] = values[j]!;
        gap = j;
      }
    }
    values[gap] = ABSENT;
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
    const keys = this.keys;
    const values = this.values;
    this.keys = new Int32Array(capacity * 3);
    this.values = new Int32Array(capacity).fill(ABSENT);
    this.mask = capacity - 1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === ABSENT) continue;
      const k = i * 3;
      const trace = keys[k]!;
      const hi = keys[k + 1]!;
      const lo = keys[k + 2]!;
      let j = slotOf(trace, hi, lo, this.seed) & this.mask;
      while (this.values[j] !== ABSENT) j = (j + 1) & this.mask;
      const n = j * 3;
      this.keys[n] = trace;
      this.keys[n + 1] = hi;
      this.keys[n + 2] = lo;
      this.values[j] = v;
    }
  }
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
