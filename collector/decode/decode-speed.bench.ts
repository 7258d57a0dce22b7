// Decode throughput on Django-shaped batches serialised by the real OTel JS serializers.
// Run: node --import tsx collector/decode/decode-speed.bench.ts [batchSize=512] [seconds=3]
// Prints spans per CPU-second (median of 5 rounds) for protobuf and OTLP/JSON. CPU time rather than
// wall time, because the figure should not depend on what else the machine is running.
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtoRequest } from './decode-proto.js';
import { DEFAULT_DECODE_OPTIONS } from './decode-result.js';
import { djangoBatch } from './testdata/django-spans.js';

const batchSize = Number(process.argv[2] ?? 512);
const seconds = Number(process.argv[3] ?? 3);

function measure(label: string, bytes: Uint8Array, decode: (b: Uint8Array) => number): void {
  for (let i = 0; i < 200; i++) decode(bytes); // warm-up: let the optimising compiler settle
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    let spans = 0;
    const cpu0 = process.cpuUsage();
    const until = process.hrtime.bigint() + BigInt(Math.round((seconds / 5) * 1e9));
    while (process.hrtime.bigint() < until) spans += decode(bytes);
    const cpu = process.cpuUsage(cpu0);
    rounds.push(spans / ((cpu.user + cpu.system) / 1e6));
  }
  rounds.sort((a, b) => a - b);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`${label.padEnd(6)} ${bytes.length} B/batch  median ${fmt(rounds[2]!)} spans/CPU-s  (min ${fmt(rounds[0]!)}, max ${fmt(rounds[4]!)})`);
}

const spans = djangoBatch(batchSize);
const pb = ProtobufTraceSerializer.serializeRequest(spans);
const json = JsonTraceSerializer.serializeRequest(spans);
if (pb === undefined || json === undefined) throw new Error('serializer returned nothing');
console.log(`batch of ${spans.length} Django-shaped spans, node ${process.version}`);
measure('proto', pb, (b) => decodeProtoRequest(b, DEFAULT_DECODE_OPTIONS).spans.length);
measure('json', json, (b) => decodeJsonRequest(b, DEFAULT_DECODE_OPTIONS).spans.length);
