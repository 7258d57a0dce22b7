import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, dbSpan, djangoRequest, makeSpan, nextSpanId, SQL } from '../testing.js';
import type { Span } from '../../contract.js';

const template = (parent: Span, name: string, at: number, ms: number) =>
  makeSpan({ spanId: nextSpanId(), parentSpanId: parent.spanId, at, ms, hotpathKind: 'template', templateName: name });
const found = (r: ReturnType<typeof analyse>) => r.findings.filter((f) => f.type === 'slow_template');

describe('slow_template', () => {
  test('a template whose own render time passes 100 ms fires, naming queries run while rendering', () => {
    const root = djangoRequest({ ms: 400 });
    const page = template(root, 'shop/list.html', 10, 150);
    const q = dbSpan(SQL.authorById, { parentSpanId: page.spanId, at: 20, ms: 10 });
    const [f] = found(analyse([root, page, q]));
    assert.equal(f?.fingerprint, 'shop/list.html');
    assert.equal(f?.totalMs, 140);
    assert.match(f!.suggestion, /1 queries also ran while rendering/);
  });

  test('an outer template is not blamed for a slow include; the include is', () => {
    const root = djangoRequest({ ms: 400 });
    const page = template(root, 'shop/list.html', 10, 200);
    const include = template(page, 'shop/chart.html', 20, 180);
    const r = found(analyse([root, page, include]));
    assert.deepEqual(r.map((f) => f.fingerprint), ['shop/chart.html']);
  });

  test('the fixed template (fast render) does not fire', () => {
    const root = djangoRequest({ ms: 400 });
    assert.equal(found(analyse([root, template(root, 'shop/list.html', 10, 40)])).length, 0);
  });
});
