// The `training_metrics_update` series of a file for charts, downsampled while streaming so that at most
// `maxPoints` are kept: every stride-th point, the stride doubling whenever the buffer fills; the first and the
// last point are always kept. Each kept point carries the number of updates it stands for and the min and max of
// their interval-mean iteration times, so a dropped spike still shows; `seen` counts every update.
import { EVENT } from '../model/names.js';
import type { TrainingMetricPoint } from '../model/types.js';
import { type Attrs, asAttrs, num, payloadOf, type RawRecord } from '../records/raw-record.js';

export const DEFAULT_MAX_METRIC_POINTS = 10_000;

export class MetricSeries {
  private points: TrainingMetricPoint[] = [];
  private stride = 1;
  /** Updates fed in (kept or not). */
  seen = 0;
  private last: TrainingMetricPoint | undefined;
  /** The previous update (any), for its interval mean, and the range of interval means since the last kept point. */
  private prev: TrainingMetricPoint | undefined;
  private pending = { updates: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
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
    const mean = intervalMean(this.prev, point);
    this.prev = point;
    this.last = point;
    const p = this.pending;
    p.updates++;
    if (mean !== undefined) {
      p.min = Math.min(p.min, mean);
      p.max = Math.max(p.max, mean);
    }
    if (index % this.stride !== 0) return;
    this.points.push(withRange(point, p));
    this.pending = { updates: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    if (this.points.length > this.maxPoints) {
      // Keep every other kept point (indices stay multiples of the doubled stride; the first is kept); a dropped
      // point's updates and range go to the next kept one, which now stands for both stretches.
      const kept: TrainingMetricPoint[] = [];
      for (let i = 0; i < this.points.length; i++) {
        const cur = this.points[i] as TrainingMetricPoint;
        if (i % 2 === 0) {
          const dropped = i > 0 ? (this.points[i - 1] as TrainingMetricPoint) : undefined;
          kept.push(dropped === undefined ? cur : merged(dropped, cur));
        } else if (i === this.points.length - 1) {
          // The newest point has no successor yet: its stretch carries over to the next kept point.
          this.pending = rangeOf(cur);
        }
      }
      this.points = kept;
      this.stride *= 2;
    }
  }

  /** The kept points in input order, the last one included (at most `maxPoints`). */
  finish(): TrainingMetricPoint[] {
    const out = this.points.slice();
    const last = this.last;
    if (last !== undefined && this.pending.updates > 0) {
      const tail = withRange(last, this.pending);
      if (out.length >= this.maxPoints) out[out.length - 1] = merged(out[out.length - 1] as TrainingMetricPoint, tail);
      else out.push(tail);
    }
    return out;
  }
}

interface Range {
  updates: number;
  min: number;
  max: number;
}

function withRange(point: TrainingMetricPoint, r: Range): TrainingMetricPoint {
  const out: TrainingMetricPoint = { ...point, updates: r.updates };
  if (r.min <= r.max) {
    out.intervalMinSec = r.min;
    out.intervalMaxSec = r.max;
  }
  return out;
}

function rangeOf(p: TrainingMetricPoint): Range {
  return { updates: p.updates ?? 1, min: p.intervalMinSec ?? Number.POSITIVE_INFINITY, max: p.intervalMaxSec ?? Number.NEGATIVE_INFINITY };
}

/** `later` standing for its own stretch and `earlier`'s. */
function merged(earlier: TrainingMetricPoint, later: TrainingMetricPoint): TrainingMetricPoint {
  const a = rangeOf(earlier);
  const b = rangeOf(later);
  return withRange(later, { updates: a.updates + b.updates, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });
}

/**
 * Mean iteration time of the interval ending at `p`, from consecutive cumulative means and counts (a new process
 * run restarts the counts: then the cumulative mean itself), kept within the logged min..max.
 */
export function intervalMean(prev: TrainingMetricPoint | undefined, p: TrainingMetricPoint): number | undefined {
  const avg = p.avgIterationTimeSec;
  if (avg === undefined || !Number.isFinite(avg)) return undefined;
  const prevAvg = prev?.avgIterationTimeSec;
  if (
    prev === undefined ||
    prevAvg === undefined ||
    !(p.numIterations > prev.numIterations) ||
    !(p.currentIteration > prev.currentIteration)
  )
    return avg;
  let derived = (avg * p.numIterations - prevAvg * prev.numIterations) / (p.numIterations - prev.numIterations);
  if (p.minIterationTimeSec !== undefined) derived = Math.max(derived, p.minIterationTimeSec);
  if (p.maxIterationTimeSec !== undefined) derived = Math.min(derived, p.maxIterationTimeSec);
  return Number.isFinite(derived) && derived >= 0 ? derived : avg;
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
