import { z } from 'zod';
import { HotpathError } from '../../errors.js';

// Every filter below reaches SQL only as a bound parameter; these bounds exist to give a clear 400
// on nonsense and to keep pathological inputs (megabyte strings, control bytes) out of the log.
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;
const text = (max: number) => z.string().min(1).max(max).regex(PRINTABLE, 'must not contain control characters');

export const serviceName = text(200).describe('service.name of the Django service');
export const routeName = text(500).describe('Django route template (http.route), e.g. books/<int:pk>/');
export const httpMethod = z
  .string()
  .regex(/^[A-Za-z]{1,16}$/, 'expected an HTTP method such as GET')
  .transform((m) => m.toUpperCase())
  .describe('HTTP method');
export const versionName = text(200).describe('service.version');
export const fingerprint = z
  .string()
  .regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex characters')
  .describe('SQL fingerprint');
export const traceId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters')
  .describe('W3C trace id');

/** from/to/window: turned into a TimeRange by resolveTimeRange (kept as strings here for one message style). */
export const windowParams = {
  from: z.string().max(40).optional().describe('Start of the range, RFC 3339 (exclusive with window)'),
  to: z.string().max(40).optional().describe('End of the range, RFC 3339; default now'),
  window: z.string().max(10).optional().describe('Length of the range ending at `to`: 15m, 24h, 7d; default 24h'),
};

export const filterParams = {
  service: serviceName.optional(),
  route: routeName.optional(),
  method: httpMethod.optional(),
  version: versionName.optional(),
};

export const MAX_LIMIT = 1000;
export const pageParams = {
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50).describe('Page size (max 1000)'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Rows to skip; use next_offset'),
};

/** Validates `value` or throws BAD_REQUEST naming each offending parameter. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const msg = r.error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  throw new HotpathError('BAD_REQUEST', `invalid ${where}: ${msg}`);
}
