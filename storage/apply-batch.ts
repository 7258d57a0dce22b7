// Writes one AggregateBatch with prepared statements. The caller wraps it in a transaction.
// Counters add, maxima take the larger, sketches merge in SQL (ddsketch_merge), so rows written
// by successive flushes for the same minute accumulate.
import type { Database, Statement } from 'better-sqlite3';
import type { AggregateBatch } from '../collector/aggregate/aggregate-batch.js';
import { MAX_SAMPLE_TRACE_IDS } from '../collector/aggregate/aggregate-batch.js';
import { RowSketch } from './row-sketch.js';
import { registerSketchFunctions } from './sketch-sql.js';
import type { BucketedTable } from './tables.js';
import { BACKGROUND, ENDPOINT, FINDING, QUERY, QUERY_ROUTE, upsertValuesSql } from './tables.js';

const HOUR_MS = 3_600_000;

function mergeTraceIds(newer: unknown, older: unknown): string {
  const out: string[] = [];
  for (const src of [newer, older]) {
    if (typeof src !== 'string') continue;
    for (const id of JSON.parse(src) as string[]) {
      if (out.length < MAX_SAMPLE_TRACE_IDS && !out.includes(id)) out.push(id);
    }
  }
  return JSON.stringify(out);
}

interface TableWriter {
  table: BucketedTable;
  minute: Statement;
  hour: Statement;
}

function bindValue(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof RowSketch) return v.encode();
  return v;
}

/** `rolled` maps a table base name to the rollup watermark (see rollup.ts). */
export type BatchApplier = (batch: AggregateBatch, rolled: ReadonlyMap<string, number>) => void;

export function createBatchApplier(db: Database): BatchApplier {
  registerSketchFunctions(db);
  db.function('hp_merge_trace_ids', { deterministic: true }, mergeTraceIds);
  const tw = (t: BucketedTable): TableWriter => ({
    table: t,
    minute: db.prepare(upsertValuesSql(t, `${t.base}_minute`)),
    hour: db.prepare(upsertValuesSql(t, `${t.base}_hour`)),
  });
  const endpoint = tw(ENDPOINT);
  const background = tw(BACKGROUND);
  const query = tw(QUERY);
  const queryRoute = tw(QUERY_ROUTE);
  const finding = tw(FINDING);
  const findingSummary = db.prepare(`INSERT INTO findings (service, method, route, type, fingerprint, occurrences,
      requests, total_ms, first_seen_ms, last_seen_ms, last_version, suggestion, sample_trace_ids)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (service, method, route, type, fingerprint) DO UPDATE SET
      occurrences = occurrences + excluded.occurrences, requests = requests + excluded.requests,
      total_ms = total_ms + excluded.total_ms, first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
      last_version = CASE WHEN excluded.last_seen_ms >= last_seen_ms THEN excluded.last_version ELSE last_version END,
      suggestion = CASE WHEN excluded.suggestion != '' THEN excluded.suggestion ELSE suggestion END,
      sample_trace_ids = CASE WHEN excluded.last_seen_ms >= last_seen_ms
        THEN hp_merge_trace_ids(excluded.sample_trace_ids, sample_trace_ids)
        ELSE hp_merge_trace_ids(sample_trace_ids, excluded.sample_trace_ids) END,
      last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`);
  const queryInfo = db.prepare(`INSERT INTO queries (service, fingerprint, normalized, operation, tables, db_system,
      first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (service, fingerprint) DO UPDATE SET first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
      last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`);
  const versions = db.prepare(`INSERT INTO service_versions (service, version, environment, first_seen_ms,
      last_seen_ms, requests) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (service, version) DO UPDATE SET first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
      last_seen_ms = max(last_seen_ms, excluded.last_seen_ms), requests = requests + excluded.requests,
      environment = CASE WHEN excluded.environment != '' THEN excluded.environment ELSE environment END`);
  const slow = db.prepare(`INSERT INTO slow_queries (time_ms, service, version, method, route, trace_id, span_id,
      duration_ms, fingerprint, operation, db_system, rows, statement, raw)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const sample = db.prepare(`INSERT INTO samples (time_ms, service, version, kind, method, route, trace_id, span_id,
      duration_ms, status, error, partial, reasons, finding_types, span_count, body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);

  function writeRows(w: TableWriter, rows: readonly object[], rolled: ReadonlyMap<string, number>): void {
    const rolledBeforeMs = rolled.get(w.table.base) ?? 0;
    const fields = [...w.table.keys, ...w.table.values].map((c) => c.field);
    // One parameter array per table, refilled per row and bound as an array: no per-row array
    // and no spread call (thousands of rows a flush at 1,000 routes, bench/ scaling case).
    const params: unknown[] = new Array<unknown>(fields.length + 1);
    for (const row of rows) {
      const r = row as Record<string, unknown>;
      const bucketMs = r['bucketMs'] as number;
      params[0] = bucketMs;
      for (let i = 0; i < fields.length; i++) params[i + 1] = bindValue(r[fields[i]!]);
      w.minute.run(params);
      // Rollup already passed this hour: late data goes straight into the hour row as well.
      if (bucketMs < rolledBeforeMs) {
        params[0] = Math.floor(bucketMs / HOUR_MS) * HOUR_MS;
        w.hour.run(params);
      }
    }
  }

  return (b, rolled) => {
    writeRows(endpoint, b.endpoints, rolled);
    writeRows(background, b.background, rolled);
    writeRows(query, b.queries, rolled);
    writeRows(queryRoute, b.queryRoutes, rolled);
    writeRows(finding, b.findings, rolled);
    for (const f of b.findings) {
      findingSummary.run(f.service, f.method, f.route, f.type, f.fingerprint, f.occurrences, f.requests, f.totalMs,
        f.firstSeenMs, f.lastSeenMs, f.version, f.suggestion, JSON.stringify(f.sampleTraceIds));
    }
    for (const q of b.queryInfo) {
      queryInfo.run(q.service, q.fingerprint, q.normalized, q.operation, JSON.stringify(q.tables), q.dbSystem,
        q.firstSeenMs, q.lastSeenMs);
    }
    for (const v of b.serviceVersions) versions.run(v.service, v.version, v.environment, v.firstSeenMs, v.lastSeenMs, v.requests);
    for (const s of b.slowQueries) {
      slow.run(s.timeMs, s.service, s.version, s.method, s.route, s.traceId, s.spanId, s.durationMs, s.fingerprint,
        s.operation, s.dbSystem, s.rows, s.statement, s.raw ? 1 : 0);
    }
    for (const s of b.samples) {
      sample.run(s.timeMs, s.service, s.version, s.kind, s.method, s.route, s.traceId, s.spanId, s.durationMs, s.status,
        s.error ? 1 : 0, s.partial ? 1 : 0, JSON.stringify(s.reasons), JSON.stringify(s.findingTypes), s.spanCount, s.body);
    }
  };
}
