// One object for the wiring in main.ts: the database, the aggregator the analysis stage feeds,
// the writer that flushes it, and the maintenance timer. Shutdown order matters: stop maintenance,
// flush the last batch, then close the file.
import type { Clock, Lifecycle } from '../collector/contract.js';
import type { AggregatorConfig } from '../collector/aggregate/aggregator.js';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import type { Database } from './database.js';
import { openDatabase } from './database.js';
import type { MaintenanceConfig } from './maintenance.js';
import { StorageMaintenance } from './maintenance.js';
import type { RetentionConfig } from './retention.js';
import { DEFAULT_RETENTION_CONFIG } from './retention.js';
import type { StorageLog, WriterConfig, WriterStatus } from './writer.js';
import { StorageWriter } from './writer.js';

export interface StorageConfig {
  path: string;
  aggregator?: Partial<AggregatorConfig>;
  writer?: Partial<WriterConfig>;
  maintenance?: Partial<Omit<MaintenanceConfig, 'retention'>>;
  retention?: Partial<RetentionConfig>;
}

export interface StorageStatus {
  /** False while writes or maintenance fail; /readyz should report it. */
  healthy: boolean;
  lastError: string;
  writer: WriterStatus;
  maintenanceHealthy: boolean;
  droppedGroups: number;
  droppedSlowQueries: number;
  droppedSamples: number;
}

export class Storage implements Lifecycle {
  readonly db: Database;
  /** The RequestSink the analysis stage feeds. */
  readonly aggregator: Aggregator;
  readonly writer: StorageWriter;
  readonly maintenance: StorageMaintenance;
  private closed = false;

  /** Opens (and migrates) the database; throws HotpathError STORAGE_FAILED / SCHEMA_TOO_NEW. */
  constructor(cfg: StorageConfig, log: StorageLog = () => {}, clock: Clock = Date.now) {
    this.db = openDatabase(cfg.path);
    this.aggregator = new Aggregator(cfg.aggregator, clock);
    this.writer = new StorageWriter(this.db, this.aggregator, cfg.writer, log, clock);
    const retention = { ...DEFAULT_RETENTION_CONFIG, ...cfg.retention };
    this.maintenance = new StorageMaintenance(this.db, { ...cfg.maintenance, retention }, log, clock);
  }

  async start(): Promise<void> {
    await this.writer.start();
    await this.maintenance.start();
  }

  status(): StorageStatus {
    const w = this.writer.status();
    return {
      healthy: w.healthy && this.maintenance.healthy,
      lastError: w.lastError || this.maintenance.lastError,
      writer: w,
      maintenanceHealthy: this.maintenance.healthy,
      droppedGroups: this.aggregator.droppedGroups,
      droppedSlowQueries: this.aggregator.droppedSlowQueries,
      droppedSamples: this.aggregator.droppedSamples,
    };
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maintenance.shutdown();
    await this.writer.shutdown();
    this.db.close();
  }
}
