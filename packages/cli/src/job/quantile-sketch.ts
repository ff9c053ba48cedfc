// Weighted quantiles in bounded memory: exact while few values were added, then a logarithmic histogram whose
// buckets are 1% wide, so a quantile is within 0.5% of the true value however many iterations a rank ran.

/** Values kept exactly; beyond this the sketch folds them into the histogram. */
export const EXACT_VALUES = 4096;
/** Relative width of a histogram bucket. */
const GAMMA = 1.01;
const LOG_GAMMA = Math.log(GAMMA);

export class QuantileSketch {
  private values: number[] = [];
  private weights: number[] = [];
  /** Bucket index → weight; at most a few thousand keys (one per 1% step between the smallest and largest value). */
  private histogram: Map<number, number> | undefined;
  /** Weight of values <= 0 (a 0 ms iteration at millisecond resolution). */
  private zeroWeight = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(value: number, weight = 1): void {
    if (!Number.isFinite(value) || !(weight > 0)) return;
    this.count += weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.histogram === undefined) {
      this.values.push(value);
      this.weights.push(weight);
      if (this.values.length > EXACT_VALUES) this.fold();
      return;
    }
    this.addToHistogram(value, weight);
  }

  merge(other: QuantileSketch): void {
    if (other.histogram === undefined) {
      for (let i = 0; i < other.values.length; i++) this.add(other.values[i] as number, other.weights[i] as number);
      return;
    }
    if (this.histogram === undefined) this.fold();
    this.count += other.count;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.zeroWeight += other.zeroWeight;
    const h = this.histogram as Map<number, number>;
    for (const [k, w] of other.histogram) h.set(k, (h.get(k) ?? 0) + w);
  }

  /** Numbers held: exact values, or histogram buckets (bounded by the value range, not the count). */
  get stored(): number {
    return this.histogram === undefined ? this.values.length : this.histogram.size;
  }

  /** The q-quantile (0..1) by weight: the smallest value with at least q of the weight at or below it. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const target = q * this.count;
    if (this.histogram === undefined) {
      const order = this.values.map((_, i) => i).sort((a, b) => (this.values[a] as number) - (this.values[b] as number));
      let acc = 0;
      for (const i of order) {
        acc += this.weights[i] as number;
        if (acc >= target) return this.values[i];
      }
      return this.max;
    }
    let acc = this.zeroWeight;
    if (acc >= target) return Math.max(this.min, 0);
    const keys = [...this.histogram.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      acc += this.histogram.get(k) as number;
      // The bucket's geometric middle, kept inside the observed range.
      if (acc >= target) return Math.min(this.max, Math.max(this.min, GAMMA ** (k + 0.5)));
    }
    return this.max;
  }

  private fold(): void {
    this.histogram = new Map();
    for (let i = 0; i < this.values.length; i++) this.addToHistogram(this.values[i] as number, this.weights[i] as number);
    this.values = [];
    this.weights = [];
  }

  private addToHistogram(value: number, weight: number): void {
    if (value <= 0) {
      this.zeroWeight += weight;
      return;
    }
    const k = Math.floor(Math.log(value) / LOG_GAMMA);
    const h = this.histogram as Map<number, number>;
    h.set(k, (h.get(k) ?? 0) + weight);
  }
}
