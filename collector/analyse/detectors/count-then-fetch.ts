// count_then_fetch: SELECT COUNT(...) on a table and an unbounded SELECT of the same table in one
// request. When every row is loaded anyway the COUNT is a wasted round trip (.count() followed by
// iteration, or {{ qs.count }} beside {% for %}). A paginated fetch (LIMIT) is exempt: Paginator
// legitimately counts and then fetches one page.

import type { Finding } from '../../contract.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, groupBy, makeFinding, unionMs } from './detector-context.js';
import { sqlShape } from './sql-shape.js';

export function detectCountThenFetch(ctx: DetectorContext): Finding[] {
  const spans = ctx.tree.spans;
  const fetchedTables = new Set<string>();
  for (const a of spans) {
    if (a.sql === null) continue;
    const shape = sqlShape(a.sql);
    if (shape.isSelect && !shape.isCount && !shape.bounded && a.sql.tables[0] !== undefined) fetchedTables.add(a.sql.tables[0]);
  }
  if (fetchedTables.size === 0) return [];
  const counts = groupBy(spans.length, (i) => {
    const sql = spans[i]!.sql;
    if (sql === null || !sqlShape(sql).isCount) return null;
    const table = sql.tables[0];
    return table !== undefined && fetchedTables.has(table) ? sql.fingerprint : null;
  });
  const findings: Finding[] = [];
  for (const members of counts.values()) {
    const sql = spans[members[0]!]!.sql!;
    const table = sql.tables[0]!;
    const totalMs = unionMs(spans, members);
    const suggestion =
      `COUNT(*) on ${table} (${fmtMs(totalMs)}) while all rows of ${table} are fetched anyway: use len() of the evaluated ` +
      'queryset (or {{ list|length }} in the template) instead of .count(), or .exists() when only emptiness matters';
    findings.push(makeFinding(ctx, 'count_then_fetch', sql.fingerprint, members, totalMs, suggestion));
  }
  return findings;
}
