import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newResource, newSpan } from './span-factory.js';
import { cut, newFieldState, resetSpanState } from './field-state.js';
import conventions from '../../services/hotpath-django/src/hotpath_django/conventions.json' with { type: 'json' };
import { finishSpan, setSpanBool, setSpanNumber, setSpanString, SPAN_KEYS, UNMAPPED_CONVENTION_KEYS } from './span-fields.js';
import { urlHost } from './url-host.js';
import { intern } from './intern.js';

const entry = (key: string) => {
  const e = SPAN_KEYS.lookup(key);
  assert.ok(e, key);
  return e;
};

describe('urlHost', () => {
  const cases: [string, string][] = [
    ['https://api.example.com/v1/x?token=1', 'api.example.com'],
    ['http://user:pw@Host.Example:8080/p', 'host.example'],
    ['http://[::1]:9000/x', '::1'],
    ['https://example.com?x=@evil.com', 'example.com'],
    ['https://example.com#frag', 'example.com'],
    ['/relative/path', ''],
    ['', ''],
  ];
  for (const [url, host] of cases) test(`takes ${JSON.stringify(host)} from ${JSON.stringify(url)}`, () => assert.equal(urlHost(url), host));
});

describe('attribute mapping', () => {
  test('maps or deliberately ignores every attribute key of conventions.json', () => {
    for (const key of Object.values(conventions.attributes)) {
      const mapped = SPAN_KEYS.lookup(key) !== undefined;
      const ignored = key in UNMAPPED_CONVENTION_KEYS;
      assert.ok(mapped !== ignored, `${key}: mapped=${mapped}, listed as unmapped=${ignored}`);
    }
  });

  test('prefers the new semconv key whichever arrives first', () => {
    for (const order of [['http.method', 'http.request.method'], ['http.request.method', 'http.method']]) {
      const state = newFieldState(100);
      const span = newSpan(newResource());
      resetSpanState(state);
      for (const key of order) setSpanString(state, span, entry(key), key === 'http.method' ? 'OLD' : 'NEW');
      assert.equal(span.httpMethod, 'NEW');
    }
  });

  test('a params hash from hotpath-django wins over hashing the raw parameters', () => {
    const state = newFieldState(100);
    const span = newSpan(newResource());
    resetSpanState(state);
    setSpanString(state, span, entry('hotpath.db.params_hash'), 'abcdef0123456789');
    setSpanString(state, span, entry('db.statement.parameters'), "(1, 'secret')");
    assert.equal(span.dbParamsHash, 'abcdef0123456789');
  });

  test('accepts integers sent as decimal strings and ignores other text for numeric fields', () => {
    const state = newFieldState(100);
    const span = newSpan(newResource());
    resetSpanState(state);
    setSpanString(state, span, entry('http.status_code'), '404');
    assert.equal(span.httpStatus, 404);
    setSpanString(state, span, entry('hotpath.db.rows'), 'many');
    assert.equal(span.dbRows, -1);
    setSpanNumber(state, span, entry('http.route'), 5);
    assert.equal(span.httpRoute, '5');
    setSpanBool(state, span, entry('hotpath.cache.hit'), true);
    assert.equal(span.cacheResult, 'hit');
  });

  test('counts a value cut in dup mode once, when the newer key replaces it', () => {
    const state = newFieldState(4);
    const span = newSpan(newResource());
    resetSpanState(state);
    setSpanString(state, span, entry('db.statement'), 'SELECT 1');
    setSpanString(state, span, entry('db.query.text'), 'SELECT 2');
    assert.deepEqual([span.dbStatement, span.truncatedAttributes, state.truncated], ['SELE', 1, 1]);
  });

  test('a value that came interned is kept as given; any other value, or a cut one, is interned', () => {
    const text = `SELECT "shop_book"."id" FROM "shop_book" WHERE "shop_book"."id" = %s /* ${Math.random()} */`;
    const canonical = intern(text);
    const fresh = (): string => [...text].join(''); // equal content, another string object
    const set = (raw: string, interned: boolean, maxLen = 1000): string => {
      const state = newFieldState(maxLen);
      const span = newSpan(newResource());
      resetSpanState(state);
      setSpanString(state, span, entry('db.statement'), raw, interned);
      return span.dbStatement;
    };
    const asGiven = fresh();
    assert.ok(Object.is(set(asGiven, true), asGiven), 'interned: taken as it is');
    assert.ok(Object.is(set(fresh(), false), canonical), 'not interned: looked up');
    const cutTo = set(fresh(), true, 20);
    assert.equal(cutTo, text.slice(0, 20));
    assert.ok(Object.is(cutTo, intern(text.slice(0, 20))), 'cut: the new text is interned');
  });

  test('drops server.address on SERVER spans and derives a Celery task name from run/<name>', () => {
    const server = newSpan(newResource());
    server.kind = 2;
    server.serverAddress = 'shop.example.com';
    finishSpan(server);
    assert.equal(server.serverAddress, '');
    const worker = newSpan(newResource());
    worker.kind = 5;
    worker.name = 'run/shop.tasks.x';
    finishSpan(worker);
    assert.equal(worker.taskName, 'shop.tasks.x');
  });
});

describe('cut', () => {
  test('never leaves half of a surrogate pair', () => {
    const state = newFieldState(3);
    assert.equal(cut(state, null, 'ab😀cd'), 'ab');
    assert.equal(cut(state, null, 'abc'), 'abc');
    assert.equal(state.truncated, 1);
  });
});
