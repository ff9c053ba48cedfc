import { OneLoggerError } from '../core/errors.js';

/**
 * Running summary (latest, min, max, average, total, count) of numeric samples. Not safe to share between
 * concurrent writers that interleave inside `addValue` (plain JS cannot, so this only matters for workers).
 *
 * Unlike the reference, `avgValue` is always `totalValue / count` (the reference kept the first sample's type)
 * and each instance has its own state.
 */
export class MetricSummarizer {
  private latest: number | undefined;
  private min: number | undefined;
  private max: number | undefined;
  private avg: number | undefined;
  private total: number | undefined;
  private n = 0;

  get latestValue(): number | undefined {
    return this.latest;
  }

  get minValue(): number | undefined {
    return this.min;
  }

  get maxValue(): number | undefined {
    return this.max;
  }

  get avgValue(): number | undefined {
    return this.avg;
  }

  get totalValue(): number | undefined {
    return this.total;
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
    this.n += 1;
    this.latest = value;
    this.min = this.min === undefined || value < this.min ? value : this.min;
    this.max = this.max === undefined || value > this.max ? value : this.max;
    this.total = this.total === undefined ? value : this.total + value;
    this.avg = this.total / this.n;
  }

  /** Same count and same six statistics. */
  equals(other: unknown): boolean {
    return (
      other instanceof MetricSummarizer &&
      other.n === this.n &&
      other.latest === this.latest &&
      other.min === this.min &&
      other.max === this.max &&
      other.avg === this.avg &&
      other.total === this.total
    );
  }
}
