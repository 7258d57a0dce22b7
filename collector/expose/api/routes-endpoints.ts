import { z } from 'zod';
import { HotpathError } from '../../errors.js';
import { ENDPOINT_SORTS, getEndpointDetail, listEndpoints, listServices } from '../../../storage/read/index.js';
import { filterParams, httpMethod, pageParams, routeName, serviceName, versionName, windowParams } from './params.js';
import { defineRoute, noParams } from './route-spec.js';
import { endpointDetailSchema, endpointSchema, nextOffset, rangeFields, serviceSchema } from './response-schemas.js';
import { rangeJson, resolveTimeRange } from './time-window.js';

export const servicesRoute = defineRoute({
  path: '/api/v1/services',
  operationId: 'listServices',
  summary: 'Services seen, their versions, and their request totals over the range',
  params: noParams,
  query: z.strictObject({ ...windowParams }),
  response: z.strictObject({ ...rangeFields, services: z.array(serviceSchema) }),
  handle: ({ query }, { db, clock }) => {
    const range = resolveTimeRange(query, clock());
    return { ...rangeJson(range), services: listServices(db, range) };
  },
});

export const endpointsRoute = defineRoute({
  path: '/api/v1/endpoints',
  operationId: 'listEndpoints',
  summary: 'Endpoints ranked by where the time goes',
  description:
    'sort=total_time (default) ranks by total request time, the big picture: a fast endpoint called ' +
    'constantly can cost more than a slow rare one. share is each endpoint\'s part of all request time.',
  params: noParams,
  query: z.strictObject({
    ...windowParams,
    ...filterParams,
    kind: z.enum(['request', 'task']).default('request').describe('Django requests or Celery tasks'),
    sort: z.enum(ENDPOINT_SORTS).default('total_time'),
    ...pageParams,
  }),
  response: z.strictObject({ ...rangeFields, endpoints: z.array(endpointSchema), next_offset: nextOffset }),
  handle: ({ query }, { db, clock }) => {
    const range = resolveTimeRange(query, clock());
    const { service, route, method, version, kind } = query;
    const page = listEndpoints(db, range, { service, route, method, version, kind }, query.sort, query);
    return { ...rangeJson(range), endpoints: page.items, next_offset: page.nextOffset };
  },
});

export const endpointDetailRoute = defineRoute({
  path: '/api/v1/endpoints/{service}/{method}/{route}',
  operationId: 'getEndpoint',
  summary: 'One endpoint: its breakdown over time, top queries, findings and sampled requests',
  description: 'route contains slashes: URL-encode it as one path segment, e.g. books%2F%3Cint%3Apk%3E%2F.',
  params: z.strictObject({ service: serviceName, method: httpMethod, route: routeName }),
  query: z.strictObject({ ...windowParams, version: versionName.optional() }),
  response: endpointDetailSchema,
  notFound: true,
  handle: ({ params, query }, { db, clock }) => {
    const range = resolveTimeRange(query, clock());
    const detail = getEndpointDetail(db, range, params, query.version);
    if (detail === null) {
      throw new HotpathError('NOT_FOUND', `no requests for ${params.method} ${params.route} of ${params.service} in the range`);
    }
    return { ...rangeJson(range), ...detail };
  },
});
