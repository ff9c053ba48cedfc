// Timeline rows. Sibling spans with the same name share one row (a swim lane), and their children are merged the
// same way, so a job with thousands of checkpoint saves or exported iterations still has a handful of rows.
// Rows are chosen breadth-first up to a cap, so top-level phases are never crowded out by deep detail.

import type { SpanNode } from '../model/types.js';
import type { SpanIndex } from './span-index.js';

export interface SpanRow {
  key: string;
  depth: number;
  name: string;
  spans: SpanNode[];
}

export interface SpanRows {
  rows: SpanRow[];
  /** Span id → key of its row, or of its nearest shown ancestor row when its own row is hidden. */
  rowOf: Map<string, string>;
  hiddenRows: number;
  hiddenSpans: number;
}

interface Group {
  name: string;
  depth: number;
  spans: SpanNode[];
  children: Group[];
  key?: string;
}

export function buildSpanRows(index: SpanIndex, maxRows: number): SpanRows {
  const top = groupByName(index.roots, 0, index);

  // Breadth-first selection under the cap.
  let queue = top;
  let selected = 0;
  while (queue.length > 0 && selected < maxRows) {
    const next: Group[] = [];
    for (const g of queue) {
      if (selected >= maxRows) break;
      g.key = 'r' + selected++;
      next.push(...g.children);
    }
    queue = next;
  }

  // Depth-first output, so each row sits under its parent.
  const rows: SpanRow[] = [];
  const rowOf = new Map<string, string>();
  let hiddenRows = 0;
  let hiddenSpans = 0;
  const emit = (groups: Group[], parentKey: string | undefined): void => {
    for (const g of groups) {
      if (g.key !== undefined) rows.push({ key: g.key, depth: g.depth, name: g.name, spans: g.spans });
      else {
        hiddenRows++;
        hiddenSpans += g.spans.length;
      }
      const target = g.key ?? parentKey;
      if (target !== undefined) for (const s of g.spans) rowOf.set(s.id, target);
      emit(g.children, target);
    }
  };
  emit(top, undefined);
  return { rows, rowOf, hiddenRows, hiddenSpans };
}

function groupByName(nodes: readonly SpanNode[], depth: number, index: SpanIndex): Group[] {
  const byName = new Map<string, SpanNode[]>();
  for (const n of nodes) {
    const list = byName.get(n.name);
    if (list === undefined) byName.set(n.name, [n]);
    else list.push(n);
  }
  const groups = [...byName].map(([name, spans]): Group => ({ name, depth, spans, children: [] }));
  groups.sort((a, b) => earliest(a.spans) - earliest(b.spans));
  for (const g of groups) {
    const kids = g.spans.flatMap((s) => index.children.get(s.id) ?? []);
    g.children = kids.length === 0 ? [] : groupByName(kids, depth + 1, index);
  }
  return groups;
}

function earliest(spans: readonly SpanNode[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const s of spans) if (s.startMs !== undefined && s.startMs < min) min = s.startMs;
  return min;
}
