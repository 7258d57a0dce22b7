import { z } from 'zod';
import { HotpathError } from '../../errors.js';
import { compareVersions, FINDING_TYPES, getStoredRequest, listFindings } from '../../../storage/read/index.js';
import { filterParams, pageParams, serviceName, traceId, versionName, windowParams } from './params.js';
import { defineRoute, noParams } from './route-spec.js';
import { comparisonSchema, findingSchema, nextOffset, rangeFields, storedRequestSchema } from './response-schemas.js';
import { rangeJson, resolveTimeRange } from './time-window.js';

export const findingsRoute = defineRoute({
  path: '/api/v1/findings',
  operationId: 'listFindings',
  summary: 'Detected problems (N+1, duplicate queries, slow queries...), most time lost first',
  params: noParams,
  query: z.strictObject({
    ...windowParams,
    ...filterParams,
    type: z.enum(FINDING_TYPES).optional(),
    fingerprint: z.string().min(1).max(500).optional().describe('SQL fingerprint, or template/middleware name'),
    ...pageParams,
  }),
  response: z.strictObject({ ...rangeFields, findings: z.array(findingSchema), next_offset: nextOffset }),
  handle: ({ query }, { db, clock }) => {
    const range = resolveTimeRange(query, clock());
    const { service, route, method, version, type } = query;
    const page = listFindings(db, range, { service, route, method, version, type, fingerprint: query.fingerprint }, query);
    return { ...rangeJson(range), findings: page.items, next_offset: page.nextOffset };
  },
});

export const requestRoute = defineRoute({
  path: '/api/v1/requests/{trace_id}',
  operationId: 'getRequest',
  summary: 'A stored request: its classified spans, offsets, fingerprints, cache outcomes, duplicates and findings',
  description: 'Only slow, failed or flagged requests are stored whole. A trace crossing services may hold several; span_id picks one.',
  params: z.strictObject({ trace_id: traceId }),
  query: z.strictObject({ span_id: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex characters').optional() }),
  response: storedRequestSchema,
  notFound: true,
  handle: ({ params, query }, { db }) => {
    const req = getStoredRequest(db, params.trace_id, query.span_id);
    if (req === null) throw new HotpathError('NOT_FOUND', `no stored request for trace ${params.trace_id}`);
    return req;
  },
});

export const compareRoute = defineRoute({
  path: '/api/v1/compare',
  operationId: 'compareVersions',
  summary: 'What got slower or more frequent between two versions (deploys) of a service',
  description: 'Per endpoint and per SQL fingerprint; the default range is 7d so both deploys are in it.',
  params: noParams,
  query: z.strictObject({
    ...windowParams,
    service: serviceName,
    from_version: versionName.describe('the earlier service.version'),
    to_version: versionName.describe('the later service.version'),
  }).refine((q) => q.from_version !== q.to_version, { message: 'from_version and to_version must differ' }),
  response: comparisonSchema,
  handle: ({ query }, { db, clock }) => {
    const range = resolveTimeRange({ ...query, window: query.window ?? (query.from === undefined ? '7d' : undefined) }, clock());
    return { ...rangeJson(range), ...compareVersions(db, range, query.service, query.from_version, query.to_version) };
  },
});
