import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { intern } from './intern.js';
import { longText, sampledHash } from './long-text-cache.js';

/** A decoder that counts its calls, as proto-reader passes its native UTF-8 slice. */
function counting(): { calls: number; decode: (buf: Buffer, start: number, end: number) => string } {
  const c = { calls: 0, decode: (buf: Buffer, start: number, end: number) => { c.calls++; return buf.toString('utf8', start, end); } };
  return c;
}

/** `text` at an odd offset inside a larger buffer, as a value lies inside a request body. */
function inBody(text: string, pad = 7): { buf: Buffer; start: number; end: number } {
  const bytes = Buffer.from(text, 'utf8');
  const buf = Buffer.alloc(bytes.length + 2 * pad, 0x41);
  bytes.copy(buf, pad);
  return { buf, start: pad, end: pad + bytes.length };
}

const SQL = 'SELECT "shop_product"."id", "shop_product"."name" FROM "shop_product" WHERE "shop_product"."category_id" = %s';

describe('longText', () => {
  test('a value seen a third time is not decoded again and comes back as the interned string', () => {
    const c = counting();
    const sql = `${SQL} /* third */`;
    const reads = [1, 2, 3, 4].map(() => { const v = inBody(sql); return longText(v.buf, v.start, v.end, c.decode); });
    for (const r of reads) assert.equal(r, sql);
    assert.equal(c.calls, 2, 'decoded on the first two sightings only');
    assert.ok(Object.is(reads[2], reads[3]));
    assert.ok(Object.is(reads[3], intern(sql)), 'the cached string is the interned one');
  });

  test('a cached value does not depend on the buffer it was first read from', () => {
    const c = counting();
    const sql = `${SQL} /* reused buffer */`;
    const v = inBody(sql);
    longText(v.buf, v.start, v.end, c.decode);
    longText(v.buf, v.start, v.end, c.decode);
    v.buf.fill(0x20); // the pooled request buffer is overwritten by the next request
    const again = inBody(sql, 3);
    assert.equal(longText(again.buf, again.start, again.end, c.decode), sql);
    assert.equal(c.calls, 2);
  });

  test('values with the same sampled hash are told apart byte for byte, and neither evicts the other', () => {
    // Same length, differing in one byte between the sampled positions: equal hashes.
    const a = `${SQL} AND "shop_product"."price" > %s`;
    let b = '';
    for (let i = 1; i < a.length - 4 && b === ''; i++) {
      const candidate = a.slice(0, i) + (a[i] === 'x' ? 'y' : 'x') + a.slice(i + 1);
      const ba = Buffer.from(a), bb = Buffer.from(candidate);
      if (sampledHash(ba, 0, ba.length) === sampledHash(bb, 0, bb.length)) b = candidate;
    }
    assert.notEqual(b, '', 'the sampled hash skips some bytes');
    const c = counting();
    const perRound: number[] = [];
    for (let round = 0; round < 5; round++) {
      const before = c.calls;
      for (const text of [a, b]) {
        const v = inBody(text);
        assert.equal(longText(v.buf, v.start, v.end, c.decode), text);
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
    for (let i = 0; i < 2; i++) { const v = inBody(sql); longText(v.buf, v.start, v.end, c.decode); }
    for (let i = 0; i < 20_000; i++) {
      const url = `https://api.example.com/v1/orders/${i}?expand=lines&token=${i * 7919}`;
      const v = inBody(url);
      assert.equal(longText(v.buf, v.start, v.end, c.decode), url);
    }
    const callsBefore = c.calls;
    const v = inBody(sql);
    assert.equal(longText(v.buf, v.start, v.end, c.decode), sql);
    assert.equal(c.calls, callsBefore, 'the repeated statement is still cached');
  });

  test('multi-byte UTF-8 comes back exactly', () => {
    const c = counting();
    const text = 'SELECT * FROM "café" WHERE "name" = \'Zürich 東京 ✓\' AND "x" = %s';
    for (let i = 0; i < 3; i++) { const v = inBody(text); assert.equal(longText(v.buf, v.start, v.end, c.decode), text); }
  });
});
