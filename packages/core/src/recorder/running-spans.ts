import type { Span } from '../core/span.js';

/**
 * The spans a recorder has started and not yet stopped, in start order, at most `capacity` of them. A doubly
 * linked list through fields of the spans themselves: adding, finding and removing a span cost a few field
 * writes and no allocation, where a `Set` of short-lived spans keeps allocating and rehashing its table.
 *
 * A span added while the list is full is marked as belonging to it (so it can still be stopped) but is not
 * linked: nothing here keeps it alive, iteration and `size` do not see it, and `clear()` leaves it alone. Such a
 * span has no previous span and is not the head, which tells it from a linked one.
 */
export class RunningSpans implements Iterable<Span> {
  private head: Span | undefined;
  private tail: Span | undefined;
  private count = 0;

  constructor(readonly capacity = Number.POSITIVE_INFINITY) {}

  /** Linked spans (untracked ones are not counted). */
  get size(): number {
    return this.count;
  }

  /** Adds the span; `false` if the list is full (the span is then marked, not linked). */
  add(span: Span): boolean {
    if (this.has(span)) return true;
    span.runningList = this;
    span.runningPrev = undefined;
    span.runningNext = undefined;
    if (this.count >= this.capacity) return false;
    const tail = this.tail;
    if (tail === undefined) this.head = span;
    else {
      tail.runningNext = span;
      span.runningPrev = tail;
    }
    this.tail = span;
    this.count++;
    return true;
  }

  has(span: Span): boolean {
    return span.runningList === this;
  }

  /** Removes the span; `false` if it was not in this list. */
  delete(span: Span): boolean {
    if (span.runningList !== this) return false;
    span.runningList = undefined;
    const prev = span.runningPrev;
    const next = span.runningNext;
    if (prev === undefined && this.head !== span) return true; // untracked
    if (prev === undefined) this.head = next;
    else prev.runningNext = next;
    if (next === undefined) this.tail = prev;
    else next.runningPrev = prev;
    // A stopped span keeps no neighbours alive.
    span.runningPrev = undefined;
    span.runningNext = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    let s = this.head;
    while (s !== undefined) {
      const next = s.runningNext;
      s.runningList = undefined;
      s.runningPrev = undefined;
      s.runningNext = undefined;
      s = next;
    }
    this.head = undefined;
    this.tail = undefined;
    this.count = 0;
  }

  /** The spans in start order (a copy: the list may change while the caller uses it). */
  toArray(): Span[] {
    const out: Span[] = [];
    for (let s = this.head; s !== undefined; s = s.runningNext) out.push(s);
    return out;
  }

  *[Symbol.iterator](): Iterator<Span> {
    for (let s = this.head; s !== undefined; s = s.runningNext) yield s;
  }
}
