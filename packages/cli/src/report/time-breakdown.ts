// Where the application time went: one stacked bar per summary (session or file), shares adding up to 100%.

import * as Plot from '@observablehq/plot';
import type { JobSummary } from '../model/types.js';
import { figure } from './figure.js';
import { fmtPercent } from './format.js';
import type { Html } from './html.js';
import type { LegendItem } from './legend.js';
import { CHART_WIDTH, renderPlot } from './plot-svg.js';
import { COLOR } from './theme.js';

type Breakdown = NonNullable<JobSummary['timeBreakdown']>;

export const BREAKDOWN_PARTS: readonly { key: keyof Breakdown; label: string; color: string }[] = [
  { key: 'initialization', label: 'initialization', color: COLOR.init },
  { key: 'training', label: 'training', color: COLOR.training },
  { key: 'validation', label: 'validation', color: COLOR.validation },
  { key: 'checkpointSaving', label: 'checkpoint saving', color: COLOR.checkpoint },
  { key: 'other', label: 'other', color: COLOR.other },
  { key: 'betweenRuns', label: 'between runs (idle)', color: 'var(--border)' },
];

interface Segment {
  row: string;
  share: number;
  fill: string;
  title: string;
  text: string | undefined;
}

/** More bars than this (e.g. one per rank of a large job) are left out; the caption says how many. */
export const MAX_BREAKDOWN_ROWS = 64;

export function timeBreakdownFigure(items: readonly { label: string; summary: JobSummary }[]): Html | undefined {
  const known = items.filter((i) => i.summary.timeBreakdown !== undefined);
  if (known.length === 0) return undefined;
  const rows = known.slice(0, MAX_BREAKDOWN_ROWS);
  const labels = new Map<string, string>();
  const data: Segment[] = [];
  rows.forEach((item, i) => {
    const row = 'b' + i;
    labels.set(row, truncate(item.label, 28));
    const breakdown = item.summary.timeBreakdown!;
    for (const part of BREAKDOWN_PARTS) {
      const share = breakdown[part.key];
      if (!(share > 0)) continue;
      const pct = fmtPercent(share);
      data.push({ row, share, fill: part.color, title: `${item.label}\n${part.label}: ${pct}`, text: share >= 0.06 ? pct : undefined });
    }
  });
  const longest = Math.max(...[...labels.values()].map((l) => l.length));
  const svg = renderPlot({
    ariaLabel: 'Time breakdown',
    width: CHART_WIDTH,
    height: rows.length * 34 + 44,
    marginLeft: Math.min(220, 16 + Math.ceil(longest * 6.8)),
    marginRight: 16,
    marginBottom: 36,
    style: { fontSize: '12px' },
    color: { type: 'identity' },
    x: { domain: [0, 1], tickFormat: '%', label: 'share of application time →', labelAnchor: 'right' },
    y: { domain: [...labels.keys()], tickFormat: (k: string) => labels.get(k) ?? '', tickSize: 0, label: null, padding: 0.2 },
    marks: [
      Plot.barX(data, Plot.stackX({ x: 'share', y: 'row', fill: 'fill', title: 'title', stroke: COLOR.background, strokeWidth: 1 })),
      Plot.text(data, Plot.stackX({ x: 'share', y: 'row', text: 'text', fill: 'var(--on-bar)', fontWeight: 600, className: 'ol-share' })),
    ],
  });
  const legendItems: LegendItem[] = BREAKDOWN_PARTS.map((p) => ({ label: p.label, color: p.color, shape: 'box' }));
  return figure(
    'time-breakdown',
    'Time breakdown',
    svg,
    legendItems,
    'Shares of the application time (start to stop of the application span); "other" is time not covered by the phases.' +
      (known.length > rows.length ? ` Showing the first ${rows.length} of ${known.length}.` : ''),
  );
}

function truncate(s: string, max: number): string {
  return s.length > max ? '…' + s.slice(s.length - max + 1) : s;
}
