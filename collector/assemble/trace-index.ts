// Per-trace state of the assembler: which group holds each span id, and which group waits for each
// missing parent. Span ids are only unique within a trace, so keys are (trace number, id halves).
// The two indexes are IdTables (typed arrays, see id-table.ts) whose values are group handles, so a
// held span costs the V8 heap no Map entry and no id string.
import { ABSENT, IdTable } from './id-table.js';
import type { SpanGroup } from './span-group.js';
import type { SpanStore } from './span-store.js';

export interface TraceState {
  /** The trace's number in the id tables; reused once the trace holds nothing. */
  readonly num: number;
  /** Entries of this trace in the owner and waiting tables. */
  owned: number;
  waits: number;
}

export class TraceIndex {
  private readonly traces = new Map<string, TraceState>();
  /** Span id -> handle of the group holding it (or that dropped it, for remembered dropped spans). */
  private readonly owners = new IdTable(1024);
  /** Missing parent span id -> handle of the group whose top span waits for it. */
  private readonly waiting = new IdTable(256);
  private readonly groups: (SpanGroup | undefined)[] = [];
  private readonly freeHandles: number[] = [];
  private readonly freeNums: number[] = [];
  private nextNum = 0;

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
    return this.owners.size + this.waiting.size;
  }

  /** The state of `traceId`, created on its first span. */
  of(traceId: string): TraceState {
    let t = this.traces.get(traceId);
    if (t === undefined) {
      t = { num: this.freeNums.pop() ?? this.nextNum++, owned: 0, waits: 0 };
      this.traces.set(traceId, t);
    }
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
    const h = this.owners.get(t.num, hi, lo);
    return h === ABSENT ? undefined : this.groups[h];
  }

  setOwner(t: TraceState, hi: number, lo: number, g: SpanGroup): void {
    if (this.owners.set(t.num, hi, lo, g.handle)) t.owned++;
  }

  deleteOwner(t: TraceState, hi: number, lo: number): void {
    if (this.owners.delete(t.num, hi, lo)) t.owned--;
  }

  waiter(t: TraceState, hi: number, lo: number): SpanGroup | undefined {
    const h = this.waiting.get(t.num, hi, lo);
    return h === ABSENT ? undefined : this.groups[h];
  }

  setWaiter(t: TraceState, hi: number, lo: number, g: SpanGroup): void {
    if (this.waiting.set(t.num, hi, lo, g.handle)) t.waits++;
  }

  deleteWaiter(t: TraceState, hi: number, lo: number): void {
    if (this.waiting.delete(t.num, hi, lo)) t.waits--;
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
        if (g.awaiting && this.waiting.get(t.num, g.awaitHi, g.awaitLo) === g.handle) this.deleteWaiter(t, g.awaitHi, g.awaitLo);
        // The entry of a held span's id always names the group holding it (a span joins one group,
        // a second with its id is a duplicate and is not held, and a merge re-points every entry it
        // moves), so g's spans' entries are deleted without first reading whose they are: one probe
        // a span instead of two (the property tests run merges, drops and retries through it).
        for (const s of g.spans) this.deleteOwner(t, store.spanHi(s), store.spanLo(s));
        const ids = g.droppedIds;
        for (let i = 0; i < ids.length; i += 2) this.forget(t, ids[i]!, ids[i + 1]!, g);
        this.dropIfEmpty(g.traceId, t);
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
    if (this.owners.get(t.num, hi, lo) === g.handle) this.deleteOwner(t, hi, lo);
  }

  private dropIfEmpty(traceId: string, t: TraceState): void {
    if (t.owned !== 0 || t.waits !== 0) return;
    this.traces.delete(traceId);
    this.freeNums.push(t.num);
  }
}
