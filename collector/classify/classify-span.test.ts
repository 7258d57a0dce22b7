import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '../contract.js';
import { cacheSpan, dbSpan, djangoRequest, makeSpan } from '../analyse/testing.js';
import { classifySpan } from './classify-span.js';

describe('classifySpan', () => {
  test('the Django span is the request whether SERVER or INTERNAL under an envelope', () => {
    assert.equal(classifySpan(djangoRequest()), 'request');
    assert.equal(classifySpan(djangoRequest({ kind: SpanKind.INTERNAL })), 'request');
  });

  test('a CLIENT span under the Django scope name is still classified by what it calls', () => {
    const scope = 'opentelemetry.instrumentation.django';
    assert.equal(classifySpan(makeSpan({ scope, kind: SpanKind.CLIENT, dbSystem: 'postgresql', dbStatement: 'SELECT 1' })), 'db');
    assert.equal(classifySpan(makeSpan({ scope, kind: SpanKind.CLIENT, dbSystem: 'redis' })), 'cache');
    assert.equal(classifySpan(makeSpan({ scope, kind: SpanKind.CLIENT, httpMethod: 'GET' })), 'outbound_http');
  });

  test('a wsgi SERVER span with an HTTP method is a request; a SERVER span without one is other', () => {
    const wsgi = makeSpan({ kind: SpanKind.SERVER, scope: 'opentelemetry.instrumentation.wsgi', httpMethod: 'GET' });
    assert.equal(classifySpan(wsgi), 'request');
    assert.equal(classifySpan(makeSpan({ kind: SpanKind.SERVER, scope: 'grpc' })), 'other');
  });

  test('redis and memcached are cache even though they carry db.system', () => {
    const redis = makeSpan({ kind: SpanKind.CLIENT, name: 'GET', dbSystem: 'redis', scope: 'opentelemetry.instrumentation.redis' });
    const memcached = makeSpan({ kind: SpanKind.CLIENT, name: 'get_many', dbSystem: 'memcached' });
    const pipeline = makeSpan({ kind: SpanKind.CLIENT, name: 'MSET EXPIRE EXPIRE', dbSystem: 'redis' });
    assert.equal(classifySpan(redis), 'cache');
    assert.equal(classifySpan(memcached), 'cache');
    assert.equal(classifySpan(pipeline), 'cache');
  });

  test('redis broker commands from Celery/kombu are not cache calls', () => {
    assert.equal(classifySpan(makeSpan({ kind: SpanKind.CLIENT, name: 'BRPOP', dbSystem: 'redis' })), 'other');
    assert.equal(classifySpan(makeSpan({ kind: SpanKind.CLIENT, name: 'LPUSH', dbSystem: 'redis' })), 'other');
  });

  test('every SQL system is db, found by db.system or by the driver scope alone', () => {
    assert.equal(classifySpan(dbSpan('SELECT 1')), 'db');
    assert.equal(classifySpan(makeSpan({ kind: SpanKind.CLIENT, dbSystem: 'sqlite' })), 'db');
    assert.equal(classifySpan(makeSpan({ kind: SpanKind.CLIENT, scope: 'opentelemetry.instrumentation.sqlite3' })), 'db');
  });

  test('a db span that also has HTTP fields (dup-mode keys on one span) is counted once, as db', () => {
    const dup = dbSpan('SELECT 1', { httpMethod: 'GET', serverAddress: 'db.local' });
    assert.equal(classifySpan(dup), 'db');
  });

  test('outbound HTTP is a CLIENT span with a method and no db system', () => {
    const out = makeSpan({ kind: SpanKind.CLIENT, scope: 'opentelemetry.instrumentation.requests', httpMethod: 'GET' });
    assert.equal(classifySpan(out), 'outbound_http');
  });

  test('hotpath.kind wins over every other rule', () => {
    assert.equal(classifySpan(cacheSpan()), 'cache');
    // Our cache span around a DatabaseCache query must stay cache even if it carries db fields.
    assert.equal(classifySpan(cacheSpan({ dbSystem: 'postgresql' })), 'cache');
    assert.equal(classifySpan(makeSpan({ hotpathKind: 'middleware', scope: 'hotpath_django' })), 'middleware');
    assert.equal(classifySpan(makeSpan({ hotpathKind: 'template', templateName: 'shop/list.html' })), 'template');
    assert.equal(classifySpan(makeSpan({ hotpathKind: 'view' })), 'view');
  });

  test('an unknown hotpath.kind falls through to the generic rules', () => {
    assert.equal(classifySpan(dbSpan('SELECT 1', { hotpathKind: 'future-thing' })), 'db');
  });

  test('contrib-style "django.middleware X" INTERNAL spans are middleware, not a second request', () => {
    const mw = makeSpan({ name: 'django.middleware SessionMiddleware', scope: 'opentelemetry.instrumentation.django' });
    assert.equal(classifySpan(mw), 'middleware');
  });

  test('Jinja2 render spans are templates; other jinja2-scope spans are not', () => {
    assert.equal(classifySpan(makeSpan({ scope: 'opentelemetry.instrumentation.jinja2', name: 'jinja2.render' })), 'template');
    assert.equal(classifySpan(makeSpan({ scope: 'opentelemetry.instrumentation.jinja2', name: 'jinja2.other' })), 'other');
  });

  test('Celery worker spans are tasks, enqueue spans are other', () => {
    const scope = 'opentelemetry.instrumentation.celery';
    assert.equal(classifySpan(makeSpan({ scope, kind: SpanKind.CONSUMER, name: 'run/shop.tasks.reindex' })), 'task');
    assert.equal(classifySpan(makeSpan({ scope, kind: SpanKind.PRODUCER, name: 'apply_async/shop.tasks.reindex' })), 'other');
  });

  test('ASGI send/receive and plain INTERNAL spans are other', () => {
    assert.equal(classifySpan(makeSpan({ name: 'GET /x http send', scope: 'opentelemetry.instrumentation.asgi' })), 'other');
    assert.equal(classifySpan(makeSpan()), 'other');
  });
});
