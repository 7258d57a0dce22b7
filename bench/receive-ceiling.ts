// A second reference beside the decode ceiling: spans per CPU-second of a process that runs the
// collector's OTLP/HTTP receiver and decoder and nothing after them (receive-child.mjs), fed the
// same workload the same way as the pipeline's capacity passes (4 exports in flight, whole passes).
// The ratio divides the pipeline by decode alone in a tight loop; this says how much of the
// gap is the receiving itself (HTTP, body reading, the decoder running inside a server) and how much
// is everything after decode. Not part of the ratio: reported beside it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cpuSecondsOf, ROOT } from './collector-process.js';
import { httpSender } from './senders.js';
import { sendPass } from './throughput.js';
import type { BatchSource } from './workload.js';

/**
 * Sweeps of the workload per timed pass: one sweep of the full run's workload is ~0.35 CPU-seconds
 * here, and /proc counts CPU time in 10 ms ticks, so single sweeps read in steps of ~3% (two full
 * runs gave the same median, 387,879, to the span).
 */
const SWEEPS = 3;

/**
 * Median spans per CPU-second of `passes` passes (SWEEPS sweeps of `source` each, plain protobuf),
 * after untimed passes for at least `warmMs` (at least one). One untimed pass was not enough: the
 * child's passes kept rising for ~15 s of sending, from 245k-290k over the first ten to 316k-353k
 * after the eleventh (24 passes in a row, session 19). Alternating in one scratch driver, the median
 * of five timed passes read 211,571 and 203,937 after one untimed pass, 270,984 and 263,758 after
 * 15 s of them (8 and 10 passes).
 */
export async function receiveCeiling(source: BatchSource, passes: number, cpu: number, warmMs: number): Promise<{ median: number; passes: number[]; warmPasses: number }> {
  const w = source.w;
  const child = spawn('taskset', ['-c', String(cpu), join(ROOT, 'bin/hotpath-node'), join(ROOT, 'bench/receive-child.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env['PATH'] ?? '' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`receive-child exited ${code} during start-up`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  const sender = httpSender(port, false, 8);
  const results: number[] = [];
  let warmPasses = 0;
  try {
    const t0 = performance.now();
    do {
      await sendPass(sender.send, source, w.batches.length * SWEEPS, 'receive-child');
      warmPasses++;
    } while (performance.now() - t0 < warmMs);
    for (let pass = 0; pass < passes; pass++) {
      const cpu0 = cpuSecondsOf(child.pid!);
      await sendPass(sender.send, source, w.batches.length * SWEEPS, 'receive-child');
      results.push((w.spans * SWEEPS) / (cpuSecondsOf(child.pid!) - cpu0));
    }
  } finally {
    sender.close();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
  const sorted = [...results].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1]!, passes: results, warmPasses };
}
