import { OneLoggerError } from '@nv-one-logger/core';
import {
  type Attributes,
  type Context,
  type HrTime,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/** The attribute carrying the one-logger span id (a canonical UUID string; the reference's 128-bit int does not fit OTLP). */
export const ONE_LOGGER_SPAN_ID = 'one_logger_span_id';
/** Set (true) on spans that were still open when the exporter closed; they end at close time with status ERROR. */
export const ONE_LOGGER_SPAN_INCOMPLETE = 'one_logger_span_incomplete';
export const TELEMETRY_DATA_ERROR_SPAN = 'span_for_telemetry_data_error';

interface OpenSpan {
  readonly span: Span;
  readonly context: Context;
  readonly name: string;
}

export interface MapperOptions {
  /** Emit the zero-length child span per event (reference behaviour). */
  readonly eventSpans: boolean;
  /** A span whose parent is unknown: `error` (live export: a bug upstream) or `root` (replay of partial files). */
  readonly orphans: 'error' | 'root';
}

/**
 * Turns one-logger span lifecycles into OTel spans, with explicit parent contexts only (the global context
 * is never read or changed, so a root span is always a root). Works on plain values so that live export and
 * JSONL replay share it. Not thread-safe by design: JavaScript calls it from one thread.
 */
export class SpanMapper {
  private readonly open = new Map<string, OpenSpan>();

  constructor(
    private readonly tracer: Tracer,
    private readonly options: MapperOptions,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  has(id: string): boolean {
    return this.open.has(id);
  }

  start(
    id: string,
    name: string,
    parentId: string | undefined,
    attributes: Attributes | undefined,
    time: HrTime,
    startEventAttributes: Attributes | undefined,
  ): void {
    let parentContext = ROOT_CONTEXT;
    if (parentId !== undefined) {
      const parent = this.open.get(parentId);
      if (parent !== undefined) parentContext = parent.context;
      else if (this.options.orphans === 'error')
        throw new OneLoggerError(`Cannot find the parent span ${parentId} of span ${name} (id=${id})`);
    }
    const span = this.tracer.startSpan(
      name,
      attributes === undefined ? { startTime: time } : { startTime: time, attributes },
      parentContext,
    );
    span.setAttribute(ONE_LOGGER_SPAN_ID, id);
    this.open.set(id, { span, context: trace.setSpan(ROOT_CONTEXT, span), name });
    this.event(id, 'span_start', startEventAttributes, time);
  }

  event(spanId: string, eventName: string, attributes: Attributes | undefined, time: HrTime): void {
    const open = this.get(spanId);
    if (this.options.eventSpans)
      this.tracer.startSpan(`${eventName}_event_for_${open.name}`, spanOptions(attributes, time), open.context).end(time);
    open.span.addEvent(eventName, attributes, time);
  }

  /** An application error: a child span `error_for_<span>` (reference name) and a sticky ERROR status on the span. */
  error(spanId: string, eventName: string, attributes: Attributes | undefined, message: string, time: HrTime): void {
    const open = this.get(spanId);
    if (this.options.eventSpans) {
      const child = this.tracer.startSpan(`${eventName}_for_${open.name}`, spanOptions(attributes, time), open.context);
      child.setStatus({ code: SpanStatusCode.ERROR, message });
      child.end(time);
    }
    open.span.addEvent(eventName, attributes, time);
    open.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  /** Ends the span: its current attributes (with `duration_msec`) are set again, then the stop event. */
  stop(spanId: string, attributes: Attributes | undefined, stopEventAttributes: Attributes | undefined, time: HrTime): void {
    const open = this.get(spanId);
    try {
      if (attributes !== undefined) open.span.setAttributes(attributes);
      this.event(spanId, 'span_stop', stopEventAttributes, time);
      open.span.end(time);
    } finally {
      this.open.delete(spanId);
    }
  }

  /** A root span `span_for_telemetry_data_error` with status ERROR and one `telemetry_data_error` event. */
  telemetryDataError(eventName: string, attributes: Attributes | undefined, message: string, time: HrTime): void {
    const span = this.tracer.startSpan(TELEMETRY_DATA_ERROR_SPAN, { startTime: time }, ROOT_CONTEXT);
    span.addEvent(eventName, attributes, time);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.end(time);
  }

  /** Ends every span still open at `time`, flagged incomplete, so nothing silently disappears at close. */
  endOpen(time: HrTime, reason: string): number {
    const count = this.open.size;
    // Children were started after their parents: end them first.
    for (const [id, open] of [...this.open].reverse()) {
      open.span.setAttribute(ONE_LOGGER_SPAN_INCOMPLETE, true);
      open.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      open.span.end(time);
      this.open.delete(id);
    }
    return count;
  }

  private get(spanId: string): OpenSpan {
    const open = this.open.get(spanId);
    if (open === undefined) throw new OneLoggerError(`Span ${spanId} not found`);
    return open;
  }
}

function spanOptions(attributes: Attributes | undefined, time: HrTime): { startTime: HrTime; attributes?: Attributes } {
  return attributes === undefined ? { startTime: time } : { startTime: time, attributes };
}
