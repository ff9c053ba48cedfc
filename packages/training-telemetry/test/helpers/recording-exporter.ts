// An in-memory implementation of the core `Exporter` interface that logs every call, with the attributes as they
// were at call time, for tests that check the exporter call order.
import type { ErrorEvent, Event, Exporter, Span, TelemetryDataError } from '@nv-one-logger/core';

export interface Call {
  op: 'initialize' | 'start' | 'stop' | 'event' | 'error' | 'telemetry_data_error' | 'flush' | 'close';
  name?: string;
  spanName?: string;
  spanId?: string;
  parentId?: string | undefined;
  attributes?: Record<string, unknown>;
}

export interface RecordingExporterOptions {
  /** A name telling several exporters apart. Default 'rec'. */
  label?: string;
  /** Log `flush()` calls. Default true. */
  recordFlush?: boolean;
  /** Log the name of a telemetry data error (`telemetry_data_error:<name>` in `sequence`). Default true. */
  nameTelemetryDataErrors?: boolean;
}

export class RecordingExporter implements Exporter {
  readonly calls: Call[] = [];
  readonly label: string;
  private readonly recordFlush: boolean;
  private readonly nameTelemetryDataErrors: boolean;

  constructor(options: RecordingExporterOptions = {}) {
    this.label = options.label ?? 'rec';
    this.recordFlush = options.recordFlush ?? true;
    this.nameTelemetryDataErrors = options.nameTelemetryDataErrors ?? true;
  }

  initialize(): void {
    this.calls.push({ op: 'initialize' });
  }
  exportStart(span: Span): void {
    this.calls.push({ op: 'start', name: span.name, spanId: span.id, parentId: span.parentSpan?.id, attributes: span.attributes.toJSON() });
  }
  exportStop(span: Span): void {
    this.calls.push({ op: 'stop', name: span.name, spanId: span.id, parentId: span.parentSpan?.id, attributes: span.attributes.toJSON() });
  }
  exportEvent(event: Event, span: Span): void {
    this.calls.push({ op: 'event', name: event.name, spanName: span.name, spanId: span.id, attributes: event.attributes.toJSON() });
  }
  exportError(event: ErrorEvent, span: Span): void {
    this.calls.push({ op: 'error', name: event.name, spanName: span.name, spanId: span.id, attributes: event.attributes.toJSON() });
  }
  exportTelemetryDataError(error: TelemetryDataError): void {
    this.calls.push({
      op: 'telemetry_data_error',
      ...(this.nameTelemetryDataErrors ? { name: error.name } : {}),
      attributes: error.attributes.toJSON(),
    });
  }
  flush(): void {
    if (this.recordFlush) this.calls.push({ op: 'flush' });
  }
  close(): void {
    this.calls.push({ op: 'close' });
  }

  /** `op` or `op:name` per call. */
  get sequence(): string[] {
    return this.calls.map((c) => (c.name === undefined ? c.op : `${c.op}:${c.name}`));
  }
  /** The logged events named `name`. */
  events(name: string): Call[] {
    return this.calls.filter((c) => c.op === 'event' && c.name === name);
  }
  /** How many calls of `op` for `name`. */
  count(op: Call['op'], name: string): number {
    return this.calls.filter((c) => c.op === op && c.name === name).length;
  }
}
