// The `model_metrics` series of a file for charts: one series per metric (training and validation kept apart),
// each downsampled while streaming like the training-metrics series (every stride-th point, the stride doubling
// when the buffer fills; first and last point kept).
import { EVENT, SPAN } from '../model/names.js';
import type { ModelMetricPoint, ModelMetricSeriesData } from '../model/types.js';
import { asAttrs, num, payloadOf, type RawRecord, str } from '../records/raw-record.js';
import { isValidationMetric, MAX_MODEL_METRICS } from './model-metrics.js';

/** Points kept per metric (first and last always kept). */
export const DEFAULT_MAX_MODEL_METRIC_POINTS = 5_000;

class OneSeries {
  points: ModelMetricPoint[] = [];
  stride = 1;
  seen = 0;
  last: ModelMetricPoint | undefined;

  constructor(
    readonly name: string,
    readonly validation: boolean,
  ) {}

  push(p: ModelMetricPoint, maxPoints: number): void {
    const index = this.seen++;
    this.last = p;
    if (index % this.stride !== 0) return;
    this.points.push(p);
    if (this.points.length > maxPoints) {
      this.points = this.points.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  finish(maxPoints: number): ModelMetricSeriesData {
    const out = this.points.slice();
    const last = this.last;
    if (last !== undefined && out[out.length - 1] !== last) {
      if (out.length >= maxPoints) out[out.length - 1] = last;
      else out.push(last);
    }
    return { name: this.name, validation: this.validation, points: out };
  }
}

export class ModelMetricSeries {
  private readonly series = new Map<string, OneSeries>();
  /** Span id → name of the running validation loops (to classify metrics logged inside one). */
  private readonly validationLoops = new Set<string>();
  private readonly maxPoints: number;

  constructor(maxPoints = DEFAULT_MAX_MODEL_METRIC_POINTS) {
    this.maxPoints = Math.max(2, Math.floor(maxPoints));
  }

  /** Feeds one record: validation-loop starts/stops and `model_metrics` events are used. */
  add(r: RawRecord): void {
    if (r.type === 'start' && str(r.name) === SPAN.VALIDATION_LOOP) {
      const id = str(r.id);
      if (id !== undefined) this.validationLoops.add(id);
      return;
    }
    if (r.type === 'stop') {
      const id = str(r.id);
      if (id !== undefined) this.validationLoops.delete(id);
      return;
    }
    if (r.type !== 'event') return;
    const event = payloadOf(r);
    if (event?.name !== EVENT.MODEL_METRICS) return;
    const a = asAttrs(event.attributes);
    const step = num(a.global_step);
    if (step === undefined) return;
    const timeMs = num(a.timestamp_msec);
    const spanId = str(r.span_id);
    const inValidation = spanId !== undefined && this.validationLoops.has(spanId);
    for (const name of Object.keys(a)) {
      if (name === 'global_step' || name === 'timestamp_msec') continue;
      const value = num(a[name]);
      if (value === undefined) continue;
      const validation = isValidationMetric(name, inValidation);
      const key = `${validation ? 'v' : 't'}:${name}`;
      let s = this.series.get(key);
      if (s === undefined) {
        if (this.series.size >= MAX_MODEL_METRICS) continue;
        s = new OneSeries(name, validation);
        this.series.set(key, s);
      }
      s.push({ step, value, timeMs }, this.maxPoints);
    }
  }

  /** Every series, in first-logged order. */
  finish(): ModelMetricSeriesData[] {
    return [...this.series.values()].map((s) => s.finish(this.maxPoints));
  }
}
