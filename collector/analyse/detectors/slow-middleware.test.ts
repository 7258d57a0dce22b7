import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, djangoRequest, makeSpan, nextSpanId } from '../testing.js';
import type { Span } from '../../contract.js';

const mw = (parent: Span, cls: string, at: number, ms: number) =>
  makeSpan({ spanId: nextSpanId(), parentSpanId: parent.spanId, at, ms, hotpathKind: 'middleware', middlewareClass: cls, middlewareHook: '__call__' });
const found = (r: ReturnType<typeof analyse>) => r.findings.filter((f) => f.type === 'slow_middleware');

describe('slow_middleware', () => {
  test('a middleware with 50 ms of its own time fires with a class-specific hint', () => {
    const root = djangoRequest({ ms: 200 });
    const session = mw(root, 'django.contrib.sessions.middleware.SessionMiddleware', 0, 190);
    const common = mw(session, 'django.middleware.common.CommonMiddleware', 60, 100);
    const [f, ...rest] = found(analyse([root, session, common]));
    assert.equal(rest.length, 0);
    assert.equal(f?.fingerprint, 'django.contrib.sessions.middleware.SessionMiddleware');
    assert.equal(f?.totalMs, 90);
    assert.match(f!.suggestion, /cached_db/);
  });

  test('the innermost middleware is not blamed for the view\'s time when there is no view span', () => {
    const root = djangoRequest({ ms: 200 });
    const outer = mw(root, 'a.Outer', 0, 190);
    const inner = mw(outer, 'a.Inner', 5, 180);
    assert.equal(found(analyse([root, outer, inner])).length, 0);
  });

  test('the fixed middleware (fast) does not fire', () => {
    const root = djangoRequest({ ms: 200 });
    const session = mw(root, 'django.contrib.sessions.middleware.SessionMiddleware', 0, 190);
    assert.equal(found(analyse([root, session, mw(session, 'x.Inner', 2, 186)])).length, 0);
  });
});
