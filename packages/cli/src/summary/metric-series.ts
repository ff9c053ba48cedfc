// The `training_metrics_update` series of a file for charts, downsampled while streaming so that at most
// `maxPoints` are kept: every stride-th point, the stride doubling whenever the buffer fills; the first and the
// last point are always kept.
import { EVENT } from '../model/names.js';
import type { TrainingMetricPoint } from '../model/types.js';
import { type Attrs, asAttrs, num, payloadOf, type RawRecord } from '../records/raw-record.js';

export const DEFAULT_MAX_METRIC_POINTS = 10_000;

export class MetricSeries {
  private points: TrainingMetricPoint[] = [];
  private stride = 1;
  private seen = 0;
  private last: TrainingMetricPoint | undefined;
  private readonly maxPoints: number;

  constructor(maxPoints = DEFAULT_MAX_METRIC_POINTS) {
    this.maxPoints = Math.max(2, Math.floor(maxPoints));
  }

  /** Feeds one record; only `training_metrics_update` events are used. */
  add(r: RawRecord): void {
    if (r.type !== 'event') return;
    const event = payloadOf(r);
    if (event?.name !== EVENT.TRAINING_METRICS_UPDATE) return;
    const point = toPoint(asAttrs(event.attributes));
    if (point !== undefined) this.push(point);
  }

  push(point: TrainingMetricPoint): void {
    const index = this.seen++;
    this.last = point;
    if (index % this.stride !== 0) return;
    this.points.push(point);
    if (this.points.length > this.maxPoints) {
      // Keep every other kept point (indices stay multiples of the doubled stride; the first is kept).
      this.points = this.points.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  /** The kept points in input order, the last one included (at most `maxPoints`). */
  finish(): TrainingMetricPoint[] {
    const out = this.points.slice();
    const last = this.last;
    if (last !== undefined && out[out.length - 1] !== last) {
      if (out.length >= this.maxPoints) out[out.length - 1] = last;
      else out.push(last);
    }
    return out;
  }
}

export function toPoint(a: Attrs): TrainingMetricPoint | undefined {
  const timeMs = num(a.timestamp_msec);
  const currentIteration = num(a.current_iteration);
  const numIterations = num(a.num_iterations);
  if (timeMs === undefined || currentIteration === undefined || numIterations === undefined) return undefined;
  return {
    timeMs,
    currentIteration,
    numIterations,
    avgIterationTimeSec: num(a.avg_iteration_time_sec),
    minIterationTimeSec: num(a.min_iteration_time_sec),
    maxIterationTimeSec: num(a.max_iteration_time_sec),
    trainThroughputPerGpu: num(a.train_throughput_per_gpu),
    trainSamples: num(a.num_train_samples),
  };
}
