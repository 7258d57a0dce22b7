// The ceiling: decode only (gunzip + decode with gzip on), spans per CPU-second, over the same
// pre-encoded batches the pipeline runs receive. It runs in a fresh child process on the collector's
// core with the compiled decoder (decode-child.mjs): measured inside the bench process, whose heap
// holds the workloads and the OTel SDK, the same code gave 277k in one full run and 418k in the
// next, which made the pipeline/decode ratio meaningless. CPU time, not wall time, so other work on
// the machine lowers the figure less. Median of 5 rounds. The child starts through bin/hotpath-node,
// as the collector does, so both run with the same V8 flags on the one core.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './collector-process.js';
import { batchFor, type Workload } from './workload.js';

export function decodeCeiling(w: Workload, seconds: number, gzip: boolean, cpu: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-decode-'));
  try {
    w.batches.forEach((_, i) => writeFileSync(join(dir, `${String(i).padStart(5, '0')}.pb`), batchFor(w, i, 1, gzip)));
    const r = spawnSync('taskset', ['-c', String(cpu), join(ROOT, 'bin/hotpath-node'), join(ROOT, 'bench/decode-child.mjs'), dir, String(seconds), gzip ? '1' : '0'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`decode ceiling child failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { median: number }).median;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
