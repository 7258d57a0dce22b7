// Chooses which requests are kept whole (samples): those with findings, errors, or a duration over
// the slow threshold. Bounded per route and in total between drains; within a route the slowest win,
// since they say the most about its tail.
import type { AnalysedRequest } from '../contract.js';
import type { SampleReason, SampleRow } from './aggregate-batch.js';
import { toSampleBody } from './sample-body.js';

export interface SamplerConfig {
  sampleSlowRequestMs: number;
  maxSamplesPerRoutePerFlush: number;
  maxSamplesPerFlush: number;
  storeRawSql: boolean;
}

export class Sampler {
  private byRoute = new Map<string, SampleRow[]>();
  private count = 0;
  /** Candidates not kept (or evicted by a slower request of the same route). */
  dropped = 0;

  constructor(private readonly cfg: SamplerConfig) {}

  consider(req: AnalysedRequest, routeKey: string): void {
    const reasons: SampleReason[] = [];
    if (req.findings.length > 0) reasons.push('finding');
    if (req.error) reasons.push('error');
    const durationMs = req.breakdown.durationMs;
    if (durationMs >= this.cfg.sampleSlowRequestMs) reasons.push('slow');
    if (reasons.length === 0) return;
    let kept = this.byRoute.get(routeKey);
    let replace = -1;
    if (kept !== undefined && kept.length >= this.cfg.maxSamplesPerRoutePerFlush) {
      for (let i = 0; i < kept.length; i++) if (replace < 0 || kept[i]!.durationMs < kept[replace]!.durationMs) replace = i;
      this.dropped++;
      if (replace < 0 || kept[replace]!.durationMs >= durationMs) return;
    } else if (this.count >= this.cfg.maxSamplesPerFlush) {
      this.dropped++;
      return;
    }
    const row: SampleRow = {
      timeMs: req.startMs, service: req.resource.serviceName, version: req.resource.serviceVersion,
      kind: req.kind === 'task' ? 'task' : 'request', method: req.method, route: req.route,
      traceId: req.traceId, spanId: req.spanId, durationMs, status: req.status, error: req.error,
      partial: req.partial, reasons, findingTypes: [...new Set(req.findings.map((f) => f.type))],
      spanCount: req.spans.length, body: JSON.stringify(toSampleBody(req, this.cfg.storeRawSql)),
    };
    if (kept === undefined) {
      kept = [];
      this.byRoute.set(routeKey, kept);
    }
    if (replace >= 0) kept[replace] = row;
    else {
      kept.push(row);
      this.count++;
    }
  }

  drain(): SampleRow[] {
    const out: SampleRow[] = [];
    for (const rows of this.byRoute.values()) out.push(...rows);
    this.byRoute = new Map();
    this.count = 0;
    return out;
  }
}
