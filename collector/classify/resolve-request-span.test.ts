import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '../contract.js';
import { dbSpan, djangoRequest, makeSpan, nextSpanId } from '../analyse/testing.js';
import { resolveRequestSpan } from './resolve-request-span.js';

describe('resolveRequestSpan', () => {
  test('a Django root is the request itself, with no envelope', () => {
    const root = djangoRequest();
    assert.deepEqual(resolveRequestSpan(root, [root]), { request: root, envelope: null });
  });

  test('a wsgi envelope with a Django child yields the child as request and the envelope separately', () => {
    const wsgi = makeSpan({ spanId: nextSpanId(), kind: SpanKind.SERVER, scope: 'opentelemetry.instrumentation.wsgi', httpMethod: 'GET', name: 'GET /books/17' });
    const django = djangoRequest({ kind: SpanKind.INTERNAL, parentSpanId: wsgi.spanId });
    const q = dbSpan('SELECT 1', { parentSpanId: django.spanId });
    const got = resolveRequestSpan(wsgi, [q, django, wsgi]);
    assert.equal(got.request, django);
    assert.equal(got.envelope, wsgi);
  });

  test('a wsgi root without a Django child stays the request', () => {
    const wsgi = makeSpan({ spanId: nextSpanId(), kind: SpanKind.SERVER, scope: 'opentelemetry.instrumentation.wsgi', httpMethod: 'GET' });
    const q = dbSpan('SELECT 1', { parentSpanId: wsgi.spanId });
    assert.deepEqual(resolveRequestSpan(wsgi, [wsgi, q]), { request: wsgi, envelope: null });
  });
});
