import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isHotpathError } from '../../collector/errors.js';
import { checkTargetUrl, isLoopbackHost } from './loopback.js';

describe('isLoopbackHost', () => {
  test('accepts localhost, 127.0.0.0/8 and ::1', () => {
    for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.ok(isLoopbackHost(h), h);
  });

  test('rejects other addresses and names that merely start like loopback', () => {
    for (const h of ['10.0.0.1', '0.0.0.0', '128.0.0.1', 'example.com', '127.0.0.1.nip.io', 'localhost.evil.test', '[::2]']) {
      assert.ok(!isLoopbackHost(h), h);
    }
  });
});

describe('checkTargetUrl', () => {
  const invalid = (e: unknown): boolean => isHotpathError(e) && e.code === 'CONFIG_INVALID';

  test('refuses a remote host unless allowRemote is set', () => {
    assert.throws(() => checkTargetUrl('http://example.com:8000/', false), invalid);
    assert.equal(checkTargetUrl('http://example.com:8000/', true).hostname, 'example.com');
  });

  test('refuses non-http schemes and malformed URLs', () => {
    assert.throws(() => checkTargetUrl('ftp://127.0.0.1/', false), invalid);
    assert.throws(() => checkTargetUrl('not a url', false), invalid);
  });
});
