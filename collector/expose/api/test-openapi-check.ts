// Test support: validates a response body against the 200 schema the OpenAPI document declares.
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { buildOpenApiDocument } from './openapi.js';
import { API_ROUTES, API_VERSION } from './routes.js';

type Doc = {
  paths: Record<string, { get: { responses: Record<string, { content: { 'application/json': { schema: object } } }> } }>;
};
const doc = buildOpenApiDocument(API_ROUTES, API_VERSION) as Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();

export function assertDocumented(pathTemplate: string, body: unknown): void {
  let validate = validators.get(pathTemplate);
  if (validate === undefined) {
    const op = doc.paths[pathTemplate]?.get;
    assert.ok(op, `${pathTemplate} is not in the OpenAPI document`);
    validate = ajv.compile(op.responses[200]!.content['application/json'].schema);
    validators.set(pathTemplate, validate);
  }
  assert.ok(validate(body), `${pathTemplate} response violates its schema: ${ajv.errorsText(validate.errors)}`);
}
