// Spans -> AssembledRequest. Spans of one request arrive over several export batches, children
// first (a span is exported when it ends, and the root ends last), so a child often arrives before
// its parent: such spans wait in a group keyed by the missing parent id and are merged when it
// arrives. Every lookup is a probe of an id table by trace and span id (trace-index.ts); merges
// move the smaller group into the larger, so a span moves O(log n) times at worst. All state is
// bounded (AssemblerConfig) and time comes from the injected clock. Held spans live in a SpanStore
// (columns, not objects: see span-store.ts); groups hold their slots, and spans become objects
// again when their request is emitted.

import type { AssembledRequest, Clock, Resource, Span } from '../contract.js';
import { resolveAssemblerConfig } from './assembler-config.js';
import type { AssemblerConfig, EvictionReason } from './assembler-config.js';
import { backgroundKeyOf, first, moveSpans, newGroup, rememberDropped, sameProcess, startsLocalRequest } from './span-group.js';
import type { SpanGroup } from './span-group.js';
import { SpanStore } from './span-store.js';
import { TraceIndex } from './trace-index.js';
import type { TraceState } from './trace-index.js';

export class RequestAssembler {
  readonly evictions: Record<EvictionReason, number> = { max_requests: 0, max_spans: 0, max_spans_in_flight: 0, idle_partial: 0 };
  /** Spans discarded by maxSpansPerRequest. */
  droppedSpans = 0;
  /** Spans ignored because the same span id was already in flight (OTLP exporters retry batches). */
  duplicateSpans = 0;

  private readonly cfg: AssemblerConfig;
  private readonly traces = new TraceIndex();
  /** Groups without their root, least recently extended first. */
  private readonly pending = new Set<SpanGroup>();
  /** Rooted groups in root-arrival order, so the grace check stops at the first one not yet due. */
  private readonly ready = new Set<SpanGroup>();
  private readonly background = new Map<string, SpanGroup>();
  private spansInFlight = 0;

  constructor(
    cfg: Partial<AssemblerConfig>,
    private readonly onRequest: (r: AssembledRequest) => void,
    private readonly clock: Clock,
    private readonly onEvict?: (reason: EvictionReason) => void,
    /** Shared with the ingest side in the pipeline, which stores decoded spans before queueing them. */
    readonly store: SpanStore = new SpanStore(),
  ) {
    this.cfg = resolveAssemblerConfig(cfg);
  }

  get inFlight(): number {
    return this.pending.size + this.ready.size + this.background.size;
  }

  get spanCount(): number {
    return this.spansInFlight;
  }

  /** Traces with any state held (equals 0 whenever inFlight does: nothing leaks). */
  get traceCount(): number {
    return this.traces.size;
  }

  /** Groups and index entries held (both 0 whenever inFlight is: nothing leaks). */
  get indexCounts(): { groups: number; entries: number } {
    return { groups: this.traces.groupCount, entries: this.traces.entries };
  }

  /** Takes spans as objects (tests, tools): each is copied into the store first. */
  add(spans: readonly Span[]): void {
    this.addStored(spans.map((s) => this.store.put(s)));
  }

  /** Takes spans already in the store (the pipeline's queue holds slots): the store owns them from here. */
  addStored(slots: readonly number[]): void {
    const now = this.clock();
    for (const slot of slots) {
      this.addOne(slot, now);
      // Over a bound, a request already past its grace period is completed first: it is due anyway,
      // and only when none is due is a request cut. Cutting first shredded new requests span by span
      // while complete ones waited for analysis (bench/: 339,168 max_requests evictions in one
      // overloaded 10 s trial of ~66,000 requests).
      while (this.spansInFlight > this.cfg.maxSpansInFlight && (this.emitOldestDue(now) || this.evictOldest('max_spans_in_flight')));
      while (this.pending.size + this.ready.size > this.cfg.maxRequestsInFlight && (this.emitOldestDue(now) || this.evictOldest('max_requests')));
    }
  }

  /**
   * Emits requests whose grace period or idle timeout has passed, and due background groups.
   * With `maxRequests`, stops after that many completed requests and returns true when more are due
   * (the caller continues on a later turn of the event loop, so exports are answered in between).
   */
  tick(maxRequests = Number.POSITIVE_INFINITY): boolean {
    const now = this.clock();
    let emitted = 0;
    for (const g of this.ready) {
      if (!this.due(g, now)) break;
      if (emitted++ >= maxRequests) return true;
      this.emit(g, false);
    }
    for (const g of this.pending) {
      if (now - g.lastMs < this.cfg.idleTimeoutMs) break;
      this.count('idle_partial');
      this.emit(g, true);
    }
    for (const g of this.background.values()) {
      if (now - g.firstMs >= this.cfg.backgroundFlushMs) this.emit(g, false);
    }
    return false;
  }

  /** Shutdown: everything in flight is emitted; requests still missing their root are partial. */
  flushAll(): void {
    for (const g of this.ready) this.emit(g, false);
    for (const g of this.pending) this.emit(g, true);
    for (const g of this.background.values()) this.emit(g, false);
  }

  private addOne(slot: number, now: number): void {
    const store = this.store;
    const ix = this.traces;
    const traceId = store.traceId(slot);
    const hi = store.spanHi(slot);
    const lo = store.spanLo(slot);
    const hasParent = store.hasParent(slot);
    const parentHi = store.parentHi(slot);
    const parentLo = store.parentLo(slot);
    const resource = store.resource(slot);
    const t = ix.of(traceId);
    if (ix.owner(t, hi, lo) !== undefined) {
      this.duplicateSpans++;
      store.free(slot);
      return;
    }
    const parentGroup = hasParent ? ix.owner(t, parentHi, parentLo) : undefined;
    let g: SpanGroup;
    if (startsLocalRequest(store.parentIsRemote(slot), store.kind(slot)) || (parentGroup !== undefined && !sameProcess(parentGroup.resource, resource))) {
      g = this.rootedGroup(traceId, resource, slot, now);
    } else if (parentGroup !== undefined) {
      g = parentGroup;
    } else if (!hasParent) {
      // No parent and no SERVER/CONSUMER kind: DB/cache/HTTP work outside any request (management
      // commands, excluded URLs), unless children already wait for it (a manual span with children).
      g = ix.waiter(t, hi, lo) !== undefined ? this.rootedGroup(traceId, resource, slot, now) : this.backgroundGroup(resource, now);
    } else {
      const w = ix.waiter(t, parentHi, parentLo);
      if (w !== undefined) {
        g = w;
      } else {
        g = ix.register(newGroup(traceId, resource, now));
        g.awaiting = true;
        g.awaitHi = parentHi;
        g.awaitLo = parentLo;
        g.top = slot;
        ix.setWaiter(t, parentHi, parentLo, g);
        this.pending.add(g);
      }
    }
    // A new rooted or waiting group's first span is never over the bound: maxSpansPerRequest >= 1.
    if (this.append(g, slot, now)) ix.setOwner(t, hi, lo, g);
    else rememberDropped(ix, t, g, hi, lo, this.cfg.maxSpansPerRequest);
    const children = ix.waiter(t, hi, lo);
    if (children !== undefined && children !== g) this.adopt(t, g, children, hi, lo, resource, now);
  }

  private rootedGroup(traceId: string, resource: Resource, slot: number, now: number): SpanGroup {
    const g = this.traces.register(newGroup(traceId, resource, now));
    g.root = slot;
    g.rootMs = now;
    this.ready.add(g);
    return g;
  }

  private backgroundGroup(resource: Resource, now: number): SpanGroup {
    const key = backgroundKeyOf(resource);
    let g = this.background.get(key);
    if (g !== undefined && g.spans.length >= this.cfg.maxSpansPerRequest) {
      // Background groups are flushed early instead of cutting them: nothing is lost.
      this.emit(g, false);
      g = undefined;
    }
    if (g === undefined) {
      g = this.traces.register(newGroup('', resource, now, key));
      this.background.set(key, g);
    }
    return g;
  }

  /** Adds the span in `slot` to `g` within the span bound; false when dropped (its slot freed). */
  private append(g: SpanGroup, slot: number, now: number): boolean {
    if (g.spans.length >= this.cfg.maxSpansPerRequest) {
      this.drop(g, 1);
      this.store.free(slot);
      return false;
    }
    g.spans.push(slot);
    this.spansInFlight++;
    g.lastMs = now;
    // Re-insert so pending stays ordered by last activity, once per clock reading: the spans of one
    // export share `now`, so one export costs a group three Set operations instead of three per span.
    // (Groups touched in the same millisecond keep their earlier relative order.)
    if (g.queuedMs !== now) {
      g.queuedMs = now;
      if (this.pending.has(g)) {
        this.pending.delete(g);
        this.pending.add(g);
      }
    }
    return true;
  }

  private drop(g: SpanGroup, n: number): void {
    g.dropped += n;
    this.droppedSpans += n;
    g.cut = true; // counted as a max_spans eviction when emitted: once per request, even after merges
  }

  /** `children` waited for `parent`, which just joined `g`: make them one group. */
  private adopt(t: TraceState, g: SpanGroup, children: SpanGroup, parentHi: number, parentLo: number, parentResource: Resource, now: number): void {
    const ix = this.traces;
    ix.deleteWaiter(t, parentHi, parentLo);
    if (!sameProcess(children.resource, parentResource) && children.top >= 0) {
      // The children's top span was entered from another process without a remote flag.
      children.root = children.top;
      children.awaiting = false;
      children.rootMs = now;
      this.pending.delete(children);
      this.ready.add(children);
      return;
    }
    // Rooted and background groups absorb (their place in the ready order and background map
    // stays valid); two rootless groups merge smaller into larger, so a span moves O(log n) times.
    const keepG = g.backgroundKey !== '' || g.root >= 0 || g.spans.length >= children.spans.length;
    const big = keepG ? g : children;
    const small = keepG ? children : g;
    const dropped = moveSpans(ix, t, big, small, this.store, this.cfg.maxSpansPerRequest);
    if (dropped > 0) {
      this.drop(big, dropped);
      this.spansInFlight -= dropped;
    }
    big.firstMs = Math.min(big.firstMs, small.firstMs);
    big.lastMs = now;
    if (big === g) {
      this.pending.delete(children);
      ix.unregister(children);
      return;
    }
    // `children` absorbs g (both rootless): it takes over g's place in the waiting table.
    children.awaiting = g.awaiting;
    children.awaitHi = g.awaitHi;
    children.awaitLo = g.awaitLo;
    children.top = g.top;
    ix.setWaiter(t, g.awaitHi, g.awaitLo, children);
    ix.unregister(g);
    this.pending.delete(g);
    this.pending.delete(children);
    this.pending.add(children);
    children.queuedMs = now;
  }

  /** A rooted request whose grace period has passed. */
  private due(g: SpanGroup, now: number): boolean {
    return now - g.rootMs >= this.cfg.graceMs;
  }

  /** Emits the oldest rooted request if its grace period has passed; false when none is due. */
  private emitOldestDue(now: number): boolean {
    const g = first(this.ready);
    if (g === undefined || !this.due(g, now)) return false;
    this.emit(g, false);
    return true;
  }

  /** Cuts the least recently active rootless request, else the oldest rooted one. */
  private evictOldest(reason: EvictionReason): boolean {
    const victim = first(this.pending) ?? first(this.ready) ?? first(this.background.values());
    if (victim === undefined) return false;
    this.count(reason);
    this.emit(victim, true);
    return true;
  }

  private count(reason: EvictionReason): void {
    this.evictions[reason]++;
    this.onEvict?.(reason);
  }

  private emit(g: SpanGroup, partial: boolean): void {
    if (g.cut) this.count('max_spans');
    this.pending.delete(g);
    this.ready.delete(g);
    if (g.backgroundKey !== '') this.background.delete(g.backgroundKey);
    this.spansInFlight -= g.spans.length;
    this.traces.release(g, this.store);
    const spans: Span[] = new Array<Span>(g.spans.length);
    let root: Span | null = null;
    for (let i = 0; i < spans.length; i++) {
      const slot = g.spans[i]!;
      const s = this.store.take(slot);
      if (slot === g.root) root = s;
      spans[i] = s;
    }
    this.onRequest({
      traceId: g.traceId,
      root,
      spans,
      partial: partial || g.cut || (root === null && g.backgroundKey === ''),
      droppedSpans: g.dropped,
      resource: g.resource,
    });
  }
}
