// The single writer: every flushIntervalMs it drains the aggregator and applies everything in ONE
// transaction (one fsync-free WAL commit per second at synchronous=NORMAL). A flush writes one row
// per distinct (minute, key) whatever the span rate: at 1,000 routes and fingerprints ~4,500
// upserts, and storage was ~10% of the main thread's CPU at saturation (bench/profile.ts
// --routes=1000). So the next flush waits until the cheapest of the last five flushes cost at most
// flushShare of the wait, up to maxFlushIntervalMs; at 10 routes a flush costs a few ms and the
// interval stays put.
// A failing database (full disk, read-only file, corruption, lock timeout) never throws out of the
// timer: batches are kept, up to maxPendingBatches, and retried on the next tick; what falls off is
// counted.
import type { Database } from 'better-sqlite3';
import type { Clock, Lifecycle } from '../collector/contract.js';
import type { AggregateBatch } from '../collector/aggregate/aggregate-batch.js';
import { batchRowCount } from '../collector/aggregate/aggregate-batch.js';
import type { BatchApplier } from './apply-batch.js';
import { createBatchApplier } from './apply-batch.js';
import { rollupWatermarks } from './rollup.js';

export interface WriterConfig {
  /** The interval between flushes, and its floor when flushes are costly. */
  flushIntervalMs: number;
  /** The ceiling of the stretched interval (the lag grows with it). */
  maxFlushIntervalMs: number;
  /** Largest share of the wait the cheapest of the last five flushes (drain and write) may have taken; 0 = fixed interval. */
  flushShare: number;
  /** Failed batches kept for retry; at 1 s per batch the default rides out a minute of trouble. */
  maxPendingBatches: number;
}

export const DEFAULT_WRITER_CONFIG: WriterConfig = { flushIntervalMs: 1000, maxFlushIntervalMs: 4000, flushShare: 0.05, maxPendingBatches: 60 };

export type StorageLog = (level: 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;

/** Told about every flush that had something to write (the collector's self-metrics). */
export interface FlushReport {
  flushed(seconds: number, rows: number): void;
  failed(): void;
}

export const NO_FLUSH_REPORT: FlushReport = { flushed: () => undefined, failed: () => undefined };

export interface WriterStatus {
  healthy: boolean;
  lastError: string;
  lastFlushMs: number;
  lastFlushDurationMs: number;
  flushes: number;
  failures: number;
  pendingBatches: number;
  droppedRows: number;
  rowsWritten: number;
  /** The wait before the next timed flush (stretched when flushes are costly). */
  flushIntervalMs: number;
}

export class StorageWriter implements Lifecycle {
  private readonly cfg: WriterConfig;
  private apply: BatchApplier | undefined;
  private pending: AggregateBatch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  healthy = true;
  lastError = '';
  lastFlushMs = 0;
  lastFlushDurationMs = 0;
  flushes = 0;
  failures = 0;
  /** Rows lost because the database kept failing past maxPendingBatches. */
  droppedRows = 0;
  rowsWritten = 0;
  flushIntervalMs: number;
  /** Wall-clock cost (ms) of the last timed flushes. */
  private readonly recentCosts = [Infinity, Infinity, Infinity, Infinity, Infinity];
  private costIndex = 0;

  constructor(
    private readonly db: Database,
    private readonly drain: () => AggregateBatch,
    config: Partial<WriterConfig> = {},
    private readonly log: StorageLog = () => {},
    private readonly clock: Clock = Date.now,
    private readonly report: FlushReport = NO_FLUSH_REPORT,
  ) {
    this.cfg = { ...DEFAULT_WRITER_CONFIG, ...config };
    this.flushIntervalMs = this.cfg.flushIntervalMs;
  }

  async start(): Promise<void> {
    if (this.timer !== undefined || this.stopped) return;
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      const started = this.clock();
      this.flush();
      // The cheapest of the last few flushes: one that a major GC or another thread's time slice
      // lengthened (lag p99 at 10 routes and 80% load went 2.1 -> 3.3-3.8 s when the last flush
      // alone set the wait) says nothing about what writing the rows costs.
      this.recentCosts[this.costIndex++ % this.recentCosts.length] = this.clock() - started;
      this.flushIntervalMs = nextInterval(this.cfg, Math.min(...this.recentCosts));
      if (!this.stopped) this.schedule();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  /** Drains and writes now; returns whether everything pending reached the database. Never throws. */
  flush(): boolean {
    const batch = this.drain();
    if (batchRowCount(batch) > 0) this.pending.push(batch);
    while (this.pending.length > this.cfg.maxPendingBatches) this.droppedRows += batchRowCount(this.pending.shift()!);
    if (this.pending.length === 0) return true;
    const t0 = this.clock();
    const started = performance.now();
    try {
      this.apply ??= createBatchApplier(this.db);
      const apply = this.apply;
      const pending = this.pending;
      this.db.transaction(() => {
        const rolled = rollupWatermarks(this.db);
        for (const b of pending) apply(b, rolled);
      })();
      let rows = 0;
      for (const b of pending) rows += batchRowCount(b);
      this.rowsWritten += rows;
      this.pending = [];
      this.report.flushed((performance.now() - started) / 1000, rows);
      this.flushes++;
      this.lastFlushMs = this.clock();
      this.lastFlushDurationMs = this.lastFlushMs - t0;
      if (!this.healthy) this.log('info', 'storage writes recovered');
      this.healthy = true;
      this.lastError = '';
      return true;
    } catch (e) {
      this.failures++;
      this.report.failed();
      const code = (e as { code?: unknown }).code;
      const msg = `${typeof code === 'string' ? code + ': ' : ''}${e instanceof Error ? e.message : String(e)}`;
      if (this.healthy) this.log('error', `storage write failed, keeping ${this.pending.length} batch(es) for retry`, e);
      this.healthy = false;
      this.lastError = msg;
      return false;
    }
  }

  status(): WriterStatus {
    return {
      healthy: this.healthy, lastError: this.lastError, lastFlushMs: this.lastFlushMs,
      lastFlushDurationMs: this.lastFlushDurationMs, flushes: this.flushes, failures: this.failures,
      pendingBatches: this.pending.length, droppedRows: this.droppedRows, rowsWritten: this.rowsWritten,
      flushIntervalMs: this.flushIntervalMs,
    };
  }

  /** Final flush, then the timer stops. Does not close the database (its opener owns it). */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }
}

/** The wait after a flush that cost `costMs`: long enough for that cost to be `flushShare` of it, within bounds. */
export function nextInterval(cfg: Pick<WriterConfig, 'flushIntervalMs' | 'maxFlushIntervalMs' | 'flushShare'>, costMs: number): number {
  if (!(cfg.flushShare > 0)) return cfg.flushIntervalMs;
  const ceiling = Math.max(cfg.flushIntervalMs, cfg.maxFlushIntervalMs);
  return Math.round(Math.min(ceiling, Math.max(cfg.flushIntervalMs, costMs / cfg.flushShare)));
}
