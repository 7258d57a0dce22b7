import type { TimeRange } from '../../../storage/read/index.js';
import { HotpathError } from '../../errors.js';


export interface WindowInput {
  from?: string | undefined;
  to?: string | undefined;
  window?: string | undefined;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Retention of hour rollups is measured in weeks; a window past 90 days can only be a typo. */
export const MAX_WINDOW_MS = 90 * UNIT_MS.d;
export const DEFAULT_WINDOW = '24h';

// RFC 3339 section 5.6 date-time: a full date, 'T' (or 't'/space per the note), time, and a
// mandatory offset. Date.parse alone would also accept "2026", "Nov 21" and other local-time forms.
const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const WINDOW = /^([1-9]\d{0,4})([mhd])$/;

export function parseRfc3339(name: string, value: string): number {
  const ms = RFC3339.test(value) ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new HotpathError('BAD_REQUEST', `${name}: expected an RFC 3339 timestamp such as 2026-01-31T12:00:00Z`);
  }
  return ms;
}

export function parseWindowLength(value: string): number {
  const m = WINDOW.exec(value);
  if (m === null) {
    throw new HotpathError('BAD_REQUEST', 'window: expected a number and a unit m, h or d, such as 15m, 24h or 7d');
  }
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/**
 * Resolves `from`/`to` (RFC 3339) or `window` (a length ending at `to`, default now) into a range.
 * `from` and `window` together are ambiguous and rejected rather than silently preferring one.
 */
export function resolveTimeRange(input: WindowInput, nowMs: number): TimeRange {
  if (input.from !== undefined && input.window !== undefined) {
    throw new HotpathError('BAD_REQUEST', 'give either from (with optional to) or window, not both');
  }
  const toMs = input.to === undefined ? nowMs : parseRfc3339('to', input.to);
  const fromMs =
    input.from !== undefined
      ? parseRfc3339('from', input.from)
      : toMs - parseWindowLength(input.window ?? DEFAULT_WINDOW);
  if (fromMs >= toMs) throw new HotpathError('BAD_REQUEST', 'from must be earlier than to');
  if (toMs - fromMs > MAX_WINDOW_MS) {
    throw new HotpathError('BAD_REQUEST', 'the time range may not exceed 90 days');
  }
  return { fromMs, toMs };
}

export function rangeJson(range: TimeRange): { from: string; to: string } {
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
}
