// Detector thresholds. Defaults follow the peers surveyed in the reference (peer-features.md
// "Default thresholds"): N+1 at 5 queries and 50 ms non-overlapping (Sentry), slow query 500 ms
// (Sentry, debug toolbar, New Relic). Where no peer has a default (cache calls, templates,
// middleware, large results) the value is ours and says so.

import { HotpathError } from '../errors.js';

export interface AnalysisConfig {
  nPlusOne: {
    /** Executions of one fingerprint under one parent (Sentry count_threshold 5). */
    minCount: number;
    /** Their non-overlapping total (Sentry duration_threshold 50 ms). */
    minTotalMs: number;
    /** Ignore minTotalMs: fire on the count alone (useful on fast dev databases). */
    countOnly: boolean;
  };
  duplicateQuery: {
    /** Executions with the same fingerprint and parameters (debug toolbar flags >= 2). */
    minCount: number;
  };
  slowQuery: {
    thresholdMs: number;
    /** Per `http.route` (or task name) thresholds that replace thresholdMs, e.g. reports: 5000. */
    routeOverrides: Record<string, number>;
  };
  cacheHeavy: {
    /** More than this many cache calls in one request fires (ours: the 10). */
    maxCallsPerRequest: number;
    /** Below this hit ratio (with at least minCallsForRatio known outcomes) is "low" (ours). */
    minHitRatio: number;
    minCallsForRatio: number;
  };
  writeLoop: {
    /** INSERT/UPDATE/DELETE executions of one fingerprint in one request. */
    minCount: number;
  };
  largeResult: {
    /** Rows returned by an unbounded SELECT that count as "large" (ours; needs rows reported). */
    minRows: number;
  };
  slowTemplate: {
    /** A template's own render time per request, nested includes excluded (ours). */
    thresholdMs: number;
  };
  slowMiddleware: {
    /** A middleware class's own time per request, inner middleware and view excluded (ours). */
    thresholdMs: number;
  };
  /** Sentry caps problems per transaction at 10; we keep a few more since ours are finer-grained. */
  maxFindingsPerRequest: number;
}

export const DEFAULT_ANALYSIS_CONFIG: Readonly<AnalysisConfig> = Object.freeze({
  nPlusOne: { minCount: 5, minTotalMs: 50, countOnly: false },
  duplicateQuery: { minCount: 2 },
  slowQuery: { thresholdMs: 500, routeOverrides: {} },
  cacheHeavy: { maxCallsPerRequest: 10, minHitRatio: 0.5, minCallsForRatio: 10 },
  writeLoop: { minCount: 5 },
  largeResult: { minRows: 1_000 },
  slowTemplate: { thresholdMs: 100 },
  slowMiddleware: { thresholdMs: 50 },
  maxFindingsPerRequest: 20,
});

export type AnalysisConfigInput = { [K in keyof AnalysisConfig]?: AnalysisConfig[K] extends object ? Partial<AnalysisConfig[K]> : AnalysisConfig[K] };

/** Defaults overlaid with `over` (one level deep), validated: every number finite and >= 0. */
export function resolveAnalysisConfig(over: AnalysisConfigInput = {}): AnalysisConfig {
  const d = DEFAULT_ANALYSIS_CONFIG;
  const cfg: AnalysisConfig = {
    nPlusOne: { ...d.nPlusOne, ...over.nPlusOne },
    duplicateQuery: { ...d.duplicateQuery, ...over.duplicateQuery },
    slowQuery: { ...d.slowQuery, ...over.slowQuery, routeOverrides: { ...d.slowQuery.routeOverrides, ...over.slowQuery?.routeOverrides } },
    cacheHeavy: { ...d.cacheHeavy, ...over.cacheHeavy },
    writeLoop: { ...d.writeLoop, ...over.writeLoop },
    largeResult: { ...d.largeResult, ...over.largeResult },
    slowTemplate: { ...d.slowTemplate, ...over.slowTemplate },
    slowMiddleware: { ...d.slowMiddleware, ...over.slowMiddleware },
    maxFindingsPerRequest: over.maxFindingsPerRequest ?? d.maxFindingsPerRequest,
  };
  checkNumbers('analysis', cfg);
  if (cfg.nPlusOne.minCount < 2 || cfg.duplicateQuery.minCount < 2 || cfg.writeLoop.minCount < 2) {
    throw new HotpathError('CONFIG_INVALID', 'analysis minCount thresholds must be >= 2 (one execution is never a pattern)');
  }
  if (cfg.cacheHeavy.minHitRatio > 1) throw new HotpathError('CONFIG_INVALID', 'analysis cacheHeavy.minHitRatio must be <= 1');
  return cfg;
}

function checkNumbers(path: string, value: unknown): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new HotpathError('CONFIG_INVALID', `${path} must be a finite number >= 0, got ${value}`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) checkNumbers(`${path}.${k}`, v);
  }
}

/**
 * routeOverrides as a Map (null when empty), made once per overrides object. Looked up on the plain
 * object, every route string was internalized first (a probe of V8's string table, cold at 1,000
 * routes: 74 ms more self time over 24 flushes of bench/flush-cost.ts than at 10 routes).
 */
const overrideMaps = new WeakMap<object, Map<string, number> | null>();

export function slowQueryThresholdMs(cfg: AnalysisConfig, route: string): number {
  const o = cfg.slowQuery.routeOverrides;
  let m = overrideMaps.get(o);
  if (m === undefined) {
    const entries = Object.entries(o);
    m = entries.length === 0 ? null : new Map(entries);
    overrideMaps.set(o, m);
  }
  return m?.get(route) ?? cfg.slowQuery.thresholdMs;
}
