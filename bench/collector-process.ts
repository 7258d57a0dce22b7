// The collector under test: the compiled `dist/collector/main.js` started by `bin/hotpath-node` as
// `npm start` and the Docker image start it (so with their V8 flags: single-threaded GC on one core)
// in a child process pinned to one core with `taskset`, on ephemeral
// loopback ports and a throw-away database. Its figures come from where an operator reads them:
// /metrics, /readyz and /proc.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = new URL('..', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/collector/main.js');
/** Starts node with the runtime flags the shipped start commands use (it chooses them per CPU count). */
const LAUNCHER = join(ROOT, 'bin/hotpath-node');

/**
 * A trial that was refused leaves children whose root was refused: they wait for the idle timeout
 * and would be counted as idle_partial evictions in the next trial. A short idle timeout, and a
 * pause after a refused trial (throughput.ts), keep each trial's verdict its own.
 */
export const IDLE_MS = 3000;

/**
 * The assembler's bounds cap the sustained rate: the span bound (HOTPATH_MAX_SPANS_IN_FLIGHT, default
 * 200k) at about 200k / (grace + 0.1 s) spans/s, and the request bound (HOTPATH_MAX_REQUESTS_IN_FLIGHT,
 * default 20,000) at about 20,000 requests / (grace + 0.1 s), ~210k spans/s at the bench's 22 spans a
 * request (a session 13 run's 215k trial evicted 1,501 requests at it). Both are raised for the rate search
 * and the paced tools, so they find the CPU limit; the memory phase holds ~10,000 requests whatever the bounds.
 */
export const SEARCH_ENV = { HOTPATH_MAX_SPANS_IN_FLIGHT: '500000', HOTPATH_MAX_REQUESTS_IN_FLIGHT: '50000', HOTPATH_IDLE_TIMEOUT_MS: String(IDLE_MS) };

/** Rebuilds dist when any collector/storage source is newer than it (tsc emits even on type errors elsewhere). */
export function ensureBuilt(log: (s: string) => void): void {
  const built = (() => {
    try {
      return statSync(MAIN).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const newest = Math.max(...['collector', 'storage', 'services/loadgen'].map((d) => newestTs(join(ROOT, d))));
  if (built >= newest) return;
  log('dist is stale: npm run build');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) log(`build exited ${r.status}; using what it emitted`);
}

function newestTs(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) t = Math.max(t, newestTs(p));
    } else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

export interface CollectorOptions {
  cpu: number;
  env?: Record<string, string>;
  /** Directory for `node --cpu-prof` output. */
  cpuProfDir?: string;
  /** Another build's main.js (A/B comparisons of optimisations); default this tree's dist. */
  main?: string;
  /** Extra node/V8 flags for the collector (experiments with heap sizing). */
  nodeArgs?: string[];
  /** Copy of the collector's stdout (its logs, and V8's output such as `--trace-gc-nvp`). */
  stdoutFile?: string;
}

export class CollectorProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly ports: { http: number; grpc: number; api: number },
    /** The collector's garbage collection as its start-up log names it: 'single-threaded' or 'parallel'. */
    readonly gc: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  static async start(o: CollectorOptions): Promise<CollectorProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-bench-'));
    const nodeArgs = [...(o.nodeArgs ?? []), ...(o.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`])];
    // The launcher runs under taskset, so it sees the one CPU the collector gets.
    const child = spawn('taskset', ['-c', String(o.cpu), LAUNCHER, ...nodeArgs, o.main ?? MAIN], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env['PATH'] ?? '',
        HOTPATH_DB: join(dir, 'bench.db'),
        HOTPATH_OTLP_HTTP_PORT: '0',
        HOTPATH_OTLP_GRPC_PORT: '0',
        HOTPATH_API_PORT: '0',
        HOTPATH_LOG_LEVEL: 'info',
        // `HOTPATH_GC_THREADS=parallel npm run bench` measures the collector with V8's GC helpers on.
        ...(process.env['HOTPATH_GC_THREADS'] === undefined ? {} : { HOTPATH_GC_THREADS: process.env['HOTPATH_GC_THREADS'] }),
        ...o.env,
      },
    });
    let gc = '';
    const ports = await new Promise<{ http: number; grpc: number; api: number }>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      child.once('exit', (code) => reject(new Error(`collector exited ${code} during start-up`)));
      const copy = o.stdoutFile === undefined ? undefined : createWriteStream(o.stdoutFile);
      lines.on('line', (line) => {
        copy?.write(line + '\n');
        if (line.includes('"msg":"starting"')) gc = String((JSON.parse(line) as { gc?: string }).gc ?? '');
        if (!line.includes('hotpath started')) return;
        const rec = JSON.parse(line) as { http: number; grpc: number; api: number };
        resolve({ http: rec.http, grpc: rec.grpc, api: rec.api });
      });
    });
    child.stdout!.resume();
    return new CollectorProcess(child, dir, ports, gc);
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.ports.api}${path}`);
    return { status: res.status, body: await res.text() };
  }

  /**
   * Sums of every sample of each metric family, optionally only samples whose labels contain
   * `filter`. With `names`, only those families are asked for: polling the whole exposition every
   * 100 ms cost the collector CPU that grows with its routes (thousands of series at 1,000), which a
   * Prometheus scraping every 15 s does not.
   */
  async metrics(names?: readonly string[]): Promise<Metrics> {
    // /readyz refreshes the queue-depth and open-request gauges (they are set when health is checked).
    await this.get('/readyz');
    const query = names === undefined ? '' : `?${names.map((n) => `name=${encodeURIComponent(n)}`).join('&')}`;
    return new Metrics((await this.get(`/metrics${query}`)).body);
  }

  /** Peak resident set (VmHWM) in MB. */
  peakRssMb(): number {
    return this.status('VmHWM');
  }

  /** Resident set now (VmRSS) in MB. */
  rssMb(): number {
    return this.status('VmRSS');
  }

  private status(field: string): number {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m === null ? NaN : Number(m[1]) / 1024;
  }

  /** User + system CPU seconds used so far (all threads). */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** User + system CPU seconds a process has used so far (all threads), from /proc in 10 ms ticks. */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export class Metrics {
  private readonly samples: Array<[string, string, number]> = [];
  constructor(text: string) {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (m !== null) this.samples.push([m[1]!, m[2] ?? '', Number(m[3])]);
    }
  }

  sum(name: string, filter = ''): number {
    let t = 0;
    for (const [n, labels, v] of this.samples) if (n === name && labels.includes(filter)) t += v;
    return t;
  }
}
