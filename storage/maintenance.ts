// Rollup and retention on a timer, in small steps with a macrotask yield between them so the
// writer's flush timer and the receivers keep running while a backlog (e.g. after downtime) drains.
import type { Database } from 'better-sqlite3';
import type { Clock, Lifecycle } from '../collector/contract.js';
import type { RetentionConfig } from './retention.js';
import { DEFAULT_RETENTION_CONFIG, retentionStep } from './retention.js';
import type { RollupConfig } from './rollup.js';
import { DEFAULT_ROLLUP_CONFIG, rollupStep } from './rollup.js';
import type { StorageLog } from './writer.js';

export interface MaintenanceConfig {
  intervalMs: number;
  /** Upper bound of steps per tick; the rest waits for the next tick. */
  maxStepsPerTick: number;
  rollup: RollupConfig;
  retention: RetentionConfig;
  /** Hand free pages back to the file system once they exceed this share of the file. */
  vacuumFreeRatio: number;
  vacuumPagesPerTick: number;
}

export const DEFAULT_MAINTENANCE_CONFIG: MaintenanceConfig = {
  intervalMs: 60_000,
  maxStepsPerTick: 500,
  rollup: DEFAULT_ROLLUP_CONFIG,
  retention: DEFAULT_RETENTION_CONFIG,
  vacuumFreeRatio: 0.25,
  vacuumPagesPerTick: 1024,
};

export interface MaintenanceResult {
  rollupSteps: number;
  rowsDeleted: number;
  /** False when the step budget ran out before the work did. */
  complete: boolean;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class StorageMaintenance implements Lifecycle {
  private readonly cfg: MaintenanceConfig;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MaintenanceResult> | undefined;
  private stopped = false;
  healthy = true;
  lastError = '';
  rowsDeleted = 0;

  constructor(
    private readonly db: Database,
    config: Partial<MaintenanceConfig> = {},
    private readonly log: StorageLog = () => {},
    private readonly clock: Clock = Date.now,
  ) {
    this.cfg = { ...DEFAULT_MAINTENANCE_CONFIG, ...config };
  }

  async start(): Promise<void> {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => void this.runOnce(), this.cfg.intervalMs);
    this.timer.unref();
  }

  /** One maintenance pass (overlapping calls share the pass in progress). Never rejects. */
  runOnce(): Promise<MaintenanceResult> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<MaintenanceResult> {
    const res: MaintenanceResult = { rollupSteps: 0, rowsDeleted: 0, complete: false };
    try {
      let steps = 0;
      while (steps < this.cfg.maxStepsPerTick && !this.stopped && rollupStep(this.db, this.clock(), this.cfg.rollup)) {
        res.rollupSteps++;
        steps++;
        await yieldToEventLoop();
      }
      while (steps < this.cfg.maxStepsPerTick && !this.stopped) {
        const d = retentionStep(this.db, this.clock(), this.cfg.retention);
        if (d === 0) break;
        res.rowsDeleted += d;
        steps++;
        await yieldToEventLoop();
      }
      res.complete = steps < this.cfg.maxStepsPerTick;
      this.rowsDeleted += res.rowsDeleted;
      if (!this.stopped) this.reclaim();
      if (!this.healthy) this.log('info', 'storage maintenance recovered');
      this.healthy = true;
      this.lastError = '';
    } catch (e) {
      if (this.healthy) this.log('error', 'storage maintenance failed', e);
      this.healthy = false;
      this.lastError = e instanceof Error ? e.message : String(e);
    }
    return res;
  }

  private reclaim(): void {
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    if (pages > 0 && free / pages > this.cfg.vacuumFreeRatio) this.db.pragma(`incremental_vacuum(${this.cfg.vacuumPagesPerTick})`);
    // A checkpoint per tick keeps the -wal file from growing while readers come and go.
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.running !== undefined) await this.running;
  }
}
