import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHexId, RepeatHex } from './ids.js';

describe('RepeatHex', () => {
  test('gives the right hex for repeated, changed and returning ids read one after another', () => {
    const ids = ['0102030405060708', '0102030405060708', '0102030405060709', 'ff02030405060708', '0102030405060708'];
    const buf = Buffer.from(ids.join(''), 'hex');
    const r = new RepeatHex(8);
    assert.deepEqual(ids.map((_, i) => r.of(buf, i * 8, i * 8 + 8)), ids);
  });

  test('converts ids of the other valid length and returns empty for any other', () => {
    const buf = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const r = new RepeatHex(8);
    assert.equal(r.of(buf, 0, 16), '00112233445566778899aabbccddeeff');
    assert.equal(r.of(buf, 0, 5), '');
    assert.equal(r.of(buf, 8, 16), '8899aabbccddeeff');
  });
});

describe('checkHexId', () => {
  test('refuses base64, wrong lengths and all zeros', () => {
    assert.equal(checkHexId('0af7651916cd43dd8448eb211c80319c', 16), '');
    assert.match(checkHexId('CvdlGRbNQ92ESOshHIAxnA==', 16), /hex, not base64/);
    assert.match(checkHexId('0af7651916cd43dd', 16), /32 hex/);
    assert.equal(checkHexId('0'.repeat(16), 8), 'is all zeros');
  });
});
