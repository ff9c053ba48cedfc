// One x axis per file: elapsed time since the file's first timestamp, in a unit that suits the run's length.
// All charts of a file share it, so the timeline and the metric charts line up when stacked.

import type { SpanNode, TrainingMetricPoint } from '../model/types.js';

export interface TimeAxis {
  originMs: number;
  /** Last timestamp of the file (open spans are drawn up to here). */
  endMs: number;
  /** Right end of the axis, in `unit`. */
  extent: number;
  unit: 's' | 'min' | 'h';
  label: string;
  /** Epoch milliseconds → elapsed `unit`s. */
  at(ms: number): number;
}

const UNIT_MS = { s: 1000, min: 60_000, h: 3_600_000 } as const;

export function timeAxisFor(times: Iterable<number>): TimeAxis | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    if (!Number.isFinite(t)) continue;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (min === Number.POSITIVE_INFINITY) return undefined;
  const span = max - min;
  const unit = span <= 3 * UNIT_MS.min ? 's' : span <= 3 * UNIT_MS.h ? 'min' : 'h';
  const perUnit = UNIT_MS[unit];
  return {
    originMs: min,
    endMs: max,
    extent: Math.max(span / perUnit, 1e-9),
    unit,
    label: `elapsed time (${unit}) →`,
    at: (ms) => (ms - min) / perUnit,
  };
}

/** Every timestamp a file's charts may show. */
export function fileTimes(
  spans: readonly SpanNode[],
  metrics: readonly TrainingMetricPoint[],
  extra: readonly (number | undefined)[],
): number[] {
  const out: number[] = [];
  const add = (t: number | undefined): void => {
    if (t !== undefined && Number.isFinite(t)) out.push(t);
  };
  for (const s of spans) {
    add(s.startMs);
    add(s.endMs);
    for (const e of s.events) add(e.timeMs);
  }
  for (const m of metrics) add(m.timeMs);
  for (const t of extra) add(t);
  return out;
}
