// Maps the user-facing settings onto each stage's own config type, so stages never see the
// settings table and the table never needs to know a stage's internals.
import type { HotpathConfig } from './load-config.js';
import { resolveAssemblerConfig, type AssemblerConfig } from '../assemble/assembler-config.js';
import { resolveAnalysisConfig, type AnalysisConfig } from '../analyse/analysis-config.js';

export function assemblerConfigFrom(c: HotpathConfig): AssemblerConfig {
  return resolveAssemblerConfig({
    graceMs: c.assembler.graceMs,
    idleTimeoutMs: c.assembler.idleTimeoutMs,
    maxRequestsInFlight: c.assembler.maxRequestsInFlight,
    maxSpansPerRequest: c.assembler.maxSpansPerRequest,
    maxSpansInFlight: c.assembler.maxSpansInFlight,
  });
}

export function analysisConfigFrom(c: HotpathConfig): AnalysisConfig {
  const a = c.analysis;
  return resolveAnalysisConfig({
    nPlusOne: { minCount: a.nPlusOneMinCount, minTotalMs: a.nPlusOneMinTotalMs, countOnly: a.nPlusOneCountOnly },
    duplicateQuery: { minCount: a.duplicateMinCount },
    slowQuery: { thresholdMs: a.slowQueryMs, routeOverrides: a.slowQueryRouteOverrides },
    cacheHeavy: { maxCallsPerRequest: a.cacheHeavyCalls },
    writeLoop: { minCount: a.writeLoopMinCount },
    largeResult: { minRows: a.largeResultRows },
    slowTemplate: { thresholdMs: a.slowTemplateMs },
    slowMiddleware: { thresholdMs: a.slowMiddlewareMs },
  });
}
