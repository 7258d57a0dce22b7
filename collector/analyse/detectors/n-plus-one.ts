// n_plus_one: one SELECT fingerprint run >= minCount times under one parent, >= minTotalMs of
// non-overlapping time (Sentry's N+1 defaults, peer-features.md §1). Differences from Sentry:
// - Runs need not be adjacent: a loop touching book.author and book.publisher interleaves two
//   fingerprints (ABAB), which Sentry only finds with its separate MN+1 detector.
// - Template spans are transparent when choosing "the parent": a loop that {% include %}s a
//   template per item gives every query its own template parent, yet it is one loop.
// - Split from duplicate_query by parameter hash (CLASSIFICATION.md §Detectors): a run is an N+1
//   when it has >= minCount DISTINCT parameter sets (a span without a hash counts as distinct);
//   it then claims all its executions, including repeats of one id (25 books by 19 authors is one
//   N+1 whose fix, select_related, also removes the repeats). Repeats outside any N+1 are
//   duplicate_query. No span is reported by both. Without hashes (default OTel data) the wording
//   says "repeated": identical and different parameters cannot be told apart.

import type { Finding } from '../../contract.js';
import { nPlusOneHint } from './django-hints.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, groupBy, makeFinding, unionMs } from './detector-context.js';
import { sqlShape } from './sql-shape.js';

export interface NPlusOneRun {
  members: number[];
  distinct: number;
  totalMs: number;
}

export interface NPlusOneResult {
  runs: NPlusOneRun[];
  claimed: Set<number>;
}

/** The runs that qualify as N+1 and the span indices they claim (shared with duplicate_query). */
export function nPlusOneRuns(ctx: DetectorContext): NPlusOneResult {
  if (ctx.nPlusOne !== undefined) return ctx.nPlusOne;
  const { spans, parent } = ctx.tree;
  const cfg = ctx.cfg.nPlusOne;
  // Grouped by fingerprint first (no key string per DB span), then split by parent only for the
  // few groups long enough to qualify: most fingerprints run once or twice per request.
  const byFingerprint = groupBy(spans.length, (i) => {
    const a = spans[i]!;
    return a.sql === null || !sqlShape(a.sql).isSelect ? null : a.sql.fingerprint;
  });
  const runs: NPlusOneRun[] = [];
  const claimed = new Set<number>();
  for (const group of byFingerprint.values()) {
    if (group.length < cfg.minCount) continue;
    for (const members of byParent(group, spans, parent)) {
      if (members.length < cfg.minCount) continue;
      const distinct = members.filter((i) => !spans[i]!.duplicate).length;
      if (distinct < cfg.minCount) continue;
      const totalMs = unionMs(spans, members);
      if (!cfg.countOnly && totalMs < cfg.minTotalMs) continue;
      runs.push({ members, distinct, totalMs });
      for (const i of members) claimed.add(i);
    }
  }
  return (ctx.nPlusOne = { runs, claimed });
}

/** Members split by their parent, template spans being transparent; one list in the common case. */
function byParent(group: number[], spans: DetectorContext['tree']['spans'], parent: Int32Array): number[][] {
  const parentOf = (i: number): number => {
    let p = parent[i]!;
    while (p >= 0 && spans[p]!.category === 'template') p = parent[p]!;
    return p;
  };
  const first = parentOf(group[0]!);
  let k = 1;
  while (k < group.length && parentOf(group[k]!) === first) k++;
  if (k === group.length) return [group];
  const split = new Map<number, number[]>();
  for (const i of group) {
    const p = parentOf(i);
    const list = split.get(p);
    if (list === undefined) split.set(p, [i]);
    else list.push(i);
  }
  return [...split.values()];
}

export function detectNPlusOne(ctx: DetectorContext): Finding[] {
  const spans = ctx.tree.spans;
  return nPlusOneRuns(ctx).runs.map(({ members, distinct, totalMs }) => {
    const sql = spans[members[0]!]!.sql!;
    const hashed = members.every((i) => spans[i]!.span.dbParamsHash !== '');
    const repeats = members.length - distinct;
    const head = !hashed
      ? `this query repeated ${members.length} times (${fmtMs(totalMs)}); parameters were not captured, so some may be identical repeats`
      : `N+1: this query ran ${members.length} times with ${distinct} different parameter sets${repeats > 0 ? ` (${repeats} exact repeats)` : ''} (${fmtMs(totalMs)})`;
    return makeFinding(ctx, 'n_plus_one', sql.fingerprint, members, totalMs, `${head}: ${nPlusOneHint(sql).text}`);
  });
}
