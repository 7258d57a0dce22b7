// cache_heavy: more than maxCallsPerRequest logical cache calls in one request (a redis span
// inside our Django cache span is the same call, counted once). The hit ratio is reported in the
// suggestion when outcomes are known; across requests, a route's ratio is judged by the
// aggregator with isLowHitRatio (a single request's ratio is too noisy to alert on alone).

import type { Finding } from '../../contract.js';
import type { AnalysisConfig } from '../analysis-config.js';
import { CATEGORY_BIT } from '../span-tree.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, makeFinding, unionMs } from './detector-context.js';

export function isLowHitRatio(hits: number, misses: number, cfg: AnalysisConfig): boolean {
  const known = hits + misses;
  return known >= cfg.cacheHeavy.minCallsForRatio && hits / known < cfg.cacheHeavy.minHitRatio;
}

export function detectCacheHeavy(ctx: DetectorContext): Finding[] {
  const { spans, ancestorMask } = ctx.tree;
  const calls: number[] = [];
  for (let i = 0; i < spans.length; i++) {
    if (spans[i]!.category === 'cache' && (ancestorMask[i]! & CATEGORY_BIT.cache) === 0) calls.push(i);
  }
  if (calls.length <= ctx.cfg.cacheHeavy.maxCallsPerRequest) return [];
  const { cacheHits, cacheMisses } = ctx.times.breakdown;
  const totalMs = unionMs(spans, calls);
  let suggestion =
    `${calls.length} cache calls in one request (${fmtMs(totalMs)}): fetch keys together with cache.get_many()/set_many(), ` +
    'or cache the assembled result once (per-view cache_page or a {% cache %} fragment) instead of per item';
  if (isLowHitRatio(cacheHits, cacheMisses, ctx.cfg)) {
    const pct = Math.round((100 * cacheHits) / (cacheHits + cacheMisses));
    suggestion += `; only ${pct}% were hits: check for keys that vary per request (user, timestamp) and for timeouts too short to reuse entries`;
  }
  return [makeFinding(ctx, 'cache_heavy', '', calls, totalMs, suggestion)];
}
