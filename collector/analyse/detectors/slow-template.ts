// slow_template: a template whose own render time (its spans minus their children: nested
// {% include %}s and queries are excluded, matching breakdown.templateMs) reaches the threshold
// within one request, summed over its renders (an include rendered per item adds up). Queries
// issued while rendering are counted in the suggestion: they are lazy querysets evaluated by the
// template, which the view should load up front.

import type { Finding } from '../../contract.js';
import { CATEGORY_BIT } from '../span-tree.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, groupBy, makeFinding } from './detector-context.js';

export function detectSlowTemplates(ctx: DetectorContext): Finding[] {
  const { spans, parent, ancestorMask } = ctx.tree;
  const { ownMs } = ctx.times;
  const nameOf = (i: number): string => spans[i]!.span.templateName || spans[i]!.span.name;
  const groups = groupBy(spans.length, (i) => (spans[i]!.category === 'template' ? nameOf(i) : null));
  const queriesUnder = new Map<string, number>();
  for (let i = 0; i < spans.length; i++) {
    if (spans[i]!.category !== 'db' || (ancestorMask[i]! & CATEGORY_BIT.template) === 0) continue;
    for (let p = parent[i]!; p >= 0; p = parent[p]!) {
      if (spans[p]!.category !== 'template') continue;
      queriesUnder.set(nameOf(p), (queriesUnder.get(nameOf(p)) ?? 0) + 1);
      break; // attribute each query to its innermost template only
    }
  }
  const findings: Finding[] = [];
  for (const [name, members] of groups) {
    let own = 0;
    for (const i of members) own += ownMs[i]!;
    if (own < ctx.cfg.slowTemplate.thresholdMs) continue;
    const renders = members.length > 1 ? ` over ${members.length} renders` : '';
    let suggestion =
      `${name} spends ${fmtMs(own)} of its own render time${renders}: cache stable parts with {% cache %}, ` +
      'and move heavy work out of template tags/filters and model methods called from the template into the view';
    const queries = queriesUnder.get(name) ?? 0;
    if (queries > 0) {
      suggestion += `; ${queries} queries also ran while rendering it: evaluate querysets in the view with select_related()/prefetch_related()`;
    }
    findings.push(makeFinding(ctx, 'slow_template', name, members, own, suggestion));
  }
  return findings;
}
