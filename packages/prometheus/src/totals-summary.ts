// A Prometheus summary without quantiles (`_sum` and `_count` only), set from totals the recorder already keeps.
import type { Metric, Registry } from 'prom-client';

interface SampleValue {
  metricName: string;
  value: number;
  labels: Record<string, string>;
}

/**
 * prom-client's `Summary` builds quantiles from individual observations; the training recorder reports totals
 * (for example `total_iteration_time_sec` and `num_iterations` in `training_metrics_update`), never one value per
 * iteration. This family exposes those totals as a summary, which the text format allows without quantiles,
 * so `rate(x_sum[5m]) / rate(x_count[5m])` is the mean over any window. It plugs into prom-client's registry
 * through the same `get()` contract as prom-client's own metrics.
 */
export class TotalsSummary {
  readonly type = 'summary';
  readonly aggregator = 'sum';
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** Replaces the totals (they come cumulative from the recorder). */
  setTotals(sum: number, count: number): void {
    this.sum = sum;
    this.count = count;
  }

  /** Adds one observation (for values the recorder reports one at a time, such as loop durations). */
  observe(value: number): void {
    this.sum += value;
    this.count += 1;
  }

  /** Fresh sample objects per call: the registry may add the default labels to them. */
  get(): { name: string; help: string; type: 'summary'; values: SampleValue[]; aggregator: 'sum' } {
    const values = [
      { metricName: `${this.name}_sum`, value: this.sum, labels: {} },
      { metricName: `${this.name}_count`, value: this.count, labels: {} },
    ];
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }

  /** Adds this family to `registry` (prom-client types list only its own classes; the contract is `get()`). */
  registerIn(registry: Registry): void {
    registry.registerMetric(this as unknown as Metric);
  }
}
