// Where a request's time went. Every instant of the request is attributed to the deepest span
// running at that instant: a span's "own" intervals are its interval minus the union of its
// children's. Category times are the union of their spans' own intervals, so nested spans of one
// kind (middleware __call__ chains, {% include %}d templates, requests -> urllib3) and concurrent
// siblings of one kind are never counted twice. Concurrent spans of different kinds each count,
// so the categories can add up to more than the duration (documented in CLASSIFICATION.md).

import type { Breakdown } from '../contract.js';
import { IntervalList, subtractInto } from './intervals.js';
import { CATEGORY_BIT } from './span-tree.js';
import type { SpanTree } from './span-tree.js';

export interface BreakdownResult {
  breakdown: Breakdown;
  /** Own time of each span (tree order), ms. */
  ownMs: Float64Array;
  /** 1 for middleware spans whose own time is credited to the view (see innermostCallMiddleware). */
  creditedToView: Uint8Array;
}

type Bucket = 'db' | 'cache' | 'template' | 'middleware' | 'outbound_http' | 'view';

// Working lists and Set shared by every call (computeBreakdown is synchronous and not re-entrant),
// instead of seven arrays and a Set per request. The lists are typed arrays that keep their storage
// when cleared (see IntervalList). Only ownMs and creditedToView leave the function.
const buckets: Record<Bucket, IntervalList> = {
  db: new IntervalList(), cache: new IntervalList(), template: new IntervalList(),
  middleware: new IntervalList(), outbound_http: new IntervalList(), view: new IntervalList(),
};
const BUCKET_LISTS: readonly IntervalList[] = Object.values(buckets);
const cover = new IntervalList();
const fingerprints = new Set<string>();

export function computeBreakdown(tree: SpanTree): BreakdownResult {
  const { spans, childStart, childList, requestIndex } = tree;
  const n = spans.length;
  const ownMs = new Float64Array(n);
  const creditedToView = innermostCallMiddleware(tree);
  for (const b of BUCKET_LISTS) b.clear();
  fingerprints.clear();
  let dbQueries = 0;
  let cacheHits = 0;
  let cacheMisses = 0;
  let cacheUnknown = 0;
  let errors = 0;

  for (let i = 0; i < n; i++) {
    const a = spans[i]!;
    const s = a.span;
    cover.clear();
    for (let k = childStart[i]!; k < childStart[i + 1]!; k++) {
      const cs = spans[childList[k]!]!.span;
      cover.push(cs.startMs, cs.startMs + cs.durationMs);
    }
    const bucket = bucketOf(tree, i, creditedToView);
    ownMs[i] = subtractInto(s.startMs, s.startMs + s.durationMs, cover.values, bucket === null ? null : buckets[bucket], cover.length);

    if (a.category === 'db') {
      dbQueries++;
      if (a.sql !== null) fingerprints.add(a.sql.fingerprint);
    } else if (a.category === 'cache' && (tree.ancestorMask[i]! & CATEGORY_BIT.cache) === 0) {
      // A redis/memcached span inside our Django cache span is the same logical call.
      if (s.cacheHits > 0 || s.cacheMisses > 0) {
        cacheHits += s.cacheHits;
        cacheMisses += s.cacheMisses;
      } else if (s.cacheResult === 'hit') cacheHits++;
      else if (s.cacheResult === 'miss') cacheMisses++;
      else cacheUnknown++;
    }
    if (i !== tree.envelopeIndex && (s.statusCode === 2 || s.hasException)) errors++;
  }

  const durationMs = requestIndex >= 0 ? spans[requestIndex]!.span.durationMs : topUnion(tree);
  const breakdown: Breakdown = {
    durationMs,
    dbMs: buckets.db.union(),
    cacheMs: buckets.cache.union(),
    templateMs: buckets.template.union(),
    middlewareMs: buckets.middleware.union(),
    outboundMs: buckets.outbound_http.union(),
    selfMs: requestIndex >= 0 ? Math.max(0, Math.min(durationMs, buckets.view.union())) : 0,
    dbQueries,
    distinctFingerprints: fingerprints.size,
    cacheHits,
    cacheMisses,
    cacheUnknown,
    errors,
  };
  return { breakdown, ownMs, creditedToView };
}

function bucketOf(tree: SpanTree, i: number, credited: Uint8Array): Bucket | null {
  if (i === tree.requestIndex) return 'view';
  switch (tree.spans[i]!.category) {
    case 'view':
      return 'view';
    case 'middleware':
      return credited[i] === 1 ? 'view' : 'middleware';
    case 'db':
    case 'cache':
    case 'template':
    case 'outbound_http':
      return tree.spans[i]!.category as Bucket;
    default:
      return null;
  }
}

/**
 * A middleware `__call__` span (new-style middleware; hotpath-django CONVENTIONS.md) contains the
 * rest of the chain and the view; MiddlewareMixin hook spans (process_request, ...) are leaves
 * beside it. So the innermost `__call__` span — one with no `__call__` span below it — holds the
 * view's own Python time, and without a view span that time is credited to the view, not to the
 * middleware (CLASSIFICATION.md §Breakdown). Hook-less middleware spans (contrib's proposed
 * "django.middleware X" shape) are treated as `__call__`.
 */
export function innermostCallMiddleware(tree: SpanTree): Uint8Array {
  const { spans, parent } = tree;
  const credited = new Uint8Array(spans.length);
  if (spans.some((a) => a.category === 'view')) return credited;
  const isCall = (i: number): boolean => {
    const a = spans[i]!;
    return a.category === 'middleware' && (a.span.middlewareHook === '__call__' || a.span.middlewareHook === '');
  };
  const hasCallBelow = new Uint8Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    if (!isCall(i)) continue;
    for (let p = parent[i]!; p >= 0 && hasCallBelow[p] === 0; p = parent[p]!) hasCallBelow[p] = 1;
  }
  for (let i = 0; i < spans.length; i++) if (isCall(i) && hasCallBelow[i] === 0) credited[i] = 1;
  return credited;
}

function topUnion(tree: SpanTree): number {
  cover.clear();
  for (let i = 0; i < tree.spans.length; i++) {
    if (tree.parent[i] !== -1) continue;
    const s = tree.spans[i]!.span;
    cover.push(s.startMs, s.startMs + s.durationMs);
  }
  return cover.union();
}
