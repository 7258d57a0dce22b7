// The real collector as a child process (`bin/hotpath-node --import tsx collector/main.ts`), as
// `npm start` runs it minus the build step: every listener on an ephemeral loopback port (the
// ports are read back from the "hotpath started" log line), a temp database, captured logs.
// The reliability tests and scripts drive it from outside, the way production traffic does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CollectorProcess {
  readonly pid: number;
  readonly ports: { grpc: number; http: number; api: number };
  readonly dbPath: string;
  /** http://127.0.0.1:<port>/v1/traces */
  readonly otlpUrl: string;
  /** http://127.0.0.1:<api port> */
  readonly apiUrl: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<Exit>;
  /** Sends `signal` and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  /** Kills the process if still running and removes the temp directory it was given by default. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** HOTPATH_* settings on top of the test defaults (ports 0, the database path). */
  env?: Record<string, string>;
  dbPath?: string;
  /** How long to wait for "hotpath started". */
  timeoutMs?: number;
}

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `hotpath-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the collector; rejects with its output if it exits or stays silent before listening. */
export function spawnCollector(opts: StartOptions & { dbPath: string }): { child: ChildProcess; output: () => string; exited: Promise<Exit> } {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOTPATH_OTLP_GRPC_PORT: '0',
    HOTPATH_OTLP_HTTP_PORT: '0',
    HOTPATH_API_PORT: '0',
    HOTPATH_DB: opts.dbPath,
    ...opts.env,
  };
  const child = spawn(join(ROOT, 'bin/hotpath-node'), ['--import', 'tsx', 'collector/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

export async function startCollector(opts: StartOptions = {}): Promise<CollectorProcess> {
  const tmp = opts.dbPath === undefined ? tempDir('db') : null;
  const dbPath = opts.dbPath ?? join(tmp!.dir, 'hotpath.db');
  const { child, output, exited } = spawnCollector({ ...opts, dbPath });
  let done = false;
  exited.then(() => (done = true), () => undefined);
  const until = Date.now() + (opts.timeoutMs ?? 30_000);
  let ports: { grpc: number; http: number; api: number } | null = null;
  while (ports === null) {
    const line = output().split('\n').find((l) => l.includes('"hotpath started"'));
    if (line !== undefined) {
      const o = JSON.parse(line) as { grpc: number; http: number; api: number };
      ports = { grpc: o.grpc, http: o.http, api: o.api };
      break;
    }
    if (done) throw new Error(`collector exited before listening:\n${output()}`);
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`collector did not start in time:\n${output()}`);
    }
    await sleep(25);
  }
  return {
    pid: child.pid!,
    ports,
    dbPath,
    otlpUrl: `http://127.0.0.1:${ports.http}/v1/traces`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
    async dispose() {
      if (!done) child.kill('SIGKILL');
      await exited;
      tmp?.remove();
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` until it holds; throws naming `what` after `timeoutMs`. */
export async function until<T>(cond: () => Promise<T | false | null | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond().catch(() => false as const);
    if (v !== false && v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (Linux). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export interface CpuCap {
  readonly path: string;
  /** Moves `pid` back to the root group (if still alive) and removes the group. */
  release(): void;
}

/**
 * Caps `pid` at `fraction` of one core with a cgroup v1 cpu group (CFS quota over a 100 ms period),
 * so its capacity is small and stable enough for a test on the same machine to exceed it many
 * times over. Linux, root, cgroup v1 `cpu` controller mounted at /sys/fs/cgroup/cpu.
 */
export function capCpu(pid: number, fraction: number): CpuCap {
  const base = '/sys/fs/cgroup/cpu';
  const path = join(base, `hotpath-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(path);
  const release = (): void => {
    try {
      for (const p of readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        try {
          writeFileSync(join(base, 'cgroup.procs'), p);
        } catch {
          // Exited between the read and the move: nothing left to move.
        }
      }
      rmdirSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  };
  try {
    writeFileSync(join(path, 'cpu.cfs_period_us'), '100000');
    writeFileSync(join(path, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(fraction * 100_000))));
    writeFileSync(join(path, 'cgroup.procs'), String(pid));
  } catch (e) {
    release();
    throw e;
  }
  return { path, release };
}
