// Composition: builds every component from a validated config and starts/stops them in order.
// main.ts owns the process (env, signals, exit); this file owns the wiring, so tests, the
// end-to-end run and the benchmark start exactly the Hotpath that `npm start` runs.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Express } from 'express';
import type { Clock } from './contract.js';
import { HotpathError } from './errors.js';
import type { HotpathConfig } from './config/load-config.js';
import type { Logger } from './logging.js';
import { rateLimited } from './logging.js';
import { Pipeline } from './pipeline.js';
import { Ingest } from './receive/ingest.js';
import { receiverTelemetry, stageMetricsSync } from './self-telemetry.js';
import { OtlpHttpReceiver } from './receive/http-receiver.js';
import { OtlpGrpcReceiver } from './receive/grpc-receiver.js';
import { createMetrics, type Metrics } from './expose/metrics/index.js';
import { createApiApp, createExtraRoutesApp } from './expose/api/create-api.js';
import { ApiService } from './expose/api/api-host.js';
import { healthRoutes, type HealthSource } from './expose/health.js';
import { Aggregator } from './aggregate/aggregator.js';
import { openDatabase, openReadonly } from '../storage/database.js';
import { StorageWriter, type StorageLog } from '../storage/writer.js';
import { DEFAULT_RETENTION_CONFIG } from '../storage/retention.js';
import { StorageMaintenance } from '../storage/maintenance.js';
import { analysisConfigFrom, assemblerConfigFrom } from './config/stage-configs.js';

export const VERSION = '0.1.0';
/** 20 x 250 ms: 5 s of retries, inside main.ts's 8 s shutdown deadline. */
const SHUTDOWN_STORAGE_RETRIES = 20;
const SHUTDOWN_STORAGE_RETRY_MS = 250;

export interface HotpathApp {
  readonly ports: { grpc: number; http: number; api: number };
  readonly metrics: Metrics;
  readonly pipeline: Pipeline;
  readonly writer: StorageWriter;
  start(): Promise<void>;
  /** Stops accepting, analyses everything accepted, flushes and closes. Idempotent. */
  shutdown(): Promise<void>;
}

export function createHotpath(config: HotpathConfig, logger: Logger, clock: Clock = Date.now): HotpathApp {
  const log = logger.child({ component: 'app' });
  const logError = rateLimited(logger.child({ component: 'ingest' }));
  let draining = false;

  const metrics = createMetrics(
    {
      maxRoutesPerService: config.metrics.maxRoutesPerService,
      maxServices: config.metrics.maxServices,
      maxTemplates: config.metrics.maxTemplates,
      maxMiddleware: config.metrics.maxMiddleware,
      seriesTtlMs: config.metrics.seriesTtlMinutes * 60_000,
      version: VERSION,
    },
    clock,
  );
  const self = metrics.selfMetrics;

  if (config.storage.path !== ':memory:') mkdirSync(dirname(config.storage.path), { recursive: true });
  const db: Database = openDatabase(config.storage.path);
  // With its own thread, the API owns the public port and reads through its own connection; the
  // main thread answers /metrics, /livez and /readyz on loopback (api-thread.ts). An in-memory
  // database cannot be shared with a thread, so it keeps the API on the main thread.
  const threaded = config.api.thread && config.storage.path !== ':memory:';
  const readDb: Database | null = threaded ? null : config.storage.path === ':memory:' ? db : openReadonly(config.storage.path);

  const aggregator = new Aggregator(
    { slowQueryMs: config.analysis.slowQueryMs, storeRawSql: config.storage.storeRawSql, maxSamplesPerRoutePerMinute: config.retention.samplesPerRoutePerMinute },
    clock,
  );
  const storageLog = logger.child({ component: 'storage' });
  const storageLogFn: StorageLog = (level, msg, err) => storageLog[level]({ err }, msg);
  const writer = new StorageWriter(
    db,
    aggregator,
    { flushIntervalMs: config.storage.flushIntervalMs, maxFlushIntervalMs: config.storage.maxFlushIntervalMs, flushShare: config.storage.flushShare },
    storageLogFn,
    clock,
    { flushed: (seconds, rows) => self.storageFlush(seconds, rows), failed: () => self.storageError('flush') },
  );
  const maintenance = new StorageMaintenance(
    db,
    {
      retention: {
        ...DEFAULT_RETENTION_CONFIG,
        minuteRetentionHours: config.retention.minuteHours,
        hourRetentionDays: config.retention.hourDays,
        slowQueryRetentionDays: config.retention.logDays,
        sampleRetentionDays: config.retention.logDays,
        maxSamplesPerRoute: config.retention.maxSamplesPerRoute,
      },
    },
    storageLogFn,
    clock,
  );

  const pipeline = new Pipeline(
    {
      queueMaxSpans: config.ingest.queueMaxSpans,
      assembler: assemblerConfigFrom(config),
      analysis: analysisConfigFrom(config),
      fingerprintCacheSize: config.analysis.fingerprintCacheSize,
      tickMs: 100,
    },
    [aggregator, metrics.sink],
    clock,
    (e) => {
      self.sinkError('pipeline');
      logError('sink', 'a request sink failed', e);
    },
    (reason) => self.assemblerEvicted(reason, 1),
  );

  const telemetry = receiverTelemetry(self);
  const retryAfterSeconds = config.ingest.retryAfterSeconds;
  const ingest = new Ingest({
    queue: pipeline.intake,
    decode: { maxAttributeLength: config.ingest.maxAttributeLength },
    telemetry,
    retryAfterSeconds,
    admission: () => {
      if (draining) return new HotpathError('UNAVAILABLE', 'Hotpath is shutting down; retry', { retryAfterSeconds });
      const st = writer.status();
      // Storage failing: refuse with a retryable status rather than accept data that might be
      // dropped later without anyone knowing. Exporters retry; the writer keeps its own backlog.
      if (!st.healthy) {
        return new HotpathError('STORAGE_FAILED', `storage cannot write: ${st.lastError}`, { retryAfterSeconds });
      }
      return null;
    },
  });
  const onInternal = (e: HotpathError): void => logError('receiver', 'internal error handling an export', e);
  const http = new OtlpHttpReceiver(
    {
      host: config.listen.host,
      port: config.otlp.httpPort,
      path: config.otlp.httpPath,
      maxBodyBytes: config.ingest.maxBodyBytes,
      maxDecompressedBytes: config.ingest.maxDecompressedBytes,
      token: config.ingest.token,
    },
    ingest,
    telemetry,
    onInternal,
  );
  const grpc = new OtlpGrpcReceiver(
    {
      host: config.listen.host,
      port: config.otlp.grpcPort,
      maxMessageBytes: config.ingest.maxDecompressedBytes,
      token: config.ingest.token,
      flowControlWindow: config.otlp.grpcFlowControlWindow,
    },
    ingest,
    telemetry,
    onInternal,
  );

  // Pulled when read (readyz, scrape), so /metrics is current without /readyz being called first.
  const syncPipelineMetrics = stageMetricsSync(self, pipeline, aggregator, writer, ingest);
  const health: HealthSource = {
    checks: () => {
      const st = writer.status();
      const p = syncPipelineMetrics();
      return [
        { name: 'accepting', ok: !draining, detail: draining ? 'draining for shutdown' : 'accepting OTLP exports' },
        { name: 'storage', ok: st.healthy, detail: st.healthy ? `last flush ${st.lastFlushDurationMs} ms` : st.lastError },
        { name: 'ingest_queue', ok: p.queued < config.ingest.queueMaxSpans, detail: `${p.queued}/${config.ingest.queueMaxSpans} spans queued` },
      ];
    },
    scrape: (accept, names) => {
      syncPipelineMetrics();
      return metrics.handleScrape(accept, names);
    },
  };
  const apiLogger = { error: (obj: object, msg: string) => logError('api', msg, obj) };
  const extraRoutes = (app: Express): void => healthRoutes(app, health, (ready) => self.setReady(ready));
  const api = readDb === null
    ? createExtraRoutesApp(extraRoutes, apiLogger)
    : createApiApp({ db: readDb, token: config.api.token, clock, logger: apiLogger, extraRoutes });
  const apiLog = logger.child({ component: 'api' });
  const apiService = new ApiService(
    { threaded, dbPath: config.storage.path, token: config.api.token, host: config.listen.host, port: config.api.port, nice: config.api.threadNice },
    api,
    { error: (obj, msg) => apiLog.error(obj, msg), warn: (obj, msg) => apiLog.warn(obj, msg) },
  );
  let stopped = false;
  const ports = { grpc: 0, http: 0, api: 0 };

  return {
    ports,
    metrics,
    pipeline,
    writer,
    async start() {
      await writer.start();
      await maintenance.start();
      await pipeline.start();
      ports.api = await apiService.start();
      await http.start();
      await grpc.start();
      if (!grpc.flowControlApplied) {
        log.warn({ window: config.otlp.grpcFlowControlWindow }, 'the gRPC flow-control window could not be applied (grpc-js no longer exposes its HTTP/2 servers); exports use the 64 KiB default');
      }
      ports.http = http.port;
      ports.grpc = grpc.port;
      log.info({ host: config.listen.host, ...ports, db: config.storage.path }, 'hotpath started');
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      draining = true;
      log.info('draining: refusing new exports, finishing in-flight ones');
      await Promise.all([http.shutdown(), grpc.shutdown()]);
      await pipeline.shutdown();
      await writer.shutdown();
      // Storage still failing at exit (lock held, disk full): these batches hold acknowledged data,
      // so retry within main.ts's shutdown deadline before giving up loudly, never silently
      // (found by scripts/reliability/storage-faults.test.ts: exit 0 with the batches dropped).
      for (let i = 0; i < SHUTDOWN_STORAGE_RETRIES && writer.status().pendingBatches > 0; i++) {
        await new Promise((r) => setTimeout(r, SHUTDOWN_STORAGE_RETRY_MS));
        writer.flush();
      }
      const unwritten = writer.status();
      await maintenance.shutdown();
      await apiService.stop();
      if (readDb !== null && readDb !== db) readDb.close();
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (e) {
        // The flush above committed to the WAL, which SQLite replays on the next open; a failed
        // checkpoint (disk still full: scripts/reliability/storage-faults.test.ts) loses nothing,
        // so it must not turn a clean shutdown into a failed one.
        log.warn({ err: e }, 'final WAL checkpoint failed; the data stays in the WAL');
      }
      db.close();
      if (unwritten.pendingBatches > 0) {
        throw new HotpathError('STORAGE_FAILED', `exiting with ${unwritten.pendingBatches} aggregate batch(es) unwritten: ${unwritten.lastError}`);
      }
      log.info(pipeline.stats(), 'hotpath stopped');
    },
  };
}
