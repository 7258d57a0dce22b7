// The detector list, in report order: the per-request cap (maxFindingsPerRequest) keeps the
// first ones, so the most actionable database patterns come first.

import type { Finding } from '../../contract.js';
import { detectCacheHeavy } from './cache-heavy.js';
import { detectCountThenFetch } from './count-then-fetch.js';
import type { Detector, DetectorContext } from './detector-context.js';
import { detectDuplicateQueries } from './duplicate-query.js';
import { detectLenInsteadOfCount } from './len-instead-of-count.js';
import { detectNPlusOne } from './n-plus-one.js';
import { detectSlowMiddleware } from './slow-middleware.js';
import { detectSlowQueries } from './slow-query.js';
import { detectSlowTemplates } from './slow-template.js';
import { detectWriteLoops } from './write-loop.js';

export const DETECTORS: readonly Detector[] = [
  detectNPlusOne,
  detectDuplicateQueries,
  detectSlowQueries,
  detectWriteLoops,
  detectCountThenFetch,
  detectLenInsteadOfCount,
  detectCacheHeavy,
  detectSlowTemplates,
  detectSlowMiddleware,
];

export function runDetectors(ctx: DetectorContext): Finding[] {
  const findings: Finding[] = [];
  const max = ctx.cfg.maxFindingsPerRequest;
  for (const detect of DETECTORS) {
    for (const f of detect(ctx)) {
      if (findings.length >= max) return findings;
      findings.push(f);
    }
  }
  return findings;
}
