// Per-trace state of the assembler: which group holds each span id, and which group waits for each
// missing parent. Span ids are only unique within a trace, so lookups go trace first.
import type { SpanGroup, TraceState } from './span-group.js';
import type { SpanStore } from './span-store.js';

export class TraceIndex {
  private readonly traces = new Map<string, TraceState>();

  /** Traces with any state held. */
  get size(): number {
    return this.traces.size;
  }

  /** The state of `traceId`, created on its first span. */
  of(traceId: string): TraceState {
    let t = this.traces.get(traceId);
    if (t === undefined) {
      t = { owner: new Map(), waiting: new Map() };
      this.traces.set(traceId, t);
    }
    return t;
  }

  /** Forgets everything that points at `g`, which is being emitted (its slots still hold its spans). */
  release(g: SpanGroup, store: SpanStore): void {
    if (g.awaiting !== '') {
      const t = this.traces.get(g.traceId);
      if (t !== undefined && t.waiting.get(g.awaiting) === g) t.waiting.delete(g.awaiting);
    }
    const t = g.backgroundKey === '' ? this.traces.get(g.traceId) : undefined;
    if (t !== undefined && t.waiting.size === 0 && t.owner.size === g.spans.length + g.droppedIds.length) {
      // The common case: the trace holds nothing but this request. Every span and remembered id of
      // g is owned by g, so equal sizes mean the whole trace state is g's: drop it in one step
      // instead of one owner lookup and delete per span (~3% of collector time, bench/profile.ts).
      this.traces.delete(g.traceId);
      return;
    }
    for (const s of g.spans) this.forget(store.traceId(s), store.spanId(s), g);
    for (const id of g.droppedIds) this.forget(g.traceId, id, g);
  }

  private forget(traceId: string, spanId: string, g: SpanGroup): void {
    const t = this.traces.get(traceId);
    if (t === undefined) return;
    if (t.owner.get(spanId) === g) t.owner.delete(spanId);
    if (t.owner.size === 0 && t.waiting.size === 0) this.traces.delete(traceId);
  }
}
