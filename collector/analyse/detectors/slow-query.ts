// slow_query: any statement at or above the threshold (500 ms: Sentry, debug toolbar, New Relic;
// peer-features.md summary), per-route overrides from AnalysisConfig. Unlike Sentry this is not
// limited to SELECT: a slow UPDATE or COMMIT holds locks and is as worth knowing. One finding per
// fingerprint per request.

import type { Finding, SqlInfo } from '../../contract.js';
import { slowQueryThresholdMs } from '../analysis-config.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, groupBy, makeFinding } from './detector-context.js';
import { sqlShape } from './sql-shape.js';

export function detectSlowQueries(ctx: DetectorContext): Finding[] {
  const spans = ctx.tree.spans;
  const threshold = slowQueryThresholdMs(ctx.cfg, ctx.route);
  const groups = groupBy(spans.length, (i) => {
    const a = spans[i]!;
    return a.category === 'db' && a.span.durationMs >= threshold ? (a.sql?.fingerprint ?? `span:${a.span.name}`) : null;
  });
  const findings: Finding[] = [];
  for (const members of groups.values()) {
    const first = spans[members[0]!]!;
    let total = 0;
    let max = 0;
    for (const i of members) {
      total += spans[i]!.span.durationMs;
      max = Math.max(max, spans[i]!.span.durationMs);
    }
    const head = `query took ${fmtMs(max)} (threshold ${fmtMs(threshold)})`;
    findings.push(makeFinding(ctx, 'slow_query', first.sql?.fingerprint ?? '', members, total, `${head}: ${advice(first.sql)}`));
  }
  return findings;
}

function advice(sql: SqlInfo | null): string {
  if (sql === null) return 'the statement text was not captured; enable db statement capture to see which query it is';
  const shape = sqlShape(sql);
  const table = sql.tables[0] ?? '';
  if (table === '') return 'run EXPLAIN ANALYZE on it; it reads no table, so look at the functions it calls';
  if (shape.isSelect && !shape.bounded && !shape.isCount) {
    return `it reads ${table} without LIMIT: paginate (Paginator or slicing), fetch fewer columns with only()/values(), and check EXPLAIN ANALYZE for a missing index`;
  }
  if (shape.isSelect) {
    return `run EXPLAIN ANALYZE on it and add an index on its WHERE/ORDER BY columns of ${table} (Meta.indexes or db_index=True)`;
  }
  if (shape.isWrite) return `check lock waits and indexes on the WHERE columns of ${table}; move bulk work to a background task`;
  return 'check for long transactions (transaction.atomic blocks) and lock waits around it';
}
