// The one module that knows attribute names. It maps old and new OTel semantic conventions
// (django-otel-conventions.md §1.4-§3, §7) and hotpath-django's own keys onto Span/Resource fields.
// Several keys may feed one field; the higher rank wins regardless of arrival order, so a span sent
// in `http/dup` or `database/dup` mode yields exactly one value per field (`new ?? old`).
import { hash } from 'node:crypto';
import conventions from '../../services/hotpath-django/src/hotpath_django/conventions.json' with { type: 'json' };
import { SpanKind } from '../contract.js';
import type { Resource, Span } from '../contract.js';
import { KeyTable } from './key-table.js';
import type { KeyEntry } from './key-table.js';
import { UNKNOWN_SERVICE } from './span-factory.js';
import { cut, cutSlot, MAX_SLOTS } from './field-state.js';
import type { FieldState } from './field-state.js';
import { urlHost } from './url-host.js';
import { intern } from './intern.js';
import { smallInt } from './small-int.js';

const A = conventions.attributes;

// Span slots. Each slot's value type is fixed by setSpanString / setSpanNumber / setSpanBool below.
const HTTP_METHOD = 0;
const HTTP_ROUTE = 1;
const HTTP_STATUS = 2;
const SERVER_ADDRESS = 3; // value is a host
const SERVER_URL = 4; // value is a URL: only its host is kept, into SERVER_ADDRESS
const DB_SYSTEM = 5;
const DB_NAMESPACE = 6;
const DB_STATEMENT = 7;
const DB_OPERATION = 8;
const DB_PARAMS_HASH = 9; // value is already a hash
const DB_PARAMS_RAW = 10; // value is raw parameters: hashed, never stored
const DB_ROWS = 11;
const HOTPATH_KIND = 12;
const CACHE_HIT = 13;
const CACHE_OPERATION = 14;
const CACHE_BACKEND = 15;
const CACHE_KEY_PREFIX = 16;
const CACHE_HITS = 17;
const CACHE_MISSES = 18;
const TEMPLATE_NAME = 19;
const MIDDLEWARE_CLASS = 20;
const MIDDLEWARE_HOOK = 21;
const VIEW_FUNCTION = 22;
const TASK_NAME = 23;
const SPAN_SLOT_COUNT = 24;

// Raw parameters and URLs share the rank space of the field they end up in.
export const SPAN_KEYS = new KeyTable([
  { key: 'http.request.method', slot: HTTP_METHOD, rank: 2 },
  { key: 'http.method', slot: HTTP_METHOD, rank: 1 },
  { key: 'http.route', slot: HTTP_ROUTE, rank: 1 },
  { key: 'http.response.status_code', slot: HTTP_STATUS, rank: 2 },
  { key: 'http.status_code', slot: HTTP_STATUS, rank: 1 },
  { key: 'server.address', slot: SERVER_ADDRESS, rank: 4 },
  { key: 'net.peer.name', slot: SERVER_ADDRESS, rank: 3 },
  { key: 'url.full', slot: SERVER_URL, rank: 2, group: SERVER_ADDRESS },
  { key: 'http.url', slot: SERVER_URL, rank: 1, group: SERVER_ADDRESS },
  { key: 'db.system.name', slot: DB_SYSTEM, rank: 2 },
  { key: 'db.system', slot: DB_SYSTEM, rank: 1 },
  { key: 'db.namespace', slot: DB_NAMESPACE, rank: 2 },
  { key: 'db.name', slot: DB_NAMESPACE, rank: 1 },
  { key: 'db.query.text', slot: DB_STATEMENT, rank: 2 },
  { key: 'db.statement', slot: DB_STATEMENT, rank: 1 },
  { key: 'db.operation.name', slot: DB_OPERATION, rank: 2 },
  { key: 'db.operation', slot: DB_OPERATION, rank: 1 },
  { key: A.db_params_hash, slot: DB_PARAMS_HASH, rank: 3, unique: true },
  { key: A.db_params, slot: DB_PARAMS_RAW, rank: 2, group: DB_PARAMS_HASH, unique: true },
  { key: 'db.statement.parameters', slot: DB_PARAMS_RAW, rank: 1, group: DB_PARAMS_HASH, unique: true },
  { key: 'db.response.returned_rows', slot: DB_ROWS, rank: 2 },
  { key: A.db_rows, slot: DB_ROWS, rank: 1 },
  { key: A.kind, slot: HOTPATH_KIND, rank: 1 },
  { key: A.cache_hit, slot: CACHE_HIT, rank: 1 },
  { key: A.cache_operation, slot: CACHE_OPERATION, rank: 1 },
  { key: A.cache_backend, slot: CACHE_BACKEND, rank: 1 },
  { key: A.cache_key_prefix, slot: CACHE_KEY_PREFIX, rank: 1 },
  { key: A.cache_hits, slot: CACHE_HITS, rank: 1 },
  { key: A.cache_misses, slot: CACHE_MISSES, rank: 1 },
  { key: A.template_name, slot: TEMPLATE_NAME, rank: 2 },
  { key: 'jinja2.template_name', slot: TEMPLATE_NAME, rank: 1 },
  { key: A.middleware_class, slot: MIDDLEWARE_CLASS, rank: 1 },
  { key: A.middleware_hook, slot: MIDDLEWARE_HOOK, rank: 1 },
  { key: A.view, slot: VIEW_FUNCTION, rank: 3 },
  { key: 'code.function.name', slot: VIEW_FUNCTION, rank: 2 },
  { key: 'code.function', slot: VIEW_FUNCTION, rank: 1 },
  { key: 'celery.task_name', slot: TASK_NAME, rank: 1 },
]);

/**
 * hotpath-django keys with no Span field, and why. span-fields.test.ts fails when conventions.json
 * gains a key that is neither mapped above nor listed here.
 */
export const UNMAPPED_CONVENTION_KEYS: Readonly<Record<string, string>> = {
  [A.template_engine]: 'no Span field; the template name identifies the template',
  [A.cache_alias]: 'no Span field; the backend class is kept instead',
  [A.cache_key]: 'cache keys are never stored (privacy); only hotpath.cache.key_prefix is kept',
  [A.capture]: 'a capture marker for the Python side, not span data',
  [A.profile_event]: 'profiling event name; profiles are not part of the span contract',
  [A.profile_top]: 'profiling payload; not part of the span contract',
};

const SERVICE_NAME = 0;
const SERVICE_VERSION = 1;
const ENVIRONMENT = 2;
const INSTANCE_ID = 3;
const RESOURCE_SLOT_COUNT = 4;
if (SPAN_SLOT_COUNT > MAX_SLOTS || RESOURCE_SLOT_COUNT > MAX_SLOTS) throw new Error('field-state.ts MAX_SLOTS too small');

export const RESOURCE_KEYS = new KeyTable([
  { key: 'service.name', slot: SERVICE_NAME, rank: 1 },
  { key: 'service.version', slot: SERVICE_VERSION, rank: 1 },
  { key: 'deployment.environment.name', slot: ENVIRONMENT, rank: 2 },
  { key: 'deployment.environment', slot: ENVIRONMENT, rank: 1 },
  { key: 'service.instance.id', slot: INSTANCE_ID, rank: 1 },
]);

/** Span events: only the exception event is read (trace/exceptions.md: name `exception`). */
export const EXCEPTION_EVENT_NAME = 'exception';
export const EVENT_KEYS = new KeyTable([{ key: 'exception.type', slot: 0, rank: 1 }]);

function paramsHash(raw: string): string {
  return hash('sha1', raw, 'hex').slice(0, 16);
}

/** True when a value for `e` would be kept: lets decoders skip decoding values that would lose. */
export function wanted(ranks: Uint8Array, e: KeyEntry): boolean {
  return ranks[e.group]! <= e.rank;
}

/** Claims `slot` for a value of `rank`; false when a higher-ranked key already filled it. */
function claim(ranks: Uint8Array, slot: number, rank: number): boolean {
  if (ranks[slot]! > rank) return false;
  ranks[slot] = rank;
  return true;
}

/** `interned`: `raw` is already interned (the protobuf decoder's value caches), so it is not looked up again. */
export function setSpanString(state: FieldState, span: Span, e: KeyEntry, raw: string, interned = false): void {
  const slot = e.slot;
  if (slot === HTTP_STATUS || slot === DB_ROWS || slot === CACHE_HITS || slot === CACHE_MISSES) {
    // Some instrumentations stringify ints; accept plain decimal text only.
    if (/^\d{1,15}$/.test(raw)) setSpanNumber(state, span, e, Number(raw));
    return;
  }
  if (slot === CACHE_HIT) {
    if (raw === 'true' || raw === 'false') setSpanBool(state, span, e, raw === 'true');
    return;
  }
  if (!claim(state.spanRanks, e.group, e.rank)) return;
  if (slot === SERVER_URL) {
    span.serverAddress = cutSlot(state, span, e.group, urlHost(raw));
    return;
  }
  if (slot === DB_PARAMS_RAW) {
    span.dbParamsHash = cutSlot(state, span, e.group, paramsHash(raw)); // parameters are never stored (privacy rule)
    return;
  }
  // Parameter hashes are unique per execution: interning them would only churn the table. At 1,000
  // routes a lookup in intern()'s ~9,000 entries cost 0.3 s of the bench's 12 s (cache misses), so
  // a value that came interned and was not cut is taken as it is.
  const cutValue = cutSlot(state, span, slot, raw);
  const value = slot === DB_PARAMS_HASH || (interned && cutValue === raw) ? cutValue : intern(cutValue);
  switch (slot) {
    case HTTP_METHOD: span.httpMethod = value; break;
    case HTTP_ROUTE: span.httpRoute = value; break;
    case SERVER_ADDRESS: span.serverAddress = value; break;
    case DB_SYSTEM: span.dbSystem = value; break;
    case DB_NAMESPACE: span.dbNamespace = value; break;
    case DB_STATEMENT: span.dbStatement = value; break;
    case DB_OPERATION: span.dbOperation = value; break;
    case DB_PARAMS_HASH: span.dbParamsHash = value; break;
    case HOTPATH_KIND: span.hotpathKind = value; break;
    case CACHE_OPERATION: span.cacheOperation = value; break;
    case CACHE_BACKEND: span.cacheBackend = value; break;
    case CACHE_KEY_PREFIX: span.cacheKeyPrefix = value; break;
    case TEMPLATE_NAME: span.templateName = value; break;
    case MIDDLEWARE_CLASS: span.middlewareClass = value; break;
    case MIDDLEWARE_HOOK: span.middlewareHook = value; break;
    case VIEW_FUNCTION: span.viewFunction = value; break;
    case TASK_NAME: span.taskName = value; break;
  }
}

export function setSpanNumber(state: FieldState, span: Span, e: KeyEntry, value: number): void {
  const slot = e.slot;
  if (slot !== HTTP_STATUS && slot !== DB_ROWS && slot !== CACHE_HITS && slot !== CACHE_MISSES) {
    if (slot !== CACHE_HIT) setSpanString(state, span, e, String(value));
    return;
  }
  if (!Number.isSafeInteger(value) || value < 0 || !claim(state.spanRanks, slot, e.rank)) return;
  const n = smallInt(value);
  if (slot === HTTP_STATUS) span.httpStatus = n;
  else if (slot === DB_ROWS) span.dbRows = n;
  else if (slot === CACHE_HITS) span.cacheHits = n;
  else span.cacheMisses = n;
}

export function setSpanBool(state: FieldState, span: Span, e: KeyEntry, value: boolean): void {
  // Only the cache flag is boolean; elsewhere a bool is text, as ints are (the key still outranks).
  if (e.slot !== CACHE_HIT) setSpanString(state, span, e, value ? 'true' : 'false');
  else if (claim(state.spanRanks, CACHE_HIT, e.rank)) span.cacheResult = value ? 'hit' : 'miss';
}

/** Derivations that need the whole span (kind, name); called once per accepted span. */
export function finishSpan(span: Span): void {
  // On SERVER spans server.address/net.peer.name describe this host or the caller, not a peer we call.
  if (span.kind !== SpanKind.CLIENT && span.kind !== SpanKind.PRODUCER) span.serverAddress = '';
  if (span.taskName === '' && span.kind === SpanKind.CONSUMER && span.name.startsWith('run/')) {
    span.taskName = span.name.slice(4);
  }
  if (span.cacheOperation === '' && (span.dbSystem === 'redis' || span.dbSystem === 'memcached')) {
    span.cacheOperation = span.dbOperation !== '' ? span.dbOperation : span.name;
  }
}

export function setResourceString(state: FieldState, res: Resource, e: KeyEntry, raw: string): void {
  if (!claim(state.resourceRanks, e.slot, e.rank)) return;
  const value = cut(state, null, raw);
  switch (e.slot) {
    case SERVICE_NAME:
      res.serviceName = value === '' ? UNKNOWN_SERVICE : value;
      res.serviceNameUnknown = res.serviceName === UNKNOWN_SERVICE || res.serviceName.startsWith('unknown_service:');
      break;
    case SERVICE_VERSION: res.serviceVersion = value; break;
    case ENVIRONMENT: res.environment = value; break;
    case INSTANCE_ID: res.serviceInstanceId = value; break;
  }
}
