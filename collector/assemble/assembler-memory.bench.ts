// Heap held per in-flight span, to size AssemblerConfig.maxSpansInFlight. Spans are copies of the
// real demo captures (collector/testdata/django/postgres) with fresh ids and their own string
// copies (the worst case: decode shares repeated texts through intern.ts), held in rootless
// requests so nothing is emitted.
// Run: node --expose-gc --import tsx collector/assemble/assembler-memory.bench.ts [spans=200000]

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Span } from '../contract.js';
import { decodeProtoRequest } from '../decode/index.js';
import { newSpan } from '../decode/span-factory.js';
import { RequestAssembler } from './request-assembler.js';

const total = Number(process.argv[2] ?? 200_000);
const root = fileURLToPath(new URL('../testdata/django/postgres/', import.meta.url));
const templates: Span[] = [];
for (const dir of readdirSync(root).filter((d) => !d.includes('.'))) {
  for (const f of readdirSync(root + dir).filter((n) => n.endsWith('.pb'))) {
    templates.push(...decodeProtoRequest(readFileSync(`${root}${dir}/${f}`), { maxAttributeLength: 8192 }).spans);
  }
}
const own = (s: string): string => (s === '' ? s : Buffer.from(s).toString());
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const asm = new RequestAssembler({ maxSpansInFlight: total + 1, maxRequestsInFlight: total + 1 }, () => {}, () => 0);
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < total; i++) {
  const t = templates[i % templates.length]!;
  const trace = (i >> 5).toString(16).padStart(32, '0');
  // Written into a span from the decoder's factory: same hidden class and field representations
  // as decoded spans (a spread literal makes objects of another shape and measured 46 B more).
  asm.add([Object.assign(newSpan(t.resource), t, {
    traceId: trace,
    spanId: i.toString(16).padStart(16, '0'),
    // Every 32 spans share a missing parent, so they wait in one rootless group like real children.
    parentSpanId: `f${(i >> 5).toString(16).padStart(15, '0')}`,
    parentIsRemote: false,
    kind: 1,
    name: own(t.name),
    dbStatement: own(t.dbStatement),
    scope: own(t.scope),
    httpRoute: own(t.httpRoute),
    templateName: own(t.templateName),
    middlewareClass: own(t.middlewareClass),
  })]);
}
gc();
const after = process.memoryUsage().heapUsed;
console.log(`${asm.spanCount} spans in ${asm.inFlight} requests: ${Math.round((after - before) / asm.spanCount)} bytes/span of heap`);
