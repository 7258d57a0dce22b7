import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ANALYSIS_CONFIG, resolveAnalysisConfig, slowQueryThresholdMs } from './analysis-config.js';

describe('analysis config', () => {
  test('defaults match the Sentry anchors for N+1 and slow queries', () => {
    const cfg = resolveAnalysisConfig();
    assert.deepEqual(cfg, DEFAULT_ANALYSIS_CONFIG);
    assert.equal(cfg.nPlusOne.minCount, 5);
    assert.equal(cfg.nPlusOne.minTotalMs, 50);
    assert.equal(cfg.slowQuery.thresholdMs, 500);
  });

  test('a partial override keeps the other defaults of its section', () => {
    const cfg = resolveAnalysisConfig({ nPlusOne: { countOnly: true } });
    assert.equal(cfg.nPlusOne.countOnly, true);
    assert.equal(cfg.nPlusOne.minCount, 5);
  });

  test('per-route slow query overrides replace the global threshold for that route only', () => {
    const cfg = resolveAnalysisConfig({ slowQuery: { routeOverrides: { 'reports/': 5_000 } } });
    assert.equal(slowQueryThresholdMs(cfg, 'reports/'), 5_000);
    assert.equal(slowQueryThresholdMs(cfg, 'books/'), 500);
  });

  test('negative, non-finite and meaningless thresholds are rejected', () => {
    assert.throws(() => resolveAnalysisConfig({ slowQuery: { thresholdMs: -1 } }), /slowQuery.thresholdMs/);
    assert.throws(() => resolveAnalysisConfig({ slowQuery: { routeOverrides: { x: Number.NaN } } }), /routeOverrides.x/);
    assert.throws(() => resolveAnalysisConfig({ nPlusOne: { minCount: 1 } }), /minCount/);
    assert.throws(() => resolveAnalysisConfig({ cacheHeavy: { minHitRatio: 2 } }), /minHitRatio/);
  });
});
