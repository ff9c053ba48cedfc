// Iteration time and throughput over time, from the `training_metrics_update` points of one file, with
// checkpoint successes and errors as vertical rules. One dot per metric point (up to MAX_DOTS).

import * as Plot from '@observablehq/plot';
import type { TrainingMetricPoint } from '../model/types.js';
import { throughputLabel } from '../summary/model-metrics.js';
import { figure } from './figure.js';
import { fmtDuration, fmtInt, fmtNum, fmtSeconds } from './format.js';
import type { Html } from './html.js';
import type { LegendItem } from './legend.js';
import { CHECKPOINT_MARKS, ERROR_MARKS, type Marker } from './markers.js';
import { CHART_WIDTH, renderPlot } from './plot-svg.js';
import { robustDomain } from './robust-domain.js';
import { COLOR } from './theme.js';
import type { TimeAxis } from './time-axis.js';

/** Above this many points the dots are thinned evenly (the line keeps every point); the caption says so. */
export const MAX_DOTS = 2000;

interface Datum {
  x: number;
  y: number;
  p: TrainingMetricPoint;
  /** Drawn y: outliers sit at the top edge of a robust axis. */
  shown: number;
  outlier: boolean;
}

/** A point with the process run it belongs to: each run gets its own line, so a resume gap is never bridged. */
interface RunPoint {
  p: TrainingMetricPoint;
  run: number;
}

/** A new process run restarts the job's iteration count (a resumed job, or a restart appending to the file). */
function withRuns(points: readonly TrainingMetricPoint[]): RunPoint[] {
  let run = 0;
  let prev: TrainingMetricPoint | undefined;
  return points.map((p) => {
    if (prev !== undefined && p.numIterations < prev.numIterations) run++;
    prev = p;
    return { p, run };
  });
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
  /** Times when no process of the file ran (between resumed runs): drawn as empty bands, never bridged. */
  gaps?: readonly { startMs: number; endMs: number }[];
}

export function iterationTimeFigure(input: MetricChartInput): Html | undefined {
  const sorted = withRuns([...input.metrics].sort((a, b) => a.timeMs - b.timeMs));
  const interval = intervalMeans(sorted.map((r) => r.p));
  const { axis } = input;
  const dots: Datum[] = [];
  sorted.forEach((r, i) => {
    const y = interval[i];
    if (y !== undefined) dots.push({ x: axis.at(r.p.timeMs), y, p: r.p, shown: y, outlier: false });
  });
  if (dots.length === 0) return undefined;
  // The y axis follows the bulk of the interval means: the warm-up interval is marked at the top, not to scale.
  const domain = robustDomain(dots.map((d) => d.y));
  const clipped = domain !== undefined && domain.outliers > 0;
  if (clipped) {
    for (const d of dots) {
      if (d.y > domain.bulkMax) {
        d.outlier = true;
        d.shown = domain.top;
      }
    }
  }
  const cumulative = sorted.filter((r) => r.p.avgIterationTimeSec !== undefined);
  const band = sorted.filter((r) => r.p.minIterationTimeSec !== undefined && r.p.maxIterationTimeSec !== undefined);
  const shown = thin(dots);
  // A min–max bar for each drawn dot that stands for several sampled updates.
  const ranges = shown.filter((d) => (d.p.updates ?? 1) > 1 && d.p.intervalMinSec !== undefined && d.p.intervalMaxSec !== undefined);
  const x = (r: RunPoint): number => axis.at(r.p.timeMs);
  // Values above a robust axis are drawn at its top edge (clamped here: Plot's clip paths get per-render ids).
  const cap = (v: number | undefined): number | undefined => (v === undefined || !clipped ? v : Math.min(v, domain.top));
  const y: Plot.ScaleOptions = { label: '↑ seconds per iteration', zero: true, grid: true, tickFormat: fmtNum };
  if (clipped) y.domain = [0, domain.top];

  const svg = renderPlot({
    ariaLabel: 'Iteration time over time',
    width: CHART_WIDTH,
    height: 280,
    marginLeft: input.marginLeft,
    marginBottom: 40,
    style: { fontSize: '12px' },
    x: { domain: [0, axis.extent], label: axis.label, labelAnchor: 'right', grid: true },
    y,
    marks: [
      ...gapMarks(input),
      Plot.areaY(band, {
        x,
        y1: (r: RunPoint) => cap(r.p.minIterationTimeSec),
        y2: (r: RunPoint) => cap(r.p.maxIterationTimeSec),
        z: 'run',
        fill: COLOR.training,
        fillOpacity: 0.12,
        curve: 'step-after',
        className: 'ol-range',
        ariaDescription: 'minimum to maximum iteration time so far',
      }),
      Plot.lineY(cumulative, {
        x,
        y: (r: RunPoint) => cap(r.p.avgIterationTimeSec),
        z: 'run',
        stroke: COLOR.training,
        strokeOpacity: 0.55,
        strokeDasharray: '5,3',
        className: 'ol-cumulative',
        ariaDescription: 'cumulative mean iteration time',
      }),
      Plot.ruleX(ranges, {
        x: 'x',
        y1: (d: Datum) => cap(d.p.intervalMinSec),
        y2: (d: Datum) => cap(d.p.intervalMaxSec),
        stroke: COLOR.training,
        strokeOpacity: 0.45,
        className: 'ol-sample-range',
        ariaDescription: 'min to max of the interval means a sampled dot stands for',
      }),
      ...markerRules(input),
      Plot.dot(
        shown.filter((d) => d.outlier),
        {
          x: 'x',
          y: 'shown',
          fill: COLOR.training,
          symbol: 'triangle',
          r: 4,
          className: 'ol-outlier',
          title: (d: Datum) => dotTitle(d, axis),
        },
      ),
      Plot.dot(
        shown.filter((d) => !d.outlier),
        {
          x: 'x',
          y: 'shown',
          fill: COLOR.training,
          ...dotStyle(shown.length),
          title: (d: Datum) => dotTitle(d, axis),
        },
      ),
    ],
  });
  const items: LegendItem[] = [
    { label: 'mean over each reporting interval', color: COLOR.training, shape: 'dot' },
    { label: 'cumulative mean (as logged)', color: COLOR.training, shape: 'dash' },
    { label: 'min–max so far', color: COLOR.training, shape: 'box' },
    ...(ranges.length > 0 ? [{ label: 'min–max of the sampled interval means', color: COLOR.training, shape: 'line' as const }] : []),
    ...gapLegend(input),
    ...markerLegend(input),
  ];
  const outliers = dots.filter((d) => d.outlier).length;
  return figure(
    'iteration-time',
    'Iteration time',
    svg,
    items,
    countNote(input.metrics, dots.length, shown.length) +
      ' The interval mean is derived from the logged cumulative mean and iteration count; it shows slow-downs the cumulative mean hides.' +
      (outliers > 0
        ? ` The y axis is scaled to the bulk of the intervals: ${fmtInt(outliers)} slower ${outliers === 1 ? 'interval (e.g. the warm-up) is' : 'intervals (e.g. the warm-up) are'} drawn as ▲ at the top edge; hover for the value.`
        : '') +
      gapNote(input),
  );
}

export function throughputFigure(input: MetricChartInput): Html | undefined {
  const { axis } = input;
  const dots: (Datum & { run: number })[] = [];
  for (const { p, run } of withRuns([...input.metrics].sort((a, b) => a.timeMs - b.timeMs))) {
    if (p.trainThroughputPerGpu !== undefined && Number.isFinite(p.trainThroughputPerGpu)) {
      dots.push({ x: axis.at(p.timeMs), y: p.trainThroughputPerGpu, p, shown: p.trainThroughputPerGpu, outlier: false, run });
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
      ...gapMarks(input),
      Plot.lineY(dots, {
        x: 'x',
        y: 'y',
        z: 'run',
        stroke: COLOR.throughput,
        strokeWidth: 1.5,
        className: 'ol-line',
        ariaDescription: 'throughput',
      }),
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
    [{ label: `${unit}, job average so far`, color: COLOR.throughput, shape: 'dot' }, ...gapLegend(input), ...markerLegend(input)],
    countNote(input.metrics, dots.length, shown.length, 'with throughput') + gapNote(input),
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

function dotTitle(d: Datum, axis: TimeAxis): string {
  return (
    `iteration ${fmtInt(d.p.currentIteration)}\ninterval mean ${fmtSeconds(d.y)}${d.outlier ? ' (above the axis)' : ''}` +
    `\ncumulative mean ${fmtSeconds(d.p.avgIterationTimeSec)}\nmin ${fmtSeconds(d.p.minIterationTimeSec)}, max ${fmtSeconds(d.p.maxIterationTimeSec)}` +
    ((d.p.updates ?? 1) > 1
      ? `\nstands for ${fmtInt(d.p.updates)} updates (interval means ${fmtSeconds(d.p.intervalMinSec)} – ${fmtSeconds(d.p.intervalMaxSec)})`
      : '') +
    `\nat ${fmtNum(d.x)} ${axis.unit}`
  );
}

/** Updates the kept points stand for (each kept point counts the logged updates since the previous one). */
export function loggedUpdates(points: readonly TrainingMetricPoint[]): number {
  let n = 0;
  for (const p of points) n += p.updates ?? 1;
  return n;
}

/** What the chart draws, counted honestly: updates logged, points kept by sampling, dots drawn. */
function countNote(points: readonly TrainingMetricPoint[], withValue: number, dots: number, what = ''): string {
  const logged = loggedUpdates(points);
  const suffix = what === '' ? '' : ` ${what}`;
  let text = `${fmtInt(logged)} metric updates logged`;
  if (logged > points.length) {
    text += `; ${fmtInt(points.length)} kept for drawing (evenly spaced samples, first and last kept); each dot is the mean over the updates since the previous one, and a vertical bar the min–max of their interval means.`;
  } else text += '.';
  if (withValue < points.length) text += ` ${fmtInt(withValue)}${suffix} drawn.`;
  if (dots < withValue)
    text += ` Dots thinned to ${fmtInt(dots)} of ${fmtInt(withValue)} evenly spaced points; the lines use all ${fmtInt(withValue)}.`;
  return text;
}

function gapMarks(input: MetricChartInput): Plot.Markish[] {
  const gaps = input.gaps ?? [];
  if (gaps.length === 0) return [];
  const { axis } = input;
  return [
    Plot.rect(gaps, {
      x1: (g: { startMs: number }) => axis.at(g.startMs),
      x2: (g: { endMs: number }) => axis.at(g.endMs),
      fill: 'var(--border)',
      fillOpacity: 0.45,
      className: 'ol-gap',
      title: (g: { startMs: number; endMs: number }) => `no process running: ${fmtDuration(g.endMs - g.startMs)} between runs`,
    }),
  ];
}

function gapLegend(input: MetricChartInput): LegendItem[] {
  return (input.gaps ?? []).length > 0 ? [{ label: 'between runs (no process)', color: 'var(--border)', shape: 'box' }] : [];
}

function gapNote(input: MetricChartInput): string {
  const gaps = input.gaps ?? [];
  if (gaps.length === 0) return '';
  const total = gaps.reduce((n, g) => n + (g.endMs - g.startMs), 0);
  return ` ${gaps.length === 1 ? 'A gap' : `${fmtInt(gaps.length)} gaps`} of ${fmtDuration(total)} between process runs (shaded): lines stop at a run's end and start again with the next.`;
}
