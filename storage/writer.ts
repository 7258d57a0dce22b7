// The single writer: it drains the aggregator and applies everything in ONE transaction (one
// fsync-free WAL commit at synchronous=NORMAL). A flush writes one row per distinct (minute, key)
// whatever the span rate: at 1,000 routes and fingerprints ~4,500 upserts, 76 ms a flush of 150k
// spans (bench/flush-cost.ts), against a few ms at 10 routes. So every flushIntervalMs the writer
// looks at how many rows the aggregator holds and flushes once writing them, at the cheapest
// per-row cost of its last five flushes, takes at most flushShare of the time since the last flush
// (up to maxFlushIntervalMs). The estimate follows what is pending now: the earlier rule (the last
// flushes' cost sets the next wait) was set back to the floor by a few near-empty flushes, as after
// an idle gap, and let flushes reach 8.6% of the collector's time at 1,000 routes (bench/profile.ts
// --routes=1000, session 16).
// A failing database (full disk, read-only file, corruption, lock timeout) never throws out of the
// timer: the batch it refused is kept and retried at every look, and meanwhile new rows stay in the
// aggregator, where they merge per minute and key (bounded by its maxGroupsPerFlush, counted when
// hit) instead of piling up one batch per look. flush() called directly (shutdown) keeps batches up
// to maxPendingBatches; what falls off is counted.
import type { Database } from 'better-sqlite3';
import type { Clock, Lifecycle } from '../collector/contract.js';
import type { AggregateBatch } from '../collector/aggregate/aggregate-batch.js';
import { batchRowCount } from '../collector/aggregate/aggregate-batch.js';
import type { BatchApplier } from './apply-batch.js';
import { createBatchApplier } from './apply-batch.js';
import { rollupWatermarks } from './rollup.js';

export interface WriterConfig {
  /** How often the writer looks at what is pending: the interval between cheap flushes. */
  flushIntervalMs: number;
  /** The longest time between two flushes, however costly (the lag grows with it). */
  maxFlushIntervalMs: number;
  /** Largest share of the time since the last flush that the next one (drain and write, estimated) may take; 0 = every flushIntervalMs. */
  flushShare: number;
  /** Failed batches kept for retry by direct flush() calls (the timer holds one at most). */
  maxPendingBatches: number;
}

export const DEFAULT_WRITER_CONFIG: WriterConfig = { flushIntervalMs: 500, maxFlushIntervalMs: 4000, flushShare: 0.05, maxPendingBatches: 60 };

export type StorageLog = (level: 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;

/** Told about every flush that had something to write (the collector's self-metrics). */
export interface FlushReport {
  flushed(seconds: number, rows: number): void;
  failed(): void;
}

export const NO_FLUSH_REPORT: FlushReport = { flushed: () => undefined, failed: () => undefined };

/** What the writer drains (the aggregator). */
export interface FlushSource {
  drain(): AggregateBatch;
  /** Rows held for the next drain, about what the next flush writes. */
  pendingRows(): number;
}

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
  /** Time between the last two timed flushes (longer than the configured interval when flushes are costly). */
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
  /** Wall-clock cost (ms) per pending row of the last timed flushes that wrote rows. */
  private readonly rowCosts = [Infinity, Infinity, Infinity, Infinity, Infinity];
  private costIndex = 0;
  /** When the last timed flush ended and started (clock ms). */
  private lastEndMs: number;
  private lastStartMs: number;

  constructor(
    private readonly db: Database,
    private readonly source: FlushSource,
    config: Partial<WriterConfig> = {},
    private readonly log: StorageLog = () => {},
    private readonly clock: Clock = Date.now,
    private readonly report: FlushReport = NO_FLUSH_REPORT,
  ) {
    this.cfg = { ...DEFAULT_WRITER_CONFIG, ...config };
    this.flushIntervalMs = this.cfg.flushIntervalMs;
    this.lastEndMs = this.lastStartMs = clock();
  }

  async start(): Promise<void> {
    if (this.timer !== undefined || this.stopped) return;
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.tick();
      if (!this.stopped) this.schedule();
    }, this.cfg.flushIntervalMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.pending.length > 0) {
      this.writePending();
      return;
    }
    const started = this.clock();
    const rows = this.source.pendingRows();
    // The cheapest of the last few flushes: one that a major GC or another thread's time slice
    // lengthened (lag p99 at 10 routes and 80% load went 2.1 -> 3.3-3.8 s when the last flush
    // alone set the wait) says nothing about what writing the rows costs. Before any flush wrote
    // rows the cost is unknown (Infinity): the first one waits for the configured interval only.
    const rowCost = Math.min(...this.rowCosts);
    const estimateMs = Number.isFinite(rowCost) ? rows * rowCost : 0;
    if (!flushDue(this.cfg, started - this.lastEndMs, estimateMs)) return;
    const ok = this.flush();
    const ended = this.clock();
    if (ok && rows > 0) this.rowCosts[this.costIndex++ % this.rowCosts.length] = (ended - started) / rows;
    this.flushIntervalMs = started - this.lastStartMs;
    this.lastStartMs = started;
    this.lastEndMs = ended;
  }

  /** Drains and writes now; returns whether everything pending reached the database. Never throws. */
  flush(): boolean {
    const batch = this.source.drain();
    if (batchRowCount(batch) > 0) this.pending.push(batch);
    while (this.pending.length > this.cfg.maxPendingBatches) this.droppedRows += batchRowCount(this.pending.shift()!);
    return this.writePending();
  }

  /** Writes the batches kept so far in one transaction; whether they all reached the database. */
  private writePending(): boolean {
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

/**
 * Whether to flush `sinceMs` after the last flush ended, when writing what is pending would cost
 * about `estimateMs`: once that is at most `flushShare` of the time since, or at the ceiling.
 */
export function flushDue(cfg: Pick<WriterConfig, 'maxFlushIntervalMs' | 'flushShare'>, sinceMs: number, estimateMs: number): boolean {
  if (!(cfg.flushShare > 0)) return true;
  return estimateMs <= cfg.flushShare * sinceMs || sinceMs >= cfg.maxFlushIntervalMs;
}
