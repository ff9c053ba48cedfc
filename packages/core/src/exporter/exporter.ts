import { ExportError } from '../core/errors.js';
import type { ErrorEvent, Event, TelemetryDataError } from '../core/event.js';
import type { Span } from '../core/span.js';

/**
 * A backend for spans and events. Export methods are synchronous (so records keep call order) and may
 * throw; `flush()` and `close()` may be asynchronous. A network exporter enqueues and returns.
 */
export interface Exporter {
  /** Acquires resources; called once by the recorder before any export. */
  initialize(): void;
  /** A span started (it is still running). */
  exportStart(span: Span): void;
  /** A span stopped (it has its stop event and `duration_msec`). */
  exportStop(span: Span): void;
  /** A custom event of a running span (never called for start/stop events). */
  exportEvent(event: Event, span: Span): void;
  /** An application error of a running span. */
  exportError(event: ErrorEvent, span: Span): void;
  /** The collected data is incomplete or unreliable. */
  exportTelemetryDataError(error: TelemetryDataError): void;
  /** Delivers everything buffered so far. */
  flush(): void | Promise<void>;
  /** Flushes and releases resources; the exporter cannot be used afterwards. */
  close(): void | Promise<void>;
  /**
   * For an exporter that bounds its own `flush()` and `close()` (a network exporter): that bound, in
   * milliseconds. The recorder then waits up to this plus one second for it when that is longer than its
   * `exporterTimeoutMillis`.
   */
  readonly shutdownTimeoutMillis?: number;
}

export const ExporterState = { NOT_INITIALIZED: 'not_initialized', READY: 'ready', CLOSED: 'closed' } as const;
export type ExporterState = (typeof ExporterState)[keyof typeof ExporterState];

/** Lifecycle shared by exporters: NOT_INITIALIZED -> READY -> CLOSED, with no way back from CLOSED. */
export abstract class BaseExporter implements Exporter {
  private state: ExporterState = ExporterState.NOT_INITIALIZED;

  get ready(): boolean {
    return this.state === ExporterState.READY;
  }

  get closed(): boolean {
    return this.state === ExporterState.CLOSED;
  }

  initialize(): void {
    if (this.state === ExporterState.CLOSED) throw new ExportError('Exporter is closed and cannot be initialized again.');
    this.state = ExporterState.READY;
  }

  /** Throws unless the exporter is READY. Subclasses call it before any work. */
  protected checkReady(): void {
    if (this.state === ExporterState.READY) return;
    if (this.state === ExporterState.NOT_INITIALIZED) throw new ExportError('Exporter not initialized. Call initialize first.');
    throw new ExportError('Exporter is closed and cannot be used anymore.');
  }

  abstract exportStart(span: Span): void;
  abstract exportStop(span: Span): void;
  abstract exportEvent(event: Event, span: Span): void;
  abstract exportError(event: ErrorEvent, span: Span): void;
  abstract exportTelemetryDataError(error: TelemetryDataError): void;

  flush(): void | Promise<void> {}

  close(): void | Promise<void> {
    this.state = ExporterState.CLOSED;
  }
}
