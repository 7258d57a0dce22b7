// Aggregator hot-path benchmark (not a test): 50 routes, 15-span requests with 12 DB spans.
//   node --import tsx collector/aggregate/aggregator.bench.ts
import { Aggregator } from './aggregator.js';
import { makeDbSpan, makeOtherSpan, makeRequest } from './test-requests.js';

const T0 = Date.UTC(2026, 0, 1);
const requests = Array.from({ length: 50 }, (_, r) =>
  makeRequest({
    startMs: T0,
    route: `/api/things${r}/<int:pk>/`,
    breakdown: { durationMs: 30 + r },
    spans: [
      makeOtherSpan('request', 0),
      ...Array.from({ length: 12 }, (_, i) => makeDbSpan(`r${r}q${i % 6}`, 1 + i / 3)),
      makeOtherSpan('cache', 1),
      makeOtherSpan('template', 2),
    ],
  }),
);
const agg = new Aggregator({}, () => T0);
const N = 200_000;
for (let round = 0; round < 5; round++) {
  const t = performance.now();
  for (let i = 0; i < N; i++) agg.consume(requests[i % requests.length]!);
  const us = ((performance.now() - t) * 1000) / N;
  console.log(`round ${round}: ${us.toFixed(2)} us/request, ${(us / 15).toFixed(2)} us/span`);
  agg.drain();
}
