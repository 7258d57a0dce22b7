// Receive and decode only: the collector's own OTLP/HTTP receiver, admission and decoder (compiled,
// from dist/) with an intake that counts the decoded spans and drops them. No span store, assembly,
// analysis, storage, metrics registry or API thread. Run pinned to the collector's core through
// bin/hotpath-node (receive-ceiling.ts), so it has the collector's V8 flags. It prints the bound port
// as one JSON line and exits on SIGTERM (status 1 if it decoded nothing).
//   bin/hotpath-node bench/receive-child.mjs
import { DEFAULT_DECODE_OPTIONS } from '../dist/collector/decode/index.js';
import { OtlpHttpReceiver } from '../dist/collector/receive/http-receiver.js';
import { Ingest, NO_TELEMETRY } from '../dist/collector/receive/ingest.js';

let spans = 0;
const intake = {
  capacity: Number.MAX_SAFE_INTEGER,
  hasRoom: () => true,
  offer: (decoded) => {
    spans += decoded.length;
    return true;
  },
};
const ingest = new Ingest({ queue: intake, decode: DEFAULT_DECODE_OPTIONS, telemetry: NO_TELEMETRY, retryAfterSeconds: 1, admission: () => null });
// The collector's default body limits (config/settings.ts): 20 MiB on the wire, 64 MiB inflated.
const receiver = new OtlpHttpReceiver(
  { host: '127.0.0.1', port: 0, path: '/v1/traces', maxBodyBytes: 20 << 20, maxDecompressedBytes: 64 << 20, token: '' },
  ingest,
  NO_TELEMETRY,
);
await receiver.start();
process.stdout.write(JSON.stringify({ port: receiver.port }) + '\n');
process.on('SIGTERM', () => {
  void receiver.shutdown().then(() => process.exit(spans > 0 ? 0 : 1));
});
