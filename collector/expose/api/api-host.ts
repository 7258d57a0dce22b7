// The main thread's side of the API thread (api-thread.ts): starts it, restarts it if it dies, and
// stops it at shutdown. The main thread keeps /metrics, /livez and /readyz on a loopback server
// that the API thread passes those paths to. ApiService below decides which of the two listens where.
import { existsSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ApiThreadData, ApiThreadMessage } from './api-thread.js';

export interface ApiThreadLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A thread that died is started again after this long, so a thread failing at start cannot spin. */
const RESTART_DELAY_MS = 1000;

/**
 * Compiled: api-thread.js beside this file. From source (`node --import tsx`, as the tests run the
 * collector): a worker does not inherit the parent's module hooks on Node 20 ("Unknown file
 * extension .ts"), so it registers tsx itself before importing the .ts source.
 */
function threadEntry(): [string, { eval?: boolean }] {
  const js = fileURLToPath(new URL('./api-thread.js', import.meta.url));
  if (existsSync(js)) return [js, {}];
  const ts = new URL('./api-thread.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return [`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); });`, { eval: true }];
}

export class ApiThread {
  private worker: Worker | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Times the thread died and was started again. */
  restarts = 0;

  constructor(
    private readonly data: ApiThreadData,
    private readonly log: ApiThreadLog,
  ) {}

  /** Starts the thread and resolves with the port it listens on. */
  async start(): Promise<number> {
    const port = await this.spawn();
    this.data.port = port;
    return port;
  }

  private spawn(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const [entry, opts] = threadEntry();
      const w = new Worker(entry, { ...opts, workerData: this.data });
      let listening = false;
      w.on('message', (m: ApiThreadMessage) => {
        if (m.type === 'listening') {
          listening = true;
          resolve(m.port);
        } else if (m.type === 'error') this.log.error({ err: m.err }, m.msg);
      });
      w.on('error', (e) => {
        if (!listening) reject(e);
        else this.log.error({ err: e }, 'the API thread failed');
      });
      w.on('exit', (code) => {
        if (this.worker === w) this.worker = null;
        if (!listening) {
          reject(new Error(`the API thread exited with code ${code} before listening`));
          return;
        }
        if (this.stopping) return;
        this.restarts++;
        this.log.warn({ code, restarts: this.restarts }, 'the API thread exited; starting it again');
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (!this.stopping) this.spawn().catch((e: unknown) => this.log.error({ err: e }, 'the API thread could not be started again'));
        }, RESTART_DELAY_MS);
        this.restartTimer.unref();
      });
      this.worker = w;
    });
  }

  /** Closes the API server and its connections, then ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    const w = this.worker;
    if (w === null) return;
    await new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.on('message', (m: ApiThreadMessage) => {
        if (m.type === 'closed') void w.terminate();
      });
      w.postMessage('close');
    });
  }
}

export interface ApiServiceConfig {
  /** The API on its own thread (api-thread.ts); `app` then serves only what the thread passes on. */
  threaded: boolean;
  dbPath: string;
  /** '' for none. */
  token: string;
  host: string;
  port: number;
  /** Nice value of the API thread. */
  nice: number;
}

/**
 * Where the API listens. Threaded, `app` (health and /metrics) listens on an ephemeral loopback port
 * and the thread owns the public port; otherwise `app` is the whole API on the public port.
 */
export class ApiService {
  private thread: ApiThread | null = null;
  private server: Server | null = null;

  constructor(
    private readonly cfg: ApiServiceConfig,
    private readonly app: RequestListener,
    private readonly log: ApiThreadLog,
  ) {}

  /** Resolves with the public port. */
  async start(): Promise<number> {
    const { cfg } = this;
    const server = createServer({ maxHeaderSize: 16 * 1024 }, this.app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (cfg.threaded) server.listen(0, '127.0.0.1', () => resolve());
      else server.listen(cfg.port, cfg.host, () => resolve());
    });
    this.server = server;
    const internalPort = (server.address() as AddressInfo).port;
    if (!cfg.threaded) return internalPort;
    this.thread = new ApiThread({ dbPath: cfg.dbPath, token: cfg.token, host: cfg.host, port: cfg.port, internalPort, nice: cfg.nice }, this.log);
    return this.thread.start();
  }

  async stop(): Promise<void> {
    await this.thread?.stop();
    const s = this.server;
    if (s === null) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
