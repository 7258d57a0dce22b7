// The only places Span and Resource objects are created. Every field is written here in one fixed
// order, so all spans share one hidden class and the hot property reads downstream stay monomorphic.
import type { CacheResult, Resource, Span } from '../contract.js';

export const UNKNOWN_SERVICE = 'unknown_service';

export function newResource(): Resource {
  return {
    serviceName: UNKNOWN_SERVICE,
    serviceNameUnknown: true,
    serviceVersion: '',
    environment: '',
    serviceInstanceId: '',
  };
}

/**
 * Attributes that few spans carry: of a Django request's ~22 spans, its root (HTTP, view, status),
 * cache, template and middleware spans, ~6 in all. DB spans, the bulk of every request, carry none
 * and share one frozen empty instance.
 */
class SpanExtras {
  statusMessage: string = '';
  exceptionType: string = '';
  httpMethod: string = '';
  httpRoute: string = '';
  httpStatus: number = 0;
  cacheResult: CacheResult = 'unknown';
  cacheOperation: string = '';
  cacheBackend: string = '';
  cacheKeyPrefix: string = '';
  cacheHits: number = 0;
  cacheMisses: number = 0;
  templateName: string = '';
  middlewareClass: string = '';
  middlewareHook: string = '';
  viewFunction: string = '';
  taskName: string = '';
}

/** The shared instance for spans without rare attributes. */
export const NO_EXTRAS: SpanExtras = Object.freeze(new SpanExtras());

/**
 * A decoded span. It is an object from decode until the span store takes it, and again from its
 * request's emit through analysis; while held, the store keeps its SpanExtras by reference. With 37
 * in-object fields a held span cost 527 heap bytes, 320 of them the object (bench/held-memory.ts).
 * The rarely set attributes live in SpanExtras behind accessors, which V8 inlines; a DB span keeps
 * 21 fields and shares the empty extras. Stages read it as the Span interface and never see the split.
 */
class DecodedSpan implements Span {
  traceId: string = '';
  spanId: string = '';
  parentSpanId: string = '';
  parentIsRemote: boolean = false;
  name: string = '';
  kind: number = 0;
  startMs: number = 0;
  durationMs: number = 0;
  statusCode: number = 0;
  hasException: boolean = false;
  scope: string = '';
  serverAddress: string = '';
  dbSystem: string = '';
  dbNamespace: string = '';
  dbStatement: string = '';
  dbOperation: string = '';
  dbParamsHash: string = '';
  dbRows: number = -1;
  hotpathKind: string = '';
  truncatedAttributes: number = 0;
  /** The rare attributes (read through the accessors below; `spanExtras` hands them to the span store). */
  x: SpanExtras = NO_EXTRAS;

  constructor(public resource: Resource) {}

  /** The extras to write into: allocated on the first rare attribute, copied if shared (frozen). */
  private w(): SpanExtras {
    if (this.x === NO_EXTRAS) this.x = new SpanExtras();
    else if (Object.isFrozen(this.x)) this.x = Object.assign(new SpanExtras(), this.x);
    return this.x;
  }

  get statusMessage(): string { return this.x.statusMessage; }
  set statusMessage(v: string) { this.w().statusMessage = v; }
  get exceptionType(): string { return this.x.exceptionType; }
  set exceptionType(v: string) { this.w().exceptionType = v; }
  get httpMethod(): string { return this.x.httpMethod; }
  set httpMethod(v: string) { this.w().httpMethod = v; }
  get httpRoute(): string { return this.x.httpRoute; }
  set httpRoute(v: string) { this.w().httpRoute = v; }
  get httpStatus(): number { return this.x.httpStatus; }
  set httpStatus(v: number) { this.w().httpStatus = v; }
  get cacheResult(): CacheResult { return this.x.cacheResult; }
  set cacheResult(v: CacheResult) { this.w().cacheResult = v; }
  get cacheOperation(): string { return this.x.cacheOperation; }
  set cacheOperation(v: string) { this.w().cacheOperation = v; }
  get cacheBackend(): string { return this.x.cacheBackend; }
  set cacheBackend(v: string) { this.w().cacheBackend = v; }
  get cacheKeyPrefix(): string { return this.x.cacheKeyPrefix; }
  set cacheKeyPrefix(v: string) { this.w().cacheKeyPrefix = v; }
  get cacheHits(): number { return this.x.cacheHits; }
  set cacheHits(v: number) { this.w().cacheHits = v; }
  get cacheMisses(): number { return this.x.cacheMisses; }
  set cacheMisses(v: number) { this.w().cacheMisses = v; }
  get templateName(): string { return this.x.templateName; }
  set templateName(v: string) { this.w().templateName = v; }
  get middlewareClass(): string { return this.x.middlewareClass; }
  set middlewareClass(v: string) { this.w().middlewareClass = v; }
  get middlewareHook(): string { return this.x.middlewareHook; }
  set middlewareHook(v: string) { this.w().middlewareHook = v; }
  get viewFunction(): string { return this.x.viewFunction; }
  set viewFunction(v: string) { this.w().viewFunction = v; }
  get taskName(): string { return this.x.taskName; }
  set taskName(v: string) { this.w().taskName = v; }
}

export function newSpan(resource: Resource): Span {
  return new DecodedSpan(resource);
}

/** Opaque to everything but this file and the span store, which keeps it by reference. */
export type Extras = SpanExtras;

/** The rare attributes of `s`, by reference for decoded spans (test spans are plain objects). */
export function spanExtras(s: Span): Extras {
  if (s instanceof DecodedSpan) return s.x;
  const x = new SpanExtras();
  for (const k of EXTRA_FIELDS) (x as unknown as Record<string, unknown>)[k] = s[k];
  return EXTRA_FIELDS.every((k) => x[k] === NO_EXTRAS[k]) ? NO_EXTRAS : x;
}

/** A span with `extras` and every core field at its default, for the span store to fill. */
export function spanWithExtras(resource: Resource, extras: Extras): Span {
  const s = new DecodedSpan(resource);
  s.x = extras;
  return s;
}

/**
 * One frozen instance per distinct content of rare attributes, for the span store to hold: they
 * are middleware, template, cache and view names, routes, methods and statuses, the same from one
 * request to the next. Held one per span they were 41 of 314 heap bytes per held span
 * (bench/held-memory.ts heap snapshot: 60,001 SpanExtras objects of 152 B for 220,042 spans).
 * Found by a hash of the fields and a field-by-field compare: a key string joining the 16 fields
 * made 190 of the ~2,000 bytes allocated per span (bench/alloc-profile.ts). Bounded like intern():
 * when full the table starts over; a hash shared by MAX_SAME_HASH contents (crafted values) leaves
 * further ones unshared, so a lookup never walks a long list. Extras with long texts (a status
 * message or exception type past MAX_SHARED_TEXT) are held as they are.
 */
const MAX_SHARED_EXTRAS = 4096;
const MAX_SAME_HASH = 8;
const MAX_SHARED_TEXT = 256;
let shared = new Map<number, SpanExtras[]>();
let sharedCount = 0;

export function sharedExtras(x: Extras): Extras {
  if (x === NO_EXTRAS || Object.isFrozen(x)) return x;
  if (x.statusMessage.length + x.exceptionType.length > MAX_SHARED_TEXT) return x;
  const h = extrasHash(x);
  let list = shared.get(h);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) if (sameExtras(list[i]!, x)) return list[i]!;
    if (list.length >= MAX_SAME_HASH) return x;
  }
  if (sharedCount >= MAX_SHARED_EXTRAS) {
    shared = new Map();
    sharedCount = 0;
    list = undefined;
  }
  // Frozen: a span made from it copies before writing (DecodedSpan.w), so no span changes another.
  Object.freeze(x);
  if (list === undefined) shared.set(h, [x]);
  else list.push(x);
  sharedCount++;
  return x;
}

/**
 * Every character of a text's first 64 and its length. Three sampled characters (first, middle,
 * last) gave the bench's 1,000 routes (`section{i}/items/<int:pk>/`) 11 distinct hashes: lists of
 * rare-attribute sets filled to MAX_SAME_HASH, compared field by field on every lookup, and sets
 * past it went unshared (sameExtras 0.01 -> 0.14 s of a 10 -> 1,000-route profile diff).
 */
function textHash(h: number, t: string): number {
  const n = t.length;
  h = Math.imul(h ^ n, 0x01000193);
  const m = n < 64 ? n : 64;
  for (let i = 0; i < m; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * Length and three characters (first, middle, last): for sets of a few distinct names where a
 * collision only costs a cache slot (held-context.ts), read on most spans.
 */
export function sampledTextHash(h: number, t: string): number {
  const n = t.length;
  h = Math.imul(h ^ n, 0x01000193);
  if (n === 0) return h;
  return Math.imul(h ^ t.charCodeAt(0) ^ (t.charCodeAt(n >> 1) << 8) ^ (t.charCodeAt(n - 1) << 16), 0x85ebca6b);
}

function extrasHash(x: SpanExtras): number {
  let h = Math.imul(x.httpStatus ^ (x.cacheHits << 12) ^ (x.cacheMisses << 22), 0x9e3779b1);
  h = textHash(h, x.statusMessage);
  h = textHash(h, x.exceptionType);
  h = textHash(h, x.httpMethod);
  h = textHash(h, x.httpRoute);
  h = textHash(h, x.cacheResult);
  h = textHash(h, x.cacheOperation);
  h = textHash(h, x.cacheBackend);
  h = textHash(h, x.cacheKeyPrefix);
  h = textHash(h, x.templateName);
  h = textHash(h, x.middlewareClass);
  h = textHash(h, x.middlewareHook);
  h = textHash(h, x.viewFunction);
  h = textHash(h, x.taskName);
  return h ^ (h >>> 15);
}

function sameExtras(a: SpanExtras, b: SpanExtras): boolean {
  return a.httpStatus === b.httpStatus && a.cacheHits === b.cacheHits && a.cacheMisses === b.cacheMisses
    && a.statusMessage === b.statusMessage && a.exceptionType === b.exceptionType && a.httpMethod === b.httpMethod
    && a.httpRoute === b.httpRoute && a.cacheResult === b.cacheResult && a.cacheOperation === b.cacheOperation
    && a.cacheBackend === b.cacheBackend && a.cacheKeyPrefix === b.cacheKeyPrefix && a.templateName === b.templateName
    && a.middlewareClass === b.middlewareClass && a.middlewareHook === b.middlewareHook
    && a.viewFunction === b.viewFunction && a.taskName === b.taskName;
}

/** The Span fields, in the decoder's order: the span class's own fields, then the extras'. */
const EXTRA_FIELDS = Object.keys(new SpanExtras()) as Array<keyof SpanExtras>;
const FIELDS = [...Object.keys(new DecodedSpan(newResource())).filter((k) => k !== 'x'), ...EXTRA_FIELDS] as Array<keyof Span>;

/** Every Span field as an own property of a plain object (spreads and deep comparisons in tests). */
export function plainSpan(s: Span): Span {
  const o: Record<string, unknown> = {};
  for (const k of FIELDS) o[k] = s[k];
  return o as unknown as Span;
}

/** The Span fields with their "not present" values as a plain object (test factories spread it). */
export function newPlainSpan(resource: Resource): Span {
  return plainSpan(newSpan(resource));
}
