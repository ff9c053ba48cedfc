import { ExportError } from '../core/errors.js';
import type { ErrorEvent, Event, TelemetryDataError } from '../core/event.js';
import type { Span } from '../core/span.js';
import { internalLogger } from '../internal/logger.js';
import { BaseExporter } from './exporter.js';
import type { EventRecord, JsonRecord, SpanRecord } from './record.js';

/**
 * Turns exporter calls into flat JSON records (spec/core.md §5.4) and hands them to `writeRecord`.
 *
 * The last started span is held back: if the next call is that span's stop, one `complete` record is
 * written instead of `start` + `stop`. Every other call (start, stop of another span, event, error,
 * telemetry-data error, close) first writes the held span as a `start` record, so records follow call order.
 */
export abstract class BaseJsonExporter extends BaseExporter {
  private pending: Span | undefined;
  private recordCount = 0;

  /** Number of records handed to `writeRecord` so far (the last `count` value). */
  get count(): number {
    return this.recordCount;
  }

  /** Writes one record. Called synchronously, in order; the record's attribute collections are live. */
  protected abstract writeRecord(record: JsonRecord): void;

  override initialize(): void {
    super.initialize();
    this.pending = undefined;
  }

  exportStart(span: Span): void {
    this.checkReady();
    const held = this.pending;
    this.pending = span;
    if (held !== undefined) this.emitSpan('start', held);
    this.afterExport();
  }

  exportStop(span: Span): void {
    this.checkReady();
    if (span.active) throw new ExportError(`Span ${span.id} has no stop event`);
    const held = this.pending;
    if (held !== undefined) {
      this.pending = undefined;
      if (held === span) {
        this.emitSpan('complete', span);
      } else {
        // The stop is still written if the held start fails: one bad record must not take others with it.
        try {
          this.emitSpan('start', held);
        } finally {
          this.emitSpan('stop', span);
        }
      }
    } else {
      this.emitSpan('stop', span);
    }
    this.afterExport();
  }

  exportEvent(event: Event, span: Span): void {
    this.checkReady();
    this.flushPending();
    this.emitEvent('event', event, span);
    this.afterExport();
  }

  exportError(event: ErrorEvent, span: Span): void {
    this.checkReady();
    this.flushPending();
    this.emitEvent('application_error', event, span);
    this.afterExport();
  }

  exportTelemetryDataError(error: TelemetryDataError): void {
    this.checkReady();
    this.flushPending();
    this.emitTelemetryDataError(error);
    this.afterExport();
  }

  /**
   * Called at the end of every export call, once its records were handed over: where an exporter raises an
   * error of its own background work (FileExporter: a failed timed write), so that the records of the call
   * that surfaces the error are not lost with it.
   */
  protected afterExport(): void {}

  /**
   * Writes a telemetry-data error that the exporter itself raises (a problem with its own output), with the
   * next `count`. Unlike `exportTelemetryDataError` it leaves a held-back start held back: it is not a call
   * of the recorder and must not change how that span's records come out.
   */
  protected writeOwnTelemetryDataError(error: TelemetryDataError): void {
    this.emitTelemetryDataError(error);
  }

  private emitTelemetryDataError(error: TelemetryDataError): void {
    const count = ++this.recordCount;
    try {
      this.writeTelemetryDataErrorRecord(error, count, process.pid);
    } catch (e) {
      this.giveBack(count);
      throw e;
    }
  }

  override close(): void | Promise<void> {
    if (this.closed) return;
    try {
      if (this.ready && this.pending !== undefined) {
        const held = this.pending;
        internalLogger.warning(`Span ${held.name} (id=${held.id}) was not closed`);
        this.flushPending();
      }
    } finally {
      this.pending = undefined;
      super.close();
    }
  }

  /**
   * Writes the held-back span start now (on an explicit flush and at process exit: the caller wants
   * everything delivered, even if that span later gets a `stop` instead of a `complete` record).
   */
  protected writeHeldBackStart(): void {
    if (this.ready) this.flushPending();
  }

  override flush(): void | Promise<void> {
    this.writeHeldBackStart();
  }

  private flushPending(): void {
    const held = this.pending;
    if (held === undefined) return;
    this.pending = undefined;
    this.emitSpan('start', held);
  }

  // A record takes its `count` before it is written and gives it back if the write fails, so a failed write
  // leaves no gap (B9) and a record written meanwhile by a log listener that calls back into the recorder (the
  // exporter logs while writing) takes the next count instead of the same one.
  private emitSpan(type: SpanRecord['type'], span: Span): void {
    const count = ++this.recordCount;
    try {
      this.writeSpanRecord(type, span, count, process.pid);
    } catch (e) {
      this.giveBack(count);
      throw e;
    }
  }

  private emitEvent(type: EventRecord['type'], event: Event, span: Span): void {
    const count = ++this.recordCount;
    try {
      this.writeEventRecord(type, event, span, count, process.pid);
    } catch (e) {
      this.giveBack(count);
      throw e;
    }
  }

  private giveBack(count: number): void {
    // Only the latest count can be given back; after a nested record took the next one, this one stays a gap.
    if (this.recordCount === count) this.recordCount = count - 1;
  }

  /**
   * Writes one span record. The default builds the record object and calls `writeRecord`; an exporter
   * that serialises anyway (FileExporter) overrides it to skip the intermediate object.
   */
  protected writeSpanRecord(type: SpanRecord['type'], span: Span, count: number, pid: number): void {
    this.writeRecord(buildSpanRecord(type, span, count, pid));
  }

  /** Writes one event or application-error record (see `writeSpanRecord`). */
  protected writeEventRecord(type: EventRecord['type'], event: Event, span: Span, count: number, pid: number): void {
    this.writeRecord({ type, span_id: span.id, event: { name: event.name, attributes: event.attributes }, count, pid });
  }

  /** Writes one telemetry-data-error record (see `writeSpanRecord`). */
  protected writeTelemetryDataErrorRecord(error: TelemetryDataError, count: number, pid: number): void {
    this.writeRecord({ type: 'telemetry_data_error', error: { name: error.name, attributes: error.attributes }, count, pid });
  }
}

/** The record object of a span (keys in wire order; `count` and `pid` last, as in the reference). */
export function buildSpanRecord(type: SpanRecord['type'], span: Span, count: number, pid: number): SpanRecord {
  const record = { type, id: span.id, name: span.name } as SpanRecord;
  if (span.exportedParentId !== undefined) record.parent_id = span.exportedParentId;
  const attributes = span.attributesView;
  if (attributes.size > 0) record.attributes = attributes;
  if (type !== 'stop') record.start_event = { name: span.startEvent.name, attributes: span.startEvent.attributes };
  if (type !== 'start') {
    const stop = span.stopEvent as Event;
    record.stop_event = { name: stop.name, attributes: stop.attributes };
  }
  record.count = count;
  record.pid = pid;
  return record;
}
