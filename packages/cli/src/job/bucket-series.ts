// A time series in bounded memory for charts: consecutive points fold into at most `maxBuckets` buckets that keep
// the time range, the weighted mean, the minimum and the maximum, so spikes survive downsampling. When the buckets
// are full, neighbours merge pairwise and each new bucket takes twice as many points.

export interface Bucket {
  /** Start of the first point's interval and time of the last point (epoch ms). */
  t0: number;
  t1: number;
  /** Points folded in. */
  n: number;
  /** Sum of the weights (iterations) and of value × weight. */
  w: number;
  sum: number;
  min: number;
  max: number;
}

export const DEFAULT_MAX_BUCKETS = 240;

export class BucketSeries {
  readonly buckets: Bucket[] = [];
  /** Points a bucket takes before the next one starts. */
  private span = 1;
  /** Points added. */
  points = 0;

  constructor(private readonly maxBuckets = DEFAULT_MAX_BUCKETS) {}

  /** A point at `timeMs`; `fromMs` is where the interval it summarises began (an iteration's start). */
  add(timeMs: number, value: number, weight = 1, fromMs = timeMs): void {
    if (!Number.isFinite(timeMs) || !Number.isFinite(value) || !(weight > 0)) return;
    this.points++;
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.n < this.span && timeMs >= last.t0) {
      last.t1 = Math.max(last.t1, timeMs);
      last.n++;
      last.w += weight;
      last.sum += value * weight;
      if (value < last.min) last.min = value;
      if (value > last.max) last.max = value;
      return;
    }
    const t0 = Number.isFinite(fromMs) && fromMs <= timeMs ? fromMs : timeMs;
    this.buckets.push({ t0, t1: timeMs, n: 1, w: weight, sum: value * weight, min: value, max: value });
    if (this.buckets.length > this.maxBuckets) this.halve();
  }

  private halve(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i] as Bucket;
      const b = this.buckets[i + 1];
      merged.push(b === undefined ? a : mergeBuckets(a, b));
    }
    this.buckets.length = 0;
    this.buckets.push(...merged);
    this.span *= 2;
  }
}

export function mergeBuckets(a: Bucket, b: Bucket): Bucket {
  return {
    t0: Math.min(a.t0, b.t0),
    t1: Math.max(a.t1, b.t1),
    n: a.n + b.n,
    w: a.w + b.w,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

/** Fewer buckets (at most `max`), merging neighbours evenly; the input is not changed. */
export function thinBuckets(buckets: readonly Bucket[], max: number): Bucket[] {
  if (buckets.length <= max) return [...buckets];
  const out: Bucket[] = [];
  const per = buckets.length / max;
  for (let i = 0; i < max; i++) {
    const from = Math.floor(i * per);
    const to = Math.floor((i + 1) * per);
    let acc = buckets[from] as Bucket;
    for (let j = from + 1; j < to; j++) acc = mergeBuckets(acc, buckets[j] as Bucket);
    out.push(acc);
  }
  return out;
}

export function bucketMean(b: Bucket): number {
  return b.w > 0 ? b.sum / b.w : b.min;
}
