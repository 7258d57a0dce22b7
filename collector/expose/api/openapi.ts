import { z } from 'zod';
import type { RouteSpec } from './route-spec.js';

type JsonSchema = Record<string, unknown>;

const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('Stable code from the Hotpath error catalogue, e.g. BAD_REQUEST'),
    message: z.string(),
  }),
});

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // `unrepresentable: 'any'` keeps transforms (e.g. the upper-cased method) documentable by their input.
  const js = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  delete js.$schema;
  return js;
}

function parametersOf(s: z.ZodType, where: 'path' | 'query'): JsonSchema[] {
  const js = schemaOf(s, 'input');
  const props = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const errorRef = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** OpenAPI 3.1 (JSON Schema 2020-12 dialect, which is what z.toJSONSchema emits) for `specs`. */
export function buildOpenApiDocument(specs: readonly RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const responses: Record<string, unknown> = {
      200: { description: 'OK', content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } },
      400: errorRef('Invalid parameter; the message names it'),
      401: errorRef('Bearer token missing or wrong (only when the server has a token configured)'),
    };
    if (spec.notFound === true) responses[404] = errorRef('No such item in the stored history');
    paths[spec.path] = {
      get: {
        operationId: spec.operationId,
        summary: spec.summary,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hotpath API',
      version,
      description:
        'Where a Django service spends its time, from OpenTelemetry traces. Times are milliseconds; ' +
        'time ranges are [from, to) given as RFC 3339 or as a window ending now.',
    },
    servers: [{ url: '/' }],
    security: [{}, { bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: schemaOf(errorBody, 'output') },
    },
    paths,
  };
}
