// Where the assembler keeps the spans it holds for the grace period: in columns, not as objects.
// Every held span outlives the young generation, so as an object it was copied by two scavenges,
// promoted, and marked by every major GC, and V8 let the old generation grow to ~4x what was live
// before collecting it (bench/README.md, session 4: 129-141 MB live, 669-804 MB RSS at ~11,000
// requests in flight). In columns a held span is one slot: numbers in typed arrays (off the V8 heap)
// and references to already shared strings in long-lived arrays that are filled in place. Span and
// parent ids are kept as int32 halves, not strings: the assembler's index (trace-index.ts) keys on
// the halves, so no string is promoted per span (39 B a span of id strings before). So are parameter
// hashes in the form both producers send (16 lowercase hex characters: hotpath-django's HMAC, decode's
// hash of db.statement.parameters): a new string on most DB spans, 23 of the 138 heap bytes a held
// span cost (bench/held-memory.ts), made again at `take`, where it dies young. Other forms stay strings.
// Slots are reused; `take` turns a slot back into a span object when its request is emitted, and
// that object dies young after analysis.
import type { Resource, Span } from '../contract.js';
import { idHex } from '../decode/ids.js';
import { NO_EXTRAS, sharedExtras, spanExtras, spanWithExtras } from '../decode/span-factory.js';
import type { Extras } from '../decode/span-factory.js';
import { ContextCache, NO_CONTEXT } from './held-context.js';
import type { HeldContext } from './held-context.js';
import { HeldIds } from './held-ids.js';

/** String fields per slot, in this order (six more are shared through a HeldContext). */
const STRINGS = 4;
/** Doubles per slot: startMs, durationMs. */
const DOUBLES = 2;
/** Int32s per slot: kind, statusCode, dbRows, truncatedAttributes, flags, span id, parent id and params hash hi/lo. */
const INTS = 11;
const FLAGS = 4;
const SPAN_HI = 5;
const PARENT_HI = 7;
const PARAMS_HI = 9;
const REMOTE_PARENT = 1;
const EXCEPTION = 2;
const HAS_PARENT = 4;
/** dbParamsHash is held as halves at PARAMS_HI (its string column holds ''). */
const PACKED_PARAMS = 8;

/** What a freed slot points at instead of a resource. */
const NO_RESOURCE: Resource = Object.freeze({ serviceName: '', serviceNameUnknown: true, serviceVersion: '', environment: '', serviceInstanceId: '' });

/**
 * Slots per chunk: the store grows a chunk at a time and never copies what it holds. Slots are
 * taken from the lowest chunk with room, so after a burst the upper chunks drain and are given
 * back, with a few empty chunks kept spare (releaseEmptyTail) so a load hovering at a boundary
 * does not churn.
 */
const CHUNK_BITS = 12;
export const SLOTS_PER_CHUNK = 1 << CHUNK_BITS;
const CHUNK = SLOTS_PER_CHUNK;
const IN_CHUNK = CHUNK - 1;

export class SpanStore {
  private readonly strs: string[][] = [];
  private readonly resources: Resource[][] = [];
  private readonly extras: Extras[][] = [];
  private readonly contexts: HeldContext[][] = [];
  private readonly contextCache = new ContextCache();
  private readonly ids = new HeldIds();
  private readonly f64: Float64Array[] = [];
  private readonly i32: Int32Array[] = [];
  /** Free slots of each chunk, highest first (pop takes the lowest). */
  private readonly freeSlots: number[][] = [];
  private readonly usedSlots: number[] = [];
  /** No chunk below this one has a free slot. */
  private low = 0;
  private used = 0;

  /** Slots in use. */
  get size(): number {
    return this.used;
  }

  /** Slots allocated, in use or not (whole chunks; bounded by the queue and assembler bounds). */
  get capacity(): number {
    return this.strs.length * CHUNK;
  }

  /**
   * Copies `s` into a slot and returns the slot. With `halves` (DecodeResult.idHalves), its ids are
   * read at [4 * at, 4 * at + 4) instead of parsed from the hex strings.
   */
  put(s: Span, halves: Int32Array | null = null, at = 0): number {
    const parent = s.parentSpanId !== '';
    let spanHi: number, spanLo: number, parentHi: number, parentLo: number;
    if (halves !== null) {
      spanHi = halves[at * 4]!;
      spanLo = halves[at * 4 + 1]!;
      parentHi = parent ? halves[at * 4 + 2]! : 0;
      parentLo = parent ? halves[at * 4 + 3]! : 0;
    } else {
      // Ids first: a malformed one throws before a slot is taken.
      const ids = this.ids;
      ids.read(s.spanId);
      spanHi = ids.hi;
      spanLo = ids.lo;
      if (parent) ids.readParent(s.parentSpanId);
      parentHi = parent ? ids.hi : 0;
      parentLo = parent ? ids.lo : 0;
    }
    let c = this.low;
    while (c < this.strs.length && this.freeSlots[c]!.length === 0) c++;
    if (c === this.strs.length) this.addChunk();
    this.low = c;
    const slot = this.freeSlots[c]!.pop()!;
    this.usedSlots[c]!++;
    this.used++;
    const o = slot & IN_CHUNK;
    const strs = this.strs[c]!;
    let k = o * STRINGS;
    strs[k++] = s.traceId;
    strs[k++] = s.name;
    strs[k++] = s.dbStatement;
    const packed = this.ids.readParams(s.dbParamsHash);
    strs[k] = packed ? '' : s.dbParamsHash;
    this.contexts[c]![o] = this.contextCache.of(s);
    this.resources[c]![o] = s.resource;
    this.extras[c]![o] = sharedExtras(spanExtras(s));
    const f64 = this.f64[c]!;
    f64[o * DOUBLES] = s.startMs;
    f64[o * DOUBLES + 1] = s.durationMs;
    const i32 = this.i32[c]!;
    const i = o * INTS;
    i32[i] = s.kind;
    i32[i + 1] = s.statusCode;
    i32[i + 2] = s.dbRows;
    i32[i + 3] = s.truncatedAttributes;
    i32[i + FLAGS] = (s.parentIsRemote ? REMOTE_PARENT : 0) | (s.hasException ? EXCEPTION : 0) | (parent ? HAS_PARENT : 0) | (packed ? PACKED_PARAMS : 0);
    i32[i + SPAN_HI] = spanHi;
    i32[i + SPAN_HI + 1] = spanLo;
    i32[i + PARENT_HI] = parentHi;
    i32[i + PARENT_HI + 1] = parentLo;
    if (packed) {
      i32[i + PARAMS_HI] = this.ids.hi;
      i32[i + PARAMS_HI + 1] = this.ids.lo;
    }
    return slot;
  }

  // What the assembler reads of a held span, without making it an object.
  traceId(slot: number): string {
    return this.strs[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * STRINGS]!;
  }

  /** The span id's first four bytes as an int32 (spanLo: the last four). */
  spanHi(slot: number): number {
    return this.i32[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * INTS + SPAN_HI]!;
  }

  spanLo(slot: number): number {
    return this.i32[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * INTS + SPAN_HI + 1]!;
  }

  /** False for a root span (no parent id); parentHi and parentLo then read 0. */
  hasParent(slot: number): boolean {
    return (this.i32[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * INTS + FLAGS]! & HAS_PARENT) !== 0;
  }

  parentHi(slot: number): number {
    return this.i32[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * INTS + PARENT_HI]!;
  }

  parentLo(slot: number): number {
    return this.i32[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * INTS + PARENT_HI + 1]!;
  }

  /** The span id as the contract's hex string (tests, tools). */
  spanId(slot: number): string {
    return idHex(this.spanHi(slot), this.spanLo(slot));
  }

  resource(slot: number): Resource {
    return this.resources[slot >> CHUNK_BITS]![slot & IN_CHUNK]!;
  }

  kind(slot: number): number {
    return this.i32[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * INTS]!;
  }

  parentIsRemote(slot: number): boolean {
    return (this.i32[slot >> CHUNK_BITS]![(slot & IN_CHUNK) * INTS + FLAGS]! & REMOTE_PARENT) !== 0;
  }

  /** The span in `slot` as a new object; the slot is freed. */
  take(slot: number): Span {
    const c = slot >> CHUNK_BITS;
    const o = slot & IN_CHUNK;
    const s = spanWithExtras(this.resources[c]![o]!, this.extras[c]![o]!);
    const strs = this.strs[c]!;
    let k = o * STRINGS;
    s.traceId = strs[k++]!;
    s.name = strs[k++]!;
    s.dbStatement = strs[k++]!;
    s.dbParamsHash = strs[k]!;
    const x = this.contexts[c]![o]!;
    s.scope = x.scope;
    s.serverAddress = x.serverAddress;
    s.dbSystem = x.dbSystem;
    s.dbNamespace = x.dbNamespace;
    s.dbOperation = x.dbOperation;
    s.hotpathKind = x.hotpathKind;
    const f64 = this.f64[c]!;
    s.startMs = f64[o * DOUBLES]!;
    s.durationMs = f64[o * DOUBLES + 1]!;
    const i32 = this.i32[c]!;
    const i = o * INTS;
    s.kind = i32[i]!;
    s.statusCode = i32[i + 1]!;
    s.dbRows = i32[i + 2]!;
    s.truncatedAttributes = i32[i + 3]!;
    const flags = i32[i + FLAGS]!;
    s.parentIsRemote = (flags & REMOTE_PARENT) !== 0;
    s.hasException = (flags & EXCEPTION) !== 0;
    s.spanId = this.ids.spanHex(i32[i + SPAN_HI]!, i32[i + SPAN_HI + 1]!);
    s.parentSpanId = (flags & HAS_PARENT) === 0 ? '' : this.ids.parentHex(i32[i + PARENT_HI]!, i32[i + PARENT_HI + 1]!);
    if ((flags & PACKED_PARAMS) !== 0) s.dbParamsHash = idHex(i32[i + PARAMS_HI]!, i32[i + PARAMS_HI + 1]!);
    this.free(slot);
    return s;
  }

  /** Frees `slot` without reading it (a span dropped, refused or duplicated after it was stored). */
  free(slot: number): void {
    // The references are cleared so a freed slot keeps no string, resource or extras alive.
    const c = slot >> CHUNK_BITS;
    const o = slot & IN_CHUNK;
    this.strs[c]!.fill('', o * STRINGS, (o + 1) * STRINGS);
    this.resources[c]![o] = NO_RESOURCE;
    this.extras[c]![o] = NO_EXTRAS;
    this.contexts[c]![o] = NO_CONTEXT;
    this.freeSlots[c]!.push(slot);
    this.used--;
    if (c < this.low) this.low = c;
    if (--this.usedSlots[c]! === 0) this.releaseEmptyTail();
  }

  /**
   * Gives back trailing empty chunks beyond a spare of a quarter of the chunks in use (at least
   * one), so the memory of a burst is returned while a load that moves by a few thousand spans
   * between slices does not free and allocate chunks in turn: with a single spare, `addChunk` made
   * 119 B of every span's allocation (bench/alloc-profile.ts) and 0.7-1% of the collector's time.
   */
  private releaseEmptyTail(): void {
    let n = this.strs.length;
    let empty = 0;
    while (empty < n && this.usedSlots[n - 1 - empty] === 0) empty++;
    const spare = 1 + ((n - empty) >> 2);
    while (empty > spare) {
      for (const column of [this.strs, this.resources, this.extras, this.contexts, this.f64, this.i32, this.freeSlots, this.usedSlots]) column.pop();
      n--;
      empty--;
    }
    if (this.low > n) this.low = n;
  }

  private addChunk(): void {
    const base = this.strs.length * CHUNK;
    const free = new Array<number>(CHUNK);
    for (let i = 0; i < CHUNK; i++) free[i] = base + CHUNK - 1 - i;
    this.freeSlots.push(free);
    this.usedSlots.push(0);
    // Filled up front so each chunk is a packed array of its final size, allocated once.
    this.strs.push(new Array<string>(CHUNK * STRINGS).fill(''));
    this.resources.push(new Array<Resource>(CHUNK).fill(NO_RESOURCE));
    this.extras.push(new Array<Extras>(CHUNK).fill(NO_EXTRAS));
    this.contexts.push(new Array<HeldContext>(CHUNK).fill(NO_CONTEXT));
    this.f64.push(new Float64Array(CHUNK * DOUBLES));
    this.i32.push(new Int32Array(CHUNK * INTS));
  }
}
