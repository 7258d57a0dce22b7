// Synthetic traffic shared by the API latency bench and its concurrent writer process.
// Per simulated minute every endpoint gets `perEndpoint` requests with 4 queries each (one in 50 an N+1).
import type { Aggregator } from '../../aggregate/aggregator.js';
import { makeRequest } from '../../../storage/read/test-requests.js';

export const BENCH_NOW = Date.UTC(2026, 10, 21, 12, 37, 0);

export const fp = (n: number): string => n.toString(16).padStart(16, '0');

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
let traces = 0;

/** Feeds one minute of traffic starting at `startMs` into `agg`; returns the requests added. */
export function loadMinute(agg: Aggregator, endpoints: number, startMs: number, version: string, perEndpoint = 2): number {
  const spacing = Math.floor(60_000 / perEndpoint);
  for (let e = 0; e < endpoints; e++) {
    for (let k = 0; k < perEndpoint; k++) {
      const queries = [0, 1, 2, 3].map((q) => ({
        fingerprint: fp(e * 4 + q), normalized: `SELECT * FROM t${e} WHERE c${q} = ?`, ms: 1 + rand() * 20 * (q + 1),
      }));
      const nPlusOne = rand() < 0.02;
      agg.consume(makeRequest({
        traceId: (++traces).toString(16).padStart(32, '0'), startMs: startMs + k * spacing,
        durationMs: 20 + rand() * 300 * (1 + (e % 5)),
        service: e % 10 === 0 ? 'blog' : 'shop', version, route: `r${e}/<int:pk>/`, queries, templateMs: 5, middlewareMs: 2,
        findings: nPlusOne
          ? [{ type: 'n_plus_one', fingerprint: fp(e * 4), occurrences: 4, totalMs: 40, spanIds: [], suggestion: 'use prefetch_related' }]
          : [],
      }));
    }
  }
  return endpoints * perEndpoint;
}
