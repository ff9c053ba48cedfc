// The builder interface (Python `builders/base.py`) and the counter update every built-in builder uses.

import { MetricsStateError, TelemetryInputError } from '../errors.js';
import type { BuildContext, Metrics, TelemetryData } from '../types.js';

/**
 * A pluggable metric generator: `build` updates `metrics` in place from one extracted report. Subclasses must
 * implement `build`; like Python's ABC, the base class itself cannot be instantiated.
 */
export abstract class MetricBuilder {
  constructor() {
    if (new.target === MetricBuilder) throw new TypeError("Can't instantiate abstract class MetricBuilder");
    if (typeof (this as { build?: unknown }).build !== 'function') {
      throw new TypeError(`Can't instantiate ${new.target.name}: it does not implement build()`);
    }
  }

  abstract build(metrics: Metrics, telemetryData: TelemetryData, context: BuildContext): void;
}

/** Anything with a `build` method can be registered with a processor (a class instance or a plain object). */
export interface MetricBuilderLike {
  build(metrics: Metrics, telemetryData: TelemetryData, context: BuildContext): void;
}

/**
 * `metrics[key] = metrics.get(key, 0) + delta`. A stored value that is not a number cannot be incremented: Python
 * raises TypeError, and JS would silently concatenate a string, so this throws `MetricsStateError` instead.
 */
export function incrementMetric(metrics: Metrics, key: string, delta: number): void {
  const prev = metrics[key];
  if (prev === undefined) metrics[key] = delta;
  else if (typeof prev === 'number') metrics[key] = prev + delta;
  // Python's True + 1 == 2.
  else if (typeof prev === 'boolean') metrics[key] = Number(prev) + delta;
  else throw new MetricsStateError(key, prev, 'must be a number to be incremented');
}

/** `time_lapsed` as a number (default 0; a boolean is 0/1 as in Python arithmetic). */
export function timeLapsedOf(telemetryData: TelemetryData): number {
  const t = telemetryData.time_lapsed;
  if (t === undefined) return 0;
  if (typeof t === 'number') return t;
  if (typeof t === 'boolean') return t ? 1 : 0;
  throw new TelemetryInputError('time_lapsed', t, 'must be a number');
}

/** `data[name]`, with literal property names for the shipped attributes (a keyed load by a variable name is slower). */
export function readAttribute(data: TelemetryData, name: string): unknown {
  switch (name) {
    case 'version':
      return data.version;
    case 'action':
      return data.action;
    case 'network':
      return data.network;
    case 'success':
      return data.success;
    case 'user_error':
      return data.user_error;
    case 'client_type':
      return data.client_type;
    case 'automl_triggered':
      return data.automl_triggered;
    case 'time_lapsed':
      return data.time_lapsed;
    case 'gpus':
      return data.gpus;
    default:
      return data[name];
  }
}
