// Rank × time heatmap of iteration time: one row per rank, one column per slice of the job's elapsed time, the
// colour the mean iteration time of that rank in that slice (each bucket's iterations spread over the slices it
// covers). Empty cells: the rank logged nothing then (not started, between runs, finished). The colour scale
// spans the 2nd to 98th percentile of the cells, so one warm-up cell does not wash out the rest.

import * as Plot from '@observablehq/plot';
import { bucketMean } from '../job/bucket-series.js';
import type { RankSeries } from '../job/job-types.js';
import { figure } from './figure.js';
import { fmtInt, fmtNum } from './format.js';
import type { Html } from './html.js';
import { CHART_WIDTH, renderPlot } from './plot-svg.js';
import type { TimeAxis } from './time-axis.js';

export const HEATMAP_COLUMNS = 60;
/** Rank labels shown on the y axis (every k-th rank beyond this). */
const MAX_LABELS = 40;

interface Cell {
  rank: string;
  x1: number;
  x2: number;
  value: number;
  weight: number;
}

export function iterationHeatmapFigure(ranks: readonly RankSeries[], axis: TimeAxis, format: (sec: number) => string): Html | undefined {
  const span = axis.endMs - axis.originMs;
  if (!(span > 0)) return undefined;
  const columns = HEATMAP_COLUMNS;
  const width = span / columns;
  const cells: Cell[] = [];
  const labels: string[] = [];
  for (const r of ranks) {
    const label = `rank ${r.rank ?? '?'}${r.straggler ? ' ◀' : ''}`;
    const sum = new Float64Array(columns);
    const weight = new Float64Array(columns);
    for (const run of r.iterationTimeSec) {
      for (const b of run) {
        const mean = bucketMean(b);
        // The bucket covers [t0, t1]: spread its iterations over the columns it overlaps.
        const from = Math.max(axis.originMs, b.t0);
        const to = Math.max(from, b.t1);
        const c0 = Math.min(columns - 1, Math.max(0, Math.floor((from - axis.originMs) / width)));
        const c1 = Math.min(columns - 1, Math.max(0, Math.floor((to - axis.originMs) / width)));
        for (let c = c0; c <= c1; c++) {
          const lo = Math.max(from, axis.originMs + c * width);
          const hi = Math.min(to, axis.originMs + (c + 1) * width);
          const share = to > from ? Math.max(0, hi - lo) / (to - from) : 1;
          if (share <= 0) continue;
          sum[c] = (sum[c] as number) + mean * b.w * share;
          weight[c] = (weight[c] as number) + b.w * share;
        }
      }
    }
    let any = false;
    for (let c = 0; c < columns; c++) {
      const w = weight[c] as number;
      if (!(w > 0)) continue;
      any = true;
      cells.push({
        rank: label,
        x1: axis.at(axis.originMs + c * width),
        x2: axis.at(axis.originMs + (c + 1) * width),
        value: (sum[c] as number) / w,
        weight: w,
      });
    }
    if (any) labels.push(label);
  }
  if (cells.length === 0) return undefined;
  const sorted = cells.map((c) => c.value).sort((a, b) => a - b);
  const pick = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] as number;
  const lo = pick(0.02);
  const hi = Math.max(pick(0.98), lo * 1.0001 + 1e-12);
  const every = Math.ceil(labels.length / MAX_LABELS);
  const svg = renderPlot({
    ariaLabel: 'Iteration time per rank over time (heatmap)',
    width: CHART_WIDTH,
    height: Math.min(900, Math.max(140, labels.length * 16 + 50)),
    marginLeft: 86,
    marginBottom: 40,
    style: { fontSize: '12px' },
    x: { domain: [0, axis.extent], label: axis.label, labelAnchor: 'right' },
    y: { domain: labels, label: null, tickSize: 0, ticks: labels.filter((_, i) => i % every === 0), padding: 0.06 },
    color: { type: 'linear', scheme: 'ylorrd', domain: [lo, hi], clamp: true },
    marks: [
      Plot.barX(cells, {
        x1: 'x1',
        x2: 'x2',
        y: 'rank',
        fill: 'value',
        inset: 0,
        title: (c: Cell) =>
          `${c.rank.replace(' ◀', ' (straggler)')}\n${fmtNum(c.x1)}–${fmtNum(c.x2)} ${axis.unit}\nmean iteration time ${format(c.value)} (${fmtInt(c.weight)} iterations)`,
      }),
    ],
  });
  const legend = [
    { label: `≤ ${format(lo)}`, color: '#ffffcc', shape: 'box' as const },
    { label: format((lo + hi) / 2), color: '#fd8d3c', shape: 'box' as const },
    { label: `≥ ${format(hi)}`, color: '#800026', shape: 'box' as const },
  ];
  return figure(
    'job-heatmap',
    'Iteration time per rank over time',
    svg,
    legend,
    `${fmtInt(labels.length)} ranks × ${columns} time slices of ${fmtNum(width / 1000)} s; colour = mean iteration time of the slice, ` +
      `from ${format(lo)} to ${format(hi)} (2nd–98th percentile of the cells; beyond that the colour stays at its end). ` +
      'Empty cells: the rank logged no iterations then. ◀ marks a straggler.',
  );
}
