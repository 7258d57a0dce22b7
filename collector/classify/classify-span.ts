// Span -> Category, per CLASSIFICATION.md beside this file (the rules are numbered there; keep the
// order of checks below identical). Pure and allocation-free: runs once per span, so every test is
// a field comparison or a Set lookup, never a regex.

import { SpanKind } from '../contract.js';
import type { Category, Span } from '../contract.js';

export const DJANGO_SCOPE = 'opentelemetry.instrumentation.django';
export const CELERY_SCOPE = 'opentelemetry.instrumentation.celery';
const JINJA2_SCOPE = 'opentelemetry.instrumentation.jinja2';
const JINJA2_SPANS = new Set(['jinja2.render', 'jinja2.compile', 'jinja2.load']);
/** Shape of the unmerged contrib PR #4624 middleware spans (reference §1.8): forward compatibility. */
const CONTRIB_MIDDLEWARE_PREFIX = 'django.middleware ';

const CACHE_SYSTEMS = new Set(['redis', 'memcached']);
const CACHE_SCOPES = new Set(['opentelemetry.instrumentation.redis', 'opentelemetry.instrumentation.pymemcache']);
const DB_SCOPES = new Set([
  'opentelemetry.instrumentation.psycopg',
  'opentelemetry.instrumentation.psycopg2',
  'opentelemetry.instrumentation.sqlite3',
  'opentelemetry.instrumentation.dbapi',
  'opentelemetry.instrumentation.mysqlclient',
  'opentelemetry.instrumentation.pymysql',
  'opentelemetry.instrumentation.asyncpg',
  'opentelemetry.instrumentation.aiopg',
  'opentelemetry.instrumentation.sqlalchemy',
]);
/**
 * Redis commands that Django's cache backends never issue but Celery/kombu brokers do (reference
 * §8 rule 3): such spans are queue traffic, not cache calls.
 */
const BROKER_COMMANDS = new Set([
  'BRPOP', 'BLPOP', 'BRPOPLPUSH', 'BLMOVE', 'BZPOPMIN', 'BZPOPMAX', 'LPUSH', 'RPUSH', 'LPOP', 'RPOP',
  'PUBLISH', 'SUBSCRIBE', 'PSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'XADD', 'XREAD', 'XREADGROUP',
]);

/** hotpath.kind values (services/hotpath-django conventions.json `kinds`) and what they mean here. */
const HOTPATH_KINDS: Readonly<Record<string, Category>> = {
  middleware: 'middleware',
  template: 'template',
  cache: 'cache',
  view: 'view',
};

export function classifySpan(span: Span): Category {
  // Rule 1: our own package says what the span is; nothing else can be more precise.
  if (span.hotpathKind !== '') {
    const known = HOTPATH_KINDS[span.hotpathKind];
    if (known !== undefined) return known;
  }
  // Rule 2: contrib-style middleware spans (must precede rule 3: same scope).
  if (span.kind === SpanKind.INTERNAL && span.name.startsWith(CONTRIB_MIDDLEWARE_PREFIX)) return 'middleware';
  // Rule 3: the Django request span is SERVER, or INTERNAL under a wsgi/asgi envelope (§1.3).
  // Only those kinds: a CLIENT span recorded through a tracer that happens to share the scope
  // name is still a database, cache or HTTP call, and falls through to the rules below.
  if (span.scope === DJANGO_SCOPE && (span.kind === SpanKind.SERVER || span.kind === SpanKind.INTERNAL)) return 'request';
  // Rule 4: Celery worker spans are tasks; enqueue (PRODUCER) spans are ordinary "other" work.
  if (span.scope === CELERY_SCOPE) return span.kind === SpanKind.CONSUMER ? 'task' : 'other';
  // Rule 5: generic server span (wsgi/asgi/other frameworks).
  if (span.kind === SpanKind.SERVER) return span.httpMethod !== '' ? 'request' : 'other';
  // Rules 6-7: cache before db, because redis/memcached spans carry db.system too.
  if (CACHE_SYSTEMS.has(span.dbSystem) || CACHE_SCOPES.has(span.scope)) {
    return BROKER_COMMANDS.has(firstWordUpper(span.name)) ? 'other' : 'cache';
  }
  if (span.dbSystem !== '' || DB_SCOPES.has(span.scope)) return 'db';
  // Rule 8: templates we can see (Jinja2 contrib spans, or any span naming a template).
  if (span.scope === JINJA2_SCOPE ? JINJA2_SPANS.has(span.name) : span.templateName !== '') return 'template';
  // Rule 9: outbound HTTP, checked after db/cache since all three are CLIENT spans.
  if (span.kind === SpanKind.CLIENT && span.httpMethod !== '') return 'outbound_http';
  // Rule 10: a consumer span naming a task (Celery without the contrib scope, e.g. re-exported).
  if (span.kind === SpanKind.CONSUMER && span.taskName !== '') return 'task';
  return 'other';
}

function firstWordUpper(name: string): string {
  const space = name.indexOf(' ');
  return (space < 0 ? name : name.slice(0, space)).toUpperCase();
}
