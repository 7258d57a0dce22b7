// Regenerates the fixture files in this folder from the real OTel JS serializers.
// Run: node --import tsx collector/decode/testdata/make-fixtures.ts
// fixtures.test.ts rebuilds them in memory and fails if a committed file differs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { djangoScenario } from './django-spans.js';
import { request, span } from './proto-writer.js';

export function buildFixtures(): Record<string, Buffer> {
  const spans = djangoScenario();
  const pb = ProtobufTraceSerializer.serializeRequest(spans);
  const json = JsonTraceSerializer.serializeRequest(spans);
  if (pb === undefined || json === undefined) throw new Error('serializer returned nothing');
  const jsonDoc = JSON.parse(Buffer.from(json).toString('utf8')) as {
    resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[];
  };
  // proto3-JSON style ids (base64) on the first span only: that span must be rejected, the rest kept.
  const first = jsonDoc.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  first.traceId = Buffer.from(first.traceId, 'hex').toString('base64');
  first.spanId = Buffer.from(first.spanId, 'hex').toString('base64');
  return {
    'django-request.pb': Buffer.from(pb),
    'django-request.otlp.json': Buffer.from(json),
    'truncated.pb': Buffer.from(pb).subarray(0, pb.length - 100),
    'json-base64-ids.otlp.json': Buffer.from(JSON.stringify(jsonDoc)),
    'bad-span-ids.pb': request(span({ traceId: Buffer.alloc(15, 1) }), span({ spanId: Buffer.alloc(8) }), span({})),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  for (const [name, bytes] of Object.entries(buildFixtures())) {
    writeFileSync(dir + name, bytes);
    console.log(`wrote ${name} (${bytes.length} bytes)`);
  }
}
