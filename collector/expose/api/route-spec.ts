import type { Database } from 'better-sqlite3';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../contract.js';
import { parseOrThrow } from './params.js';

/** What every handler may use: the read-only connection and the clock that defines "now". */
export interface RouteContext {
  db: Database;
  clock: Clock;
}

/**
 * One API operation, declared once: express registers it and the OpenAPI document is generated
 * from the same object, so the two cannot disagree about paths, parameters or responses.
 */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  /** OpenAPI-style path, `{name}` for a path parameter. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  params: P;
  query: Q;
  response: z.ZodType;
  /** Operations that look something up by id answer 404 when it does not exist. */
  notFound?: boolean;
  handle(input: { params: z.output<P>; query: z.output<Q> }, ctx: RouteContext): unknown;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<P, Q>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export const noParams = z.strictObject({});

/** `/a/{b}/c` -> `/a/:b/c` (express 5 / path-to-regexp 8 syntax). */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z_]\w*)\}/g, ':$1');
}

/** Registers `specs` on a router mounted at `mount` (their paths are absolute, `mount` included). */
export function registerRoutes(router: Router, specs: readonly RouteSpec[], ctx: RouteContext, mount: string): void {
  for (const spec of specs) {
    if (!spec.path.startsWith(mount + '/')) throw new Error(`route ${spec.path} is outside ${mount}`);
    router.get(expressPath(spec.path.slice(mount.length)), (req: Request, res: Response) => {
      const params = parseOrThrow(spec.params, { ...req.params }, 'path');
      const query = parseOrThrow(spec.query, { ...(req.query as Record<string, unknown>) }, 'query');
      res.json(spec.handle({ params, query }, ctx));
    });
  }
}
