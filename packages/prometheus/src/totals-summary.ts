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
  private readonly values: [SampleValue, SampleValue];

  constructor(
    readonly name: string,
    readonly help: string,
  ) {
    // The two sample objects are built once and only their values change.
    this.values = [
      { metricName: `${name}_sum`, value: 0, labels: {} },
      { metricName: `${name}_count`, value: 0, labels: {} },
    ];
  }

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

  get(): { name: string; help: string; type: 'summary'; values: SampleValue[]; aggregator: 'sum' } {
    this.values[0].value = this.sum;
    this.values[1].value = this.count;
    return { name: this.name, help: this.help, type: this.type, values: this.values, aggregator: this.aggregator };
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
