import { z } from 'zod';
import { HotpathError } from '../../errors.js';
import { getQueryDetail, listQueries, listSlowQueries, QUERY_SORTS, SLOW_QUERY_SORTS } from '../../../storage/read/index.js';
import { filterParams, fingerprint, pageParams, windowParams } from './params.js';
import { defineRoute, noParams } from './route-spec.js';
import { nextOffset, queryDetailSchema, queryStatsSchema, rangeFields, slowQuerySchema } from './response-schemas.js';
import { rangeJson, resolveTimeRange } from './time-window.js';

export const queriesRoute = defineRoute({
  path: '/api/v1/queries',
  operationId: 'listQueries',
  summary: 'SQL fingerprints ranked by time (a pg_stat_statements per service)',
  description: 'With route or method, the figures are those of each query inside the matching routes.',
  params: noParams,
  query: z.strictObject({
    ...windowParams,
    ...filterParams,
    sort: z.enum(QUERY_SORTS).default('total_time'),
    ...pageParams,
  }),
  response: z.strictObject({ ...rangeFields, queries: z.array(queryStatsSchema), next_offset: nextOffset }),
  handle: ({ query }, { db, clock }) => {
    const range = resolveTimeRange(query, clock());
    const { service, route, method, version } = query;
    const page = listQueries(db, range, { service, route, method, version }, query.sort, query);
    return { ...rangeJson(range), queries: page.items, next_offset: page.nextOffset };
  },
});

export const queryDetailRoute = defineRoute({
  path: '/api/v1/queries/{fingerprint}',
  operationId: 'getQuery',
  summary: 'One SQL fingerprint: statistics, time series, routes, slow executions and findings',
  params: z.strictObject({ fingerprint }),
  query: z.strictObject({ ...windowParams, ...filterParams }),
  response: queryDetailSchema,
  notFound: true,
  handle: ({ params, query }, { db, clock }) => {
    const range = resolveTimeRange(query, clock());
    const { service, route, method, version } = query;
    const detail = getQueryDetail(db, range, params.fingerprint, { service, route, method, version });
    if (detail === null) throw new HotpathError('NOT_FOUND', `no query with fingerprint ${params.fingerprint}`);
    return { ...rangeJson(range), fingerprint: params.fingerprint, ...detail };
  },
});

export const slowQueriesRoute = defineRoute({
  path: '/api/v1/slow-queries',
  operationId: 'listSlowQueries',
  summary: 'The long-query log: each execution over the slow threshold, with its trace',
  params: noParams,
  query: z.strictObject({
    ...windowParams,
    ...filterParams,
    fingerprint: fingerprint.optional(),
    sort: z.enum(SLOW_QUERY_SORTS).default('time'),
    ...pageParams,
  }),
  response: z.strictObject({ ...rangeFields, slow_queries: z.array(slowQuerySchema), next_offset: nextOffset }),
  handle: ({ query }, { db, clock }) => {
    const range = resolveTimeRange(query, clock());
    const { service, route, method, version } = query;
    const filters = { service, route, method, version, fingerprint: query.fingerprint };
    const page = listSlowQueries(db, range, filters, query.sort, query);
    return { ...rangeJson(range), slow_queries: page.items, next_offset: page.nextOffset };
  },
});
