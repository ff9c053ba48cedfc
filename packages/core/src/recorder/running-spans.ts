import type { Span } from '../core/span.js';

interface Entry {
  readonly span: Span | undefined;
  readonly list: RunningSpans;
  prev: Entry | undefined;
  next: Entry | undefined;
}

/**
 * The spans a recorder has started and not yet stopped, in start order, at most `capacity` of them. A doubly
 * linked list whose entry hangs on the span itself: adding, finding and removing a span cost a few field
 * writes, where a `Set` of short-lived spans keeps allocating and rehashing its table.
 *
 * A span added while the list is full is marked as belonging to it (so it can still be stopped) but is not
 * linked: nothing here keeps it alive, iteration and `size` do not see it, and `clear()` leaves it alone.
 */
export class RunningSpans implements Iterable<Span> {
  private head: Entry | undefined;
  private tail: Entry | undefined;
  private count = 0;
  /** The mark of spans added past the capacity. */
  private readonly untracked: Entry = { span: undefined, list: this, prev: undefined, next: undefined };

  constructor(readonly capacity = Number.POSITIVE_INFINITY) {}

  /** Linked spans (untracked ones are not counted). */
  get size(): number {
    return this.count;
  }

  /** Adds the span; `false` if the list is full (the span is then marked, not linked). */
  add(span: Span): boolean {
    if (this.has(span)) return true;
    if (this.count >= this.capacity) {
      span.runningEntry = this.untracked;
      return false;
    }
    const entry: Entry = { span, list: this, prev: this.tail, next: undefined };
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    span.runningEntry = entry;
    this.count++;
    return true;
  }

  has(span: Span): boolean {
    return (span.runningEntry as Entry | undefined)?.list === this;
  }

  /** Removes the span; `false` if it was not in this list. */
  delete(span: Span): boolean {
    const entry = span.runningEntry as Entry | undefined;
    if (entry?.list !== this) return false;
    span.runningEntry = undefined;
    if (entry === this.untracked) return true;
    if (entry.prev === undefined) this.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.tail = entry.prev;
    else entry.next.prev = entry.prev;
    this.count--;
    return true;
  }

  clear(): void {
    for (let e = this.head; e !== undefined; e = e.next) (e.span as Span).runningEntry = undefined;
    this.head = undefined;
    this.tail = undefined;
    this.count = 0;
  }

  /** The spans in start order (a copy: the list may change while the caller uses it). */
  toArray(): Span[] {
    const out: Span[] = [];
    for (let e = this.head; e !== undefined; e = e.next) out.push(e.span as Span);
    return out;
  }

  *[Symbol.iterator](): Iterator<Span> {
    for (let e = this.head; e !== undefined; e = e.next) yield e.span as Span;
  }
}
