// The ceiling: decode only (gunzip + decode with gzip on), spans per CPU-second on the bench's own
// core, over the same pre-encoded batches the pipeline runs receive. CPU time, not wall time, so
// other work on the machine does not lower the figure.
import { gunzipSync } from 'node:zlib';
import { decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from '../collector/decode/index.js';
import { batchFor, type Workload } from './workload.js';

export function decodeCeiling(w: Workload, seconds: number, gzip: boolean): number {
  const bodies = w.batches.map((_, i) => batchFor(w, i, 1, gzip));
  const one = (b: Buffer): number => decodeProtoRequest(gzip ? gunzipSync(b) : b, DEFAULT_DECODE_OPTIONS).spans.length;
  for (let k = 0; k < 2; k++) for (const b of bodies) one(b); // warm-up: let the optimising compiler settle
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    let spans = 0;
    const cpu0 = process.cpuUsage();
    const until = performance.now() + (seconds / 3) * 1000;
    let i = 0;
    while (performance.now() < until) {
      spans += one(bodies[i]!);
      i = (i + 1) % bodies.length;
    }
    const cpu = process.cpuUsage(cpu0);
    rounds.push(spans / ((cpu.user + cpu.system) / 1e6));
  }
  rounds.sort((a, b) => a - b);
  return rounds[1]!;
}
