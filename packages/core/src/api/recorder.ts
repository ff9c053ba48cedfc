import type { AttributesInput } from '../core/attributes.js';
import type { ErrorEvent, Event } from '../core/event.js';
import type { Span } from '../core/span.js';
import type { TracingTimestamp } from '../core/time.js';

export interface StartSpanOptions {
  spanAttributes?: AttributesInput;
  startEventAttributes?: AttributesInput;
  /** Defaults to now. */
  startTime?: TracingTimestamp | undefined;
  /** Defaults to the current span of this async context (the latest started span that is still active). */
  parentSpan?: Span | undefined;
  /**
   * `true` (default): the new span becomes the current span of this async context, so spans started
   * next become its children. `timedSpan` passes `false` and runs its callback in a fresh context instead.
   */
  activate?: boolean;
}

export interface StopSpanOptions {
  stopEventAttributes?: AttributesInput;
  /** Defaults to now. */
  stopTime?: TracingTimestamp | undefined;
}

/**
 * Creates spans and events, tracks parent/child relations and fans out to exporters. Every method returns
 * `undefined` and does nothing when the library is disabled (rank disabled or force-disabled).
 */
export interface Recorder {
  start(spanName: string, options?: StartSpanOptions): Span | undefined;
  stop(span: Span | undefined, options?: StopSpanOptions): void;
  event<E extends Event>(span: Span | undefined, event: E): E | undefined;
  error(span: Span | undefined, errorMessage: string, exception?: unknown): ErrorEvent | undefined;
  telemetryDataError(errorMessage: string, attributes?: AttributesInput): void;
  /** Runs `fn` in a fresh async context whose current span is `span` (children started inside get it as parent). */
  runWithSpan<T>(span: Span | undefined, fn: (span: Span | undefined) => T): T;
  /** Delivers everything the exporters buffered. */
  flush(): Promise<void>;
  /** Stops all running spans now, then flushes and closes every exporter. The recorder is unusable afterwards. */
  close(): Promise<void>;
}
