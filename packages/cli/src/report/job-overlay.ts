// Per-rank curves of one figure overlaid on shared axes (elapsed time of the job, one y scale): iteration time,
// throughput, a model metric. Each rank's series is its bucketed series (mean per bucket, bounded points per
// rank); each process run is its own line, so the gap of a resumed run stays a gap. Stragglers are drawn in the
// error colour and thicker; with at most 10 ranks every rank gets its own colour and legend entry.

import * as Plot from '@observablehq/plot';
import { type Bucket, bucketMean, thinBuckets } from '../job/bucket-series.js';
import type { RankSeries } from '../job/job-types.js';
import { figure } from './figure.js';
import { fmtInt, fmtNum } from './format.js';
import type { Html } from './html.js';
import type { LegendItem } from './legend.js';
import { CHART_WIDTH, renderPlot } from './plot-svg.js';
import { robustDomain } from './robust-domain.js';
import { COLOR } from './theme.js';
import type { TimeAxis } from './time-axis.js';

/** Dots (each with a tooltip) drawn over all ranks; above this only lines are drawn (the caption says so). */
export const MAX_OVERLAY_DOTS = 4_000;
/** Line points over all ranks: a path costs a few bytes a point, a dot with its tooltip a hundred. */
export const MAX_OVERLAY_POINTS = 24_000;
/** Points per rank: fewer when there are many ranks, so the page stays small. */
export function pointsPerRank(ranks: number): number {
  return Math.max(20, Math.min(240, Math.floor(MAX_OVERLAY_POINTS / Math.max(1, ranks))));
}
/** Ranks with a colour of their own (more share one neutral colour; stragglers keep the error colour). */
export const MAX_COLOURED_RANKS = 10;
const PALETTE = ['#4269d0', '#efb118', '#3ca951', '#a463f2', '#97bbf5', '#9c6b4e', '#6cc5b0', '#ff8ab7', '#9498a0', '#ff725c'];

interface Datum {
  x: number;
  y: number;
  /** Drawn y (outliers sit at the top edge). */
  shown: number;
  z: string;
  rank: string;
  colour: string;
  straggler: boolean;
  bucket: Bucket;
  outlier: boolean;
}

export interface OverlayInput {
  chart: string;
  title: string;
  yLabel: string;
  /** Each rank's runs of buckets for this figure. */
  series: readonly { rank: RankSeries; runs: readonly Bucket[][] }[];
  axis: TimeAxis;
  format: (v: number) => string;
  /** Scale the y axis to the bulk of the data (iteration times: warm-up outliers). */
  robust: boolean;
  caption: string;
}

export function rankOverlayFigure(input: OverlayInput): Html | undefined {
  const { axis } = input;
  const withData = input.series.filter((s) => s.runs.some((r) => r.length > 0));
  if (withData.length === 0) return undefined;
  const perRank = pointsPerRank(withData.length);
  const coloured = withData.length <= MAX_COLOURED_RANKS;
  const data: Datum[] = [];
  withData.forEach((s, i) => {
    const rank = s.rank.rank === undefined ? '?' : String(s.rank.rank);
    const colour = s.rank.straggler ? COLOR.error : coloured ? (PALETTE[i % PALETTE.length] as string) : COLOR.training;
    const total = s.runs.reduce((n, r) => n + r.length, 0);
    s.runs.forEach((run, runIndex) => {
      const budget = Math.max(2, Math.round((perRank * run.length) / Math.max(1, total)));
      for (const b of thinBuckets(run, budget)) {
        const y = bucketMean(b);
        data.push({
          x: axis.at((b.t0 + b.t1) / 2),
          y,
          shown: y,
          z: `${rank}/${runIndex}`,
          rank,
          colour,
          straggler: s.rank.straggler,
          bucket: b,
          outlier: false,
        });
      }
    });
  });
  if (data.length === 0) return undefined;
  const domain = input.robust ? robustDomain(data.map((d) => d.y)) : undefined;
  let outliers = 0;
  if (domain !== undefined && domain.outliers > 0) {
    for (const d of data) {
      if (d.y > domain.bulkMax) {
        d.outlier = true;
        d.shown = domain.top;
        outliers++;
      }
    }
  }
  const drawDots = data.length <= MAX_OVERLAY_DOTS;
  const plain = data.filter((d) => !d.straggler);
  const slow = data.filter((d) => d.straggler);
  const title = (d: Datum): string =>
    `rank ${d.rank}${d.straggler ? ' (straggler)' : ''}\n${input.format(d.y)}${d.bucket.n > 1 ? ` (mean of ${fmtInt(d.bucket.n)} points, min ${input.format(d.bucket.min)}, max ${input.format(d.bucket.max)})` : ''}` +
    `\nat ${fmtNum(d.x)} ${axis.unit}${d.outlier ? '\noutlier: above the axis' : ''}`;
  const y: Plot.ScaleOptions = { label: input.yLabel, grid: true, tickFormat: fmtNum, zero: true };
  if (domain !== undefined && domain.outliers > 0) y.domain = [0, domain.top];
  const line = (rows: Datum[], width: number, opacity: number): Plot.Markish =>
    Plot.lineY(rows, {
      x: 'x',
      y: 'shown',
      z: 'z',
      stroke: (d: Datum) => d.colour,
      strokeWidth: width,
      strokeOpacity: opacity,
      className: 'ol-rank-line',
    });
  const svg = renderPlot({
    ariaLabel: `${input.title}, one line per rank`,
    width: CHART_WIDTH,
    height: 300,
    marginLeft: 64,
    marginBottom: 40,
    style: { fontSize: '12px' },
    x: { domain: [0, axis.extent], label: axis.label, labelAnchor: 'right', grid: true },
    y,
    marks: [
      line(plain, 1.25, coloured ? 0.9 : 0.35),
      line(slow, 2.5, 1),
      drawDots
        ? Plot.dot(data, {
            x: 'x',
            y: 'shown',
            fill: (d: Datum) => d.colour,
            r: data.length > 2000 ? 1.6 : 2.6,
            symbol: (d: Datum) => (d.outlier ? 'triangle' : 'circle'),
            title,
          })
        : undefined,
    ],
  });
  const items: LegendItem[] = coloured
    ? withData.map((s, i) => ({
        label: `rank ${s.rank.rank ?? '?'}${s.rank.straggler ? ' (straggler)' : ''}`,
        color: s.rank.straggler ? COLOR.error : (PALETTE[i % PALETTE.length] as string),
        shape: 'line' as const,
      }))
    : [
        { label: `other ranks (${fmtInt(withData.filter((s) => !s.rank.straggler).length)})`, color: COLOR.training, shape: 'line' },
        ...(slow.length > 0 ? [{ label: 'stragglers', color: COLOR.error, shape: 'line' as const }] : []),
      ];
  const sampled = data.filter((d) => d.bucket.n > 1).length;
  const parts = [
    `${fmtInt(withData.length)} ranks, ${fmtInt(data.length)} points drawn (at most ${fmtInt(perRank)} per rank).`,
    sampled > 0 ? ' Where a rank logged more points, each drawn point is the mean of consecutive points; hover for their min and max.' : '',
    drawDots ? '' : ` Lines only: more than ${fmtInt(MAX_OVERLAY_DOTS)} points (hover the heatmap for values).`,
    outliers > 0
      ? ` ${fmtInt(outliers)} points lie above the axis (e.g. warm-up), drawn as ▲ at its top edge; the axis is scaled to the rest.`
      : '',
    ` ${input.caption}`,
  ];
  return figure(input.chart, input.title, svg, items, parts.join(''));
}
