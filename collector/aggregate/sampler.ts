// Chooses which requests are kept whole (samples): those with findings, errors, or a duration over
// the slow threshold. Bounded per route and in total between drains; within a route the slowest win,
// since they say the most about its tail. Also bounded per route per minute: storage keeps the
// newest 50 samples of a route (retention.maxSamplesPerRoute), and at 2 a flush a busy route's 50
// covered its last 25 s. At 1,000 routes the sampler wrote its 200-per-flush cap every second, for
// retention to delete most of it a minute later (bench/flush-cost.ts: 200 rows, 13 ms a flush).
import type { AnalysedRequest } from '../contract.js';
import type { SampleReason, SampleRow } from './aggregate-batch.js';
import { toSampleBody } from './sample-body.js';

export interface SamplerConfig {
  sampleSlowRequestMs: number;
  maxSamplesPerRoutePerFlush: number;
  maxSamplesPerFlush: number;
  /** Samples written per route per minute of the clock (counted at drain). */
  maxSamplesPerRoutePerMinute: number;
  storeRawSql: boolean;
}

/** A kept candidate: its body is built at drain, once, for the requests that are still kept then. */
interface Candidate {
  row: Omit<SampleRow, 'body'>;
  req: AnalysedRequest;
}

export class Sampler {
  private byRoute = new Map<string, Candidate[]>();
  private count = 0;
  /** Samples drained per route key in `minute`; cleared when the minute changes. */
  private written = new Map<string, number>();
  private minute = -1;
  /** Candidates not kept (or evicted by a slower request of the same route). */
  dropped = 0;

  constructor(private readonly cfg: SamplerConfig) {}

  consider(req: AnalysedRequest, routeKey: string, nowMs: number): void {
    const durationMs = req.breakdown.durationMs;
    const slow = durationMs >= this.cfg.sampleSlowRequestMs;
    if (req.findings.length === 0 && !req.error && !slow) return;
    const reasons: SampleReason[] = [];
    if (req.findings.length > 0) reasons.push('finding');
    if (req.error) reasons.push('error');
    if (slow) reasons.push('slow');
    this.roll(nowMs);
    const room = Math.min(this.cfg.maxSamplesPerRoutePerFlush, this.cfg.maxSamplesPerRoutePerMinute - (this.written.get(routeKey) ?? 0));
    if (room <= 0) {
      this.dropped++;
      return;
    }
    let kept = this.byRoute.get(routeKey);
    let replace = -1;
    if (kept !== undefined && kept.length >= room) {
      for (let i = 0; i < kept.length; i++) if (replace < 0 || kept[i]!.row.durationMs < kept[replace]!.row.durationMs) replace = i;
      this.dropped++;
      if (replace < 0 || kept[replace]!.row.durationMs >= durationMs) return;
    } else if (this.count >= this.cfg.maxSamplesPerFlush) {
      this.dropped++;
      return;
    }
    const row: Omit<SampleRow, 'body'> = {
      timeMs: req.startMs, service: req.resource.serviceName, version: req.resource.serviceVersion,
      kind: req.kind === 'task' ? 'task' : 'request', method: req.method, route: req.route,
      traceId: req.traceId, spanId: req.spanId, durationMs, status: req.status, error: req.error,
      partial: req.partial, reasons, findingTypes: [...new Set(req.findings.map((f) => f.type))],
      spanCount: req.spans.length,
    };
    if (kept === undefined) {
      kept = [];
      this.byRoute.set(routeKey, kept);
    }
    if (replace >= 0) kept[replace] = { row, req };
    else {
      kept.push({ row, req });
      this.count++;
    }
  }

  private roll(nowMs: number): void {
    const minute = Math.floor(nowMs / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.written = new Map();
    }
  }

  drain(nowMs: number): SampleRow[] {
    this.roll(nowMs);
    const out: SampleRow[] = [];
    // Bodies are built here rather than per candidate: at 1,000 routes a flush saw many candidates
    // replaced by slower ones, each of which had serialised a whole request for nothing.
    for (const [routeKey, kept] of this.byRoute) {
      for (const c of kept) out.push({ ...c.row, body: JSON.stringify(toSampleBody(c.req, this.cfg.storeRawSql)) });
      this.written.set(routeKey, (this.written.get(routeKey) ?? 0) + kept.length);
    }
    this.byRoute = new Map();
    this.count = 0;
    return out;
  }
}
