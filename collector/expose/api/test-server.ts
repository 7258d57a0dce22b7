// Test support: a real SQLite file populated through the real aggregator and writer, read through a
// read-only connection by the real API on an ephemeral loopback port.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysedRequest } from '../../contract.js';
import { Aggregator } from '../../aggregate/aggregator.js';
import type { AggregatorConfig } from '../../aggregate/aggregator.js';
import { openDatabase, openReadonly } from '../../../storage/database.js';
import type { Database } from '../../../storage/database.js';
import { StorageWriter } from '../../../storage/writer.js';
import { createApiApp } from './create-api.js';

export interface TestApi {
  base: string;
  dbPath: string;
  writeDb: Database;
  readDb: Database;
  /** Folds more requests into the database (one writer flush). */
  ingest(reqs: AnalysedRequest[]): void;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestApi(opts: {
  nowMs: number;
  requests?: AnalysedRequest[];
  token?: string;
  aggregator?: Partial<AggregatorConfig>;
}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-api-'));
  const dbPath = join(dir, 'hotpath.db');
  const writeDb = openDatabase(dbPath);
  const clock = () => opts.nowMs;
  const aggregator = new Aggregator({ slowQueryMs: 100, ...opts.aggregator }, clock);
  const writer = new StorageWriter(writeDb, aggregator, {}, () => {}, clock);
  const ingest = (reqs: AnalysedRequest[]) => {
    for (const r of reqs) aggregator.consume(r);
    if (!writer.flush()) throw new Error(`test writer flush failed: ${writer.status().lastError}`);
  };
  ingest(opts.requests ?? []);
  const readDb = openReadonly(dbPath);
  const app = createApiApp({ db: readDb, clock, token: opts.token });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    dbPath,
    writeDb,
    readDb,
    ingest,
    async get(path, headers = {}) {
      const res = await fetch(base + path, { headers });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : JSON.parse(text), headers: res.headers };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      readDb.close();
      writeDb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
