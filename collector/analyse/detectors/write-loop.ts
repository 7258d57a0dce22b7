// write_loop: >= minCount INSERT/UPDATE/DELETE executions of one fingerprint in one request:
// rows saved one at a time where Django has a bulk form (bulk_create, bulk_update, update(),
// queryset delete()). Writes are excluded from n_plus_one and duplicate_query, so they are
// reported only here.

import type { Finding } from '../../contract.js';
import { writeLoopHint } from './django-hints.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, groupBy, makeFinding, unionMs } from './detector-context.js';
import { sqlShape } from './sql-shape.js';

export function detectWriteLoops(ctx: DetectorContext): Finding[] {
  const spans = ctx.tree.spans;
  const groups = groupBy(spans.length, (i) => {
    const sql = spans[i]!.sql;
    return sql !== null && sqlShape(sql).isWrite ? sql.fingerprint : null;
  });
  const findings: Finding[] = [];
  for (const members of groups.values()) {
    if (members.length < ctx.cfg.writeLoop.minCount) continue;
    const sql = spans[members[0]!]!.sql!;
    const totalMs = unionMs(spans, members);
    const head = `${members.length} ${sql.operation} statements of one shape (${fmtMs(totalMs)})`;
    findings.push(makeFinding(ctx, 'write_loop', sql.fingerprint, members, totalMs, `${head}: ${writeLoopHint(sql)}`));
  }
  return findings;
}
