import type { Span } from '../core/span.js';

interface Entry {
  readonly span: Span;
  readonly list: RunningSpans;
  prev: Entry | undefined;
  next: Entry | undefined;
}

/**
 * The spans a recorder has started and not yet stopped, in start order. A doubly linked list whose entry
 * hangs on the span itself: adding, finding and removing a span cost a few field writes, where a `Set`
 * of short-lived spans keeps allocating and rehashing its table.
 */
export class RunningSpans implements Iterable<Span> {
  private head: Entry | undefined;
  private tail: Entry | undefined;

  add(span: Span): void {
    if (this.has(span)) return;
    const entry: Entry = { span, list: this, prev: this.tail, next: undefined };
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    span.runningEntry = entry;
  }

  has(span: Span): boolean {
    return (span.runningEntry as Entry | undefined)?.list === this;
  }

  /** Removes the span; `false` if it was not in this list. */
  delete(span: Span): boolean {
    const entry = span.runningEntry as Entry | undefined;
    if (entry?.list !== this) return false;
    if (entry.prev === undefined) this.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.tail = entry.prev;
    else entry.next.prev = entry.prev;
    span.runningEntry = undefined;
    return true;
  }

  clear(): void {
    for (let e = this.head; e !== undefined; e = e.next) e.span.runningEntry = undefined;
    this.head = undefined;
    this.tail = undefined;
  }

  /** The spans in start order (a copy: the list may change while the caller uses it). */
  toArray(): Span[] {
    const out: Span[] = [];
    for (let e = this.head; e !== undefined; e = e.next) out.push(e.span);
    return out;
  }

  *[Symbol.iterator](): Iterator<Span> {
    for (let e = this.head; e !== undefined; e = e.next) yield e.span;
  }
}
