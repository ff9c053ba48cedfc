import { messageOf, OneLoggerError } from '../core/errors.js';
import { internalLogger } from './logger.js';
import { isThenable } from './utils.js';

export const ErrorHandlingStrategy = {
  /** Library errors are reported to the exporters, logged and re-thrown (for development). */
  PROPAGATE_EXCEPTIONS: 'propagate_exceptions',
  /** Library errors are reported and swallowed; the library disables itself (for production). */
  DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR: 'disable_quietly_and_report_metric_error',
} as const;
export type ErrorHandlingStrategy = (typeof ErrorHandlingStrategy)[keyof typeof ErrorHandlingStrategy];

/** Whatever can take a telemetry-data error report without going through a guard (no recursion). */
export interface TelemetryDataErrorSink {
  reportTelemetryDataErrorUnguarded(message: string): void;
}

/**
 * Process-wide switches read on every guarded call (plain fields: the hot path reads one boolean).
 * Before `OneLoggerProvider.configure`, a recorder used directly works with the propagate strategy.
 */
export const runtime = {
  configured: false,
  /** Configured for this rank and not force-disabled. */
  enabled: true,
  rankEnabled: true,
  forceDisabled: false,
  strategy: ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS as ErrorHandlingStrategy,
  sink: undefined as TelemetryDataErrorSink | undefined,
  fatalErrorLogged: false,
};

function recomputeEnabled(): void {
  runtime.enabled = runtime.rankEnabled && !runtime.forceDisabled;
}

export function setRuntimeConfiguration(options: {
  strategy: ErrorHandlingStrategy;
  rankEnabled: boolean;
  sink: TelemetryDataErrorSink | undefined;
}): void {
  runtime.configured = true;
  runtime.strategy = options.strategy;
  runtime.rankEnabled = options.rankEnabled;
  runtime.sink = options.sink;
  recomputeEnabled();
}

export function forceDisable(): void {
  runtime.forceDisabled = true;
  recomputeEnabled();
}

export function resetRuntime(): void {
  runtime.configured = false;
  runtime.rankEnabled = true;
  runtime.forceDisabled = false;
  runtime.strategy = ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS;
  runtime.sink = undefined;
  runtime.fatalErrorLogged = false;
  rejectedKeys.clear();
  recomputeEnabled();
}

/** Called when a guarded call is skipped because the library is disabled; warns once per function. */
export function noteSkipped(functionName: string): undefined {
  internalLogger.once('WARNING', `skip:${functionName}`, `Skipping execution of ${functionName} because OneLogger is not enabled.`);
  return undefined;
}

let reporting = false;

/**
 * Bad input to a data-model constructor (an attribute value such as a NaN loss). Under the propagate
 * strategy, or before the library is configured, a OneLoggerError with `message` is thrown. Under the quiet
 * strategy the value is left out: a warning is logged and a telemetry-data error reported, once per `key`
 * (so a bad value in every iteration costs one warning). The library stays enabled: this is the caller's
 * data, not a library fault.
 */
export function rejectInput(key: string, message: string): void {
  if (runtime.strategy !== ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR) throw new OneLoggerError(message);
  if (rejectedKeys.has(key)) return;
  if (rejectedKeys.size < MAX_REJECTED_KEYS) rejectedKeys.add(key);
  internalLogger.warning(`${message}; the value is left out.`);
  if (!runtime.enabled || reporting) return;
  reporting = true;
  try {
    runtime.sink?.reportTelemetryDataErrorUnguarded(`Invalid telemetry input left out: ${message}`);
  } catch {
    // Reporting must not turn bad input into an exception.
  } finally {
    reporting = false;
  }
}
const rejectedKeys = new Set<string>();
const MAX_REJECTED_KEYS = 1024;

/**
 * The error-handling strategy, applied to an exception thrown inside a guarded library call.
 * Reports a telemetry-data error (never recursively), then re-throws (propagate) or swallows and
 * disables the library (quiet). Returns `undefined` for the guarded call to return.
 */
export function handleTelemetryFailure(functionName: string, error: unknown, sink?: TelemetryDataErrorSink): undefined {
  const message = `Exception in telemetry code when calling ${functionName}: ${messageOf(error)}`;
  if (runtime.enabled && !reporting) {
    reporting = true;
    try {
      (sink ?? runtime.sink)?.reportTelemetryDataErrorUnguarded(message);
    } catch {
      // A failure to report must not replace the original problem.
    } finally {
      reporting = false;
    }
  }
  if (runtime.strategy === ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS) {
    internalLogger.error(message);
    throw error;
  }
  if (error instanceof RangeError && error.message.includes('call stack')) {
    // The job's own call depth left the library no stack: that call is skipped, the library stays on.
    internalLogger.once('ERROR', `stack:${functionName}`, `${message} (the job's call depth; the call was skipped)`);
    return undefined;
  }
  if (runtime.enabled) {
    if (!runtime.fatalErrorLogged) {
      runtime.fatalErrorLogged = true;
      internalLogger.error(`OneLogger encountered a fatal error. Disabling OneLogger and telemetry data collection. Error: ${message}`);
    }
    forceDisable();
  }
  return undefined;
}

/**
 * Wraps a telemetry function of your own (a callback, an integration hook) the way the recorder guards its
 * methods (the reference's `safely_execute`): skipped with a one-time warning while the library is disabled,
 * and any exception (or rejection, for an async function) handled by the configured error strategy, so under
 * the quiet strategy it returns `undefined` (resolves to it) instead of reaching the job.
 */
export function safelyExecute<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R | undefined {
  return function guarded(this: unknown, ...args: A): R | undefined {
    if (!runtime.enabled) return noteSkipped(name);
    try {
      const result = fn.apply(this, args);
      if (isThenable(result)) {
        return Promise.resolve(result).then(undefined, (e: unknown) => handleTelemetryFailure(name, e)) as R;
      }
      return result;
    } catch (e) {
      return handleTelemetryFailure(name, e);
    }
  };
}
