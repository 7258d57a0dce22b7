// A label-value table with a hard size bound: past `limit` distinct values every new value shares
// one `__overflow__` entry, and each such use is counted so operators can see what was folded.
import { OVERFLOW } from './config.js';

export interface Entry {
  /** The label value to export: the original, or OVERFLOW. */
  readonly value: string;
  seen: number;
}

export class BoundedTable<E extends Entry> {
  private readonly entries = new Map<string, E>();
  private overflowEntry: E | null = null;

  constructor(
    private readonly limit: number,
    private readonly make: (value: string, now: number) => E,
    /** Called once per lookup that fell into the overflow entry. */
    private readonly onOverflow: () => void,
  ) {}

  /**
   * The entry for `value`, or the shared overflow entry once the table is full. Callers set
   * `seen` themselves: writing it here would make this one site see every entry shape
   * (megamorphic), which cost ~3x in the consume() profile.
   */
  get(value: string, now: number): E {
    let e = this.entries.get(value);
    if (e === undefined) {
      if (this.entries.size >= this.limit) {
        this.onOverflow();
        e = this.overflowEntry ??= this.make(OVERFLOW, now);
      } else {
        e = this.make(value, now);
        this.entries.set(value, e);
      }
    }
    return e;
  }

  /** Distinct values held, the overflow entry included. */
  get size(): number {
    return this.entries.size + (this.overflowEntry === null ? 0 : 1);
  }

  /** Forgets values not seen since `cutoff`, which frees their slots for new values. */
  sweep(cutoff: number, onRemove: (e: E) => void = () => undefined): void {
    for (const [k, e] of this.entries) {
      if (e.seen < cutoff) {
        this.entries.delete(k);
        onRemove(e);
      }
    }
    if (this.overflowEntry !== null && this.overflowEntry.seen < cutoff) {
      onRemove(this.overflowEntry);
      this.overflowEntry = null;
    }
  }

  values(): IterableIterator<E> {
    return this.entries.values();
  }
}
