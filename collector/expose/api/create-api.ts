import type { Database } from 'better-sqlite3';
import express from 'express';
import type { Express, NextFunction, Request, Response, Router } from 'express';
import type { Clock } from '../../contract.js';
import { HotpathError } from '../../errors.js';
import { bearerAuth } from './bearer-auth.js';
import { apiErrorHandler, apiNotFound } from './error-handler.js';
import type { ApiLogger } from './error-handler.js';
import { API_ROUTES } from './routes.js';
import { registerRoutes } from './route-spec.js';

export interface ApiDeps {
  /** A read-only connection (storage openReadonly) so API reads never wait on the writer. */
  db: Database;
  /** When set, every /api request needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  clock: Clock;
  logger?: ApiLogger | undefined;
  /** Routes mounted before /api and outside its auth (e.g. /metrics, /livez, /readyz). */
  extraRoutes?: ((app: Express) => void) | undefined;
}

/** Where createApiRouter must be mounted: route paths in the OpenAPI document are absolute. */
export const API_MOUNT = '/api';

/** Query strings past this are not a filter anyone typed; the longest legitimate one is ~1 KiB. */
export const MAX_URL_BYTES = 4096;

/**
 * The JSON API as a Router to mount at API_MOUNT (`/api`). It parses no bodies (the API is GET-only), sends no
 * CORS headers, and answers every failure, including unknown paths, as `{"error": {...}}`.
 */
export function createApiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  router.use(guardRequest);
  if (deps.token !== undefined && deps.token !== '') router.use(bearerAuth(deps.token));
  registerRoutes(router, API_ROUTES, { db: deps.db, clock: deps.clock }, API_MOUNT);
  router.use(apiNotFound);
  router.use(apiErrorHandler(deps.logger));
  return router;
}

export function createApiApp(deps: ApiDeps): Express {
  return serverApp(deps.logger, (app) => {
    deps.extraRoutes?.(app);
    app.use(API_MOUNT, createApiRouter(deps));
  });
}

/**
 * Only `extraRoutes`, for the main thread's loopback server when the API has its own thread
 * (api-thread.ts): /api is not served here, so this port never answers API reads without the token.
 */
export function createExtraRoutesApp(extraRoutes: (app: Express) => void, logger?: ApiLogger): Express {
  return serverApp(logger, extraRoutes);
}

/** An app with `mount`'s routes, and every other path answered 404 in the API's error format. */
function serverApp(logger: ApiLogger | undefined, mount: (app: Express) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  // node:querystring: repeated keys become arrays (rejected by the zod schemas), no nested objects.
  app.set('query parser', 'simple');
  mount(app);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HotpathError('NOT_FOUND', `no route ${req.method} ${req.path.slice(0, 200)}`));
  });
  app.use(apiErrorHandler(logger));
  return app;
}

function guardRequest(req: Request, res: Response, next: NextFunction): void {
  res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.set('Allow', 'GET, HEAD');
    next(new HotpathError('METHOD_NOT_ALLOWED', 'the API is read-only: use GET'));
    return;
  }
  const length = Number(req.get('content-length') ?? 0);
  if (length > 0 || req.get('transfer-encoding') !== undefined) {
    next(new HotpathError('PAYLOAD_TOO_LARGE', 'the API accepts no request body'));
    return;
  }
  if (Buffer.byteLength(req.originalUrl) > MAX_URL_BYTES) {
    next(new HotpathError('BAD_REQUEST', `URL longer than ${MAX_URL_BYTES} bytes`));
    return;
  }
  next();
}
