// Parent/child structure of one request's spans, by index into the start-ordered span list.
// Spans whose parent is missing (dropped at the span bound, or never exported) hang under the
// request span, so their time is still "inside the request" and never lost from the breakdown.

import type { AnalysedSpan, Category, Span } from '../contract.js';

export const CATEGORY_BIT: Readonly<Record<Category, number>> = {
  request: 1, view: 2, middleware: 4, db: 8, cache: 16, template: 32, outbound_http: 64, task: 128, other: 256,
};

export interface SpanTree {
  /** Start-time order. */
  spans: readonly AnalysedSpan[];
  /** Index of each span's parent, -1 at the top. */
  parent: Int32Array;
  /**
   * Children of span i, in start order: childList[childStart[i]] up to childList[childStart[i + 1]].
   * Two typed arrays a request instead of an array a span (32 of the ~1,480 bytes allocated a span,
   * bench/alloc-profile.ts).
   */
  childStart: Int32Array;
  childList: Int32Array;
  /** The request/task span, -1 for background groups. */
  requestIndex: number;
  /** The wsgi/asgi envelope around the request, -1 when there is none. */
  envelopeIndex: number;
  /** CATEGORY_BIT of every strict ancestor, OR-ed (e.g. "inside a cache call"). */
  ancestorMask: Uint16Array;
}

export function buildSpanTree(spans: readonly AnalysedSpan[], request: Span | null, envelope: Span | null): SpanTree {
  const n = spans.length;
  ids.reset(spans);
  const requestIndex = request === null ? -1 : ids.indexOf(request.spanId);
  const envelopeIndex = envelope === null ? -1 : ids.indexOf(envelope.spanId);
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const s = spans[i]!.span;
    const p = s.parentSpanId === '' ? -1 : ids.indexOf(s.parentSpanId);
    if (p >= 0 && p !== i) parent[i] = p;
    else if (i !== requestIndex && i !== envelopeIndex) parent[i] = requestIndex;
  }
  const ancestorMask = new Uint16Array(n);
  breakCyclesAndMask(spans, parent, ancestorMask);
  ids.release();
  // Counts at p + 1, prefix sums, then each child placed at its parent's next free place (i ascends,
  // so children stay in start order), which moves each start to the next one's: shifted back after.
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const childList = new Int32Array(childStart[n]!);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childList[childStart[parent[i]!]!++] = i;
  for (let i = n; i > 0; i--) childStart[i] = childStart[i - 1]!;
  childStart[0] = 0;
  return { spans, parent, childStart, childList, requestIndex, envelopeIndex, ancestorMask };
}

/** The children of span `i` as an array (tests, tools; the hot paths read childStart/childList). */
export function childrenOf(tree: SpanTree, i: number): number[] {
  return Array.from(tree.childList.subarray(tree.childStart[i]!, tree.childStart[i + 1]!));
}

/**
 * Span id -> index in the request, an open-addressing table reused by every call (buildSpanTree is
 * synchronous and not re-entrant). A Map per request, grown from 4 entries to the request's size,
 * was 147 of the ~2,000 bytes allocated per span (bench/alloc-profile.ts). Keys are not copied: a
 * table entry is the span's index + 1, and the id is read from the span. A repeated id maps to its
 * last span, as Map.set did.
 */
class IdIndex {
  private table = new Int32Array(256);
  private mask = 255;
  private spans: readonly AnalysedSpan[] = [];

  reset(spans: readonly AnalysedSpan[]): void {
    let size = this.table.length;
    while (size < spans.length * 2) size *= 2;
    if (size !== this.table.length) this.table = new Int32Array(size);
    else this.table.fill(0, 0, this.mask + 1);
    // The smallest power of two at least twice the span count keeps probes short and clearing cheap.
    let used = 16;
    while (used < spans.length * 2) used *= 2;
    this.mask = used - 1;
    this.spans = spans;
    for (let i = 0; i < spans.length; i++) {
      const id = spans[i]!.span.spanId;
      let h = hashId(id) & this.mask;
      while (this.table[h] !== 0 && this.spans[this.table[h]! - 1]!.span.spanId !== id) h = (h + 1) & this.mask;
      this.table[h] = i + 1;
    }
  }

  /** Drops the reference to the request's spans (the table's numbers are cleared by the next reset). */
  release(): void {
    this.spans = [];
  }

  /** Index of the span with this id, -1 when none. */
  indexOf(id: string): number {
    let h = hashId(id) & this.mask;
    for (;;) {
      const e = this.table[h]!;
      if (e === 0) return -1;
      if (this.spans[e - 1]!.span.spanId === id) return e - 1;
      h = (h + 1) & this.mask;
    }
  }
}

const HASH_BASIS = (Math.random() * 0x100000000) >>> 0;

/**
 * FNV-1a over the whole id from a per-process random basis, then murmur3's finalizer so the low
 * bits the table uses depend on every character. Ids come from senders: with a fixed hash over part
 * of the id, ids sharing that part would all probe one run of the table (quadratic in the request's
 * spans, up to maxSpansPerRequest).
 */
export function hashId(id: string): number {
  let h = HASH_BASIS;
  for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 16777619);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const ids = new IdIndex();

/**
 * Fills ancestorMask, memoised so each span is resolved once. Malformed input can contain parent
 * cycles (ids reused by a buggy SDK): the span that closes a cycle is made a top span.
 */
function breakCyclesAndMask(spans: readonly AnalysedSpan[], parent: Int32Array, mask: Uint16Array): void {
  const state = new Uint8Array(spans.length); // 0 new, 1 on the current path, 2 done
  const path: number[] = [];
  for (let start = 0; start < spans.length; start++) {
    let i = start;
    while (i >= 0 && state[i] === 0) {
      state[i] = 1;
      path.push(i);
      const p = parent[i]!;
      if (p >= 0 && state[p] === 1) parent[i] = -1;
      i = parent[i]!;
    }
    while (path.length > 0) {
      const j = path.pop()!;
      const p = parent[j]!;
      mask[j] = p < 0 ? 0 : mask[p]! | CATEGORY_BIT[spans[p]!.category];
      state[j] = 2;
    }
  }
}
