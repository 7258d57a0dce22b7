// Test helpers: hand-built spans with the contract's "not present" defaults ('' / 0 / -1), so a
// test states only the fields its behaviour depends on. Used by assemble, classify and analyse tests.

import { SpanKind, StatusCode } from '../contract.js';
import type { AnalysedRequest, AssembledRequest, Resource, Span } from '../contract.js';
import { analyseRequest } from './analyse-request.js';
import { resolveAnalysisConfig } from './analysis-config.js';
import type { AnalysisConfigInput } from './analysis-config.js';
import { FingerprintCache } from './fingerprint/fingerprint-cache.js';
import { newPlainSpan } from '../decode/span-factory.js';

export function makeResource(over: Partial<Resource> = {}): Resource {
  return {
    serviceName: 'shop',
    serviceNameUnknown: false,
    serviceVersion: '',
    environment: '',
    serviceInstanceId: '',
    ...over,
  };
}

const defaultResource = makeResource();
const TRACE = '0af7651916cd43dd8448eb211c80319c';

export interface SpanInput extends Partial<Span> {
  /** Start offset in ms from a fixed epoch (shorthand for startMs). */
  at?: number;
  /** Duration in ms (shorthand for durationMs). */
  ms?: number;
}

const EPOCH_MS = 1_763_700_000_000;

export function makeSpan(input: SpanInput = {}): Span {
  const { at, ms, ...over } = input;
  const startMs = over.startMs ?? EPOCH_MS + (at ?? 0);
  const durationMs = over.durationMs ?? ms ?? 1;
  // The decoder's factory gives every contract field its "not present" default.
  return {
    ...newPlainSpan(defaultResource),
    traceId: TRACE,
    name: 'span',
    kind: SpanKind.INTERNAL,
    statusCode: StatusCode.UNSET,
    ...over,
    startMs,
    durationMs,
  };
}

let counter = 0;
/** A fresh 16-hex span id per call (deterministic within a process). */
export function nextSpanId(): string {
  counter++;
  return counter.toString(16).padStart(16, '0');
}

/** The Django request span as opentelemetry-instrumentation-django emits it (kind SERVER). */
export function djangoRequest(input: SpanInput = {}): Span {
  return makeSpan({
    spanId: nextSpanId(),
    name: 'GET books/',
    kind: SpanKind.SERVER,
    scope: 'opentelemetry.instrumentation.django',
    httpMethod: 'GET',
    httpRoute: 'books/',
    httpStatus: 200,
    ms: 100,
    ...input,
  });
}

/** A psycopg SELECT client span. */
export function dbSpan(statement: string, input: SpanInput = {}): Span {
  return makeSpan({
    spanId: nextSpanId(),
    name: statement.split(' ', 1)[0] ?? 'SELECT',
    kind: SpanKind.CLIENT,
    scope: 'opentelemetry.instrumentation.psycopg',
    dbSystem: 'postgresql',
    dbNamespace: 'shop',
    dbStatement: statement,
    ...input,
  });
}

/** A hotpath-django cache span (hotpath.kind=cache). */
export function cacheSpan(input: SpanInput = {}): Span {
  return makeSpan({
    spanId: nextSpanId(),
    name: 'django.cache.get',
    scope: 'hotpath_django',
    hotpathKind: 'cache',
    cacheOperation: 'get',
    ...input,
  });
}

/** Wraps spans as the assembler would: the first span with an empty parent is the root. */
export function assembled(spans: Span[], opts: { root?: Span | null; partial?: boolean } = {}): AssembledRequest {
  const root = opts.root !== undefined ? opts.root : (spans.find((s) => s.parentSpanId === '' || s.parentIsRemote) ?? null);
  return {
    traceId: root?.traceId ?? '',
    root,
    spans,
    partial: opts.partial ?? false,
    droppedSpans: 0,
    resource: spans[0]?.resource ?? defaultResource,
  };
}

/** Runs the full analysis with a fresh fingerprint cache and config overrides. */
export function analyse(spans: Span[], cfg: AnalysisConfigInput = {}, opts: { root?: Span | null; partial?: boolean } = {}): AnalysedRequest {
  return analyseRequest(assembled(spans, opts), resolveAnalysisConfig(cfg), new FingerprintCache());
}

/** `n` sequential executions of `statement` under `parent`, `ms` each, starting at `at`. */
export function queryLoop(parent: Span, statement: string, n: number, opts: { at?: number; ms?: number; params?: (i: number) => string; rows?: number } = {}): Span[] {
  const at = opts.at ?? 10;
  const ms = opts.ms ?? 12;
  return Array.from({ length: n }, (_, i) =>
    dbSpan(statement, { parentSpanId: parent.spanId, at: at + i * (ms + 1), ms, dbParamsHash: opts.params?.(i) ?? '', dbRows: opts.rows ?? -1 }),
  );
}

/** Statements as Django 5 + psycopg send them for the demo "shop" app. */
export const SQL = {
  books: 'SELECT "shop_book"."id", "shop_book"."title", "shop_book"."author_id" FROM "shop_book"',
  booksWithAuthors:
    'SELECT "shop_book"."id", "shop_book"."title", "shop_author"."id", "shop_author"."name" FROM "shop_book" INNER JOIN "shop_author" ON ("shop_book"."author_id" = "shop_author"."id")',
  authorById: 'SELECT "shop_author"."id", "shop_author"."name" FROM "shop_author" WHERE "shop_author"."id" = %s LIMIT 21',
  reviewsOfBook: 'SELECT "shop_review"."id", "shop_review"."stars" FROM "shop_review" WHERE "shop_review"."book_id" = %s',
  reviewsOfBooks: 'SELECT "shop_review"."id", "shop_review"."stars" FROM "shop_review" WHERE "shop_review"."book_id" IN (%s, %s, %s)',
  countBooks: 'SELECT COUNT(*) AS "__count" FROM "shop_book"',
  booksPage: 'SELECT "shop_book"."id", "shop_book"."title" FROM "shop_book" ORDER BY "shop_book"."id" ASC LIMIT 20',
  insertReview: 'INSERT INTO "shop_review" ("book_id", "stars") VALUES (%s, %s) RETURNING "shop_review"."id"',
  bulkInsertReviews: 'INSERT INTO "shop_review" ("book_id", "stars") VALUES (%s, %s), (%s, %s), (%s, %s) RETURNING "shop_review"."id"',
} as const;
