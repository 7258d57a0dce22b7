// CPU of the assembler alone: the bench workload decoded up front, then added batch by batch with
// a 200 ms grace period on a simulated clock (one ms a batch, ~4,700 requests in flight) and
// emitted; ns a span (store put and take, index, grouping, emit), best of 6 rounds after 2 warm-up
// rounds. Another build's compiled tree can be given to compare two builds on one machine:
//   node --import tsx bench/assembler-cost.ts [requests=6000] [rounds=8]
//   npx tsc -p tsconfig.json --outDir /tmp/b && ln -s $PWD/node_modules /tmp/b/ && cp package.json /tmp/b/
//   taskset -c 0 node /tmp/b/bench/assembler-cost.js
import { resolveAssemblerConfig } from '../collector/assemble/assembler-config.js';
import { RequestAssembler } from '../collector/assemble/request-assembler.js';
import type { Span } from '../collector/contract.js';
import { decodeProtoRequest } from '../collector/decode/index.js';
import { batchFor, buildWorkload, DJANGO_SHAPE } from './workload.js';

const GRACE_MS = 200;
const requests = Number(process.argv[2] ?? 6000);
const rounds = Number(process.argv[3] ?? 8);
const w = buildWorkload({ label: 'assembler-cost', requests, options: DJANGO_SHAPE });
let best = Infinity;
let spans = 0;
for (let round = 0; round < rounds; round++) {
  // Fresh trace ids each round; decoded before the clock starts.
  const batches: Span[][] = w.batches.map((_, i) => decodeProtoRequest(batchFor(w, i, 100 + round, false), { maxAttributeLength: 8192 }).spans);
  let now = 0;
  let emitted = 0;
  const asm = new RequestAssembler(resolveAssemblerConfig({ graceMs: GRACE_MS, maxSpansInFlight: 1e7, maxRequestsInFlight: 1e7 }), () => void emitted++, () => now);
  const t0 = process.hrtime.bigint();
  spans = 0;
  for (const b of batches) {
    asm.add(b);
    spans += b.length;
    now += 1;
    asm.tick();
  }
  now += 1e6;
  asm.tick();
  const ns = Number(process.hrtime.bigint() - t0) / spans;
  if (emitted === 0 || asm.inFlight !== 0) throw new Error('the assembler did not emit the workload');
  if (round >= Math.min(2, rounds - 1)) best = Math.min(best, ns);
}
console.log(`assembler add + emit: ${best.toFixed(0)} ns a span, best of ${Math.max(1, rounds - 2)} rounds of ${spans.toLocaleString('en-US')} spans`);
