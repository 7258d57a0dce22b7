// The JSON API's own thread: it owns the API port and its own read-only SQLite connection, so a
// query never waits behind a turn of ingest and analysis (slices of 15 ms, decode of exports that
// land together, GC), and a slow query (a month's window) never holds up OTLP exports. With both on
// one event loop, the bench read API p99 of 85-153 ms while ingest ran at 80% of its maximum
// (bench/README.md). Paths outside /api (/metrics, /livez, /readyz) read the main thread's state, so
// they are passed on to the main thread's internal server on loopback.
import { request as httpRequest, createServer } from 'node:http';
import { setPriority } from 'node:os';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { Express, NextFunction, Request, Response } from 'express';
import { openReadonly } from '../../../storage/database.js';
import { createApiApp } from './create-api.js';

/** What the main thread hands the API thread (structured-cloned). */
export interface ApiThreadData {
  dbPath: string;
  token: string;
  host: string;
  /** 0 for an ephemeral port; a restarted thread gets the port its predecessor had. */
  port: number;
  /** The main thread's loopback server for /metrics, /livez and /readyz. */
  internalPort: number;
  /** Linux nice value of this thread (HOTPATH_API_THREAD_NICE). */
  nice: number;
}

/** Messages from the API thread. */
export type ApiThreadMessage =
  | { type: 'listening'; port: number }
  | { type: 'error'; msg: string; err: string }
  | { type: 'closed' };

if (parentPort === null) throw new Error('api-thread.ts runs as a worker thread (see api-host.ts)');
const port = parentPort;
const data = workerData as ApiThreadData;
const post = (m: ApiThreadMessage): void => port.postMessage(m);

// On its own thread the API competes with ingest for the CPU by the kernel's fair share, not one
// request per turn of the event loop: a client calling back to back took half of a saturated core
// from ingest (bench lag phase: 2,588 API calls in the window instead of 306-612, lag p99 past
// grace 1.6 -> 4.3 s). Nice 10 weights this thread ~1/10 of the main thread while both want the CPU
// (Linux keeps the nice value per thread; 0 names the calling thread), and queries still run at
// full speed when ingest leaves the CPU idle. Elsewhere the call would lower the whole process.
if (process.platform === 'linux') {
  try {
    setPriority(0, data.nice);
  } catch {
    // Not permitted (some sandboxes): the thread runs at the process's priority.
  }
}

const db = openReadonly(data.dbPath);
const app = createApiApp({
  db,
  token: data.token,
  clock: Date.now,
  logger: { error: (obj: object, msg: string) => post({ type: 'error', msg, err: describe(obj) }) },
  extraRoutes: (a: Express) => a.use(passToMainThread(data.internalPort)),
});
const server = createServer({ maxHeaderSize: 16 * 1024 }, app);
// Not listening (port taken): thrown, so the thread ends and the main thread's Worker reports it.
server.once('error', (e) => {
  throw e;
});
server.listen(data.port, data.host, () => post({ type: 'listening', port: (server.address() as AddressInfo).port }));

port.on('message', (m: unknown) => {
  if (m !== 'close') return;
  server.close(() => {
    db.close();
    post({ type: 'closed' });
    port.close();
  });
  server.closeAllConnections();
});

/** Anything but /api goes to the main thread's server as it came (method, path, headers). */
function passToMainThread(internalPort: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path === '/api' || req.path.startsWith('/api/')) {
      next();
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: internalPort, method: req.method, path: req.originalUrl, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) res.status(502).type('text/plain').send(`main thread unavailable: ${e.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  };
}

function describe(obj: object): string {
  const err = (obj as { err?: unknown }).err;
  return err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(obj);
}
