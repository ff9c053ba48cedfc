import {
  Attributes,
  type AttributeValue,
  describeValue,
  Event,
  rejectInput,
  StandardEventAttributeName,
  type TracingTimestamp,
} from '@nv-one-logger/core';
import { TRAINING_ATTRIBUTE_NAMES } from './attributes.js';
import { StandardTrainingJobEventName } from './names.js';

// The model's own metrics (loss, accuracy, ...) as `model_metrics` events: an additive record the Python
// library never writes. Attributes: the metrics in the caller's order, then `global_step`, then `timestamp_msec`.
// `logMetrics` may run every iteration, so names are checked once and remembered, and nothing is allocated per
// call beyond the event itself.

/** The metrics of one `logMetrics` call: metric name → finite number. */
export type ModelMetrics = Readonly<Record<string, number>>;

export interface LogMetricsOptions {
  /** The global step the metrics belong to. Default: the training iterations completed so far. */
  step?: number;
  /** Epoch milliseconds; default now (within 600 s of now). */
  timeMsec?: number;
}

/** The attribute that carries the step of a `model_metrics` event. */
export const GLOBAL_STEP_ATTRIBUTE = 'global_step';

/** What a metric name must look like. */
export const METRIC_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

/** Names a metric may not take: every attribute the training layer writes, `global_step` and the standard event attributes. */
export const RESERVED_METRIC_NAMES: ReadonlySet<string> = new Set<string>([
  ...TRAINING_ATTRIBUTE_NAMES,
  ...Object.values(StandardEventAttributeName),
  'duration_msec',
]);

/** Valid names seen so far (bounded: a program could invent names without end; beyond it names are re-checked). */
const validNames = new Set<string>();
const MAX_REMEMBERED_NAMES = 4096;

/** What is wrong with a metric name, or undefined if it is valid. */
export function metricNameProblem(name: string): string | undefined {
  if (validNames.has(name)) return undefined;
  if (name === '') return 'logMetrics: a metric name must not be empty';
  if (!METRIC_NAME_PATTERN.test(name)) {
    return `logMetrics: metric name ${JSON.stringify(name)} must match ${METRIC_NAME_PATTERN.source} (a letter or _ first, then letters, digits, _ . / -)`;
  }
  if (RESERVED_METRIC_NAMES.has(name)) {
    return `logMetrics: metric name ${JSON.stringify(name)} is reserved (the records already use an attribute of that name); rename the metric`;
  }
  if (validNames.size < MAX_REMEMBERED_NAMES) validNames.add(name);
  return undefined;
}

/**
 * Whether one metric may be recorded. A bad name or value throws under the propagate strategy; under the quiet
 * strategy it is left out, with one warning and one telemetry-data error per metric name and problem.
 */
function acceptMetric(name: string, value: unknown): boolean {
  const problem = metricNameProblem(name);
  if (problem !== undefined) {
    rejectInput(`model_metrics:name:${name}`, problem);
    return false;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return true;
  rejectInput(`model_metrics:value:${name}`, `logMetrics: metric ${name} must be a finite number (got ${describeValue(value)})`);
  return false;
}

/**
 * The `model_metrics` event of one call, or undefined when no metric is left (all of them rejected under the
 * quiet strategy). Under the propagate strategy the first bad metric throws and nothing is built.
 */
export function modelMetricsEvent(metrics: ModelMetrics, step: number, ts: TracingTimestamp): Event | undefined {
  // The map is filled in record order and handed to the event as it is: building the event first and clearing
  // the map its constructor started with (timestamp_msec first) cost ~100 ns of a 1.31 µs call
  // (bench/training-cases.mjs log_metrics, median of runs back to back; Map.prototype.clear reallocates).
  const map = new Map<string, AttributeValue>();
  for (const name in metrics) {
    const value = metrics[name];
    if (acceptMetric(name, value)) map.set(name, value as number);
  }
  if (map.size === 0) return undefined;
  map.set(GLOBAL_STEP_ATTRIBUTE, step);
  map.set(StandardEventAttributeName.TIMESTAMP_MSEC, ts.millisecondsSinceEpoch);
  return Event.ofOwnAttributes(StandardTrainingJobEventName.MODEL_METRICS, ts, Attributes.adopting(map));
}
