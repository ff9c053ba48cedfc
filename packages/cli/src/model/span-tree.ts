// Rebuilds spans from start/stop/complete records (plus their events and application errors) into trees.
// Parents come from `parent_id` (our writer); files without it (the Python library) get parents inferred from
// time nesting per process: the parent is the latest-started span of the same pid still running when the span
// starts — the reference's own parent rule (spec/training.md §0.4), reconstructed from timestamps.
import { asAttrs, asEvent, eventTimeMs, num, pidOf, type RawRecord, str } from '../records/raw-record.js';
import type { SpanNode } from './types.js';

export interface SpanTreeOptions {
  /** Spans kept (default 200 000); later spans are counted in `dropped.spans`. */
  maxSpans?: number;
  /**
   * Events kept per span (default 1 000); later ones are counted in `dropped.events`. Checkpoint successes and
   * application errors (what the report draws from spans) are kept past this limit, up to MAX_MARKER_EVENTS in all.
   */
  maxEventsPerSpan?: number;
}

/** Checkpoint-success and error events kept past the per-span limit, over the whole tree. */
export const MAX_MARKER_EVENTS = 100_000;

export class SpanTreeBuilder {
  private readonly nodes: SpanNode[] = [];
  private readonly byId = new Map<string, number>();
  /** Processes whose span records carry `parent_id`: there, a span without one is a root. */
  private readonly pidsWithParentIds = new Set<number | undefined>();
  private readonly maxSpans: number;
  private readonly maxEvents: number;
  /** Not kept: spans past maxSpans; events past maxEventsPerSpan; marker events past MAX_MARKER_EVENTS. */
  readonly dropped = { spans: 0, events: 0, markers: 0 };
  private markersKept = 0;

  constructor(options: SpanTreeOptions = {}) {
    this.maxSpans = options.maxSpans ?? 200_000;
    this.maxEvents = options.maxEventsPerSpan ?? 1_000;
  }

  add(r: RawRecord): void {
    switch (r.type) {
      case 'start':
      case 'complete':
        this.addSpan(r);
        return;
      case 'stop':
        this.stopSpan(r);
        return;
      case 'event':
      case 'application_error':
        this.addEvent(r);
        return;
      default:
        return;
    }
  }

  /** The forest: roots and children ordered by start time (then file order). */
  finish(): SpanNode[] {
    const pids = new Set(this.nodes.map((n) => n.pid));
    for (const pid of pids) if (!this.pidsWithParentIds.has(pid)) this.inferParents(pid);
    const roots: SpanNode[] = [];
    for (const n of this.nodes) {
      const parent = n.parentId === undefined ? undefined : this.node(n.parentId);
      if (parent !== undefined && parent !== n) parent.children.push(n);
      else roots.push(n);
    }
    const order = new Map(this.nodes.map((n, i) => [n, i]));
    const byStart = (a: SpanNode, b: SpanNode) =>
      (a.startMs ?? Number.POSITIVE_INFINITY) - (b.startMs ?? Number.POSITIVE_INFINITY) || (order.get(a) ?? 0) - (order.get(b) ?? 0);
    for (const n of this.nodes) if (n.children.length > 1) n.children.sort(byStart);
    return roots.sort(byStart);
  }

  private node(id: string): SpanNode | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.nodes[i];
  }

  private create(r: RawRecord, id: string): SpanNode | undefined {
    if (this.nodes.length >= this.maxSpans) {
      this.dropped.spans++;
      return undefined;
    }
    const parentId = str(r.parent_id);
    const pid = pidOf(r);
    if (parentId !== undefined) this.pidsWithParentIds.add(pid);
    const node: SpanNode = {
      id,
      name: str(r.name) ?? '(unnamed)',
      parentId,
      parentInferred: false,
      pid,
      startMs: undefined,
      endMs: undefined,
      durationMs: undefined,
      attributes: { ...asAttrs(r.attributes) },
      events: [],
      children: [],
    };
    this.byId.set(id, this.nodes.length);
    this.nodes.push(node);
    return node;
  }

  private addSpan(r: RawRecord): void {
    const id = str(r.id);
    if (id === undefined) return;
    const node = this.create(r, id);
    if (node === undefined) return;
    node.startMs = eventTimeMs(r.start_event);
    if (r.type === 'complete') this.applyStop(node, r);
  }

  private stopSpan(r: RawRecord): void {
    const id = str(r.id);
    if (id === undefined) return;
    let node = this.node(id);
    if (node === undefined || node.endMs !== undefined) {
      // A stop without its start (e.g. the start was before a rotation): still a span, start derived below.
      node = this.create(r, id);
      if (node === undefined) return;
    } else {
      node.attributes = { ...node.attributes, ...asAttrs(r.attributes) };
      const parentId = str(r.parent_id);
      if (node.parentId === undefined && parentId !== undefined) {
        node.parentId = parentId;
        this.pidsWithParentIds.add(node.pid);
      }
    }
    this.applyStop(node, r);
  }

  private applyStop(node: SpanNode, r: RawRecord): void {
    node.endMs = eventTimeMs(r.stop_event);
    const duration = num(asAttrs(r.attributes).duration_msec);
    node.durationMs = duration ?? (node.endMs !== undefined && node.startMs !== undefined ? node.endMs - node.startMs : undefined);
    if (node.startMs === undefined && node.endMs !== undefined && duration !== undefined) node.startMs = node.endMs - duration;
  }

  private addEvent(r: RawRecord): void {
    const id = str(r.span_id);
    const node = id === undefined ? undefined : this.node(id);
    const event = asEvent(r.event);
    if (node === undefined || event === undefined) return;
    const marker = r.type === 'application_error' || str(event.name) === 'save_checkpoint_success';
    if (node.events.length >= this.maxEvents && !(marker && this.markersKept < MAX_MARKER_EVENTS)) {
      // Other events past the limit (e.g. a metric logged every iteration) are not drawn from spans: not a loss.
      if (marker) this.dropped.markers++;
      else this.dropped.events++;
      return;
    }
    if (marker) this.markersKept++;
    const attributes = asAttrs(event.attributes);
    node.events.push({
      name: str(event.name) ?? '(unnamed)',
      timeMs: num(attributes.timestamp_msec),
      attributes,
      kind: r.type === 'application_error' ? 'application_error' : 'event',
    });
  }

  /** Stack sweep in start order: spans that ended by the new span's start are popped; the top is its parent. */
  private inferParents(pid: number | undefined): void {
    const spans = this.nodes
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => n.pid === pid && n.startMs !== undefined)
      .sort((a, b) => (a.n.startMs as number) - (b.n.startMs as number) || a.i - b.i)
      .map(({ n }) => n);
    const stack: SpanNode[] = [];
    for (const n of spans) {
      const start = n.startMs as number;
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as SpanNode;
        if (top.endMs === undefined || top.endMs > start) break;
        stack.pop();
      }
      const parent = stack[stack.length - 1];
      if (parent !== undefined) {
        n.parentId = parent.id;
        n.parentInferred = true;
      }
      stack.push(n);
    }
  }
}

/** The span forest of a sequence of records (e.g. one file). */
export function buildSpanForest(records: Iterable<RawRecord>, options?: SpanTreeOptions): SpanNode[] {
  const builder = new SpanTreeBuilder(options);
  for (const r of records) builder.add(r);
  return builder.finish();
}
