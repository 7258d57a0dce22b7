// duplicate_query: a SELECT run again with the same fingerprint AND the same parameters
// (debug toolbar's "duplicate" key, peer-features.md §3), anywhere in the request. Needs a
// parameter hash (hotpath.db.params_hash or db.statement.parameters): without one, identical
// and different parameters look the same and n_plus_one reports the run as "repeated" instead.
// The finding holds only the redundant executions (AnalysedSpan.duplicate), so its time is
// exactly what caching the first result would save; spans claimed by an N+1 run are left to it.

import type { Finding } from '../../contract.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, groupBy, makeFinding, unionMs } from './detector-context.js';
import { nPlusOneRuns } from './n-plus-one.js';
import { sqlShape } from './sql-shape.js';

export function detectDuplicateQueries(ctx: DetectorContext): Finding[] {
  const spans = ctx.tree.spans;
  // Only executions marked duplicate make a finding, and most requests have none: they are spared
  // the grouping and its Maps (82 of the ~1,600 bytes allocated a span in bench/alloc-profile.ts).
  if (!spans.some((a) => a.duplicate)) return [];
  const { claimed } = nPlusOneRuns(ctx);
  // One finding per fingerprint, however many distinct parameter sets repeat within it.
  const byFingerprint = groupBy(spans.length, (i) => {
    const a = spans[i]!;
    return a.sql !== null && a.span.dbParamsHash !== '' && !claimed.has(i) && sqlShape(a.sql).isSelect ? a.sql.fingerprint : null;
  });
  const findings: Finding[] = [];
  for (const [fingerprint, members] of byFingerprint) {
    const perParams = new Map<string, number>();
    for (const i of members) perParams.set(spans[i]!.span.dbParamsHash, (perParams.get(spans[i]!.span.dbParamsHash) ?? 0) + 1);
    const redundant = members.filter((i) => spans[i]!.duplicate && perParams.get(spans[i]!.span.dbParamsHash)! >= ctx.cfg.duplicateQuery.minCount);
    if (redundant.length === 0) continue;
    const totalMs = unionMs(spans, redundant);
    const tables = spans[members[0]!]!.sql!.tables.join(', ') || 'the same rows';
    const suggestion =
      `${redundant.length} executions on ${tables} repeated an earlier one with the same parameters (${fmtMs(totalMs)}): ` +
      'evaluate the queryset once and reuse the result (a variable, @cached_property, or {% with %} in templates) instead of re-querying';
    findings.push(makeFinding(ctx, 'duplicate_query', fingerprint, redundant, totalMs, suggestion));
  }
  return findings;
}
