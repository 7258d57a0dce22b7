// Throughput measurements against a running collector child.
// - saturation: one pass of the workload as fast as the collector takes it; spans per collector
//   CPU-second (the collector is pinned to one core, so this is its one-core capacity). Used as
//   the starting estimate of the rate search and for the cost-growth table.
// - trial / findMaxRate: an offered rate held for a window, accepted only when every span was
//   accepted, nothing was refused, dropped or evicted, the ingest queue held less than a quarter
//   second of backlog throughout the window's last second, and every request was analysed by
//   grace + 1.5 s. A passing trial
//   counts for the rate it actually delivered: when answers slow down (the collector's event loop
//   is busy) the pacer falls behind its schedule, and only what was sent was sustained.
import type { CollectorProcess, Metrics } from './collector-process.js';
import { lastRefusal, offerLoad, type LoadResult, type Send } from './senders.js';
import type { BatchSource } from './workload.js';
import { DEFAULT_WRITER_CONFIG } from '../storage/writer.js';

const ANALYSED = 'hotpath_analysed_requests_total';

/**
 * Waits until `roots` more requests were analysed; returns the wait in ms (-1 on timeout). The first
 * scrape is after `firstAfterMs` (nothing can be analysed before the grace period ends), so the
 * collector spends next to no CPU serving the bench while its CPU time is being measured.
 */
export async function waitAnalysed(c: CollectorProcess, before: number, roots: number, timeoutMs: number, firstAfterMs = 0): Promise<number> {
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, firstAfterMs));
  for (;;) {
    const m = await c.metrics([ANALYSED]);
    if (m.sum(ANALYSED) - before >= roots) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) return -1;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const FLUSH_FAMILY = 'hotpath_storage_flush_duration_seconds';
const flushes = async (c: CollectorProcess): Promise<number> => (await c.metrics([FLUSH_FAMILY])).sum(`${FLUSH_FAMILY}_count`);

/**
 * Waits for the storage writer's next flush after `before`, or for `ms` (past the longest interval) if
 * none comes: a flush with nothing to write is not reported, which means the rows were stored.
 */
async function waitFlush(c: CollectorProcess, before: number, ms: number): Promise<void> {
  const t0 = performance.now();
  while ((await flushes(c)) <= before && performance.now() - t0 < ms) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Sends the next `batches` of `source` as fast as they are answered, 4 exports in flight; throws on
 * any refusal (`who` names the receiver in the message). Returns the request roots sent.
 */
export async function sendPass(send: Send, source: BatchSource, batches: number, who: string): Promise<number> {
  let roots = 0;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < batches; i++) {
    const b = source.take();
    roots += b.roots;
    const p: Promise<void> = send(b.body).then((ok) => {
      if (!ok) throw new Error(`${who} refused an export during a saturation pass (${lastRefusal.text})`);
      inFlight.delete(p);
    });
    inFlight.add(p);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return roots;
}

/**
 * One pass of the workload, at most 4 exports outstanding, until all of it is analysed and, with
 * `untilStored`, written by a flush that began after the last request was analysed. Without that,
 * whether the pass's one storage flush fell inside or after the measured window decided up to ~8%
 * of a 1,000-route pass (a flush of ~4,000 rows against a ~0.6 s pass).
 */
export async function saturation(c: CollectorProcess, send: Send, source: BatchSource, graceMs: number, untilStored = false): Promise<number> {
  const before = (await c.metrics([ANALYSED])).sum(ANALYSED);
  const cpu0 = c.cpuSeconds();
  const roots = await sendPass(send, source, source.w.batches.length, 'the collector');
  const waited = await waitAnalysed(c, before, roots, graceMs + 30_000, graceMs + 100);
  if (waited < 0) throw new Error('the collector did not analyse the saturation pass');
  // Past the longest flush interval: a stretched interval must not leave the pass's last flush
  // outside the measured CPU time.
  if (untilStored) await waitFlush(c, await flushes(c), DEFAULT_WRITER_CONFIG.maxFlushIntervalMs + 2000);
  return source.w.spans / (c.cpuSeconds() - cpu0);
}

export interface TrialResult {
  /** Offered spans/s. */
  rate: number;
  /** Spans/s actually sent and accepted over the window: what a passing trial sustained. */
  achieved: number;
  pass: boolean;
  why: string;
  load: LoadResult;
  queueAtEnd: number;
  catchUpMs: number;
}

function delta(a: Metrics, b: Metrics, name: string, filter = ''): number {
  return b.sum(name, filter) - a.sum(name, filter);
}

/** Spans in the ingest queue, from /readyz?verbose (cheaper for the collector than a full scrape). */
async function queuedSpans(c: CollectorProcess): Promise<number> {
  const r = await c.get('/readyz?verbose');
  const checks = (JSON.parse(r.body) as { checks: Array<{ name: string; detail: string }> }).checks;
  return Number(/^(\d+)\//.exec(checks.find((k) => k.name === 'ingest_queue')?.detail ?? '')?.[1] ?? NaN);
}

/**
 * The ingest queue's backlog over the window's last second: its smallest reading, polled every
 * 200 ms. A rate the collector cannot sustain leaves a backlog that only grows, so every reading of
 * the last second is high; one reading at the window's last instant also caught the queue mid-burst
 * (a 40k-span reading in a trial whose requests were all analysed 2.2 s after the window).
 */
async function backlogDuring(c: CollectorProcess, windowMs: number, done: Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const late: number[] = [];
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    await new Promise((r) => setTimeout(r, 200));
    const at = performance.now() - t0;
    const q = await queuedSpans(c);
    if (at >= windowMs - 1000 && at <= windowMs) late.push(q);
  }
  return late.length > 0 ? Math.min(...late) : await queuedSpans(c);
}

export async function trial(c: CollectorProcess, send: Send, source: BatchSource, rate: number, windowMs: number, graceMs: number, concurrency: number): Promise<TrialResult> {
  const m0 = await c.metrics();
  const loading = offerLoad(send, source, rate, windowMs, concurrency);
  const queueAtEnd = await backlogDuring(c, windowMs, loading);
  const load = await loading;
  const catchUpMs = await waitAnalysed(c, m0.sum(ANALYSED), load.okRoots, graceMs + 1500, graceMs);
  const m1 = await c.metrics();
  const problems: string[] = [];
  if (load.failedSpans > 0) problems.push(`${load.failedSpans} spans not accepted`);
  const refused = delta(m0, m1, 'hotpath_receiver_refused_spans_total');
  const dropped = delta(m0, m1, 'hotpath_spans_dropped_total');
  const evicted = delta(m0, m1, 'hotpath_traces_evicted_total');
  if (refused > 0) problems.push(`${refused} refused`);
  if (dropped > 0) problems.push(`${dropped} dropped`);
  if (evicted > 0) {
    const reasons = ['max_requests', 'max_spans', 'max_spans_in_flight', 'idle_partial'].map((r) => [r, delta(m0, m1, 'hotpath_traces_evicted_total', `reason="${r}"`)] as const);
    problems.push(`${evicted} evicted (${reasons.filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ')})`);
  }
  if (load.failedSpans > 0 && lastRefusal.text !== '') problems.push(`last refusal: ${lastRefusal.text}`);
  if (queueAtEnd > rate * 0.25) problems.push(`queue never below ${queueAtEnd} spans in the window's last second`);
  if (catchUpMs < 0) problems.push('analysis did not catch up');
  const achieved = load.okSpans / load.seconds;
  return { rate, achieved, pass: problems.length === 0, why: problems.join(', ') || 'ok', load, queueAtEnd, catchUpMs };
}

export interface SearchOptions {
  windowMs: number;
  graceMs: number;
  concurrency: number;
  /** Bisection steps after the bracketing walk. */
  bisect: number;
  /** Most trials run (quick mode keeps this small). */
  maxTrials: number;
  /** The collector's idle timeout: after a refused trial, its orphaned children are flushed first. */
  idleMs: number;
  progress: (s: string) => void;
}

/** Highest rate delivered by a passing trial, offering from `estimate` in 10% steps, then bisecting the bracket. */
export async function findMaxRate(c: CollectorProcess, send: Send, source: BatchSource, estimate: number, o: SearchOptions): Promise<{ best: number; trials: TrialResult[] }> {
  const trials: TrialResult[] = [];
  let sustained = 0;
  const run = async (rate: number): Promise<boolean> => {
    if (trials.length >= o.maxTrials) return false;
    const t = await trial(c, send, source, Math.round(rate), o.windowMs, o.graceMs, o.concurrency);
    trials.push(t);
    const sent = Math.round(t.achieved).toLocaleString('en-US');
    o.progress(`  ${Math.round(rate).toLocaleString('en-US').padStart(9)} spans/s offered, ${sent} sent (${(t.load.keptPace * 100).toFixed(0)}% of pace): ${t.pass ? 'PASS' : 'fail'} (${t.why}; queue ${t.queueAtEnd}, caught up in ${Math.round(t.catchUpMs)} ms)`);
    if (t.pass) sustained = Math.max(sustained, t.achieved);
    if (t.load.failedSpans > 0) await new Promise((r) => setTimeout(r, o.idleMs + 1000));
    return t.pass;
  };
  let best = 0;
  let worst = Infinity;
  let rate = estimate * 0.85;
  if (await run(rate)) {
    best = rate;
    // Walk up while trials pass and the sender keeps its pace (below 90% higher offers are not
    // sent any faster); maxTrials bounds it. A fixed 5 steps capped the search at 1.37x a capacity
    // estimate that itself varies by +-10%.
    while (best === rate && (trials.at(-1)?.load.keptPace ?? 1) >= 0.9) {
      rate *= 1.1;
      if (await run(rate)) best = rate;
      else worst = rate;
    }
    // A walk that stopped on the pace, not on a failure, still brackets the limit: the collector's
    // answers slowed the sender (an export waits for the analysis slice in progress, session 15), so
    // the offer above the last full-pace trial is bisected like a failed one. Without it the figure
    // was up to a 10% step below the limit: run W's walk passed 147,857 at 100% of pace, then
    // 162,643 at 89%, and stopped there (bench/README.md, session 17).
    const last = trials.at(-1);
    const previous = trials.at(-2);
    if (!Number.isFinite(worst) && previous !== undefined && last !== undefined && last.pass && last.load.keptPace < 0.9) {
      best = previous.rate;
      worst = last.rate;
    }
  } else {
    worst = rate;
    for (let k = 0; k < 6 && best === 0; k++) {
      rate *= 0.85;
      if (await run(rate)) best = rate;
      else worst = rate;
    }
  }
  for (let k = 0; k < o.bisect && Number.isFinite(worst) && best > 0; k++) {
    const mid = (best + worst) / 2;
    if (await run(mid)) best = mid;
    else worst = mid;
  }
  return { best: Math.round(sustained), trials };
}
