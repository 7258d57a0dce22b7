import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { intern } from './intern.js';
import { hashBytes, LONG_BUDGET, LONG_MAX_BYTES, longText } from './long-text-cache.js';

/** A decoder that counts its calls, as proto-reader passes its native UTF-8 slice. */
function counting(): { calls: number; decode: (buf: Buffer, start: number, end: number) => string } {
  const c = { calls: 0, decode: (buf: Buffer, start: number, end: number) => { c.calls++; return buf.toString('utf8', start, end); } };
  return c;
}

interface Body { buf: Buffer; view: DataView; start: number; end: number }

/** `text` at an odd offset inside a larger buffer, as a value lies inside a request body. */
function inBody(text: string, pad = 7): Body {
  const bytes = Buffer.from(text, 'utf8');
  const buf = Buffer.alloc(bytes.length + 2 * pad, 0x41);
  bytes.copy(buf, pad);
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), start: pad, end: pad + bytes.length };
}

const hashOf = (text: string): number => { const v = inBody(text); return hashBytes(v.view, v.start, v.end); };

const SQL = 'SELECT "shop_product"."id", "shop_product"."name" FROM "shop_product" WHERE "shop_product"."category_id" = %s';

describe('longText', () => {
  test('a value seen a third time is not decoded again and comes back as the interned string', () => {
    const c = counting();
    const sql = `${SQL} /* third */`;
    const reads = [1, 2, 3, 4].map(() => { const v = inBody(sql); return longText(v.buf, v.view, v.start, v.end, c.decode); });
    for (const r of reads) assert.equal(r, sql);
    assert.equal(c.calls, 2, 'decoded on the first two sightings only');
    assert.ok(Object.is(reads[2], reads[3]));
    assert.ok(Object.is(reads[3], intern(sql)), 'the cached string is the interned one');
  });

  test('a cached value does not depend on the buffer it was first read from', () => {
    const c = counting();
    const sql = `${SQL} /* reused buffer */`;
    const v = inBody(sql);
    longText(v.buf, v.view, v.start, v.end, c.decode);
    longText(v.buf, v.view, v.start, v.end, c.decode);
    v.buf.fill(0x20); // the pooled request buffer is overwritten by the next request
    const again = inBody(sql, 3);
    assert.equal(longText(again.buf, again.view, again.start, again.end, c.decode), sql);
    assert.equal(c.calls, 2);
  });

  test('statements that differ in one character hash apart and are all cached', () => {
    const c = counting();
    const texts = Array.from({ length: 10 }, (_, i) => SQL.replaceAll('shop_product', `shop${i}_product`));
    assert.equal(new Set(texts.map(hashOf)).size, texts.length);
    for (let round = 0; round < 2; round++) for (const t of texts) { const v = inBody(t); longText(v.buf, v.view, v.start, v.end, c.decode); }
    const before = c.calls;
    for (const t of texts) { const v = inBody(t); assert.equal(longText(v.buf, v.view, v.start, v.end, c.decode), t); }
    assert.equal(c.calls, before);
  });

  test('values with the same hash are told apart byte for byte, and neither evicts the other', () => {
    // A 32-bit hash: among 200,000 values of one length a pair with equal hashes is all but certain.
    const seen = new Map<number, string>();
    let a = '', b = '';
    for (let i = 0; a === '' && i < 400_000; i++) {
      const t = `${SQL} /* ${String(i).padStart(7, '0')} */`;
      const h = hashOf(t);
      const other = seen.get(h);
      if (other !== undefined) [a, b] = [other, t];
      else seen.set(h, t);
    }
    assert.notEqual(a, '', 'no two values shared a hash');
    const c = counting();
    const perRound: number[] = [];
    for (let round = 0; round < 5; round++) {
      const before = c.calls;
      for (const text of [a, b]) {
        const v = inBody(text);
        assert.equal(longText(v.buf, v.view, v.start, v.end, c.decode), text);
      }
      perRound.push(c.calls - before);
    }
    // One of the two is cached by the end of the first round; the other is decoded every time and
    // never replaces it (were they to evict each other, every round would decode both).
    assert.deepEqual(perRound, [2, 1, 1, 1, 1]);
  });

  test('values that never repeat are decoded every time and do not push out a cached one', () => {
    const c = counting();
    const sql = `${SQL} /* stays */`;
    for (let i = 0; i < 2; i++) { const v = inBody(sql); longText(v.buf, v.view, v.start, v.end, c.decode); }
    for (let i = 0; i < 20_000; i++) {
      const url = `https://api.example.com/v1/orders/${i}?expand=lines&token=${i * 7919}`;
      const v = inBody(url);
      assert.equal(longText(v.buf, v.view, v.start, v.end, c.decode), url);
    }
    const callsBefore = c.calls;
    const v = inBody(sql);
    assert.equal(longText(v.buf, v.view, v.start, v.end, c.decode), sql);
    assert.equal(c.calls, callsBefore, 'the repeated statement is still cached');
  });

  test('copies past the byte budget start the cache over, and every value still comes back exactly', () => {
    const c = counting();
    const read = (text: string): string => { const v = inBody(text); return longText(v.buf, v.view, v.start, v.end, c.decode); };
    const big = (i: number): string => `${SQL} /* ${i} */ `.padEnd(LONG_MAX_BYTES - 8, '-') + String(i).padStart(8, '0');
    const first = big(0);
    read(first);
    read(first);
    const before = c.calls;
    assert.equal(read(first), first);
    assert.equal(c.calls, before, 'cached');
    const n = Math.ceil((2 * LONG_BUDGET) / LONG_MAX_BYTES);
    for (let i = 1; i <= n; i++) for (let k = 0; k < 2; k++) assert.equal(read(big(i)), big(i));
    const after = c.calls;
    assert.equal(read(first), first);
    assert.equal(c.calls, after + 1, 'the flood started the cache over');
  });

  test('multi-byte UTF-8 comes back exactly', () => {
    const c = counting();
    const text = 'SELECT * FROM "café" WHERE "name" = \'Zürich 東京 ✓\' AND "x" = %s';
    for (let i = 0; i < 3; i++) { const v = inBody(text); assert.equal(longText(v.buf, v.view, v.start, v.end, c.decode), text); }
  });
});
