// Per-trace state of the assembler: which group holds each span id, and which group waits for each
// missing parent. Span ids are only unique within a trace, so each trace has its own table
// (trace-ids.ts: typed arrays, values are group handles, so a held span costs the V8 heap no Map
// entry and no id string). Tables of emptied traces are kept for reuse, so a trace in steady
// state allocates nothing.
import { ABSENT, MIN_CAPACITY, TraceIds } from './trace-ids.js';
import type { SpanGroup } from './span-group.js';
import type { SpanStore } from './span-store.js';

/** A trace's id table; its owned and waits counts are the trace's entries in use. */
export type TraceState = TraceIds;

/**
 * Entries of the emptied tables kept for reuse, at most (8 MB): ~8,000 tables of a Django request's
 * 64 entries, about a second of new traces at the bench's rate. Past it, and after a burst, emptied
 * tables are left to the GC, so the memory of a burst is given back.
 */
const SPARE_ENTRIES = 1 << 19;

export class TraceIndex {
  private readonly traces = new Map<string, TraceState>();
  private readonly spare: TraceIds[] = [];
  private spareEntries = 0;
  /** The trace looked up last: a request's spans come one after another. */
  private lastId = '';
  private last: TraceState | undefined;
  /** Owner and waiter entries over all traces. */
  private owners = 0;
  private waiters = 0;
  private readonly groups: (SpanGroup | undefined)[] = [];
  private readonly freeHandles: number[] = [];

  /** Traces with any state held. */
  get size(): number {
    return this.traces.size;
  }

  /** Groups registered and not yet released. */
  get groupCount(): number {
    return this.groups.length - this.freeHandles.length;
  }

  /** Entries in the owner and waiting tables (0 whenever no group is held: nothing leaks). */
  get entries(): number {
    return this.owners + this.waiters;
  }

  /** The state of `traceId`, created on its first span. */
  of(traceId: string): TraceState {
    if (traceId === this.lastId && this.last !== undefined) return this.last;
    let t = this.traces.get(traceId);
    if (t === undefined) {
      t = this.spare.pop();
      if (t === undefined) t = new TraceIds(MIN_CAPACITY);
      else this.spareEntries -= t.capacity;
      this.traces.set(traceId, t);
    }
    this.lastId = traceId;
    this.last = t;
    return t;
  }

  /** Gives `g` a handle; every group that may own a span or wait for a parent is registered. */
  register(g: SpanGroup): SpanGroup {
    const h = this.freeHandles.pop() ?? this.groups.length;
    this.groups[h] = g;
    g.handle = h;
    return g;
  }

  owner(t: TraceState, hi: number, lo: number): SpanGroup | undefined {
    const h = t.owner(hi, lo);
    return h === ABSENT ? undefined : this.groups[h];
  }

  setOwner(t: TraceState, hi: number, lo: number, g: SpanGroup): void {
    if (t.setOwner(hi, lo, g.handle)) this.owners++;
  }

  deleteOwner(t: TraceState, hi: number, lo: number): void {
    if (t.deleteOwner(hi, lo)) this.owners--;
  }

  waiter(t: TraceState, hi: number, lo: number): SpanGroup | undefined {
    const h = t.waiter(hi, lo);
    return h === ABSENT ? undefined : this.groups[h];
  }

  setWaiter(t: TraceState, hi: number, lo: number, g: SpanGroup): void {
    if (t.setWaiter(hi, lo, g.handle)) this.waiters++;
  }

  deleteWaiter(t: TraceState, hi: number, lo: number): void {
    if (t.deleteWaiter(hi, lo)) this.waiters--;
  }

  /** Gives back the handle of a group that was merged into another and holds no entry any more. */
  unregister(g: SpanGroup): void {
    this.groups[g.handle] = undefined;
    this.freeHandles.push(g.handle);
    g.handle = -1;
  }

  /** Forgets everything that points at `g`, which is being emitted (its slots still hold its spans). */
  release(g: SpanGroup, store: SpanStore): void {
    if (g.backgroundKey === '') {
      // Every span of a request group belongs to its trace (a span joins a group through its
      // parent's id, looked up within the trace).
      const t = this.traces.get(g.traceId);
      if (t !== undefined) {
        if (g.awaiting && t.waiter(g.awaitHi, g.awaitLo) === g.handle) this.deleteWaiter(t, g.awaitHi, g.awaitLo);
        // The entry of a held span's id always names the group holding it (a span joins one group,
        // a second with its id is a duplicate and is not held, and a merge re-points every entry it
        // moves; the property tests run merges, drops and retries through it). So when the trace
        // has no waiter and as many owned entries as g has spans, they are all g's: the usual case,
        // where the table goes whole instead of id by id.
        if (t.waits === 0 && g.droppedIds.length === 0 && t.owned === g.spans.length) {
          this.owners -= t.owned;
          this.drop(g.traceId, t);
        } else {
          for (const s of g.spans) this.deleteOwner(t, store.spanHi(s), store.spanLo(s));
          const ids = g.droppedIds;
          for (let i = 0; i < ids.length; i += 2) this.forget(t, ids[i]!, ids[i + 1]!, g);
          this.dropIfEmpty(g.traceId, t);
        }
      }
    } else {
      for (const s of g.spans) {
        const traceId = store.traceId(s);
        const t = this.traces.get(traceId);
        if (t === undefined) continue;
        this.forget(t, store.spanHi(s), store.spanLo(s), g);
        this.dropIfEmpty(traceId, t);
      }
    }
    this.unregister(g);
  }

  private forget(t: TraceState, hi: number, lo: number, g: SpanGroup): void {
    if (t.owner(hi, lo) === g.handle) this.deleteOwner(t, hi, lo);
  }

  private dropIfEmpty(traceId: string, t: TraceState): void {
    if (t.owned === 0 && t.waits === 0) this.drop(traceId, t);
  }

  /** Forgets the trace; its table is emptied and kept for another. */
  private drop(traceId: string, t: TraceState): void {
    this.traces.delete(traceId);
    if (this.last === t) this.last = undefined;
    t.clear();
    if (this.spareEntries + t.capacity > SPARE_ENTRIES) return;
    this.spare.push(t);
    this.spareEntries += t.capacity;
  }
}
