// One trace's span ids, for the assembler: which group holds each id (owner) and which group's top
// span waits for it as a missing parent (waiter), one entry per id in a small typed array. A table
// per trace rather than one for all traces: a span's lookups (is it a duplicate, is its parent
// held, do children wait for it) and its request's release then touch one trace's few cache lines.
// In one table keyed by (trace, id), every probe and every delete landed on a random line of a
// table of megabytes (~400,000 held spans at the bench's 2 s grace): bench/assembler-cost.ts rose
// from 663 to 1,161 ns a span between ~2,500 and ~100,000 spans in flight, and the table's get and
// delete were 550 of the ~900 ms it grew by (profile diff). A request's spans arrive together
// (an exporter's batch holds whole requests of a worker process), so its table stays in cache
// while they come in, and a trace that empties is dropped whole instead of id by id.
//
// Open addressing with linear probing, at most half full, deletion by backward shift (no
// tombstones). Entry: hi, lo, owner, waiter (int32s); empty when it has neither owner nor waiter.

/** No owner or no waiter (group handles are >= 0). */
export const ABSENT = -1;

/** Per process, so ids crafted to collide in one collector's tables do not in another's. */
const SEED = (Math.random() * 0x1_0000_0000) | 0;
/** 32 entries (512 bytes): a request of up to 16 spans; one of ~22 grows it once, to 64. */
export const MIN_CAPACITY = 32;

export class TraceIds {
  /** Entries with an owner, and with a waiter. */
  owned = 0;
  waits = 0;
  private e: Int32Array;
  private mask: number;
  /** Entries in use (with an owner, a waiter or both). */
  private used = 0;

  constructor(
    capacity = MIN_CAPACITY,
    private readonly seed = SEED,
  ) {
    if (capacity < 8 || (capacity & (capacity - 1)) !== 0) throw new Error('capacity must be a power of two >= 8');
    this.e = new Int32Array(capacity * 4).fill(ABSENT);
    this.mask = capacity - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Entries in use. */
  get size(): number {
    return this.used;
  }

  // An empty entry reads ABSENT in both fields, so a missing id needs no case of its own.
  owner(hi: number, lo: number): number {
    return this.e[this.probe(hi, lo) + 2]!;
  }

  waiter(hi: number, lo: number): number {
    return this.e[this.probe(hi, lo) + 3]!;
  }

  /** Sets the id's owner (a handle >= 0); true when it had none. */
  setOwner(hi: number, lo: number, handle: number): boolean {
    const fresh = this.set(hi, lo, 2, handle);
    if (fresh) this.owned++;
    return fresh;
  }

  /** Sets the group waiting for this id (a handle >= 0); true when none waited. */
  setWaiter(hi: number, lo: number, handle: number): boolean {
    const fresh = this.set(hi, lo, 3, handle);
    if (fresh) this.waits++;
    return fresh;
  }

  /** Clears the id's owner; true when it had one. */
  deleteOwner(hi: number, lo: number): boolean {
    if (!this.unset(hi, lo, 2)) return false;
    this.owned--;
    return true;
  }

  /** Clears the id's waiter; true when it had one. */
  deleteWaiter(hi: number, lo: number): boolean {
    if (!this.unset(hi, lo, 3)) return false;
    this.waits--;
    return true;
  }

  /** Empties the table (kept at its capacity, for reuse by another trace). */
  clear(): void {
    if (this.used > 0) this.e.fill(ABSENT);
    this.used = 0;
    this.owned = 0;
    this.waits = 0;
  }

  /** Offset of the id's entry, or of the empty entry where it would go. */
  private probe(hi: number, lo: number): number {
    const e = this.e;
    const mask = this.mask;
    for (let i = slotOf(hi, lo, this.seed) & mask; ; i = (i + 1) & mask) {
      const k = i << 2;
      if ((e[k + 2] === ABSENT && e[k + 3] === ABSENT) || (e[k] === hi && e[k + 1] === lo)) return k;
    }
  }

  /** Writes `field` (2 owner, 3 waiter) of the id's entry, made if absent; true when it was ABSENT. */
  private set(hi: number, lo: number, field: 2 | 3, handle: number): boolean {
    if (handle < 0) throw new Error(`group handles are >= 0, got ${handle}`);
    const e = this.e;
    const k = this.probe(hi, lo);
    const fresh = e[k + field] === ABSENT;
    if (e[k + 2] !== ABSENT || e[k + 3] !== ABSENT) {
      e[k + field] = handle;
      return fresh;
    }
    e[k] = hi;
    e[k + 1] = lo;
    e[k + field] = handle;
    if (++this.used * 2 > this.capacity) this.resize(this.capacity * 2);
    return true;
  }

  /** Clears `field` of the id's entry, and removes the entry when it then has neither. */
  private unset(hi: number, lo: number, field: 2 | 3): boolean {
    const k = this.probe(hi, lo);
    const e = this.e;
    if (e[k + field] === ABSENT) return false;
    e[k + field] = ABSENT;
    if (e[k + (field === 2 ? 3 : 2)] === ABSENT) this.remove(k >> 2);
    return true;
  }

  /**
   * Backward shift from the emptied slot: later entries of the probe run move into the gap when
   * their home slot lies at or before it (cyclically), so every entry stays reachable from its home.
   */
  private remove(slot: number): void {
    const e = this.e;
    const mask = this.mask;
    let gap = slot;
    for (let j = (gap + 1) & mask; ; j = (j + 1) & mask) {
      const k = j << 2;
      if (e[k + 2] === ABSENT && e[k + 3] === ABSENT) break;
      const home = slotOf(e[k]!, e[k + 1]!, this.seed) & mask;
      if (((j - home) & mask) >= ((j - gap) & mask)) {
        const g = gap << 2;
        e[g] = e[k]!;
        e[g + 1] = e[k + 1]!;
        e[g + 2] = e[k + 2]!;
        e[g + 3] = e[k + 3]!;
        e[k + 2] = ABSENT;
        e[k + 3] = ABSENT;
        gap = j;
      }
    }
    this.used--;
  }

  private resize(capacity: number): void {
    const old = this.e;
    const e = new Int32Array(capacity * 4).fill(ABSENT);
    const mask = capacity - 1;
    for (let k = 0; k < old.length; k += 4) {
      if (old[k + 2] === ABSENT && old[k + 3] === ABSENT) continue;
      let j = slotOf(old[k]!, old[k + 1]!, this.seed) & mask;
      while (e[(j << 2) + 2] !== ABSENT || e[(j << 2) + 3] !== ABSENT) j = (j + 1) & mask;
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

/**
 * Span ids are random (W3C trace context), but an exporter may send sequential ones: the halves
 * are multiplied by odd constants and finished with murmur3's fmix, so neighbouring ids land far
 * apart and linear probing sees no runs.
 */
export function slotOf(hi: number, lo: number, seed: number): number {
  let h = Math.imul(lo ^ seed, 0xcc9e2d51) ^ Math.imul(hi + seed, 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
