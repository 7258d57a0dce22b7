import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HotpathError } from '../../errors.js';
import { parseRfc3339, parseWindowLength, resolveTimeRange } from './time-window.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const badRequest = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof HotpathError && e.code === 'BAD_REQUEST' && message.test(e.message));

describe('resolveTimeRange', () => {
  test('defaults to the last 24 hours ending now', () => {
    assert.deepEqual(resolveTimeRange({}, NOW), { fromMs: NOW - 86_400_000, toMs: NOW });
  });

  test('reads window lengths in minutes, hours and days, ending at `to` when given', () => {
    assert.deepEqual(resolveTimeRange({ window: '15m' }, NOW), { fromMs: NOW - 900_000, toMs: NOW });
    assert.deepEqual(resolveTimeRange({ window: '7d' }, NOW), { fromMs: NOW - 7 * 86_400_000, toMs: NOW });
    assert.deepEqual(resolveTimeRange({ window: '2h', to: '2026-11-20T10:00:00Z' }, NOW), {
      fromMs: Date.UTC(2026, 10, 20, 8), toMs: Date.UTC(2026, 10, 20, 10),
    });
  });

  test('reads RFC 3339 from/to with offsets and fractions', () => {
    assert.deepEqual(resolveTimeRange({ from: '2026-11-21T10:30:00+01:00', to: '2026-11-21T11:00:00.5Z' }, NOW), {
      fromMs: Date.UTC(2026, 10, 21, 9, 30), toMs: Date.UTC(2026, 10, 21, 11, 0, 0, 500),
    });
  });

  test('rejects ambiguous, reversed, too long and malformed ranges', () => {
    badRequest(() => resolveTimeRange({ from: '2026-11-21T10:00:00Z', window: '1h' }, NOW), /not both/);
    badRequest(() => resolveTimeRange({ from: '2026-11-21T13:00:00Z' }, NOW), /earlier/);
    badRequest(() => resolveTimeRange({ window: '91d' }, NOW), /90 days/);
    badRequest(() => parseWindowLength('0m'), /window/);
    badRequest(() => parseWindowLength('1w'), /window/);
    badRequest(() => parseWindowLength('15 m'), /window/);
    badRequest(() => parseRfc3339('from', '2026-11-21'), /from/);
    badRequest(() => parseRfc3339('from', '2026-11-21T10:00:00'), /from/);
    badRequest(() => parseRfc3339('to', '2026-13-40T10:00:00Z'), /to/);
    badRequest(() => parseRfc3339('to', 'Sat, 21 Nov 2026 10:00:00 GMT'), /to/);
  });
});
