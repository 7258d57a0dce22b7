// Which DB spans of a request repeat an earlier one's fingerprint and parameter hash (the
// `duplicate` mark). An open-addressing table of span indexes reused by every request (analysis is
// synchronous, not re-entrant): a Map of hash -> first fingerprint, cleared per request, reallocated
// its table on each clear and again as it grew, 54 of the ~1,600 bytes allocated per span
// (bench/alloc-profile.ts). Keys are not copied: an entry is the index + 1 of the first span seen
// with a hash, whose hash and fingerprint are read from the span.
import type { AnalysedSpan } from '../contract.js';
import { hashId } from './span-tree.js';

export class RepeatIndex {
  private table = new Int32Array(64);
  private mask = 63;
  private spans: readonly AnalysedSpan[] = [];
  /** fingerprint + hash pairs for hashes seen with more than one fingerprint (rare). */
  private readonly pairs = new Set<string>();

  /** Starts a request: `spans` are its spans, `count` at most how many will be looked up. */
  reset(spans: readonly AnalysedSpan[], count: number): void {
    let size = 16;
    while (size < count * 2) size *= 2;
    if (size > this.table.length) this.table = new Int32Array(size);
    else this.table.fill(0, 0, size);
    this.mask = size - 1;
    this.spans = spans;
    if (this.pairs.size > 0) this.pairs.clear();
  }

  /** Drops the reference to the request's spans. */
  release(): void {
    this.spans = [];
  }

  /**
   * True when an earlier span passed here had the same fingerprint and hash as span `i` (whose
   * `sql` is set and whose hash is not empty); the first span with a pair is not a repeat.
   */
  repeats(i: number, fingerprint: string, hash: string): boolean {
    let h = hashId(hash) & this.mask;
    for (;;) {
      const e = this.table[h]!;
      if (e === 0) {
        this.table[h] = i + 1;
        return false;
      }
      const first = this.spans[e - 1]!;
      if (first.span.dbParamsHash === hash) {
        if (first.sql!.fingerprint === fingerprint) return true;
        // The hash came with another statement first: pairs past the first are kept by key.
        const key = `${fingerprint}\u0000${hash}`;
        if (this.pairs.has(key)) return true;
        this.pairs.add(key);
        return false;
      }
      h = (h + 1) & this.mask;
    }
  }
}
