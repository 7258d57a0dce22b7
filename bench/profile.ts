// Where the collector's time goes: runs the compiled collector under `node --cpu-prof`, pinned to
// core 0, feeds it saturation passes of the benchmark workload over OTLP/HTTP, then prints self
// time per function and per file from the .cpuprofile (the profile stays in DIR, never committed).
//   node --import tsx bench/profile.ts [DIR=os.tmpdir()/hotpath-prof] [passes=6] [--grpc] [--gzip] [--measure] [--main=path/to/main.js] [--node-opt=--v8-flag] [--routes=N (routes = fingerprints)] [--grace=ms (default 500)]
// --measure: no profiler, only the median capacity of the passes after the first (for before/after).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectorProcess, ensureBuilt } from './collector-process.js';
import { grpcSender, httpSender } from './senders.js';
import { saturation } from './throughput.js';
import { BatchSource, buildWorkload, DJANGO_SHAPE } from './workload.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(file: string, top = 40): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let total = 0;
  const fn = new Map<string, number>();
  const file2 = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    total += us;
    const url = n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/');
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
      fn.set(name, (fn.get(name) ?? 0) + us);
      continue;
    }
    const k = `${name} ${url}:${n.callFrame.lineNumber + 1}`;
    fn.set(k, (fn.get(k) ?? 0) + us);
    const f = url === '' ? '(native)' : url.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*/, '$1');
    file2.set(f, (file2.get(f) ?? 0) + us);
  }
  const busy = total - (fn.get('(idle)') ?? 0);
  const pct = (us: number) => ((us / busy) * 100).toFixed(1).padStart(5) + '%';
  const lines = [`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled`, '', 'self time by function:'];
  for (const [k, us] of [...fn].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(us)}  ${k}`);
  lines.push('', 'inclusive time of project functions:');
  for (const [k, us] of inclusive(p, byId).slice(0, top)) lines.push(`${pct(us)}  ${k}`);
  lines.push('', 'self time by file / package:');
  for (const [k, us] of [...file2].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`${pct(us)}  ${k}`);
  return lines.join('\n');
}

/** Time with the function anywhere on the stack (each function counted once per sample). */
function inclusive(p: Profile, byId: Map<number, Node>): Array<[string, number]> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: Node): string | null =>
    /\/(collector|storage)\//.test(n.callFrame.url) ? `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/dist\//, '')}:${n.callFrame.lineNumber + 1}` : null;
  const acc = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur)!);
      if (k !== null && !seen.has(k)) {
        seen.add(k);
        acc.set(k, (acc.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
      }
    }
  });
  return [...acc].sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const dir = args[0] ?? join(tmpdir(), 'hotpath-prof');
  const passes = Number(args[1] ?? 6);
  const grpc = process.argv.includes('--grpc');
  const gzip = process.argv.includes('--gzip');
  mkdirSync(dir, { recursive: true });
  spawnSync('taskset', ['-cp', '1', String(process.pid)]);
  ensureBuilt((s) => process.stderr.write(s + '\n'));
  const before = new Set(readdirSync(dir));
  const routes = Number(process.argv.find((a) => a.startsWith('--routes='))?.slice(9) ?? DJANGO_SHAPE.routes);
  const w = buildWorkload({ label: 'django', requests: 6000, options: { ...DJANGO_SHAPE, routes, fingerprints: routes } });
  const measureOnly = process.argv.includes('--measure');
  const grace = Number(process.argv.find((a) => a.startsWith('--grace='))?.slice(8) ?? 500);
  const main = process.argv.find((a) => a.startsWith('--main='))?.slice(7);
  const c = await CollectorProcess.start({ cpu: 0, ...(measureOnly ? {} : { cpuProfDir: dir }), ...(main === undefined ? {} : { main }), env: { HOTPATH_GRACE_MS: String(grace), HOTPATH_MAX_SPANS_IN_FLIGHT: '500000' }, nodeArgs: process.argv.filter((a) => a.startsWith('--node-opt=')).map((a) => a.slice(11)) });
  const results: number[] = [];
  const s = grpc ? grpcSender(c.ports.grpc, gzip) : httpSender(c.ports.http, gzip, 8);
  for (let i = 0; i < passes; i++) {
    const perCpuS = await saturation(c, s.send, new BatchSource(w, 1 + i * 10, gzip), grace);
    process.stderr.write(`pass ${i + 1}: ${Math.round(perCpuS).toLocaleString('en-US')} spans per CPU-second\n`);
    if (i > 0) results.push(perCpuS);
  }
  const peak = c.peakRssMb();
  s.close();
  await c.stop();
  results.sort((a, b) => a - b);
  process.stdout.write(`median ${Math.round(results[results.length >> 1]!).toLocaleString('en-US')} spans per CPU-second, peak RSS ${peak.toFixed(0)} MB\n`);
  if (measureOnly) return;
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (file === undefined) throw new Error('no profile written');
  process.stdout.write(`${join(dir, file)}\n${summarise(join(dir, file))}\n`);
}

if (process.argv[1]?.endsWith('profile.ts')) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
