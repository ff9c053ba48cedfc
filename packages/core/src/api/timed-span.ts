import type { AttributesInput } from '../core/attributes.js';
import { OneLoggerError } from '../core/errors.js';
import type { Span } from '../core/span.js';
import { isThenable } from '../internal/utils.js';
import { DefaultRecorder } from '../recorder/default-recorder.js';
import { OneLoggerProvider } from './provider.js';
import type { Recorder } from './recorder.js';

/** The configured recorder; throws a OneLoggerError before `OneLoggerProvider.instance().configure()`. */
export function getRecorder(): Recorder {
  const provider = OneLoggerProvider.instance();
  if (!provider.isReady) {
    throw new OneLoggerError('One Logger is not configured! Use OneLoggerProvider.instance().configure() to configure One Logger.');
  }
  return provider.recorder;
}

export interface TimedSpanOptions {
  spanAttributes?: AttributesInput;
  startEventAttributes?: AttributesInput;
}

/** Records the body's error and stops the span without ever replacing the body's own error. */
function finishAfterError(recorder: Recorder, span: Span | undefined, name: string, error: unknown): void {
  try {
    recorder.error(span, `Error in ${name}: `, error);
  } catch {
    // Already reported as a telemetry-data error by the recorder's guard; the user's error wins.
  }
  try {
    recorder.stop(span);
  } catch {
    // Same: never mask the user's error.
  }
}

/**
 * Runs `fn` inside a span named `name`: starts it, runs `fn(span)` in a fresh async context whose children
 * get this span as parent, records an error if `fn` throws or rejects (then re-throws the same error), and
 * stops the span when `fn` returns or its promise settles. Works with sync and async callbacks.
 * `span` is `undefined` when the library is disabled on this rank.
 */
export function timedSpan<T>(name: string, fn: (span: Span | undefined) => T, options?: TimedSpanOptions): T {
  const recorder = getRecorder();
  const span = startScoped(recorder, name, options);
  if (span === undefined || !(recorder instanceof DefaultRecorder)) return runThroughRecorder(recorder, span, name, fn);
  // The body runs right from this frame (no run() wrapper in between) and everything else happens in calls
  // made before or after it: one small library frame per nesting level.
  const previous = recorder.enterSpanScope(span);
  let result: T;
  try {
    result = fn(span);
  } catch (e) {
    recorder.leaveSpanScope(previous);
    finishAfterError(recorder, span, name, e);
    throw e;
  }
  recorder.leaveSpanScope(previous);
  return finish(recorder, span, name, result);
}

/** Starts the span of a `timedSpan` (not made current here: the body's own context makes it current). */
function startScoped(recorder: Recorder, name: string, options: TimedSpanOptions | undefined): Span | undefined {
  return recorder.start(name, {
    spanAttributes: options?.spanAttributes,
    startEventAttributes: options?.startEventAttributes,
    activate: false,
  });
}

/** `timedSpan` with a custom recorder, or with no span (library disabled): through `runWithSpan`. */
function runThroughRecorder<T>(recorder: Recorder, span: Span | undefined, name: string, fn: (span: Span | undefined) => T): T {
  let result: T;
  try {
    result = recorder.runWithSpan(span, fn);
  } catch (e) {
    finishAfterError(recorder, span, name, e);
    throw e;
  }
  return finish(recorder, span, name, result);
}

/** Stops the span now, or when the body's promise settles (recording its rejection). */
function finish<T>(recorder: Recorder, span: Span | undefined, name: string, result: T): T {
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => {
        recorder.stop(span);
        return value;
      },
      (e: unknown) => {
        finishAfterError(recorder, span, name, e);
        throw e;
      },
    ) as T;
  }
  recorder.stop(span);
  return result;
}

/** A running span for `using`: stopped when the block exits. */
export class TimedSpanHandle implements Disposable {
  readonly span: Span | undefined;
  private readonly recorder: Recorder;
  private readonly name: string;

  /** @internal Use `startTimedSpan`. */
  constructor(recorder: Recorder, name: string, options?: TimedSpanOptions) {
    this.recorder = recorder;
    this.name = name;
    this.span = recorder.start(name, {
      spanAttributes: options?.spanAttributes,
      startEventAttributes: options?.startEventAttributes,
    });
  }

  /** Records an error in the span (`using` cannot see the block's exception; call this from a catch). */
  recordError(error: unknown): void {
    try {
      this.recorder.error(this.span, `Error in ${this.name}: `, error);
    } catch {
      // Reported by the recorder's guard; the caller keeps handling its own error.
    }
  }

  /** Stops the span (idempotent). */
  end(): void {
    this.recorder.stop(this.span);
  }

  [Symbol.dispose](): void {
    this.end();
  }
}

/**
 * The disposable form of `timedSpan`: `using handle = startTimedSpan('load');`. The span becomes the current
 * span of this async context until it stops.
 */
export function startTimedSpan(name: string, options?: TimedSpanOptions): TimedSpanHandle {
  return new TimedSpanHandle(getRecorder(), name, options);
}
