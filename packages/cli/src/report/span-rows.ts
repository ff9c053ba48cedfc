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
  const top = groupTree(index);

  // Breadth-first selection under the cap.
  let queue = top;
  let selected = 0;
  while (queue.length > 0 && selected < maxRows) {
    const next: Group[] = [];
    for (const g of queue) {
      if (selected >= maxRows) break;
      g.key = 'r' + selected++;
      for (const child of g.children) next.push(child);
    }
    queue = next;
  }

  // Depth-first output, so each row sits under its parent. An explicit stack: trees may be 100,000 levels deep.
  const rows: SpanRow[] = [];
  const rowOf = new Map<string, string>();
  let hiddenRows = 0;
  let hiddenSpans = 0;
  const stack: { g: Group; parentKey: string | undefined }[] = [];
  for (let i = top.length - 1; i >= 0; i--) stack.push({ g: top[i]!, parentKey: undefined });
  while (stack.length > 0) {
    const { g, parentKey } = stack.pop()!;
    if (g.key !== undefined) rows.push({ key: g.key, depth: g.depth, name: g.name, spans: g.spans });
    else {
      hiddenRows++;
      hiddenSpans += g.spans.length;
    }
    const target = g.key ?? parentKey;
    if (target !== undefined) for (const s of g.spans) rowOf.set(s.id, target);
    for (let i = g.children.length - 1; i >= 0; i--) stack.push({ g: g.children[i]!, parentKey: target });
  }
  return { rows, rowOf, hiddenRows, hiddenSpans };
}

/** The groups of the whole forest, level by level without recursion; a span is placed once (bad input may loop). */
function groupTree(index: SpanIndex): Group[] {
  const placed = new Set<string>();
  const place = (nodes: readonly SpanNode[]): SpanNode[] => {
    const fresh: SpanNode[] = [];
    for (const n of nodes) {
      if (placed.has(n.id)) continue;
      placed.add(n.id);
      fresh.push(n);
    }
    return fresh;
  };
  const top = groupByName(place(index.roots), 0);
  const pending = [...top];
  while (pending.length > 0) {
    const g = pending.pop()!;
    const kids: SpanNode[] = [];
    for (const s of g.spans) for (const k of index.children.get(s.id) ?? []) kids.push(k);
    const fresh = place(kids);
    g.children = fresh.length === 0 ? [] : groupByName(fresh, g.depth + 1);
    for (const child of g.children) pending.push(child);
  }
  return top;
}

function groupByName(nodes: readonly SpanNode[], depth: number): Group[] {
  const byName = new Map<string, SpanNode[]>();
  for (const n of nodes) {
    const list = byName.get(n.name);
    if (list === undefined) byName.set(n.name, [n]);
    else list.push(n);
  }
  const groups = [...byName].map(([name, spans]): Group => ({ name, depth, spans, children: [] }));
  return groups.sort((a, b) => earliest(a.spans) - earliest(b.spans));
}

function earliest(spans: readonly SpanNode[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const s of spans) if (s.startMs !== undefined && s.startMs < min) min = s.startMs;
  return min;
}
