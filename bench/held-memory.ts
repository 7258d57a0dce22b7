// Heap held per in-flight span on the bench workload: its OTLP batches decoded by the collector's
// decoder (so repeated texts are shared as in production) and held in the assembler with a grace
// period that never ends. With `--snapshot=FILE`, also writes a heap snapshot of that state.
// Run: node --expose-gc --import tsx bench/held-memory.ts [requests=10000] [--snapshot=FILE]
import { writeHeapSnapshot } from 'node:v8';
import { resolveAssemblerConfig } from '../collector/assemble/assembler-config.js';
import { RequestAssembler } from '../collector/assemble/request-assembler.js';
import { decodeProtoRequest } from '../collector/decode/index.js';
import { batchFor, buildWorkload, DJANGO_SHAPE } from './workload.js';

const requests = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 10_000);
const snapshot = process.argv.find((a) => a.startsWith('--snapshot='))?.slice(11);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const w = buildWorkload({ label: 'django', requests, options: DJANGO_SHAPE });
const asm = new RequestAssembler(resolveAssemblerConfig({ graceMs: 1e9, maxSpansInFlight: 1e8, maxRequestsInFlight: 1e7 }), () => undefined, () => 0);
gc();
const before = process.memoryUsage().heapUsed;
// Bodies are made one at a time and dropped, so only what the decoder's spans keep is counted.
for (let i = 0; i < w.batches.length; i++) asm.add(decodeProtoRequest(batchFor(w, i, 7, false), { maxAttributeLength: 8192 }).spans);
gc();
const after = process.memoryUsage().heapUsed;
console.log(`${asm.spanCount} spans in ${asm.inFlight} requests: ${Math.round((after - before) / asm.spanCount)} bytes/span of heap`);
if (snapshot !== undefined) console.log(`snapshot: ${writeHeapSnapshot(snapshot)}`);
