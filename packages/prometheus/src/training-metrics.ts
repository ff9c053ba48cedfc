// The table from training-telemetry records to Prometheus metrics, kept in a prom-client registry.
import type { AttributeValue } from '@nv-one-logger/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JobLabel, JobLabels } from './job-labels.js';
import { HELP, MetricName, MODEL_METRIC_PREFIX } from './metric-names.js';
import { TotalsSummary } from './totals-summary.js';

type Attrs = ReadonlyMap<string, AttributeValue>;

export interface TrainingMetricsOptions {
  readonly labels: Readonly<Record<string, string>>;
  readonly checkpointBuckets: readonly number[];
  readonly maxModelMetrics: number;
  /** Told once per kind of problem (model metric names that cannot be exposed). */
  readonly onProblem: (message: string) => void;
}

/** Record names with meaning here (training-telemetry's wire names; kept local so this package needs only core). */
const Wire = {
  INIT: 'one_logger_initialization',
  CONFIG: 'update_training_telemetry_config',
  TRAINING_METRICS: 'training_metrics_update',
  CHECKPOINT_SUCCESS: 'save_checkpoint_success',
  MODEL_METRICS: 'model_metrics',
  VALIDATION_LOOP: 'validation_loop',
  SAVE_SYNC: 'checkpoint_save_sync',
  SAVE_ASYNC: 'checkpoint_save_async',
} as const;

/** Keys of a `model_metrics` event that are not metrics. */
const MODEL_METRICS_KEYS = new Set(['global_step', 'timestamp_msec']);

function num(attrs: Attrs, key: string): number | undefined {
  const v = attrs.get(key);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A counter fed with the recorder's cumulative totals: it advances by the difference. */
class CumulativeCounter {
  private last = 0;
  constructor(readonly counter: Counter) {}
  to(total: number): void {
    if (total > this.last) this.counter.inc(total - this.last);
    this.last = Math.max(this.last, total);
  }
}

/** `val/loss` -> `val_loss`: the characters a metric name cannot hold become `_`. */
export function modelMetricName(name: string): string {
  return MODEL_METRIC_PREFIX + name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Turns records into metric updates. Each handler is chosen once, by record name, from fixed tables (nothing is
 * decided per record but the table lookup); a family appears in the output from its first value on, so a
 * gauge never reads 0 merely because nothing was measured yet. Per-iteration spans carry nothing used here:
 * everything comes from the recorder's aggregated events and a few long spans.
 */
export class TrainingMetrics {
  readonly registry = new Registry();
  readonly jobLabels: JobLabels;
  /** Advances on every change, so a push with nothing new can be skipped. */
  version = 0;

  private readonly registered = new Set<object>();
  private readonly options: TrainingMetricsOptions;
  private readonly eventHandlers: ReadonlyMap<string, (attrs: Attrs) => void>;
  private readonly stopHandlers: ReadonlyMap<string, (durationSec: number) => void>;

  private readonly iterations: CumulativeCounter;
  private readonly samples: CumulativeCounter;
  private readonly tokens: CumulativeCounter;
  private readonly iterationTime = new TotalsSummary(MetricName.TRAIN_ITERATION_DURATION, HELP[MetricName.TRAIN_ITERATION_DURATION]);
  private readonly validationTime = new TotalsSummary(MetricName.VALIDATION_LOOP_DURATION, HELP[MetricName.VALIDATION_LOOP_DURATION]);
  private readonly gauges = new Map<MetricName, Gauge>();
  private readonly checkpointSaves: Counter<'strategy'>;
  private readonly checkpointDuration: Histogram<'strategy'>;
  private readonly telemetryErrors: Counter;
  private readonly applicationErrors: Counter;
  /** Model metric name -> its gauge, or null when it cannot be exposed (reported once). */
  private readonly modelGauges = new Map<string, Gauge | null>();
  /** Prometheus name -> the model metric name that took it. */
  private readonly modelNamesTaken = new Map<string, string>();

  constructor(options: TrainingMetricsOptions) {
    this.options = options;
    this.jobLabels = new JobLabels(options.labels);
    this.registry.setDefaultLabels(this.jobLabels.toLabels());
    const counter = (name: MetricName) => new Counter({ name, help: HELP[name], registers: [] });
    this.iterations = new CumulativeCounter(counter(MetricName.TRAIN_ITERATIONS));
    this.samples = new CumulativeCounter(counter(MetricName.TRAIN_SAMPLES));
    this.tokens = new CumulativeCounter(counter(MetricName.TRAIN_TOKENS));
    this.telemetryErrors = counter(MetricName.TELEMETRY_ERRORS);
    this.applicationErrors = counter(MetricName.APPLICATION_ERRORS);
    for (const name of [
      MetricName.TRAIN_CURRENT_ITERATION,
      MetricName.TRAIN_ITERATION_MIN,
      MetricName.TRAIN_ITERATION_MAX,
      MetricName.TRAIN_TFLOPS_PER_GPU,
      MetricName.TRAIN_SAMPLES_PER_SECOND,
      MetricName.TRAIN_LAST_ITERATION_TIME,
      MetricName.PRODUCTIVE_TRAIN_SECONDS,
      MetricName.PRODUCTIVE_TRAIN_ITERATIONS,
      MetricName.PRODUCTIVE_TRAIN_SAMPLES,
      MetricName.PRODUCTIVE_VALIDATION_SECONDS,
      MetricName.MODEL_GLOBAL_STEP,
    ]) {
      this.gauges.set(name, new Gauge({ name, help: HELP[name], registers: [] }));
    }
    this.checkpointSaves = new Counter({
      name: MetricName.CHECKPOINT_SAVES,
      help: HELP[MetricName.CHECKPOINT_SAVES],
      labelNames: ['strategy'],
      registers: [],
    });
    this.checkpointDuration = new Histogram({
      name: MetricName.CHECKPOINT_SAVE_DURATION,
      help: HELP[MetricName.CHECKPOINT_SAVE_DURATION],
      labelNames: ['strategy'],
      buckets: [...options.checkpointBuckets],
      registers: [],
    });
    this.eventHandlers = new Map<string, (attrs: Attrs) => void>([
      [Wire.INIT, (a) => this.onInitialization(a)],
      [Wire.CONFIG, (a) => this.labelChanged(this.jobLabels.set(JobLabel.PERF_TAG, a.get('perf_tag')))],
      [Wire.TRAINING_METRICS, (a) => this.onTrainingMetrics(a)],
      [Wire.CHECKPOINT_SUCCESS, (a) => this.onCheckpointSuccess(a)],
      [Wire.MODEL_METRICS, (a) => this.onModelMetrics(a)],
    ]);
    this.stopHandlers = new Map<string, (durationSec: number) => void>([
      [Wire.VALIDATION_LOOP, (s) => this.use(this.validationTime).observe(s)],
      [Wire.SAVE_SYNC, (s) => this.use(this.checkpointDuration).observe({ strategy: 'sync' }, s)],
      [Wire.SAVE_ASYNC, (s) => this.use(this.checkpointDuration).observe({ strategy: 'async' }, s)],
    ]);
  }

  /** Names of the records that change a metric (everything else is ignored by a map lookup). */
  static readonly EVENT_NAMES: readonly string[] = [
    Wire.INIT,
    Wire.CONFIG,
    Wire.TRAINING_METRICS,
    Wire.CHECKPOINT_SUCCESS,
    Wire.MODEL_METRICS,
  ];

  /** An event record; returns whether it changed anything. */
  onEvent(name: string, attributes: Attrs): boolean {
    const handler = this.eventHandlers.get(name);
    if (handler === undefined) return false;
    handler(attributes);
    this.version++;
    return true;
  }

  /** A stopped span with its `duration_msec`. */
  onSpanStop(name: string, durationMsec: number | undefined): boolean {
    const handler = this.stopHandlers.get(name);
    if (handler === undefined || durationMsec === undefined || !Number.isFinite(durationMsec)) return false;
    handler(durationMsec / 1000);
    this.version++;
    return true;
  }

  onTelemetryDataError(): void {
    this.use(this.telemetryErrors).inc();
    this.version++;
  }

  onApplicationError(): void {
    this.use(this.applicationErrors).inc();
    this.version++;
  }

  /** Fills job labels from the provider's configuration when the records have not named them. */
  fillLabelsFromProvider(): void {
    this.labelChanged(this.jobLabels.fillFromProvider());
  }

  /** The exposition text of everything recorded so far. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // ------------------------------------------------------------------ handlers

  private onInitialization(a: Attrs): void {
    let changed = this.jobLabels.set(JobLabel.SESSION, a.get('session_tag'));
    changed = this.jobLabels.set(JobLabel.RANK, a.get('rank')) || changed;
    changed = this.jobLabels.set(JobLabel.WORLD_SIZE, a.get('world_size')) || changed;
    changed = this.jobLabels.set(JobLabel.APPLICATION, a.get('application_name')) || changed;
    this.labelChanged(changed);
    this.fillLabelsFromProvider();
  }

  private onTrainingMetrics(a: Attrs): void {
    const count = num(a, 'num_iterations');
    const total = num(a, 'total_iteration_time_sec');
    if (count !== undefined) this.iterations.to(this.useCounter(this.iterations.counter, count));
    const samples = num(a, 'num_train_samples');
    if (samples !== undefined) this.samples.to(this.useCounter(this.samples.counter, samples));
    const tokens = num(a, 'train_tokens');
    if (tokens !== undefined) this.tokens.to(this.useCounter(this.tokens.counter, tokens));
    if (count !== undefined && total !== undefined) this.use(this.iterationTime).setTotals(total, count);
    this.setGauge(MetricName.TRAIN_CURRENT_ITERATION, num(a, 'current_iteration'));
    this.setGauge(MetricName.TRAIN_ITERATION_MIN, num(a, 'min_iteration_time_sec'));
    this.setGauge(MetricName.TRAIN_ITERATION_MAX, num(a, 'max_iteration_time_sec'));
    this.setGauge(MetricName.TRAIN_TFLOPS_PER_GPU, num(a, 'train_throughput_per_gpu'));
    if (samples !== undefined && total !== undefined && total > 0) this.setGauge(MetricName.TRAIN_SAMPLES_PER_SECOND, samples / total);
    this.setGauge(MetricName.TRAIN_LAST_ITERATION_TIME, num(a, 'last_logged_train_iterations_finish_timestamp_sec'));
  }

  private onCheckpointSuccess(a: Attrs): void {
    const strategy = a.get('checkpoint_strategy');
    // The strategy label is bounded: the two strategies, anything else is `other`.
    this.use(this.checkpointSaves).inc({ strategy: strategy === 'sync' || strategy === 'async' ? strategy : 'other' });
    this.setGauge(MetricName.PRODUCTIVE_TRAIN_SECONDS, num(a, 'productive_train_iterations_sec'));
    this.setGauge(MetricName.PRODUCTIVE_TRAIN_ITERATIONS, num(a, 'productive_train_iterations'));
    this.setGauge(MetricName.PRODUCTIVE_TRAIN_SAMPLES, num(a, 'productive_train_samples'));
    this.setGauge(MetricName.PRODUCTIVE_VALIDATION_SECONDS, num(a, 'productive_validation_iterations_sec'));
  }

  private onModelMetrics(a: Attrs): void {
    for (const [name, value] of a) {
      if (MODEL_METRICS_KEYS.has(name) || typeof value !== 'number' || !Number.isFinite(value)) continue;
      this.modelGauge(name)?.set(value);
    }
    this.setGauge(MetricName.MODEL_GLOBAL_STEP, num(a, 'global_step'));
  }

  // ------------------------------------------------------------------ helpers

  private modelGauge(name: string): Gauge | null {
    const known = this.modelGauges.get(name);
    if (known !== undefined) return known;
    const promName = modelMetricName(name);
    const taken = this.modelNamesTaken.get(promName);
    let gauge: Gauge | null = null;
    if (taken !== undefined || promName === MetricName.MODEL_GLOBAL_STEP) {
      this.options.onProblem(
        `model metric ${JSON.stringify(name)} maps to the Prometheus name ${promName}, already used by ${JSON.stringify(taken ?? 'global_step')}; it is left out of the Prometheus metrics`,
      );
    } else if (this.modelNamesTaken.size >= this.options.maxModelMetrics) {
      this.options.onProblem(
        `model metric ${JSON.stringify(name)} is left out of the Prometheus metrics: at most ${this.options.maxModelMetrics} model metrics become gauges (maxModelMetrics)`,
      );
    } else {
      gauge = new Gauge({
        name: promName,
        help: `Latest value of the model metric ${JSON.stringify(name)} (model_metrics events).`,
        registers: [],
      });
      this.modelNamesTaken.set(promName, name);
      this.use(gauge);
    }
    this.modelGauges.set(name, gauge);
    return gauge;
  }

  private setGauge(name: MetricName, value: number | undefined): void {
    if (value === undefined) return;
    this.use(this.gauges.get(name) as Gauge).set(value);
  }

  private useCounter(counter: Counter, value: number): number {
    this.use(counter);
    return value;
  }

  /** Registers a family on its first value, so it is absent (not 0) until something was measured. */
  private use<T extends object>(metric: T): T {
    if (this.registered.has(metric)) return metric;
    this.registered.add(metric);
    if (metric instanceof TotalsSummary) metric.registerIn(this.registry);
    else this.registry.registerMetric(metric as unknown as Counter);
    return metric;
  }

  private labelChanged(changed: boolean): void {
    if (changed) this.registry.setDefaultLabels(this.jobLabels.toLabels());
  }
}
