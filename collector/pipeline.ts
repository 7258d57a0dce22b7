// The only place that knows the order of the stages:
//   ingest queue -> assemble -> classify + fingerprint + detect (analyseRequest) -> sinks
// (sinks: the aggregator that feeds SQLite, and the Prometheus metrics). Receivers put decoded
// spans in the queue; everything after it runs off the request path.
import type { AnalysedRequest, AssembledRequest, Clock, Lifecycle, RequestSink, Span } from './contract.js';
import { IngestQueue } from './receive/ingest-queue.js';
import type { SpanIntake } from './receive/ingest-queue.js';
import { RequestAssembler } from './assemble/request-assembler.js';
import type { AssemblerConfig, EvictionReason } from './assemble/assembler-config.js';
import { analyseRequest } from './analyse/analyse-request.js';
import type { AnalysisConfig } from './analyse/analysis-config.js';
import { FingerprintCache } from './analyse/fingerprint/fingerprint-cache.js';

/**
 * Analysis runs in slices of about this long per turn of the event loop (see emitDue), so OTLP
 * exports and API calls are answered in between.
 */
const SLICE_MS = 15;
/** Requests between two looks at the time: ~1-2 ms of analysis at Django-sized requests. */
const TICK_REQUESTS = 16;
/**
 * CPU time, not wall time: under a CPU quota (a container limit) a wall-clock slice also counts the
 * time the process is throttled, and ended after little work. In the 5x-overload test (15% of a
 * core) the analysed rate R was 10.7-11.7k spans/s with wall-clock slices, 13.0-15.7k with CPU-time
 * ones and 13.7-17.7k with the earlier request budget.
 * The clock between ticks is the wall clock, and CPU time is read only when a wall slice is spent,
 * two getrusage calls a slice instead of one per 16 requests. Read every 16 requests it showed as
 * 2.9-4.0% of the profile (344 us a call under load, bench/profile.ts --grpc with a counting
 * wrapper), but that was mostly the process's other threads running on the one core while the main
 * thread was in the kernel: reading it less often left capacity unchanged (ab-capacity B/A 1.011,
 * A/A 0.989).
 */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface PipelineConfig {
  queueMaxSpans: number;
  assembler: AssemblerConfig;
  analysis: AnalysisConfig;
  fingerprintCacheSize: number;
  /** How often completed requests are looked for (grace and idle timeouts are checked then). */
  tickMs: number;
}

export interface PipelineStats {
  queued: number;
  inFlight: number;
  analysed: number;
  sinkErrors: number;
}

export class Pipeline implements Lifecycle {
  /** Slots of stored spans waiting for the assembler. */
  readonly queue: IngestQueue<number>;
  /** Where receivers put decoded spans: they are stored and their slots queued. */
  readonly intake: SpanIntake;
  readonly assembler: RequestAssembler;
  readonly fingerprints: FingerprintCache;
  private timer: NodeJS.Timeout | null = null;
  private emitting = false;
  private analysed = 0;
  private sinkErrors = 0;

  constructor(
    private readonly cfg: PipelineConfig,
    private readonly sinks: readonly RequestSink[],
    clock: Clock,
    private readonly onSinkError: (e: unknown) => void = () => undefined,
    onEvict: (reason: EvictionReason) => void = () => undefined,
  ) {
    this.fingerprints = new FingerprintCache(cfg.fingerprintCacheSize);
    this.assembler = new RequestAssembler(cfg.assembler, (r) => this.analyse(r), clock, onEvict);
    // 2048 spans per slice keep one turn of the event loop to ~15 ms at the measured pipeline cost
    // (~130k spans per CPU-second, bench/), so OTLP requests are answered between slices; 8192
    // held exporters for ~70 ms a turn and capped what 8 concurrent exporters could send. A deep
    // queue gets bigger slices (IngestQueue.schedule), so draining keeps up with busy turns.
    this.queue = new IngestQueue<number>(
      { maxSpans: cfg.queueMaxSpans, sliceSpans: 2048, consumerRoom: () => cfg.assembler.maxSpansInFlight - this.assembler.spanCount },
      (slots) => this.assembler.addStored(slots),
    );
    // Spans go into the store as soon as they are decoded, so no span object waits in the queue:
    // waiting there across two scavenges promoted a third of them to the old generation
    // (sampling heap profile of promoted allocations: bench/README.md, session 5).
    const { queue } = this;
    const store = this.assembler.store;
    this.intake = {
      capacity: queue.capacity,
      hasRoom: () => queue.hasRoom(),
      offer: (spans: Span[], idHalves: Int32Array | null = null): boolean => {
        if (!queue.hasRoom()) return false;
        const slots = new Array<number>(spans.length);
        for (let i = 0; i < spans.length; i++) slots[i] = store.put(spans[i]!, idHalves, i);
        return queue.offer(slots);
      },
    };
  }

  async start(): Promise<void> {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.emitDue(), this.cfg.tickMs);
    this.timer.unref();
  }

  /**
   * Analyses what is due in time slices. A counted budget did not bound a turn: 512 requests a
   * turn (the budget doubled while requests stayed due, which had cut lag p99 at ~130k spans/s)
   * measured 66-117 ms turns at 134k spans/s, and a request's cost follows its span count (5 to
   * 200 in the bench). Slices measured p50 12, p99 27, max 41 ms there (GC included), with lag and
   * API p99 unchanged within the noise (alternating builds, bench/README.md).
   */
  private emitDue(): void {
    if (this.emitting) return;
    this.emitting = true;
    const slice = (): void => {
      let due = this.assembler.tick(TICK_REQUESTS);
      if (due) {
        const cpuStart = cpuMs();
        let wallEnd = performance.now() + SLICE_MS;
        while ((due = this.assembler.tick(TICK_REQUESTS))) {
          if (performance.now() < wallEnd) continue;
          // The wall slice is spent; under a CPU quota part of it was throttled time, so the slice
          // goes on until it has had its CPU time.
          const left = SLICE_MS - (cpuMs() - cpuStart);
          if (left < 1) break;
          wallEnd = performance.now() + left;
        }
      }
      if (due && this.timer !== null) setImmediate(slice);
      else this.emitting = false;
    };
    slice();
  }

  /** Analyses everything accepted so far, complete or not: nothing acknowledged is left behind. */
  async shutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.queue.drainNow();
    this.assembler.flushAll();
  }

  stats(): PipelineStats {
    return { queued: this.queue.size, inFlight: this.assembler.inFlight, analysed: this.analysed, sinkErrors: this.sinkErrors };
  }

  private analyse(req: AssembledRequest): void {
    const analysed: AnalysedRequest = analyseRequest(req, this.cfg.analysis, this.fingerprints);
    this.analysed++;
    for (const sink of this.sinks) {
      // One failing sink must not starve the others (metrics keep flowing if storage throws).
      try {
        sink.consume(analysed);
      } catch (e) {
        this.sinkErrors++;
        this.onSinkError(e);
      }
    }
  }
}
