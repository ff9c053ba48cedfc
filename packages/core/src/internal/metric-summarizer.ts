import { OneLoggerError } from '../core/errors.js';

/**
 * Running summary (latest, min, max, average, total, count) of numeric samples. Not safe to share between
 * concurrent writers that interleave inside `addValue` (plain JS cannot, so this only matters for workers).
 *
 * Unlike the reference, `avgValue` is always `totalValue / count` (the reference kept the first sample's type)
 * and each instance has its own state.
 */
export class MetricSummarizer {
  // Plain numbers, meaningful once `n > 0` (the getters say undefined before). A field that holds only numbers is
  // updated in place; one that may hold undefined gets a new heap number per sample (5 allocations per training
  // iteration, measured with --cpu-prof as garbage-collector time).
  private latest = 0;
  private min = 0;
  private max = 0;
  private avg = 0;
  private total = 0;
  private n = 0;

  get latestValue(): number | undefined {
    return this.n === 0 ? undefined : this.latest;
  }

  get minValue(): number | undefined {
    return this.n === 0 ? undefined : this.min;
  }

  get maxValue(): number | undefined {
    return this.n === 0 ? undefined : this.max;
  }

  get avgValue(): number | undefined {
    return this.n === 0 ? undefined : this.avg;
  }

  get totalValue(): number | undefined {
    return this.n === 0 ? undefined : this.total;
  }

  get count(): number {
    return this.n;
  }

  /**
   * Adds one sample. Non-finite numbers are rejected: one NaN would silently turn every statistic into NaN
   * for the rest of the run, and records cannot carry NaN/Infinity.
   */
  addValue(value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new OneLoggerError(`MetricSummarizer.addValue: value must be a finite number (got ${String(value)})`);
    }
    const first = this.n === 0;
    this.n += 1;
    this.latest = value;
    this.min = first || value < this.min ? value : this.min;
    this.max = first || value > this.max ? value : this.max;
    this.total = first ? value : this.total + value;
    this.avg = this.total / this.n;
  }

  /** Same count and same six statistics. */
  equals(other: unknown): boolean {
    return (
      other instanceof MetricSummarizer &&
      other.n === this.n &&
      other.latestValue === this.latestValue &&
      other.minValue === this.minValue &&
      other.maxValue === this.maxValue &&
      other.avgValue === this.avgValue &&
      other.totalValue === this.totalValue
    );
  }
}
