import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HotpathError } from '../errors.js';
import { ProtoReader } from './proto-reader.js';
import { varint } from './testdata/proto-writer.js';

const failsDecode = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof HotpathError && e.code === 'DECODE_FAILED' && re.test(e.message));

describe('ProtoReader', () => {
  test('reads int64 varints exactly up to 2^53 and negative values in 10-byte form', () => {
    for (const v of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -1, -(2 ** 31), -(2 ** 53) + 1]) {
      assert.equal(new ProtoReader(varint(v)).int64(), v);
    }
  });

  test('reads fixed64 into exact 32-bit halves, including the maximum uint64', () => {
    const b = Buffer.alloc(8);
    for (const v of [0n, 1763700000123456789n, 2n ** 64n - 1n]) {
      b.writeBigUInt64LE(v);
      const r = new ProtoReader(b);
      r.fixed64Halves();
      assert.equal(r.pos, 8);
      assert.equal(BigInt(r.hi) * 2n ** 32n + BigInt(r.lo), v);
    }
  });

  test('refuses varints longer than 10 bytes and 32-bit values that overflow', () => {
    failsDecode(() => new ProtoReader(Buffer.alloc(11, 0x80)).int64(), /longer than 10 bytes/);
    failsDecode(() => new ProtoReader(varint(2 ** 32)).uint32(), /does not fit in 32 bits/);
    assert.equal(new ProtoReader(varint(2 ** 32 - 1)).uint32(), 2 ** 32 - 1);
  });

  test('refuses reads past the end with the byte offset in the message', () => {
    failsDecode(() => new ProtoReader(Buffer.from([0x80])).uint32(), /at byte 1: truncated varint/);
    failsDecode(() => new ProtoReader(Buffer.alloc(7)).fixed64Halves(), /at byte 0: truncated fixed64/);
    failsDecode(() => new ProtoReader(Buffer.from([0x03, 0x61])).string(), /at byte 0: length 3 runs past/);
  });
});

describe('ProtoReader strings', () => {
  test('returns the current text when a pooled buffer is reused with new bytes', () => {
    const b = Buffer.from('\x03abc');
    assert.equal(new ProtoReader(b).string(), 'abc');
    b.write('xyz', 1);
    assert.equal(new ProtoReader(b).string(), 'xyz');
  });

  test('decodes long and non-ASCII text, replacing invalid UTF-8', () => {
    const long = 'é'.repeat(40);
    const bytes = Buffer.from(long);
    assert.equal(new ProtoReader(Buffer.concat([varint(bytes.length), bytes])).string(), long);
    assert.equal(new ProtoReader(Buffer.from([0x02, 0xc3, 0x28])).string(), '\ufffd(');
  });
});
