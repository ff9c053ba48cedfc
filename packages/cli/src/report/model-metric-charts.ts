// Model-metric charts of one file: one chart per metric against the global step, a training metric and its
// validation twin (`val_loss` for `loss`) on the same axes; and samples/s over time from the training updates.

import * as Plot from '@observablehq/plot';
import type { ModelMetricPoint, ModelMetricSeriesData, TrainingMetricPoint } from '../model/types.js';
import { trainingTwinOf } from '../summary/model-metrics.js';
import { figure } from './figure.js';
import { fmtInt, fmtNum } from './format.js';
import type { Html } from './html.js';
import { intervalMeans, MAX_DOTS } from './metric-charts.js';
import { CHART_WIDTH, renderPlot } from './plot-svg.js';
import { COLOR } from './theme.js';
import type { TimeAxis } from './time-axis.js';

/** One chart: a training series and/or its validation twin. */
export interface MetricChartGroup {
  name: string;
  training: ModelMetricSeriesData | undefined;
  validation: ModelMetricSeriesData | undefined;
}

/** Pairs each training metric with its validation twin; unpaired validation metrics get a chart of their own. */
export function groupMetricSeries(series: readonly ModelMetricSeriesData[]): MetricChartGroup[] {
  const groups: MetricChartGroup[] = [];
  const byTraining = new Map<string, MetricChartGroup>();
  for (const s of series) {
    if (s.validation) continue;
    const g: MetricChartGroup = { name: s.name, training: s, validation: undefined };
    byTraining.set(s.name, g);
    groups.push(g);
  }
  for (const s of series) {
    if (!s.validation) continue;
    const twin = byTraining.get(s.name) ?? byTraining.get(trainingTwinOf(s.name) ?? '');
    if (twin !== undefined && twin.validation === undefined) twin.validation = s;
    else groups.push({ name: s.name, training: undefined, validation: s });
  }
  return groups;
}

interface Datum {
  step: number;
  value: number;
  series: string;
}

function data(s: ModelMetricSeriesData | undefined): Datum[] {
  if (s === undefined) return [];
  return s.points.filter((p: ModelMetricPoint) => Number.isFinite(p.value)).map((p) => ({ step: p.step, value: p.value, series: s.name }));
}

function thin<T>(items: readonly T[]): T[] {
  if (items.length <= MAX_DOTS) return [...items];
  const out: T[] = [];
  const step = (items.length - 1) / (MAX_DOTS - 1);
  for (let i = 0; i < MAX_DOTS; i++) out.push(items[Math.round(i * step)] as T);
  return out;
}

function dotRadius(n: number): number {
  return n > 400 ? 1.5 : n > 120 ? 2.2 : 3;
}

/** The chart of one metric group (`data-chart="metric:<name>"`), or undefined without points. */
export function modelMetricFigure(group: MetricChartGroup, marginLeft: number): Html | undefined {
  const train = data(group.training);
  const val = data(group.validation);
  if (train.length + val.length === 0) return undefined;
  const marks: Plot.Markish[] = [];
  const parts: [Datum[], string, string][] = [
    [train, COLOR.training, 'ol-metric-training'],
    [val, COLOR.validation, 'ol-metric-validation'],
  ];
  for (const [points, color, className] of parts) {
    if (points.length === 0) continue;
    const shown = thin(points);
    marks.push(
      Plot.lineY(points, { x: 'step', y: 'value', stroke: color, strokeWidth: 1.5, className: `${className} ol-line` }),
      Plot.dot(shown, {
        x: 'step',
        y: 'value',
        fill: color,
        r: dotRadius(shown.length),
        className,
        title: (d: Datum) => `${d.series}\n${fmtNum(d.value)} at step ${fmtInt(d.step)}`,
      }),
    );
  }
  const svg = renderPlot({
    ariaLabel: `${group.name} by step`,
    width: CHART_WIDTH,
    height: 240,
    marginLeft,
    marginBottom: 40,
    style: { fontSize: '12px' },
    x: { label: 'global step →', labelAnchor: 'right', grid: true, tickFormat: fmtInt },
    y: { label: `↑ ${group.name}`, grid: true, tickFormat: fmtNum },
    marks,
  });
  const items = [];
  if (train.length > 0) items.push({ label: `${group.training?.name} (training)`, color: COLOR.training, shape: 'dot' as const });
  if (val.length > 0) items.push({ label: `${group.validation?.name} (validation)`, color: COLOR.validation, shape: 'dot' as const });
  const counts = [
    train.length > 0 ? `${fmtInt(train.length)} training values` : undefined,
    val.length > 0 ? `${fmtInt(val.length)} validation values` : undefined,
  ].filter((x): x is string => x !== undefined);
  return figure(`metric:${group.name}`, group.name, svg, items, `${counts.join(', ')} logged with logMetrics, by global step.`);
}

/** Samples per second of each reporting interval: samples per iteration over the interval's mean iteration time. */
export function samplesPerSecond(points: readonly TrainingMetricPoint[]): { timeMs: number; value: number; p: TrainingMetricPoint }[] {
  const sorted = [...points].sort((a, b) => a.timeMs - b.timeMs);
  const means = intervalMeans(sorted);
  const out: { timeMs: number; value: number; p: TrainingMetricPoint }[] = [];
  let prev: TrainingMetricPoint | undefined;
  sorted.forEach((p, i) => {
    const mean = means[i];
    const samples = p.trainSamples;
    const sameRun = prev !== undefined && prev.trainSamples !== undefined && p.numIterations > prev.numIterations;
    const dSamples = sameRun ? (samples ?? 0) - (prev?.trainSamples ?? 0) : samples;
    const dIterations = sameRun ? p.numIterations - (prev?.numIterations ?? 0) : p.numIterations;
    prev = p;
    if (mean === undefined || !(mean > 0) || dSamples === undefined || !(dIterations > 0)) return;
    const value = dSamples / dIterations / mean;
    if (Number.isFinite(value)) out.push({ timeMs: p.timeMs, value, p });
  });
  return out;
}

/** Samples/s over time (`data-chart="samples-per-second"`), or undefined when the updates carry no samples. */
export function samplesPerSecondFigure(metrics: readonly TrainingMetricPoint[], axis: TimeAxis, marginLeft: number): Html | undefined {
  const rates = samplesPerSecond(metrics);
  if (rates.length === 0) return undefined;
  const dots = rates.map((r) => ({ x: axis.at(r.timeMs), y: r.value, p: r.p }));
  const shown = thin(dots);
  const svg = renderPlot({
    ariaLabel: 'Training samples per second over time',
    width: CHART_WIDTH,
    height: 240,
    marginLeft,
    marginBottom: 40,
    style: { fontSize: '12px' },
    x: { domain: [0, axis.extent], label: axis.label, labelAnchor: 'right', grid: true },
    y: { label: '↑ samples/s', zero: true, grid: true, tickFormat: fmtNum },
    marks: [
      Plot.lineY(dots, { x: 'x', y: 'y', stroke: COLOR.throughput, strokeWidth: 1.5, className: 'ol-line' }),
      Plot.dot(shown, {
        x: 'x',
        y: 'y',
        fill: COLOR.throughput,
        r: dotRadius(shown.length),
        className: 'ol-samples',
        title: (d: (typeof dots)[number]) =>
          `iteration ${fmtInt(d.p.currentIteration)}\n${fmtNum(d.y)} samples/s\nat ${fmtNum(d.x)} ${axis.unit}`,
      }),
    ],
  });
  return figure(
    'samples-per-second',
    'Samples per second',
    svg,
    [{ label: 'samples/s of each reporting interval (all ranks)', color: COLOR.throughput, shape: 'dot' }],
    `${fmtInt(rates.length)} metric updates: samples per iteration over the interval's mean iteration time.`,
  );
}
