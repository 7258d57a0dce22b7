import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { intern } from './intern.js';
import { SHORT_MAX_BYTES, shortText } from './short-text-cache.js';

const decode = (buf: Buffer, start: number, end: number): string => buf.toString('utf8', start, end);

function read(text: string, pad = 5): string {
  const bytes = Buffer.from(text, 'utf8');
  const buf = Buffer.alloc(bytes.length + 2 * pad, 0x7a);
  bytes.copy(buf, pad);
  return shortText(buf, pad, pad + bytes.length, decode);
}

describe('shortText', () => {
  test('every value comes back exactly, as the interned string', () => {
    const values = ['', 'SELECT', 'postgresql', 'GET /books/<int:pk>/', 'shop/book_detail.html', 'Zürich ✓ 東京', 'x'.repeat(SHORT_MAX_BYTES)];
    for (let round = 0; round < 3; round++) {
      for (const v of values) {
        const got = read(v, round + 1);
        assert.equal(got, v);
        assert.ok(Object.is(got, intern(v)), `${v} is the interned string`);
      }
    }
  });

  test('thousands of distinct values, each read twice, all come back exactly (sets fill and replace)', () => {
    const values = Array.from({ length: 30_000 }, (_, i) => `route/${i.toString(36)}/`);
    for (const v of values) assert.equal(read(v), v);
    for (const v of values) assert.equal(read(v), v);
  });

  test('a value read from a buffer that is then overwritten stays as it was read', () => {
    const bytes = Buffer.from('django.views.home', 'utf8');
    const buf = Buffer.from(bytes);
    const first = shortText(buf, 0, buf.length, decode);
    buf.fill(0x41);
    assert.equal(first, 'django.views.home');
    assert.equal(shortText(buf, 0, buf.length, decode), 'A'.repeat(bytes.length));
    assert.equal(read('django.views.home'), 'django.views.home');
  });
});
