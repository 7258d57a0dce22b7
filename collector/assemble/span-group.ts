// The unit the assembler holds in flight: spans of one local request (or of one service's
// background work) plus the bookkeeping the assembler's timers and bounds need.

import { SpanKind } from '../contract.js';
import type { Resource } from '../contract.js';
import type { SpanStore } from './span-store.js';
import type { TraceIndex, TraceState } from './trace-index.js';

export interface SpanGroup {
  /** '' for a background group (it may hold spans of many traces). */
  traceId: string;
  /** Slot of the root span in the assembler's SpanStore, -1 while rootless. */
  root: number;
  /** Slots of the held spans in the assembler's SpanStore. */
  spans: number[];
  resource: Resource;
  /** The group's number in the TraceIndex's id tables; -1 once released. */
  handle: number;
  /** True while the group's top span waits for its parent, whose id is awaitHi/awaitLo. */
  awaiting: boolean;
  awaitHi: number;
  awaitLo: number;
  /** Slot of the span whose parent the group awaits, -1 when none. */
  top: number;
  firstMs: number;
  lastMs: number;
  /** When the group last took its place at the end of the pending order (see append). */
  queuedMs: number;
  rootMs: number;
  dropped: number;
  /** Ids (hi, lo pairs) of dropped spans still mapped to this group (bounded by maxSpansPerRequest). */
  droppedIds: number[];
  /** Hit maxSpansPerRequest (counted as one max_spans eviction when emitted). */
  cut: boolean;
  /** Non-empty for background groups: the per-service key. */
  backgroundKey: string;
}

export function newGroup(traceId: string, resource: Resource, now: number, backgroundKey = ''): SpanGroup {
  return {
    traceId,
    root: -1,
    spans: [],
    resource,
    handle: -1,
    awaiting: false,
    awaitHi: 0,
    awaitLo: 0,
    top: -1,
    firstMs: now,
    lastMs: now,
    queuedMs: now,
    rootMs: 0,
    dropped: 0,
    droppedIds: [],
    cut: false,
    backgroundKey,
  };
}

/**
 * A span that starts a new local request: it has a remote parent (W3C context from another
 * process), or it is a SERVER/CONSUMER span, which by definition receives work from outside the
 * process (Django under a wsgi envelope is INTERNAL, so it stays a child of the envelope).
 */
export function startsLocalRequest(parentIsRemote: boolean, kind: number): boolean {
  return parentIsRemote || kind === SpanKind.SERVER || kind === SpanKind.CONSUMER;
}

/** Same process: spans of one local request never change service or worker. */
export function sameProcess(a: Resource, b: Resource): boolean {
  return a === b || (a.serviceName === b.serviceName && a.serviceInstanceId === b.serviceInstanceId);
}

/** Background work is grouped per service identity (name, version, environment), not per worker. */
export function backgroundKeyOf(r: Resource): string {
  return `${r.serviceName}\u0000${r.serviceVersion}\u0000${r.environment}`;
}

/**
 * Keeps the id of a dropped span as owned by `g`, so its descendants join `g` (and are dropped
 * and counted there) instead of waiting as an orphan group for a parent that will never come.
 * Bounded: at most `max` remembered ids per request.
 */
export function rememberDropped(ix: TraceIndex, t: TraceState, g: SpanGroup, hi: number, lo: number, max: number): boolean {
  if (g.backgroundKey !== '' || g.droppedIds.length >= 2 * max) return false;
  g.droppedIds.push(hi, lo);
  ix.setOwner(t, hi, lo, g);
  return true;
}

/**
 * Moves the spans and remembered ids of `small` into `big` within `max` spans per request, and
 * returns how many spans it dropped (their slots freed). `big` inherits `small`'s drop count and cut.
 */
export function moveSpans(ix: TraceIndex, t: TraceState, big: SpanGroup, small: SpanGroup, store: SpanStore, max: number): number {
  big.dropped += small.dropped; // already counted by the assembler when `small` dropped them
  big.cut ||= small.cut;
  const ids = small.droppedIds;
  for (let i = 0; i < ids.length; i += 2) {
    if (big.droppedIds.length < 2 * max) {
      ix.setOwner(t, ids[i]!, ids[i + 1]!, big);
      big.droppedIds.push(ids[i]!, ids[i + 1]!);
    } else {
      ix.deleteOwner(t, ids[i]!, ids[i + 1]!);
    }
  }
  let dropped = 0;
  for (const s of small.spans) {
    const hi = store.spanHi(s);
    const lo = store.spanLo(s);
    // `small` is never rooted here (a rooted group always absorbs), so no root is dropped.
    if (big.spans.length >= max) {
      dropped++;
      store.free(s);
      if (s === small.top) small.top = -1; // its slot may be reused: never take it for a root
      if (!rememberDropped(ix, t, big, hi, lo, max)) ix.deleteOwner(t, hi, lo);
      continue;
    }
    big.spans.push(s);
    ix.setOwner(t, hi, lo, big);
  }
  return dropped;
}

export function first<T>(it: Iterable<T>): T | undefined {
  for (const x of it) return x;
  return undefined;
}
