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
  children: number[][];
  /** The request/task span, -1 for background groups. */
  requestIndex: number;
  /** The wsgi/asgi envelope around the request, -1 when there is none. */
  envelopeIndex: number;
  /** CATEGORY_BIT of every strict ancestor, OR-ed (e.g. "inside a cache call"). */
  ancestorMask: Uint16Array;
}

export function buildSpanTree(spans: readonly AnalysedSpan[], request: Span | null, envelope: Span | null): SpanTree {
  const n = spans.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(spans[i]!.span.spanId, i);
  const requestIndex = request === null ? -1 : (index.get(request.spanId) ?? -1);
  const envelopeIndex = envelope === null ? -1 : (index.get(envelope.spanId) ?? -1);
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const s = spans[i]!.span;
    const p = s.parentSpanId === '' ? undefined : index.get(s.parentSpanId);
    if (p !== undefined && p !== i) parent[i] = p;
    else if (i !== requestIndex && i !== envelopeIndex) parent[i] = requestIndex;
  }
  const ancestorMask = new Uint16Array(n);
  breakCyclesAndMask(spans, parent, ancestorMask);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p >= 0) children[p]!.push(i); // i ascends, so children stay in start order
  }
  return { spans, parent, children, requestIndex, envelopeIndex, ancestorMask };
}

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
