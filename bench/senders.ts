// OTLP senders for the benchmark: raw pre-encoded bytes over keep-alive HTTP/1.1 and over gRPC
// (unary TraceService/Export with identity (de)serialisers), and an open-loop pacer that offers a
// fixed rate of spans and records what was accepted, refused, or could not be sent in time.
import { Agent, request } from 'node:http';
import { Client, credentials } from '@grpc/grpc-js';
import type { BatchSource } from './workload.js';

/** Sends one export body; resolves true when the collector accepted it (HTTP 200 / gRPC OK). */
export type Send = (body: Buffer) => Promise<boolean>;

export interface Sender {
  send: Send;
  close(): void;
}

/** The last refusal seen by any sender, for error messages. */
export const lastRefusal = { text: '' };

export function httpSender(port: number, gzip: boolean, maxSockets: number): Sender {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
  if (gzip) headers['content-encoding'] = 'gzip';
  const once = (body: Buffer): Promise<boolean | 'reset'> =>
    new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) lastRefusal.text = `HTTP ${res.statusCode}`;
          resolve(res.statusCode === 200);
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        lastRefusal.text = e.message;
        // A kept-alive socket the server closed as idle just as it was reused: the request never
        // reached the collector, and every HTTP client (the OTel exporters too) sends it again.
        resolve(e.code === 'ECONNRESET' && !req.reusedSocket ? false : e.code === 'ECONNRESET' ? 'reset' : false);
      });
      req.end(body);
    });
  const send: Send = async (body) => {
    const r = await once(body);
    return r === 'reset' ? (await once(body)) === true : r;
  };
  return { send, close: () => agent.destroy() };
}

const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/**
 * Round-robin over `channels` connections of their own (a local subchannel pool each): one HTTP/2
 * connection carrying 16 concurrent 200 KiB messages measured the client, not the collector (the
 * pacer kept ~60% of its schedule while the collector's queue stayed empty).
 */
export function grpcSender(port: number, gzip: boolean, channels = 4): Sender {
  const opts: Record<string, number> = { 'grpc.max_send_message_length': 64 << 20, 'grpc.use_local_subchannel_pool': 1 };
  if (gzip) opts['grpc.default_compression_algorithm'] = 2;
  const clients = Array.from({ length: channels }, () => new Client(`127.0.0.1:${port}`, credentials.createInsecure(), opts));
  const id = (b: Buffer): Buffer => b;
  let next = 0;
  const send: Send = (body) =>
    new Promise((resolve) => {
      const client = clients[next++ % clients.length]!;
      client.makeUnaryRequest(EXPORT, id, id, body, { deadline: Date.now() + 30_000 }, (err) => {
        if (err) lastRefusal.text = `gRPC ${err.code}: ${err.details}`;
        resolve(err === null || err === undefined);
      });
    });
  return { send, close: () => clients.forEach((c) => c.close()) };
}

export interface LoadResult {
  offeredSpansPerS: number;
  /** Spans whose export was dispatched (the pacer may fall behind when the collector is slow). */
  sentSpans: number;
  okSpans: number;
  failedSpans: number;
  /** Requests whose root was in an accepted batch. */
  okRoots: number;
  /** Dispatched / due at the end of the window. */
  keptPace: number;
  seconds: number;
}

/**
 * Offers `spansPerS` for `ms`, at most `concurrency` exports outstanding; waits for the last answers.
 * Batches that cannot be dispatched on time (all slots busy) are sent late, and `keptPace` says so.
 */
export async function offerLoad(send: Send, source: BatchSource, spansPerS: number, ms: number, concurrency: number): Promise<LoadResult> {
  const perBatch = source.w.spans / source.w.batches.length;
  const interval = (perBatch / spansPerS) * 1000;
  const t0 = performance.now();
  const end = t0 + ms;
  let due = t0;
  let inFlight = 0;
  let dispatched = 0;
  const r: LoadResult = { offeredSpansPerS: spansPerS, sentSpans: 0, okSpans: 0, failedSpans: 0, okRoots: 0, keptPace: 1, seconds: ms / 1000 };
  let wake: (() => void) | null = null;
  const pending = new Set<Promise<void>>();
  // The window closes on a request boundary (paced as before, a few batches past the window at
  // most): a batch cut mid-request would leave children whose root is never sent, evicted as
  // idle_partial while the trial waits for analysis.
  let boundary = true;
  for (;;) {
    const now = performance.now();
    if (now >= end && boundary) break;
    if (due <= now && inFlight < concurrency) {
      const b = source.take();
      boundary = b.endsRequest;
      inFlight++;
      dispatched++;
      r.sentSpans += b.spans;
      const p: Promise<void> = send(b.body).then((ok) => {
        inFlight--;
        if (ok) {
          r.okSpans += b.spans;
          r.okRoots += b.roots;
        } else r.failedSpans += b.spans;
        pending.delete(p);
        wake?.();
      });
      pending.add(p);
      due += interval;
      continue;
    }
    const wait = inFlight >= concurrency ? 50 : Math.min(Math.max(due - now, 0), 50);
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, wait);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });
  }
  const dueCount = Math.floor(ms / interval) + 1;
  r.keptPace = Math.min(1, dispatched / dueCount);
  await Promise.all([...pending]);
  r.seconds = (performance.now() - t0) / 1000; // until the last answer: okSpans / seconds is what was delivered
  return r;
}
