// Assemble and analyse throughput on the real demo captures (collector/testdata/django/postgres,
// all scenarios but the warm-up): spans per CPU-second, median of 5 rounds. CPU time rather than
// wall time so the figure does not depend on other load on the machine.
// Run: node --import tsx collector/analyse/analyse-speed.bench.ts [seconds=3]

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AssembledRequest, Span } from '../contract.js';
import { decodeProtoRequest } from '../decode/index.js';
import { RequestAssembler } from '../assemble/request-assembler.js';
import { analyseRequest } from './analyse-request.js';
import { resolveAnalysisConfig } from './analysis-config.js';
import { FingerprintCache } from './fingerprint/fingerprint-cache.js';

const seconds = Number(process.argv[2] ?? 3);
const root = fileURLToPath(new URL('../testdata/django/postgres/', import.meta.url));
const batches: Span[][] = [];
for (const dir of readdirSync(root).filter((d) => !d.includes('.') && d !== 'warmup')) {
  for (const f of readdirSync(root + dir).filter((n) => n.endsWith('.pb'))) {
    batches.push(decodeProtoRequest(readFileSync(`${root}${dir}/${f}`), { maxAttributeLength: 8192 }).spans);
  }
}
const spansPerPass = batches.reduce((n, b) => n + b.length, 0);
const cfg = resolveAnalysisConfig();
const fingerprints = new FingerprintCache();

function pass(analyse: boolean): number {
  const out: AssembledRequest[] = [];
  const asm = new RequestAssembler({}, (r) => (analyse ? analyseRequest(r, cfg, fingerprints) : out.push(r)), () => 0);
  for (const b of batches) asm.add(b);
  asm.flushAll();
  return spansPerPass;
}

function measure(label: string, fn: () => number): void {
  for (let i = 0; i < 300; i++) fn();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    let spans = 0;
    const cpu0 = process.cpuUsage();
    const until = process.hrtime.bigint() + BigInt(Math.round((seconds / 5) * 1e9));
    while (process.hrtime.bigint() < until) spans += fn();
    const cpu = process.cpuUsage(cpu0);
    rounds.push(spans / ((cpu.user + cpu.system) / 1e6));
  }
  rounds.sort((a, b) => a - b);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`${label.padEnd(20)} median ${fmt(rounds[2]!)} spans/CPU-s  (min ${fmt(rounds[0]!)}, max ${fmt(rounds[4]!)})`);
}

console.log(`${batches.length} batches, ${spansPerPass} spans per pass`);
measure('assemble', () => pass(false));
measure('assemble + analyse', () => pass(true));
