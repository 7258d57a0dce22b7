// Counter and histogram families for the per-request hot path. prom-client's own metrics hash the
// label object on every observe (~400 ns, ~1.2 µs with an exemplar, measured with prom-client 15.1.3
// on this machine); these keep one object per series that callers hold on to, so an update is a few
// field writes. They plug into a prom-client Registry through its metric protocol (name, help,
// type, get/getForPromString, reset), so exposition, escaping and OpenMetrics exemplars stay
// prom-client's.
import type { Registry } from 'prom-client';

export type Labels = Readonly<Record<string, string>>;

interface SeriesBase {
  readonly key: string;
  readonly labels: Labels;
  /** Clock time of the last update; the TTL sweep compares it. */
  seen: number;
  /** False once swept: a caller holding it must ask the family again. */
  live: boolean;
}

export interface CounterSeries extends SeriesBase {
  value: number;
}

export interface HistogramSeries extends SeriesBase {
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
  /** Latest exemplar per bucket (trace and span ids), when the family keeps exemplars. */
  readonly exTrace: string[] | null;
  readonly exSpan: string[] | null;
  readonly exValue: Float64Array | null;
  readonly exTime: Float64Array | null;
}

interface ExportValue {
  labels: Labels;
  sharedLabels: Labels;
  value: number;
  metricName: string;
  exemplar?: { labelSet: Labels; value: number; timestamp: number } | null;
}

interface MetricData {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: ExportValue[];
  aggregator: 'sum';
}

const NO_LABELS: Labels = Object.freeze({});

abstract class Family<S extends SeriesBase> {
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';
  protected readonly byKey = new Map<string, S>();

  constructor(
    /** Mutable: prom-client's OpenMetrics writer strips `_total` from counter names in place. */
    public name: string,
    readonly help: string,
  ) {}

  register(registry: Registry): this {
    // The registry only needs the metric protocol, which this class implements.
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
    return this;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The live series for `key`, created with `labels` when missing (callers cache the result). */
  child(key: string, labels: Labels, now: number): S {
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = this.create(key, labels, now);
      this.byKey.set(key, s);
    }
    return s;
  }

  /** Removes series not updated since `cutoff`; returns how many went. */
  sweep(cutoff: number): number {
    let removed = 0;
    for (const [key, s] of this.byKey) {
      if (s.seen < cutoff) {
        s.live = false;
        this.byKey.delete(key);
        removed++;
      }
    }
    return removed;
  }

  reset(): void {
    for (const s of this.byKey.values()) s.live = false;
    this.byKey.clear();
  }

  protected abstract create(key: string, labels: Labels, now: number): S;
  abstract getForPromString(): MetricData;

  /** prom-client's JSON form: series labels merged into each value's labels. */
  get(): MetricData {
    const data = this.getForPromString();
    data.values = data.values.map((v) => ({ ...v, labels: { ...v.sharedLabels, ...v.labels }, sharedLabels: NO_LABELS }));
    return data;
  }
}

export class CounterFamily extends Family<CounterSeries> {
  readonly type = 'counter';

  protected create(key: string, labels: Labels, now: number): CounterSeries {
    return { key, labels, seen: now, live: true, value: 0 };
  }

  getForPromString(): MetricData {
    const values: ExportValue[] = [];
    for (const s of this.byKey.values()) {
      values.push({ labels: NO_LABELS, sharedLabels: s.labels, value: s.value, metricName: this.name });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class HistogramFamily extends Family<HistogramSeries> {
  readonly type = 'histogram';
  private readonly leLabels: Labels[];

  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
    readonly exemplars: boolean,
  ) {
    super(name, help);
    this.leLabels = [...buckets.map((b) => Object.freeze({ le: String(b) })), Object.freeze({ le: '+Inf' })];
  }

  protected create(key: string, labels: Labels, now: number): HistogramSeries {
    const n = this.buckets.length + 1;
    const ex = this.exemplars;
    return {
      key,
      labels,
      seen: now,
      live: true,
      counts: new Float64Array(n),
      sum: 0,
      count: 0,
      exTrace: ex ? new Array<string>(n).fill('') : null,
      exSpan: ex ? new Array<string>(n).fill('') : null,
      exValue: ex ? new Float64Array(n) : null,
      exTime: ex ? new Float64Array(n) : null,
    };
  }

  /** Records `value`; `traceId` non-empty also replaces the bucket's exemplar. */
  observe(s: HistogramSeries, value: number, now: number, traceId = '', spanId = ''): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
    s.seen = now;
    if (traceId !== '' && s.exTrace !== null) {
      s.exTrace[i] = traceId;
      s.exSpan![i] = spanId;
      s.exValue![i] = value;
      s.exTime![i] = now / 1000;
    }
  }

  getForPromString(): MetricData {
    const values: ExportValue[] = [];
    const bucketName = `${this.name}_bucket`;
    const n = this.buckets.length + 1;
    for (const s of this.byKey.values()) {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        acc += s.counts[i]!;
        const v: ExportValue = { labels: this.leLabels[i]!, sharedLabels: s.labels, value: acc, metricName: bucketName };
        if (s.exTrace !== null && s.exTrace[i] !== '') {
          const labelSet: Labels = s.exSpan![i] === '' ? { trace_id: s.exTrace[i]! } : { trace_id: s.exTrace[i]!, span_id: s.exSpan![i]! };
          v.exemplar = { labelSet, value: s.exValue![i]!, timestamp: s.exTime![i]! };
        }
        values.push(v);
      }
      values.push({ labels: NO_LABELS, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: NO_LABELS, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
