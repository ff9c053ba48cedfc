import { AsyncLocalStorage } from 'node:async_hooks';
import type { Recorder, StartSpanOptions, StopSpanOptions } from '../api/recorder.js';
import type { AttributesInput } from '../core/attributes.js';
import { describeValue, messageOf, OneLoggerError } from '../core/errors.js';
import { ErrorEvent, type ErrorTextField, type Event, TelemetryDataError, TelemetryDataErrorType } from '../core/event.js';
import { Span } from '../core/span.js';
import type { TracingTimestamp } from '../core/time.js';
import type { Exporter } from '../exporter/exporter.js';
import { internalLogger } from '../internal/logger.js';
import { handleTelemetryFailure, noteSkipped, runtime, type TelemetryDataErrorSink } from '../internal/runtime.js';
import { isThenable } from '../internal/utils.js';
import { RunningSpans } from './running-spans.js';

export const ExportCustomizationMode = {
  EXPORT_ALL_SPANS: 'export_all_spans',
  WHITELIST_SPANS: 'whitelist_spans',
  BLACKLIST_SPANS: 'blacklist_spans',
} as const;
export type ExportCustomizationMode = (typeof ExportCustomizationMode)[keyof typeof ExportCustomizationMode];

export const DEFAULT_MAX_EXPORTER_FAILURES = 5;

export interface DefaultRecorderOptions {
  exporters: readonly Exporter[];
  exportCustomizationMode?: ExportCustomizationMode;
  /** Span names for the whitelist/blacklist modes (must be non-empty there, absent otherwise). */
  spanNameFilter?: readonly string[] | undefined;
  /** An exporter is disabled after this many failed calls over the recorder's life. Default 5. */
  maxExporterFailures?: number;
  /**
   * Applied to the texts of every application error before it is exported (`error_message`,
   * `exception_message`, `exception_traceback`): remove secrets, user data or file paths (S5).
   */
  redactErrorText?: (text: string, field: ErrorTextField) => string;
  /** Error texts longer than this (after redaction) are cut, with a note of how much. Default 8192 characters. */
  maxErrorTextLength?: number;
  /** Export the stack of a recorded exception as `exception_traceback`. Default true. */
  includeTraceback?: boolean;
  /**
   * How long `flush()` and `close()` wait for each exporter's own `flush()`/`close()`, in milliseconds (longer
   * for an exporter that declares a longer `shutdownTimeoutMillis` of its own). An exporter that overruns is
   * reported and disabled, and the recorder goes on without it (every other exporter is still flushed and
   * closed). Default 5000.
   */
  exporterTimeoutMillis?: number;
  /**
   * At most this many spans are tracked as open (started, not yet stopped). A span started past the bound
   * is still exported and can be stopped as usual, but the recorder does not track it: it does not become
   * the current span, `close()` does not stop it and `getActiveSpansByName()` does not list it. Reaching the
   * bound is reported once as a telemetry-data error. Default 100,000.
   */
  maxOpenSpans?: number;
}

const DEFAULT_MAX_ERROR_TEXT_LENGTH = 8192;
export const DEFAULT_EXPORTER_TIMEOUT_MILLIS = 5000;
export const DEFAULT_MAX_OPEN_SPANS = 100_000;
/** Beyond the bound an exporter declares for its own flush/close, the time it gets to return. */
const DECLARED_BOUND_GRACE_MS = 1000;

/** A stack overflow inside an exporter call is the depth of the job's own code, not a fault of the exporter. */
function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}

/** Per-exporter bookkeeping. */
export interface ExporterStatus {
  readonly exporter: Exporter;
  numErrors: number;
  /** True once a record other than a (possibly held-back) span start was delivered. */
  anyDataExportedSuccessfully: boolean;
  forceDisabled: boolean;
  telemetryDataErrorReported: boolean;
}

/** The current span of one async context. `timedSpan` scopes get their own cell. */
export interface ContextCell {
  latest: Span | undefined;
}

/** One wait on an exporter's `flush()`/`close()`; `settle(reason)` ends it early, reporting the reason. */
interface PendingWait {
  readonly s: ExporterStatus;
  readonly call: 'flush' | 'close';
  settle(overrun?: string): void;
}

function exporterName(exporter: Exporter): string {
  return exporter.constructor?.name || 'Exporter';
}

/**
 * The standard recorder: tracks spans per async context (AsyncLocalStorage), filters spans by name,
 * exports to several exporters and isolates their failures (an exporter that fails `maxExporterFailures`
 * times is disabled; its failures never reach the job).
 */
export class DefaultRecorder implements Recorder, TelemetryDataErrorSink {
  private readonly statuses: ExporterStatus[];
  private readonly mode: ExportCustomizationMode;
  private readonly filter: ReadonlySet<string>;
  private readonly maxFailures: number;
  private readonly context = new AsyncLocalStorage<ContextCell>();
  private readonly rootCell: ContextCell = { latest: undefined };
  /** Started and not yet stopped spans, in start order (at most `maxOpenSpans`). */
  private readonly spans: RunningSpans;
  private openSpansBoundReported = false;
  private readonly exporterTimeout: number;
  /** Exporter calls (`flush`, `close`) being waited for, so a process that exits meanwhile can still report them. */
  private readonly pendingWaits = new Set<PendingWait>();
  private closedFlag = false;
  private readonly initializationProblems: string[] = [];
  private readonly maxErrorText: number;
  private readonly redact: ((text: string, field: ErrorTextField) => string) | undefined;
  private readonly includeTraceback: boolean;
  /** Exporters whose `close()` has been called (they get no more telemetry-data errors). */
  private readonly closingExporters = new Set<ExporterStatus>();
  private exportersClosed = false;
  private closing: Promise<void> | undefined;

  constructor(options: DefaultRecorderOptions) {
    if (options === null || typeof options !== 'object' || !Array.isArray(options.exporters)) {
      throw new OneLoggerError('DefaultRecorder options must be an object with an "exporters" array');
    }
    const mode = options.exportCustomizationMode ?? ExportCustomizationMode.EXPORT_ALL_SPANS;
    const filter = options.spanNameFilter;
    if (mode === ExportCustomizationMode.EXPORT_ALL_SPANS) {
      if (filter !== undefined) {
        throw new OneLoggerError(
          'span_name_filter should not be set when export_customization_mode is ExportCustomizationMode.EXPORT_ALL_SPANS',
        );
      }
    } else if (mode === ExportCustomizationMode.WHITELIST_SPANS || mode === ExportCustomizationMode.BLACKLIST_SPANS) {
      if (!Array.isArray(filter) || filter.length === 0) {
        throw new OneLoggerError(
          `span_name_filter should be a non-empty list when export_customization_mode is ${mode === ExportCustomizationMode.WHITELIST_SPANS ? 'WHITELIST_SPANS' : 'BLACKLIST_SPANS'}`,
        );
      }
      // Span names are non-empty strings: anything else would silently never match.
      const bad = filter.findIndex((name: unknown) => typeof name !== 'string' || name === '');
      if (bad >= 0) {
        throw new OneLoggerError(`span_name_filter[${bad}]: must be a non-empty span name string (got ${describeValue(filter[bad])})`);
      }
    } else {
      throw new OneLoggerError(`Invalid export_customization_mode: ${String(mode)}`);
    }
    const max = options.maxExporterFailures ?? DEFAULT_MAX_EXPORTER_FAILURES;
    if (!Number.isInteger(max) || max < 1) {
      throw new OneLoggerError(`DefaultRecorder.maxExporterFailures: must be a positive integer (got ${String(max)})`);
    }
    const maxText = options.maxErrorTextLength ?? DEFAULT_MAX_ERROR_TEXT_LENGTH;
    if (!Number.isInteger(maxText) || maxText < 64) {
      throw new OneLoggerError(`DefaultRecorder.maxErrorTextLength: must be an integer >= 64 (got ${String(maxText)})`);
    }
    if (options.redactErrorText !== undefined && typeof options.redactErrorText !== 'function') {
      throw new OneLoggerError(
        `DefaultRecorder.redactErrorText: must be a function (text, field) => string (got ${typeof options.redactErrorText})`,
      );
    }
    const timeout = options.exporterTimeoutMillis ?? DEFAULT_EXPORTER_TIMEOUT_MILLIS;
    if (!Number.isInteger(timeout) || timeout < 1) {
      throw new OneLoggerError(`DefaultRecorder.exporterTimeoutMillis: must be a positive integer (got ${String(timeout)})`);
    }
    const maxOpen = options.maxOpenSpans ?? DEFAULT_MAX_OPEN_SPANS;
    if (!Number.isInteger(maxOpen) || maxOpen < 1) {
      throw new OneLoggerError(`DefaultRecorder.maxOpenSpans: must be a positive integer (got ${String(maxOpen)})`);
    }
    this.exporterTimeout = timeout;
    this.spans = new RunningSpans(maxOpen);
    this.maxErrorText = maxText;
    this.redact = options.redactErrorText;
    this.includeTraceback = options.includeTraceback !== false;
    this.mode = mode;
    this.filter = new Set(filter ?? []);
    this.maxFailures = max;
    this.statuses = options.exporters.map((exporter) => ({
      exporter,
      numErrors: 0,
      anyDataExportedSuccessfully: false,
      forceDisabled: false,
      telemetryDataErrorReported: false,
    }));
    internalLogger.debug(`DefaultRecorder created with ${this.statuses.length} exporter(s)`);
    // One exporter that cannot start (an unwritable path, say) must not take the others down: it is
    // disabled and its problem kept; the provider throws or reports it, according to the error strategy.
    for (const s of this.statuses) {
      try {
        const r: unknown = s.exporter.initialize();
        if (r !== undefined && isThenable(r)) this.observeInitialization(s, r);
      } catch (e) {
        s.forceDisabled = true;
        const message = `Exporter ${exporterName(s.exporter)} could not be initialized and is disabled: ${messageOf(e)}`;
        this.initializationProblems.push(message);
        internalLogger.error(message);
      }
    }
  }

  /** Exporters that failed to initialize (each disabled), one message each naming the exporter and the cause. */
  get initializationErrors(): readonly string[] {
    return this.initializationProblems;
  }

  /** The exporters and their failure bookkeeping (read-only use). */
  get exporterStatuses(): readonly ExporterStatus[] {
    return this.statuses;
  }

  get exporters(): readonly Exporter[] {
    return this.statuses.map((s) => s.exporter);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  // ---------------------------------------------------------------- public, guarded API

  start(spanName: string, options?: StartSpanOptions): Span | undefined {
    if (!runtime.enabled) return noteSkipped('start');
    try {
      return this.startSpan(spanName, options);
    } catch (e) {
      return handleTelemetryFailure('start', e, this);
    }
  }

  stop(span: Span | undefined, options?: StopSpanOptions): void {
    if (!runtime.enabled) {
      noteSkipped('stop');
      return;
    }
    try {
      this.stopSpan(span, options);
    } catch (e) {
      handleTelemetryFailure('stop', e, this);
    }
  }

  event<E extends Event>(span: Span | undefined, event: E): E | undefined {
    if (!runtime.enabled) return noteSkipped('event');
    try {
      return this.recordEvent(span, event);
    } catch (e) {
      return handleTelemetryFailure('event', e, this);
    }
  }

  error(span: Span | undefined, errorMessage: string, exception?: unknown): ErrorEvent | undefined {
    if (!runtime.enabled) return noteSkipped('error');
    try {
      return this.recordError(span, errorMessage, exception);
    } catch (e) {
      return handleTelemetryFailure('error', e, this);
    }
  }

  telemetryDataError(errorMessage: string, attributes?: AttributesInput): void {
    if (!runtime.enabled) {
      noteSkipped('telemetryDataError');
      return;
    }
    try {
      this.assertOpen();
      this.sendTelemetryDataError(errorMessage, attributes);
    } catch (e) {
      handleTelemetryFailure('telemetryDataError', e, this);
    }
  }

  runWithSpan<T>(span: Span | undefined, fn: (span: Span | undefined) => T): T {
    if (span === undefined) return fn(undefined);
    return this.context.run({ latest: span }, fn, span);
  }

  /**
   * @internal For `timedSpan`: what `runWithSpan` does, split in two so that no library frame sits between
   * the caller and its callback (deep synchronous nesting reaches nearly the depth of a plain function call).
   * Makes `span` the current span of a fresh context for the code that runs until `leaveSpanScope(previous)`
   * and for every async continuation created meanwhile; returns the context to restore.
   */
  enterSpanScope(span: Span): ContextCell | undefined {
    const previous = this.context.getStore();
    this.context.enterWith({ latest: span });
    return previous;
  }

  /** @internal Restores the context `enterSpanScope` returned. */
  leaveSpanScope(previous: ContextCell | undefined): void {
    this.context.enterWith(previous as ContextCell);
  }

  /** All started, not yet stopped spans named `name`, in start order. */
  getActiveSpansByName(name: string): Span[] {
    const out: Span[] = [];
    for (const s of this.spans) if (s.name === name) out.push(s);
    return out;
  }

  /** @internal For subclasses: the running spans in start order. */
  protected runningSpans(): Span[] {
    return this.spans.toArray();
  }

  /** The current span of this async context (the latest started span that is still active), if any. */
  currentSpan(): Span | undefined {
    return this.resolveLatest(this.cell());
  }

  /** Flushes every exporter; waits at most `exporterTimeoutMillis` for each. Never rejects. */
  async flush(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const s of this.statuses) {
      if (s.forceDisabled) continue;
      const done = this.flushOne(s);
      if (done !== undefined) pending.push(done);
    }
    await Promise.all(pending);
  }

  /**
   * Stops every running span (latest first, so leaves close before their parents), then flushes and closes
   * every exporter, even after the library disabled itself. Exporters that deliver asynchronously (their
   * `flush()` returns a promise: network exporters) are closed first, while the others stay open to record
   * what they report on the way (such as spans a collector never confirmed). Never throws; a second call
   * returns the same promise. The recorder refuses new spans from the first call on.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.stopAllRunning();
      this.closedFlag = true;
      this.closing = this.closeExporters();
    }
    return this.closing;
  }

  // ---------------------------------------------------------------- TelemetryDataErrorSink

  /**
   * @internal Used by the error-handling strategy and by exporters: never guarded, never throws. While the
   * recorder closes, it reaches the exporters not yet closing; a no-op once every exporter is closed.
   */
  reportTelemetryDataErrorUnguarded(message: string): void {
    if (this.exportersClosed) return;
    try {
      this.sendTelemetryDataError(message, undefined);
    } catch (e) {
      internalLogger.error(`Could not report a telemetry data error: ${messageOf(e)}`);
    }
  }

  // ---------------------------------------------------------------- unguarded implementation (for subclasses)

  protected startSpan(spanName: string, options?: StartSpanOptions): Span {
    this.assertOpen();
    const cell = this.cell();
    const parent = options?.parentSpan ?? this.resolveLatest(cell);
    const span = Span.create(spanName, {
      parentSpan: parent,
      spanAttributes: options?.spanAttributes,
      startEventAttributes: options?.startEventAttributes,
      startTime: options?.startTime,
    });
    const exported = this.shouldExport(spanName);
    if (this.mode !== ExportCustomizationMode.EXPORT_ALL_SPANS) {
      let p = parent;
      while (p !== undefined && !this.shouldExport(p.name)) p = p.parentSpan;
      span.exportedParentId = p?.id;
    }
    if (this.spans.add(span)) {
      if (options?.activate !== false) cell.latest = span;
    } else {
      // Past the bound a span is not made current either: later spans would chain onto it as parents and
      // keep every untracked span alive.
      this.reportOpenSpansBound();
    }
    if (exported) {
      for (const s of this.statuses) {
        if (s.forceDisabled) continue;
        try {
          // A JSON exporter may hold the start back, so this alone does not prove delivery.
          const r: unknown = s.exporter.exportStart(span);
          if (r !== undefined) this.observe(s, r);
        } catch (e) {
          this.exportFailed(s, e);
        }
      }
    }
    return span;
  }

  protected stopSpan(span: Span | undefined, options?: StopSpanOptions): void {
    if (!(span instanceof Span)) throw new OneLoggerError('No span to stop');
    const tracked = this.spans.has(span);
    // Stopping twice is harmless (e.g. a timedSpan body whose span close() already stopped).
    if (!tracked && !span.active) return;
    this.assertOpen();
    if (!tracked) throw new OneLoggerError(`Span ${span.name} (id=${span.id}) not found: it was not started by this recorder`);
    // A span stopped directly (span.stop()) keeps its stop event; the recorder still exports it once.
    span.stop(options);
    this.spans.delete(span);
    const cell = this.cell();
    if (cell.latest === span) {
      const parent = span.parentSpan;
      if (parent !== undefined && !parent.active) {
        internalLogger.error(
          `The parent of span ${span.name} (id=${span.id}) is stopped before its child span. The parent span is ${parent.name} (id=${parent.id})`,
        );
      }
      cell.latest = this.nearestActive(parent);
    }
    if (this.shouldExport(span.name)) {
      for (const s of this.statuses) {
        if (s.forceDisabled) continue;
        try {
          const r: unknown = s.exporter.exportStop(span);
          if (r !== undefined) this.observe(s, r);
          s.anyDataExportedSuccessfully = true;
        } catch (e) {
          this.exportFailed(s, e);
        }
      }
    }
  }

  protected recordEvent<E extends Event>(span: Span | undefined, event: E): E {
    this.assertOpen();
    if (!(span instanceof Span)) throw new OneLoggerError('No span to add event to');
    span.addEvent(event);
    if (this.shouldExport(span.name)) {
      for (const s of this.statuses) {
        if (s.forceDisabled) continue;
        try {
          const r: unknown = s.exporter.exportEvent(event, span);
          if (r !== undefined) this.observe(s, r);
          s.anyDataExportedSuccessfully = true;
        } catch (e) {
          this.exportFailed(s, e);
        }
      }
    }
    return event;
  }

  protected recordError(span: Span | undefined, errorMessage: string, exception?: unknown, timestamp?: TracingTimestamp): ErrorEvent {
    this.assertOpen();
    if (!(span instanceof Span)) throw new OneLoggerError('No span to add error to');
    const event = ErrorEvent.fromException(errorMessage, exception, {
      ...(timestamp === undefined ? {} : { timestamp }),
      includeTraceback: this.includeTraceback,
      text: this.exportedErrorText,
    });
    span.addEvent(event);
    if (this.shouldExport(span.name)) {
      for (const s of this.statuses) {
        if (s.forceDisabled) continue;
        try {
          const r: unknown = s.exporter.exportError(event, span);
          if (r !== undefined) this.observe(s, r);
          s.anyDataExportedSuccessfully = true;
        } catch (e) {
          this.exportFailed(s, e);
        }
      }
    }
    return event;
  }

  /** An application-error text as exported: redacted, then bounded (S5). */
  private readonly exportedErrorText = (text: string, field: ErrorTextField): string => {
    let out = text;
    if (this.redact !== undefined) {
      try {
        out = String(this.redact(text, field));
      } catch (e) {
        // A broken redactor must not leak the text it was meant to clean.
        out = `[redaction failed: ${messageOf(e)}]`;
      }
    }
    if (out.length <= this.maxErrorText) return out;
    const note = ` … [${out.length - this.maxErrorText} more characters cut]`;
    return out.slice(0, this.maxErrorText - note.length) + note;
  };

  protected shouldExport(spanName: string): boolean {
    switch (this.mode) {
      case ExportCustomizationMode.EXPORT_ALL_SPANS:
        return true;
      case ExportCustomizationMode.WHITELIST_SPANS:
        return this.filter.has(spanName);
      default:
        return !this.filter.has(spanName);
    }
  }

  protected assertOpen(): void {
    if (this.closedFlag) throw new OneLoggerError('Recorder is already closed.');
  }

  // ---------------------------------------------------------------- internals

  private cell(): ContextCell {
    return this.context.getStore() ?? this.rootCell;
  }

  private resolveLatest(cell: ContextCell): Span | undefined {
    const latest = cell.latest;
    if (latest === undefined || latest.active) return latest;
    // The remembered span was stopped from another context: fall back to its nearest active ancestor.
    const active = this.nearestActive(latest.parentSpan);
    cell.latest = active;
    return active;
  }

  private nearestActive(span: Span | undefined): Span | undefined {
    let p = span;
    while (p !== undefined && !p.active) p = p.parentSpan;
    return p;
  }

  /** Sends one telemetry-data error to each exporter that has not received one yet. */
  private sendTelemetryDataError(errorMessage: string, attributes: AttributesInput): void {
    for (const s of this.statuses) {
      if (s.forceDisabled || s.telemetryDataErrorReported || this.closingExporters.has(s)) continue;
      s.telemetryDataErrorReported = true;
      const type = s.anyDataExportedSuccessfully
        ? TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA
        : TelemetryDataErrorType.NO_TELEMETRY_DATA;
      const error = TelemetryDataError.of(type, errorMessage, attributes);
      try {
        const r: unknown = s.exporter.exportTelemetryDataError(error);
        if (r !== undefined) this.observe(s, r);
        s.anyDataExportedSuccessfully = true;
      } catch (e) {
        this.exportFailed(s, e);
      }
    }
  }

  /**
   * A promise (any thenable) returned by an export method: its rejection is that exporter's failure, counted
   * like a throw, and never reaches the job as an unhandled rejection. Only called for a non-undefined return,
   * so synchronous exporters pay one comparison.
   */
  private observe(s: ExporterStatus, r: unknown): void {
    if (!isThenable(r)) return;
    Promise.resolve(r).then(undefined, (e: unknown) => this.exportFailed(s, e));
  }

  /** An `initialize()` that returned a promise which then rejected: the exporter is disabled and that is reported. */
  private observeInitialization(s: ExporterStatus, r: PromiseLike<unknown>): void {
    Promise.resolve(r).then(undefined, (e: unknown) => {
      s.forceDisabled = true;
      const message = `Exporter ${exporterName(s.exporter)} could not be initialized and is disabled: ${messageOf(e)}`;
      this.initializationProblems.push(message);
      internalLogger.error(message);
      this.reportTelemetryDataErrorUnguarded(message);
    });
  }

  private exportFailed(s: ExporterStatus, e: unknown): void {
    const name = exporterName(s.exporter);
    if (isStackOverflow(e)) {
      // Not counted: five deep recursions of the job must not disable a working exporter. The record is lost.
      internalLogger.once('ERROR', `stack:${name}`, `Exporter ${name} ran out of stack (the job's call depth); that record is lost.`);
      return;
    }
    s.numErrors++;
    // Late asynchronous failures of an exporter already disabled are counted, not logged again.
    if (s.forceDisabled) return;
    const message = `Error exporting data via exporter ${name}: ${messageOf(e)}`;
    internalLogger.error(message);
    if (!s.telemetryDataErrorReported) {
      s.telemetryDataErrorReported = true;
      const type = s.anyDataExportedSuccessfully
        ? TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA
        : TelemetryDataErrorType.NO_TELEMETRY_DATA;
      const couldNot = (e2: unknown): void =>
        internalLogger.error(`Could not export telemetry data error for exporter ${name}: ${messageOf(e2)}`);
      try {
        const r: unknown = s.exporter.exportTelemetryDataError(TelemetryDataError.of(type, message));
        if (r !== undefined && isThenable(r)) Promise.resolve(r).then(undefined, couldNot);
      } catch (e2) {
        couldNot(e2);
      }
    }
    if (s.numErrors >= this.maxFailures && !s.forceDisabled) {
      s.forceDisabled = true;
      internalLogger.error(`Exporter ${name} has been disabled after ${s.numErrors} failures.`);
    }
  }

  private stopAllRunning(): void {
    // Latest first, so children stop before their parents.
    const running = this.spans.toArray().reverse();
    for (const span of running) {
      try {
        this.stopSpan(span);
      } catch (e) {
        internalLogger.error(`Could not stop span ${span.name} (id=${span.id}) while closing: ${messageOf(e)}`);
      }
    }
    this.spans.clear();
    this.rootCell.latest = undefined;
  }

  private async closeExporters(): Promise<void> {
    try {
      // flush() tells the two kinds apart and starts delivery; it is not awaited first, because close()
      // delivers what is left within the exporter's own bound (awaiting both would double that bound).
      const asynchronous = new Set<ExporterStatus>();
      const flushes: Promise<void>[] = [];
      for (const s of this.statuses) {
        if (s.forceDisabled) continue;
        const done = this.flushOne(s);
        if (done === undefined) continue;
        asynchronous.add(s);
        flushes.push(done);
      }
      await this.closeAll(this.statuses.filter((s) => asynchronous.has(s)));
      await Promise.all(flushes);
      await this.closeAll(this.statuses.filter((s) => !asynchronous.has(s)));
    } finally {
      this.exportersClosed = true;
    }
  }

  /**
   * Flushes one exporter; a failure counts against it. Returns the pending flush of an asynchronous exporter,
   * bounded by `exporterTimeoutMillis` (it never rejects).
   */
  private flushOne(s: ExporterStatus): Promise<void> | undefined {
    try {
      const r: unknown = s.exporter.flush();
      if (!isThenable(r)) return undefined;
      return this.bounded(
        s,
        'flush',
        Promise.resolve(r).then(undefined, (e: unknown) => this.exportFailed(s, e)),
      );
    } catch (e) {
      this.exportFailed(s, e);
      return undefined;
    }
  }

  private async closeAll(statuses: ExporterStatus[]): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const s of statuses) {
      this.closingExporters.add(s);
      const failed = (e: unknown): void =>
        internalLogger.error(`Could not close the exporter ${exporterName(s.exporter)}: ${messageOf(e)}`);
      try {
        const r: unknown = s.exporter.close();
        if (isThenable(r)) pending.push(this.bounded(s, 'close', Promise.resolve(r).then(undefined, failed)));
      } catch (e) {
        failed(e);
      }
    }
    await Promise.all(pending);
  }

  /**
   * Waits for `work` (which never rejects) at most `exporterTimeoutMillis`. An exporter that overruns is
   * reported, to the log and as a telemetry-data error to the exporters still open, and disabled. The timer
   * is unref'd: it never keeps a process alive by itself.
   */
  private bounded(s: ExporterStatus, call: 'flush' | 'close', work: Promise<void>): Promise<void> {
    const ms = this.waitBound(s);
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wait: PendingWait = {
        s,
        call,
        settle: (overrun) => {
          if (!this.pendingWaits.delete(wait)) return;
          clearTimeout(timer);
          if (this.pendingWaits.size === 0) {
            process.off('beforeExit', this.givePendingUp);
            process.off('exit', this.reportPendingAtExit);
          }
          if (overrun !== undefined) this.reportOverrun(s, overrun);
          resolve();
        },
      };
      // The bound is unref'd; a process that runs out of work while an exporter never settles gives up on it at
      // once (beforeExit), and one that exits meanwhile still reports it to the exporters not yet closed.
      if (this.pendingWaits.size === 0) {
        process.on('beforeExit', this.givePendingUp);
        process.on('exit', this.reportPendingAtExit);
      }
      this.pendingWaits.add(wait);
      timer = setTimeout(() => wait.settle(`did not finish ${call}() within ${ms} ms`), ms);
      timer.unref();
      work.then(() => wait.settle());
    });
  }

  /** `exporterTimeoutMillis`, or longer for an exporter that declares a longer bound of its own. */
  private waitBound(s: ExporterStatus): number {
    let declared: unknown;
    try {
      declared = s.exporter.shutdownTimeoutMillis;
    } catch {
      declared = undefined;
    }
    if (typeof declared !== 'number' || !Number.isFinite(declared) || declared <= 0) return this.exporterTimeout;
    return Math.max(this.exporterTimeout, Math.ceil(declared) + DECLARED_BOUND_GRACE_MS);
  }

  private reportOverrun(s: ExporterStatus, what: string): void {
    s.forceDisabled = true;
    const message = `Exporter ${exporterName(s.exporter)} ${what}; the recorder stopped waiting for it and went on without it (what it had not delivered may be lost)`;
    internalLogger.error(message);
    this.reportTelemetryDataErrorUnguarded(message);
  }

  /**
   * `beforeExit` while close() waits: nothing else is left to run, so no exporter can still settle (its work
   * holds no handle). The waits end now, reported, and close() goes on to the other exporters, so a job
   * awaiting `shutdown()` finishes normally instead of exiting with the wait unsettled.
   */
  private readonly givePendingUp = (): void => {
    for (const wait of [...this.pendingWaits]) wait.settle(`had not finished ${wait.call}() when the process had nothing else to do`);
  };

  /** `exit` while close() still waits (an explicit `process.exit()`): report each wait, then write what the others buffered. */
  private readonly reportPendingAtExit = (): void => {
    for (const wait of [...this.pendingWaits]) wait.settle(`had not finished ${wait.call}() when the process exited`);
    for (const s of this.statuses) {
      if (s.forceDisabled || this.closingExporters.has(s)) continue;
      try {
        // Synchronous exporters write now; whatever an asynchronous one would start cannot finish at exit.
        void Promise.resolve(s.exporter.flush()).catch(() => undefined);
      } catch {
        // Nothing more can be done at exit.
      }
    }
  };

  /** Reported once: from now on, spans started past the bound are exported but not tracked. */
  private reportOpenSpansBound(): void {
    if (this.openSpansBoundReported) return;
    this.openSpansBoundReported = true;
    const message =
      `More than ${this.spans.capacity} spans are open at once (started and not stopped). Spans started past this ` +
      'bound are still exported, but the recorder does not track them: they do not become the current span, they ' +
      'are not stopped at close and their stop is exported only if the application stops them.';
    internalLogger.error(message);
    this.sendTelemetryDataError(message, undefined);
  }
}
