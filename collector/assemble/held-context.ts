// The six strings of a held span that repeat across spans and requests (instrumentation scope,
// server address, database system, database name, operation, Hotpath kind), kept by the span
// store as one shared object instead of six references a span. A service's DB spans share a
// handful of such sets; at six references a span they were 48 of the 168 heap bytes a held span
// cost (bench/held-memory.ts after the id tables of trace-index.ts).
import type { Span } from '../contract.js';
import { sampledTextHash } from '../decode/span-factory.js';

export interface HeldContext {
  readonly scope: string;
  readonly serverAddress: string;
  readonly dbSystem: string;
  readonly dbNamespace: string;
  readonly dbOperation: string;
  readonly hotpathKind: string;
}

export const NO_CONTEXT: HeldContext = Object.freeze({ scope: '', serverAddress: '', dbSystem: '', dbNamespace: '', dbOperation: '', hotpathKind: '' });

/**
 * Contexts in a direct-mapped cache: a set found at its hash's slot is shared, anything else takes
 * the slot. Bounded by construction, and crafted values that collide only cost their spans a
 * context of their own (what the six references cost before), never a longer lookup.
 */
const SLOTS = 1024;

export class ContextCache {
  private readonly slots: HeldContext[] = new Array<HeldContext>(SLOTS).fill(NO_CONTEXT);
  private last: HeldContext = NO_CONTEXT;

  of(s: Span): HeldContext {
    // A request's DB spans come one after another with one context: compared before hashing.
    const last = this.last;
    if (same(last, s)) return last;
    let h = sampledTextHash(0x811c9dc5, s.scope);
    h = sampledTextHash(h, s.serverAddress);
    h = sampledTextHash(h, s.dbSystem);
    h = sampledTextHash(h, s.dbNamespace);
    h = sampledTextHash(h, s.dbOperation);
    h = sampledTextHash(h, s.hotpathKind);
    const i = (h ^ (h >>> 16)) & (SLOTS - 1);
    let c = this.slots[i]!;
    if (!same(c, s)) {
      c = Object.freeze({
        scope: s.scope, serverAddress: s.serverAddress, dbSystem: s.dbSystem,
        dbNamespace: s.dbNamespace, dbOperation: s.dbOperation, hotpathKind: s.hotpathKind,
      });
      this.slots[i] = c;
    }
    this.last = c;
    return c;
  }
}

function same(c: HeldContext, s: Span): boolean {
  return c.scope === s.scope && c.serverAddress === s.serverAddress && c.dbSystem === s.dbSystem
    && c.dbNamespace === s.dbNamespace && c.dbOperation === s.dbOperation && c.hotpathKind === s.hotpathKind;
}
