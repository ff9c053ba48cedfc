// Span timeline (Gantt): one row per span name under its parent row (see span-rows.ts), one bar per span.
// A row with more than MAX_BARS_PER_ROW spans is drawn as that many bars, each covering a run of consecutive
// spans; the caption says which rows were aggregated and which were left out.

import * as Plot from '@observablehq/plot';
import type { SpanNode } from '../model/types.js';
import { figure } from './figure.js';
import { fmtDuration, fmtInt, fmtNum } from './format.js';
import type { Html } from './html.js';
import type { LegendItem } from './legend.js';
import { CHECKPOINT_MARKS, ERROR_MARKS, type Marker } from './markers.js';
import { CHART_WIDTH, renderPlot } from './plot-svg.js';
import type { SpanIndex } from './span-index.js';
import { buildSpanRows, type SpanRow, type SpanRows } from './span-rows.js';
import { CATEGORY_LABEL, COLOR, type SpanCategory, spanCategory } from './theme.js';
import type { TimeAxis } from './time-axis.js';

export const MAX_ROWS = 40;
export const MAX_BARS_PER_ROW = 150;
const ROW_HEIGHT = 26;
const MAX_LABEL_CHARS = 44;
const MAX_INDENT = 8;
const TITLE_ATTRIBUTES = 8;

interface Bar {
  row: string;
  x1: number;
  x2: number;
  fill: string;
  opacity: number;
  title: string;
}

interface Point {
  row: string;
  x: number;
  title: string;
}

export interface TimelinePlan extends SpanRows {
  labels: Map<string, string>;
  /** Left margin that fits the row labels; the file's other charts use it too, so their x axes line up. */
  marginLeft: number;
}

export function planTimeline(index: SpanIndex): TimelinePlan {
  const rows = buildSpanRows(index, MAX_ROWS);
  const labels = new Map(rows.rows.map((r) => [r.key, rowLabel(r)]));
  const longest = Math.max(0, ...[...labels.values()].map((l) => l.length));
  return { ...rows, labels, marginLeft: Math.min(330, 16 + Math.ceil(longest * 6.8)) };
}

export interface TimelineInput {
  plan: TimelinePlan;
  checkpoints: readonly Marker[];
  errors: readonly Marker[];
  axis: TimeAxis;
}

export function timelineFigure(input: TimelineInput): Html | undefined {
  const { axis } = input;
  const { rows, rowOf, hiddenRows, hiddenSpans, labels, marginLeft } = input.plan;
  const endOfFile = axis.endMs;
  // Keep zero-length spans visible: at least ~1.5 px wide.
  const minWidth = (axis.extent / CHART_WIDTH) * 1.5;

  const bars: Bar[] = [];
  const aggregated: string[] = [];
  const categories = new Set<SpanCategory>();
  let withoutStart = 0;
  for (const row of rows) {
    const drawable = row.spans.filter((s) => s.startMs !== undefined && Number.isFinite(s.startMs));
    withoutStart += row.spans.length - drawable.length;
    if (drawable.length === 0) continue;
    const category = spanCategory(row.name);
    categories.add(category);
    drawable.sort((a, b) => a.startMs! - b.startMs!);
    const fill = COLOR[category];
    if (drawable.length <= MAX_BARS_PER_ROW) {
      for (const s of drawable) bars.push(spanBar(row, s, fill, endOfFile, minWidth, axis));
    } else {
      const size = Math.ceil(drawable.length / MAX_BARS_PER_ROW);
      let count = 0;
      for (let i = 0; i < drawable.length; i += size, count++) {
        bars.push(runBar(row, drawable.slice(i, i + size), fill, endOfFile, minWidth, axis));
      }
      aggregated.push(
        `${row.name}: ${fmtInt(drawable.length)} spans drawn as ${fmtInt(count)} bars of up to ${fmtInt(size)} consecutive spans`,
      );
    }
  }
  if (bars.length === 0) return undefined;

  const firstRow = rows[0]!.key;
  const place = (m: Marker): Point => ({ row: rowOf.get(m.spanId) ?? firstRow, x: axis.at(m.timeMs), title: m.label });
  const checkpoints = input.checkpoints.map(place);
  const errors = input.errors.map(place);

  const svg = renderPlot({
    ariaLabel: 'Span timeline',
    width: CHART_WIDTH,
    height: rows.length * ROW_HEIGHT + 50,
    marginLeft,
    marginTop: 8,
    marginBottom: 40,
    style: { fontSize: '12px' },
    color: { type: 'identity' },
    x: { domain: [0, axis.extent], label: axis.label, labelAnchor: 'right', grid: true },
    y: { domain: rows.map((r) => r.key), axis: null, padding: 0.22 },
    marks: [
      // Left-aligned labels, so depth shows as indentation.
      Plot.axisY({ tickSize: 0, textAnchor: 'start', dx: -(marginLeft - 12), tickFormat: (k: string) => labels.get(k) ?? '', label: null }),
      Plot.barX(bars, { x1: 'x1', x2: 'x2', y: 'row', fill: 'fill', fillOpacity: 'opacity', title: 'title' }),
      Plot.dot(checkpoints, {
        x: 'x',
        y: 'row',
        symbol: 'diamond',
        r: 5,
        fill: COLOR.checkpoint,
        stroke: COLOR.background,
        strokeWidth: 1,
        title: 'title',
        ariaLabel: 'title',
        ...CHECKPOINT_MARKS,
      }),
      Plot.dot(errors, {
        x: 'x',
        y: 'row',
        symbol: 'times',
        r: 6,
        stroke: COLOR.error,
        strokeWidth: 2.5,
        title: 'title',
        ariaLabel: 'title',
        ...ERROR_MARKS,
      }),
    ],
  });

  const items: LegendItem[] = [...categories].map((c) => ({ label: CATEGORY_LABEL[c], color: COLOR[c], shape: 'box' as const }));
  if (checkpoints.length > 0)
    items.push({ label: `checkpoint saved (${fmtInt(checkpoints.length)})`, color: COLOR.checkpoint, shape: 'diamond' });
  if (errors.length > 0) items.push({ label: `error (${fmtInt(errors.length)})`, color: COLOR.error, shape: 'cross' });

  const notes = [
    `${fmtInt(bars.length)} bars in ${fmtInt(rows.length)} rows. Spans with the same name under the same parent share a row (×N); faded bars were still running at the end of the file; overlapping (concurrent) bars look darker.`,
  ];
  if (aggregated.length > 0) notes.push(`Aggregated (more than ${MAX_BARS_PER_ROW} spans in a row): ${aggregated.join('; ')}.`);
  if (hiddenRows > 0)
    notes.push(`${fmtInt(hiddenRows)} more rows (${fmtInt(hiddenSpans)} spans) not shown: the timeline shows at most ${MAX_ROWS} rows.`);
  if (withoutStart > 0) notes.push(`${fmtInt(withoutStart)} spans without a start time are not drawn.`);
  return figure('timeline', 'Span timeline', svg, items, notes.join(' '));
}

function spanBar(row: SpanRow, s: SpanNode, fill: string, endOfFile: number, minWidth: number, axis: TimeAxis): Bar {
  const open = s.endMs === undefined || !Number.isFinite(s.endMs);
  const end = open ? Math.max(endOfFile, s.startMs!) : s.endMs!;
  const x1 = axis.at(s.startMs!);
  const duration = s.durationMs ?? (open ? undefined : end - s.startMs!);
  const attrs = Object.entries(s.attributes)
    .slice(0, TITLE_ATTRIBUTES)
    .map(([k, v]) => `\n${k} = ${attributeText(v)}`)
    .join('');
  const title =
    `${s.name}\nstart +${fmtNum(x1)} ${axis.unit}, ` +
    (open ? 'not stopped by the end of the file' : `duration ${fmtDuration(duration)}`) +
    (s.parentInferred ? '\n(parent inferred from timing)' : '') +
    attrs;
  return { row: row.key, x1, x2: Math.max(axis.at(end), x1 + minWidth), fill, opacity: open ? 0.4 : 0.8, title };
}

function runBar(row: SpanRow, run: readonly SpanNode[], fill: string, endOfFile: number, minWidth: number, axis: TimeAxis): Bar {
  let end = Number.NEGATIVE_INFINITY;
  let busy = 0;
  let open = false;
  for (const s of run) {
    const stopped = s.endMs !== undefined && Number.isFinite(s.endMs);
    open ||= !stopped;
    const e = stopped ? s.endMs! : endOfFile;
    if (e > end) end = e;
    busy += s.durationMs ?? Math.max(0, e - s.startMs!);
  }
  const x1 = axis.at(run[0]!.startMs!);
  const title = `${fmtInt(run.length)} × ${run[0]!.name}\nfrom +${fmtNum(x1)} ${axis.unit}, total ${fmtDuration(busy)}, mean ${fmtDuration(busy / run.length)}`;
  return { row: row.key, x1, x2: Math.max(axis.at(end), x1 + minWidth), fill, opacity: open ? 0.4 : 0.8, title };
}

function rowLabel(row: SpanRow): string {
  const suffix = row.spans.length > 1 ? ` ×${fmtInt(row.spans.length)}` : '';
  const indent = '  '.repeat(Math.min(row.depth, MAX_INDENT));
  const room = Math.max(8, MAX_LABEL_CHARS - indent.length - suffix.length);
  const name = row.name.length > room ? row.name.slice(0, room - 1) + '…' : row.name;
  return indent + name + suffix;
}

/** A short text of an attribute value for a tooltip; never walks into nested data (a corrupt file may hold any JSON). */
function attributeText(v: unknown): string {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (v === null || typeof v !== 'object') text = String(v);
  else if (Array.isArray(v) && v.length <= 50 && v.every((x) => x === null || typeof x !== 'object')) text = JSON.stringify(v);
  else text = Array.isArray(v) ? `[array of ${v.length} values]` : '{object}';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
