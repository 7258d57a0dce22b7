// Bounds and timers of the request assembler. Defaults are sized for 2 cores and a few hundred MB:
// a held span costs ~0.5 KB of heap on the demo captures (assembler-memory.bench.ts: 516 B/span
// with every text its own copy; 306 B on the bench workload, whose repeated texts decode shares),
// more with long SQL, so maxSpansInFlight = 200k caps span memory near 60-100 MB. At the measured
// ~0.8M spans per CPU-second for assemble + analyse, 200k spans is several seconds of full load,
// more than the 2 s grace period needs.

import { HotpathError } from '../errors.js';

export interface AssemblerConfig {
  /** Wait this long after a request's local root arrives for straggling children (other batches). */
  graceMs: number;
  /** A request whose root never arrives is analysed as partial after this long without new spans. */
  idleTimeoutMs: number;
  /** Requests (rooted or still waiting for their root) held at once; the oldest is cut beyond this. */
  maxRequestsInFlight: number;
  /** Spans kept per request; later spans are dropped and counted (the root is always kept). */
  maxSpansPerRequest: number;
  /** Spans held across all requests: the memory bound (the other two bounds alone allow 40M spans). */
  maxSpansInFlight: number;
  /** Background groups (DB/cache/HTTP work outside any request) are emitted per service this often. */
  backgroundFlushMs: number;
}

export const DEFAULT_ASSEMBLER_CONFIG: Readonly<AssemblerConfig> = Object.freeze({
  graceMs: 2_000,
  idleTimeoutMs: 30_000,
  maxRequestsInFlight: 20_000,
  maxSpansPerRequest: 2_000,
  maxSpansInFlight: 200_000,
  backgroundFlushMs: 5_000,
});

/** Why a request left the assembler other than by completing normally (metric label values). */
export type EvictionReason = 'max_requests' | 'max_spans' | 'max_spans_in_flight' | 'idle_partial';

export const EVICTION_REASONS: readonly EvictionReason[] = ['max_requests', 'max_spans', 'max_spans_in_flight', 'idle_partial'];

export function resolveAssemblerConfig(over: Partial<AssemblerConfig> = {}): AssemblerConfig {
  const cfg: AssemblerConfig = { ...DEFAULT_ASSEMBLER_CONFIG, ...over };
  for (const [key, value] of Object.entries(cfg)) {
    const min = key.endsWith('Ms') ? 0 : 1;
    if (!Number.isFinite(value) || value < min) {
      throw new HotpathError('CONFIG_INVALID', `assembler ${key} must be a number >= ${min}, got ${String(value)}`);
    }
  }
  return cfg;
}
