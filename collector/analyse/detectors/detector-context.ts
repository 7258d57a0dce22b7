// What every detector receives: one analysed request, its span tree and own times. Detectors are
// pure functions of this context returning findings.

import type { AnalysedRequest, AnalysedSpan, Finding, FindingType } from '../../contract.js';
import type { AnalysisConfig } from '../analysis-config.js';
import type { SpanTree } from '../span-tree.js';
import type { BreakdownResult } from '../breakdown.js';
import { IntervalList } from '../intervals.js';
import type { NPlusOneResult } from './n-plus-one.js';

export interface DetectorContext {
  kind: AnalysedRequest['kind'];
  service: string;
  method: string;
  route: string;
  traceId: string;
  tree: SpanTree;
  times: BreakdownResult;
  cfg: AnalysisConfig;
  /** n_plus_one's runs, computed once per request for it and duplicate_query (n-plus-one.ts). */
  nPlusOne?: NPlusOneResult;
}

export type Detector = (ctx: DetectorContext) => Finding[];

/** A finding over the spans at `members` (tree indices); totalMs is the caller's measure. */
export function makeFinding(
  ctx: DetectorContext,
  type: FindingType,
  fingerprint: string,
  members: readonly number[],
  totalMs: number,
  suggestion: string,
): Finding {
  const spans = ctx.tree.spans;
  return {
    type,
    service: ctx.service,
    method: ctx.method,
    route: ctx.route,
    fingerprint,
    occurrences: members.length,
    totalMs,
    // Background groups span many traces: the sample is the first offending span's trace.
    traceId: ctx.traceId !== '' ? ctx.traceId : (spans[members[0] ?? 0]?.span.traceId ?? ''),
    spanIds: members.map((i) => spans[i]!.span.spanId),
    suggestion,
  };
}

/** Reused by unionMs (synchronous, not re-entrant). */
const unionScratch = new IntervalList();

/** Non-overlapping total time of the spans at `members` (Sentry's total_span_time). */
export function unionMs(spans: readonly AnalysedSpan[], members: readonly number[]): number {
  unionScratch.clear();
  for (const i of members) {
    const s = spans[i]!.span;
    unionScratch.push(s.startMs, s.startMs + s.durationMs);
  }
  return unionScratch.union();
}

/** Groups tree indices by a key, keeping start order; entries with key null are skipped. */
export function groupBy(count: number, keyOf: (i: number) => string | null): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const key = keyOf(i);
    if (key === null) continue;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [i]);
    else g.push(i);
  }
  return groups;
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}
