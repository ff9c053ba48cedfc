// Iteration time and throughput over time, from the `training_metrics_update` points of one file, with
// checkpoint successes and errors as vertical rules. One dot per metric point (up to MAX_DOTS).

import * as Plot from '@observablehq/plot';
import type { TrainingMetricPoint } from '../model/types.js';
import { throughputLabel } from '../summary/model-metrics.js';
import { figure } from './figure.js';
import { fmtInt, fmtNum, fmtSeconds } from './format.js';
import type { Html } from './html.js';
import type { LegendItem } from './legend.js';
import { CHECKPOINT_MARKS, ERROR_MARKS, type Marker } from './markers.js';
import { CHART_WIDTH, renderPlot } from './plot-svg.js';
import { COLOR } from './theme.js';
import type { TimeAxis } from './time-axis.js';

/** Above this many points the dots are thinned evenly (the line keeps every point); the caption says so. */
export const MAX_DOTS = 2000;

interface Datum {
  x: number;
  y: number;
  p: TrainingMetricPoint;
}

export interface MetricChartInput {
  metrics: readonly TrainingMetricPoint[];
  checkpoints: readonly Marker[];
  errors: readonly Marker[];
  axis: TimeAxis;
  /** Shared with the timeline so the x axes line up. */
  marginLeft: number;
  /** The recorded compute backend: on the CPU the throughput is per rank, not per GPU. */
  backend?: string | undefined;
}

export function iterationTimeFigure(input: MetricChartInput): Html | undefined {
  const sorted = [...input.metrics].sort((a, b) => a.timeMs - b.timeMs);
  const interval = intervalMeans(sorted);
  const { axis } = input;
  const dots: Datum[] = [];
  sorted.forEach((p, i) => {
    const y = interval[i];
    if (y !== undefined) dots.push({ x: axis.at(p.timeMs), y, p });
  });
  if (dots.length === 0) return undefined;
  const cumulative = sorted.filter((p) => p.avgIterationTimeSec !== undefined);
  const band = sorted.filter((p) => p.minIterationTimeSec !== undefined && p.maxIterationTimeSec !== undefined);
  const shown = thin(dots);

  const svg = renderPlot({
    ariaLabel: 'Iteration time over time',
    width: CHART_WIDTH,
    height: 280,
    marginLeft: input.marginLeft,
    marginBottom: 40,
    style: { fontSize: '12px' },
    x: { domain: [0, axis.extent], label: axis.label, labelAnchor: 'right', grid: true },
    y: { label: '↑ seconds per iteration', zero: true, grid: true, tickFormat: fmtNum },
    marks: [
      Plot.areaY(band, {
        x: (p: TrainingMetricPoint) => axis.at(p.timeMs),
        y1: 'minIterationTimeSec',
        y2: 'maxIterationTimeSec',
        fill: COLOR.training,
        fillOpacity: 0.12,
        curve: 'step-after',
        className: 'ol-range',
        ariaDescription: 'minimum to maximum iteration time so far',
      }),
      Plot.lineY(cumulative, {
        x: (p: TrainingMetricPoint) => axis.at(p.timeMs),
        y: 'avgIterationTimeSec',
        stroke: COLOR.training,
        strokeOpacity: 0.55,
        strokeDasharray: '5,3',
        className: 'ol-cumulative',
        ariaDescription: 'cumulative mean iteration time',
      }),
      ...markerRules(input),
      Plot.dot(shown, {
        x: 'x',
        y: 'y',
        fill: COLOR.training,
        ...dotStyle(shown.length),
        title: (d: Datum) =>
          `iteration ${fmtInt(d.p.currentIteration)}\ninterval mean ${fmtSeconds(d.y)}\ncumulative mean ${fmtSeconds(d.p.avgIterationTimeSec)}` +
          `\nmin ${fmtSeconds(d.p.minIterationTimeSec)}, max ${fmtSeconds(d.p.maxIterationTimeSec)}\nat ${fmtNum(d.x)} ${axis.unit}`,
      }),
    ],
  });
  const items: LegendItem[] = [
    { label: 'mean over each reporting interval', color: COLOR.training, shape: 'dot' },
    { label: 'cumulative mean (as logged)', color: COLOR.training, shape: 'dash' },
    { label: 'min–max so far', color: COLOR.training, shape: 'box' },
    ...markerLegend(input),
  ];
  return figure(
    'iteration-time',
    'Iteration time',
    svg,
    items,
    `${fmtInt(dots.length)} metric updates.` +
      ' The interval mean is derived from the logged cumulative mean and iteration count; it shows slow-downs the cumulative mean hides.' +
      thinNote(dots.length, shown.length),
  );
}

export function throughputFigure(input: MetricChartInput): Html | undefined {
  const { axis } = input;
  const dots: Datum[] = [];
  for (const p of [...input.metrics].sort((a, b) => a.timeMs - b.timeMs)) {
    if (p.trainThroughputPerGpu !== undefined && Number.isFinite(p.trainThroughputPerGpu)) {
      dots.push({ x: axis.at(p.timeMs), y: p.trainThroughputPerGpu, p });
    }
  }
  if (dots.length === 0) return undefined;
  const shown = thin(dots);
  const unit = throughputLabel(input.backend);
  const per = unit.replace('TFLOP/s ', '');
  const svg = renderPlot({
    ariaLabel: `Training throughput ${per} over time`,
    width: CHART_WIDTH,
    height: 260,
    marginLeft: input.marginLeft,
    marginBottom: 40,
    style: { fontSize: '12px' },
    x: { domain: [0, axis.extent], label: axis.label, labelAnchor: 'right', grid: true },
    y: { label: `↑ ${unit}`, zero: true, grid: true, tickFormat: fmtNum },
    marks: [
      Plot.lineY(dots, { x: 'x', y: 'y', stroke: COLOR.throughput, strokeWidth: 1.5, className: 'ol-line', ariaDescription: 'throughput' }),
      ...markerRules(input),
      Plot.dot(shown, {
        x: 'x',
        y: 'y',
        fill: COLOR.throughput,
        ...dotStyle(shown.length),
        title: (d: Datum) =>
          `iteration ${fmtInt(d.p.currentIteration)}\n${fmtNum(d.y)} ${unit} (job average)\nat ${fmtNum(d.x)} ${axis.unit}`,
      }),
    ],
  });
  return figure(
    'throughput',
    `Throughput ${per}`,
    svg,
    [{ label: `${unit}, job average so far`, color: COLOR.throughput, shape: 'dot' }, ...markerLegend(input)],
    `${fmtInt(dots.length)} metric updates with throughput.` + thinNote(dots.length, shown.length),
  );
}

/** Mean iteration time of each reporting interval, from consecutive cumulative means (a restart begins anew). */
export function intervalMeans(points: readonly TrainingMetricPoint[]): (number | undefined)[] {
  let prev: TrainingMetricPoint | undefined;
  return points.map((p) => {
    const avg = p.avgIterationTimeSec;
    if (avg === undefined || !Number.isFinite(avg)) return undefined;
    let value = avg;
    const prevAvg = prev?.avgIterationTimeSec;
    if (prev !== undefined && prevAvg !== undefined && p.numIterations > prev.numIterations && p.currentIteration > prev.currentIteration) {
      let derived = (avg * p.numIterations - prevAvg * prev.numIterations) / (p.numIterations - prev.numIterations);
      // Every iteration lies within the logged min..max, so their mean does too; this bounds rounding noise in the input.
      if (p.minIterationTimeSec !== undefined) derived = Math.max(derived, p.minIterationTimeSec);
      if (p.maxIterationTimeSec !== undefined) derived = Math.min(derived, p.maxIterationTimeSec);
      if (Number.isFinite(derived) && derived >= 0) value = derived;
    }
    prev = p;
    return value;
  });
}

function markerRules(input: MetricChartInput): Plot.Markish[] {
  const { axis } = input;
  const x = (m: Marker): number => axis.at(m.timeMs);
  const label = (m: Marker): string => m.label;
  return [
    Plot.ruleX(input.checkpoints, {
      x,
      stroke: COLOR.checkpoint,
      strokeWidth: 1.5,
      strokeOpacity: 0.8,
      title: label,
      ariaLabel: label,
      ...CHECKPOINT_MARKS,
    }),
    Plot.ruleX(input.errors, {
      x,
      stroke: COLOR.error,
      strokeWidth: 2,
      strokeDasharray: '4,3',
      title: label,
      ariaLabel: label,
      ...ERROR_MARKS,
    }),
  ];
}

function markerLegend(input: MetricChartInput): LegendItem[] {
  const out: LegendItem[] = [];
  if (input.checkpoints.length > 0)
    out.push({ label: `checkpoint saved (${fmtInt(input.checkpoints.length)})`, color: COLOR.checkpoint, shape: 'line' });
  if (input.errors.length > 0) out.push({ label: `error (${fmtInt(input.errors.length)})`, color: COLOR.error, shape: 'line' });
  return out;
}

/** Smaller dots without a halo when there are many, so dense series stay readable. */
function dotStyle(n: number): { r: number; stroke: string; strokeWidth: number } {
  if (n > 400) return { r: 1.5, stroke: 'none', strokeWidth: 0 };
  return { r: n > 120 ? 2.2 : 3, stroke: COLOR.background, strokeWidth: 0.75 };
}

function thin<T>(items: readonly T[]): T[] {
  if (items.length <= MAX_DOTS) return [...items];
  const out: T[] = [];
  const step = (items.length - 1) / (MAX_DOTS - 1);
  for (let i = 0; i < MAX_DOTS; i++) out.push(items[Math.round(i * step)]!);
  return out;
}

function thinNote(total: number, shown: number): string {
  return shown < total ? ` Dots thinned to ${fmtInt(shown)} of ${fmtInt(total)} evenly spaced updates; the line uses all of them.` : '';
}
