// The decode-only ceiling, run in a fresh process pinned to the collector's core (decode-ceiling.ts).
// Uses the compiled decoder the collector runs (dist/), so both sides of the ratio run the same code.
//   node bench/decode-child.mjs <dir of .pb batches> <seconds> <gzip 0|1>
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from '../dist/collector/decode/index.js';

const [dir, secondsArg, gzipArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const gzip = gzipArg === '1';
const bodies = readdirSync(dir).filter((f) => f.endsWith('.pb')).sort().map((f) => readFileSync(join(dir, f)));
const one = (b) => decodeProtoRequest(gzip ? gunzipSync(b) : b, DEFAULT_DECODE_OPTIONS).spans.length;
for (let k = 0; k < 2; k++) for (const b of bodies) one(b); // warm-up: let the optimising compiler settle
const rounds = [];
for (let round = 0; round < 5; round++) {
  let spans = 0;
  const cpu0 = process.cpuUsage();
  const until = performance.now() + (seconds / 5) * 1000;
  let i = 0;
  while (performance.now() < until) {
    spans += one(bodies[i]);
    i = (i + 1) % bodies.length;
  }
  const cpu = process.cpuUsage(cpu0);
  rounds.push(spans / ((cpu.user + cpu.system) / 1e6));
}
rounds.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ median: rounds[2], rounds }) + '\n');
