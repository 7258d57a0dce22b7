// The bounded queue between receiving and analysis. Receivers answer the client as soon as spans
// are queued; analysis drains the queue off the request path in slices so one large export cannot
// hold the event loop. Its bound is in spans (the unit memory grows with), and reaching it is what
// turns ingest into 429/RESOURCE_EXHAUSTED: the OTel Collector's memory-limiter idea, made explicit.
import type { Span } from '../contract.js';

export interface IngestQueueOptions {
  maxSpans: number;
  /** Spans handed to the consumer per turn of the event loop. */
  sliceSpans: number;
  /**
   * Spans the consumer can still take before its own bound (the assembler's span bound). Bigger
   * slices are only handed over within it: near the bound the queue keeps the old slice, fills,
   * and refuses (429), rather than feeding a consumer that would have to cut requests.
   */
  consumerRoom?: () => number;
}

/**
 * What the receivers hand decoded spans to: the queue itself, or the pipeline's intake, which
 * stores the spans (assemble/span-store.ts) and queues their slots.
 */
export interface SpanIntake {
  readonly capacity: number;
  hasRoom(): boolean;
  /** `idHalves`: the spans' ids as int32 halves when decode read them as bytes (DecodeResult.idHalves). */
  offer(spans: Span[], idHalves?: Int32Array | null): boolean;
}

/** Batches of spans as objects (receiver tests) or as span-store slots (the pipeline). */
export class IngestQueue<T = Span> {
  private batches: T[][] = [];
  private head = 0;
  private depth = 0;
  private scheduled = false;
  private drainedWaiters: Array<() => void> = [];
  private enqueuedTotal = 0;
  private paused = false;

  constructor(
    private readonly opts: IngestQueueOptions,
    private readonly consume: (batch: T[]) => void,
  ) {}

  /** Spans waiting. */
  get size(): number {
    return this.depth;
  }

  get capacity(): number {
    return this.opts.maxSpans;
  }

  get totalEnqueued(): number {
    return this.enqueuedTotal;
  }

  /** False when the queue is at its bound: the caller refuses the export so the client retries. */
  hasRoom(): boolean {
    return this.depth < this.opts.maxSpans;
  }

  /**
   * Queues one decoded export. A batch is accepted whole when there is room before it, so the
   * depth can pass the bound by at most one export (itself bounded by the body size limit).
   */
  offer(spans: T[]): boolean {
    if (!this.hasRoom()) return false;
    if (spans.length === 0) return true;
    this.batches.push(spans);
    this.depth += spans.length;
    this.enqueuedTotal += spans.length;
    this.schedule();
    return true;
  }

  /**
   * Stops handing spans to analysis; the queue keeps accepting up to its bound and then refuses,
   * which pushes back on exporters (used while storage cannot write).
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (this.head < this.batches.length) this.schedule();
  }

  /** Hands over everything queued now, synchronously (shutdown and tests), paused or not. */
  drainNow(): void {
    while (this.head < this.batches.length) this.step(Number.POSITIVE_INFINITY);
    this.settle();
  }

  /** Resolves when the queue has been emptied by the consumer. */
  whenDrained(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.paused) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.paused) return;
      // A deep queue is handed over in bigger slices (up to 8x): assembly costs ~0.5 us a span, so
      // even the largest slice is a few ms, while a fixed 2048-span slice per turn capped draining
      // at 2048 x turns/s when many exports landed each turn (plain OTLP/HTTP at ~130k spans/s
      // kept a backlog that gzip, inflated off-thread, did not; bench/). Only within the consumer's
      // room: otherwise, under overload, intake outran the assembler's bound and the 5x-overload
      // test's peak RSS rose past its bound (390-415 MB against 376-378 MB in 2 of 3 runs).
      const room = this.opts.consumerRoom?.() ?? Number.POSITIVE_INFINITY;
      this.step(Math.max(this.opts.sliceSpans, Math.min(this.depth >> 2, 8 * this.opts.sliceSpans, room)));
      if (this.head < this.batches.length) this.schedule();
      else this.settle();
    });
  }

  private step(budget: number): void {
    let handed = 0;
    while (this.head < this.batches.length && handed < budget) {
      const batch = this.batches[this.head]!;
      this.batches[this.head] = [];
      this.head++;
      this.depth -= batch.length;
      handed += batch.length;
      this.consume(batch);
    }
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }

  private settle(): void {
    if (this.head >= this.batches.length) {
      this.batches = [];
      this.head = 0;
    }
    if (this.depth === 0) {
      const waiters = this.drainedWaiters;
      this.drainedWaiters = [];
      for (const w of waiters) w();
    }
  }
}
