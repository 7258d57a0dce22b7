import { z } from 'zod';
import { buildOpenApiDocument } from './openapi.js';
import { defineRoute, noParams } from './route-spec.js';
import type { RouteSpec } from './route-spec.js';
import { endpointDetailRoute, endpointsRoute, servicesRoute } from './routes-endpoints.js';
import { compareRoute, findingsRoute, requestRoute } from './routes-findings.js';
import { queriesRoute, queryDetailRoute, slowQueriesRoute } from './routes-queries.js';

export const API_VERSION = '1.0.0';

let document: Record<string, unknown> | undefined;

const openApiRoute = defineRoute({
  path: '/api/v1/openapi.json',
  operationId: 'getOpenApi',
  summary: 'This document',
  params: noParams,
  query: z.strictObject({}),
  response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
  handle: () => (document ??= buildOpenApiDocument(API_ROUTES, API_VERSION)),
});

/** Every API operation; express registration and the OpenAPI document both come from this list. */
export const API_ROUTES: readonly RouteSpec[] = [
  servicesRoute,
  endpointsRoute,
  endpointDetailRoute,
  queriesRoute,
  queryDetailRoute,
  slowQueriesRoute,
  findingsRoute,
  requestRoute,
  compareRoute,
  openApiRoute,
];
