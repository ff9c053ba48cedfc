// Flattens the span input into one node per id. Callers may pass the roots of a tree (children filled in) or a flat
// list (parentId only); both give the same index, and a cycle in bad input cannot loop.

import type { SpanNode } from '../model/types.js';

export interface SpanIndex {
  /** Every span once, in input order (depth-first through `children`). */
  all: SpanNode[];
  roots: SpanNode[];
  children: Map<string, SpanNode[]>;
}

export function indexSpans(spans: readonly SpanNode[]): SpanIndex {
  const byId = new Map<string, SpanNode>();
  const all: SpanNode[] = [];
  const stack = [...spans].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (byId.has(node.id)) continue;
    byId.set(node.id, node);
    all.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }

  const children = new Map<string, SpanNode[]>();
  const parentOf = new Map<string, string>();
  const link = (parent: SpanNode, child: SpanNode): void => {
    if (parent.id === child.id || parentOf.has(child.id)) return;
    parentOf.set(child.id, parent.id);
    let list = children.get(parent.id);
    if (list === undefined) children.set(parent.id, (list = []));
    list.push(child);
  };
  for (const node of all) for (const child of node.children) link(node, child);
  for (const node of all) {
    const parent = node.parentId === undefined ? undefined : byId.get(node.parentId);
    if (parent !== undefined) link(parent, node);
  }
  // Spans on a parent cycle have a parent but are unreachable from a root; treat them as roots.
  const reachable = new Set<string>();
  const roots = all.filter((n) => !parentOf.has(n.id));
  // An explicit stack, not recursion: a span tree may be 100,000 levels deep.
  const visit = (from: SpanNode): void => {
    const pending = [from];
    while (pending.length > 0) {
      const n = pending.pop()!;
      if (reachable.has(n.id)) continue;
      reachable.add(n.id);
      for (const c of children.get(n.id) ?? []) pending.push(c);
    }
  };
  for (const r of roots) visit(r);
  for (const n of all) {
    if (!reachable.has(n.id)) {
      roots.push(n);
      visit(n);
    }
  }
  return { all, roots, children };
}
