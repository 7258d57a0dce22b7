// The bench workload through the real decoder, pipeline and aggregator (and the Prometheus sink, as
// in the collector) in this process, on a simulated clock: what a storage flush gets, without a
// collector process or a socket. flush-cost.ts times a flush per simulated second with it;
// aged-db.ts writes its drained batches as history.
import type { AggregateBatch } from '../collector/aggregate/aggregate-batch.js';
import { Aggregator } from '../collector/aggregate/aggregator.js';
import { resolveAnalysisConfig } from '../collector/analyse/analysis-config.js';
import { resolveAssemblerConfig } from '../collector/assemble/assembler-config.js';
import { decodeProtoRequest, DEFAULT_DECODE_OPTIONS } from '../collector/decode/index.js';
import { createMetrics } from '../collector/expose/metrics/index.js';
import { Pipeline } from '../collector/pipeline.js';
import { batchFor, buildWorkload, DJANGO_SHAPE, type Workload } from './workload.js';

export class AggregateFeed {
  readonly w: Workload;
  readonly aggregator: Aggregator;
  private readonly pipeline: Pipeline;
  private now = Date.now();
  private cycle = 1;
  private i = 0;

  constructor(routes: number) {
    this.w = buildWorkload({ label: `${routes}`, requests: Math.max(6000, routes * 4), options: { ...DJANGO_SHAPE, routes, fingerprints: routes } });
    const clock = (): number => this.now;
    this.aggregator = new Aggregator({}, clock);
    this.pipeline = new Pipeline(
      { queueMaxSpans: 1e9, assembler: resolveAssemblerConfig({ maxSpansInFlight: 1e7, maxRequestsInFlight: 1e6 }), analysis: resolveAnalysisConfig(), fingerprintCacheSize: 10_000, tickMs: 100 },
      [this.aggregator, createMetrics({ defaultMetrics: false }, clock).sink],
      clock,
    );
  }

  /** Batches of the workload in one simulated second at `rate` spans a second. */
  batchesPerSecond(rate: number): number {
    return Math.round(rate / (this.w.spans / this.w.batches.length));
  }

  /**
   * One simulated second at `rate` spans a second: each batch decoded and handed on as the receivers
   * do, the clock moved on and the assembler ticked. Each pass over the workload gets fresh trace ids.
   */
  second(rate: number): void {
    const n = this.batchesPerSecond(rate);
    for (let b = 0; b < n; b++) {
      if (this.i === this.w.batches.length) (this.i = 0), this.cycle++;
      const r = decodeProtoRequest(batchFor(this.w, this.i++, this.cycle, false), DEFAULT_DECODE_OPTIONS);
      this.pipeline.intake.offer(r.spans, r.idHalves);
      this.pipeline.queue.drainNow();
      this.now += 1000 / n;
      this.pipeline.assembler.tick();
    }
  }
}

/**
 * One second's flush at `routes` routes and fingerprints and 150k spans a second, once the
 * assembler's 2 s grace period is past (the first seconds emit nothing).
 */
export function drainedBatch(routes: number): AggregateBatch {
  const feed = new AggregateFeed(routes);
  for (let s = 0; s < 4; s++) feed.second(150_000);
  feed.aggregator.drain();
  feed.second(150_000);
  return feed.aggregator.drain();
}
