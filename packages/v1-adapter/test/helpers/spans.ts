// Spans and events built the way the training recorder hands them to an exporter.
import { type AttributesInput, Event, Span, type TracingTimestamp } from '@nv-one-logger/core';

/** A span started at `start` (with its initial attributes), stopped at `stop` when given. */
export function span(name: string, start: TracingTimestamp, options: { attributes?: AttributesInput; stop?: TracingTimestamp } = {}): Span {
  const s = Span.create(name, { startTime: start, ...(options.attributes !== undefined ? { spanAttributes: options.attributes } : {}) });
  if (options.stop !== undefined) s.stop({ stopTime: options.stop });
  return s;
}

export function event(name: string, at: TracingTimestamp, attributes?: AttributesInput): Event {
  return new Event(name, at, attributes);
}
