// Span ids (and parameter hashes of the same 16-character form) between the contract's hex strings
// and the int32 halves the span store holds.
// Siblings arrive and are taken one after another and share their parent's id, and a parent is
// often taken right after its children: the last parent id is kept both ways, so it is parsed and
// made once (76% of the bench workload's spans repeat the previous span's parent, and 9% are that
// parent), and siblings share one parent id string.
import { hexHalf, hexHalfOrNaN, idHex } from '../decode/ids.js';

export class HeldIds {
  /** The halves of the last id read by `read` or `readParent`. */
  hi = 0;
  lo = 0;
  private parentText = '';
  private parentHi = 0;
  private parentLo = 0;
  private madeHex = '';
  private madeHi = 0;
  private madeLo = 0;

  /** Sets hi and lo to the halves of a span id (throws unless 16 lowercase hex characters). */
  read(id: string): void {
    this.hi = hexHalf(id, 0);
    this.lo = hexHalf(id, 8);
  }

  /**
   * For a parameter hash: true (hi and lo set) when it is 16 lowercase hex characters, the form
   * both producers send; false for anything else, which the store keeps as the string.
   */
  readParams(text: string): boolean {
    if (text.length !== 16) return false;
    const hi = hexHalfOrNaN(text, 0);
    const lo = hexHalfOrNaN(text, 8);
    if (hi !== hi || lo !== lo) return false;
    this.hi = hi;
    this.lo = lo;
    return true;
  }

  /** As `read`, for a parent id, parsed again only when it differs from the last one. */
  readParent(id: string): void {
    if (id !== this.parentText) {
      this.parentHi = hexHalf(id, 0);
      this.parentLo = hexHalf(id, 8);
      this.parentText = id;
    }
    this.hi = this.parentHi;
    this.lo = this.parentLo;
  }

  /** The hex of a span id: the last parent's string when it is that parent. */
  spanHex(hi: number, lo: number): string {
    return hi === this.madeHi && lo === this.madeLo && this.madeHex !== '' ? this.madeHex : idHex(hi, lo);
  }

  /** The hex of a parent id, made again only when it differs from the last parent's. */
  parentHex(hi: number, lo: number): string {
    if (hi !== this.madeHi || lo !== this.madeLo || this.madeHex === '') {
      this.madeHex = idHex(hi, lo);
      this.madeHi = hi;
      this.madeLo = lo;
    }
    return this.madeHex;
  }
}
