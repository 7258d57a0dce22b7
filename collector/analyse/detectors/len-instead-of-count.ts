// len_instead_of_count: an unbounded SELECT that returned >= largeResult.minRows rows (only when
// the row count is reported: db.response.returned_rows or hotpath.db.rows). Typical Django causes
// are len(qs) or `if qs:` where .count()/.exists() would do, or rendering a whole table unpaginated.

import type { Finding } from '../../contract.js';
import type { DetectorContext } from './detector-context.js';
import { groupBy, makeFinding, unionMs } from './detector-context.js';
import { sqlShape } from './sql-shape.js';

export function detectLenInsteadOfCount(ctx: DetectorContext): Finding[] {
  const spans = ctx.tree.spans;
  const minRows = ctx.cfg.largeResult.minRows;
  const groups = groupBy(spans.length, (i) => {
    const a = spans[i]!;
    if (a.sql === null || a.span.dbRows < minRows) return null;
    const shape = sqlShape(a.sql);
    return shape.isSelect && !shape.isCount && !shape.bounded ? a.sql.fingerprint : null;
  });
  const findings: Finding[] = [];
  for (const members of groups.values()) {
    const sql = spans[members[0]!]!.sql!;
    const rows = Math.max(...members.map((i) => spans[i]!.span.dbRows));
    const suggestion =
      `${rows} rows of ${sql.tables[0] ?? 'a table'} loaded without LIMIT: use .count() if only the number is needed, ` +
      '.exists() for emptiness checks, .iterator() to stream a large export, or paginate what is displayed';
    findings.push(makeFinding(ctx, 'len_instead_of_count', sql.fingerprint, members, unionMs(spans, members), suggestion));
  }
  return findings;
}
