import { isThenable, type Span } from '@nv-one-logger/core';
import { activeRecorder } from './active-recorder.js';
import {
  logMetrics,
  onAppEnd,
  onAppStart,
  onDataloaderInitEnd,
  onDataloaderInitStart,
  onDistributedInitEnd,
  onDistributedInitStart,
  onLoadCheckpointEnd,
  onLoadCheckpointStart,
  onModelInitEnd,
  onModelInitStart,
  onOptimizerInitEnd,
  onOptimizerInitStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTestingEnd,
  onTestingStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
} from './callbacks.js';
import type { LogMetricsOptions, ModelMetrics } from './model-metrics.js';
import { CheckpointStrategy } from './names.js';
import type { TrainStartOptions } from './training-recorder.js';

// Callback forms: `start`, then `fn(span)` (sync or async), then `end` once `fn` returns or its promise settles.
// If `fn` throws, `end` still runs and `fn`'s error is re-thrown; an error from `end` never replaces it.
// If `start` throws (propagate strategy), `fn` does not run and `end` is not called.

type Body<T> = (span: Span | undefined) => T;

function endAfterError(end: () => void): void {
  try {
    end();
  } catch {
    // The body's error wins; the end callback's failure was already reported by its guard.
  }
}

function scoped<T>(span: Span | undefined, fn: Body<T>, end: () => void, onSuccess?: () => void): T {
  let result: T;
  try {
    result = fn(span);
  } catch (e) {
    endAfterError(end);
    throw e;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => {
        onSuccess?.();
        end();
        return value;
      },
      (e: unknown) => {
        endAfterError(end);
        throw e;
      },
    ) as T;
  }
  onSuccess?.();
  end();
  return result;
}

/** The whole application: `onAppStart`, `fn`, then `onAppEnd` (which closes the exporters); always returns a promise. */
export async function application<T>(fn: Body<T>): Promise<Awaited<T>> {
  const span = onAppStart();
  try {
    return await fn(span);
  } finally {
    await onAppEnd();
  }
}

export function distributedInit<T>(fn: Body<T>): T {
  return scoped(onDistributedInitStart(), fn, () => onDistributedInitEnd());
}

export function modelInit<T>(fn: Body<T>): T {
  return scoped(onModelInitStart(), fn, () => onModelInitEnd());
}

export function dataloaderInit<T>(fn: Body<T>): T {
  return scoped(onDataloaderInitStart(), fn, () => onDataloaderInitEnd());
}

export function optimizerInit<T>(fn: Body<T>): T {
  return scoped(onOptimizerInitStart(), fn, () => onOptimizerInitEnd());
}

export function checkpointLoad<T>(fn: Body<T>): T {
  return scoped(onLoadCheckpointStart(), fn, () => onLoadCheckpointEnd());
}

export function trainingLoop<T>(options: Omit<TrainStartOptions, 'startTimeMsec'>, fn: Body<T>): T {
  return scoped(onTrainStart(options), fn, () => onTrainEnd());
}

/** One training iteration (the per-iteration hot path: no closures for synchronous bodies). */
export function trainingIteration<T>(fn: Body<T>): T {
  const span = onTrainingSingleIterationStart();
  let result: T;
  try {
    result = fn(span);
  } catch (e) {
    endAfterError(onTrainingSingleIterationEnd);
    throw e;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => {
        onTrainingSingleIterationEnd();
        return value;
      },
      (e: unknown) => {
        endAfterError(onTrainingSingleIterationEnd);
        throw e;
      },
    ) as T;
  }
  onTrainingSingleIterationEnd();
  return result;
}

export function validationLoop<T>(fn: Body<T>): T {
  return scoped(onValidationStart(), fn, () => onValidationEnd());
}

export function validationIteration<T>(fn: Body<T>): T {
  return scoped(onValidationSingleIterationStart(), fn, () => onValidationSingleIterationEnd());
}

export function testingLoop<T>(fn: Body<T>): T {
  return scoped(onTestingStart(), fn, () => onTestingEnd());
}

function isSyncStrategy(): boolean {
  return activeRecorder()?.trainingConfig?.saveCheckpointStrategy !== CheckpointStrategy.ASYNC;
}

/**
 * A checkpoint save. With the sync strategy, a body that completes normally is reported as a successful save
 * (before the end); with the async strategy, report success yourself (`onSaveCheckpointSuccess`) when the
 * background write completes.
 */
export function checkpointSave<T>(options: { globalStep: number }, fn: Body<T>): T {
  const globalStep = options.globalStep;
  return scoped(
    onSaveCheckpointStart({ globalStep }),
    fn,
    () => onSaveCheckpointEnd(),
    () => {
      if (isSyncStrategy()) onSaveCheckpointSuccess({ globalStep });
    },
  );
}

// Disposable forms, for `using` (and `await using` for the application).

/** A started phase; disposing it calls the matching end callback (once). */
export class CallbackScope implements Disposable {
  readonly span: Span | undefined;
  private readonly endCallback: () => void;
  private ended = false;

  constructor(span: Span | undefined, end: () => void) {
    this.span = span;
    this.endCallback = end;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.endCallback();
  }

  /** `logMetrics` while this phase runs (inside a training or validation loop, the metrics go on that loop). */
  logMetrics(metrics: ModelMetrics, options?: LogMetricsOptions): void {
    logMetrics(metrics, options);
  }

  [Symbol.dispose](): void {
    this.end();
  }
}

/** The application for `await using`: disposing it awaits `onAppEnd`. */
export class ApplicationScope implements AsyncDisposable {
  readonly span: Span | undefined;
  private ending: Promise<void> | undefined;

  constructor(span: Span | undefined) {
    this.span = span;
  }

  end(): Promise<void> {
    this.ending ??= onAppEnd();
    return this.ending;
  }

  /** `logMetrics` while the application runs. */
  logMetrics(metrics: ModelMetrics, options?: LogMetricsOptions): void {
    logMetrics(metrics, options);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.end();
  }
}

/** A checkpoint save for `using`: call `success()` when the save has completed (sync strategy), then let it end. */
export class CheckpointSaveScope extends CallbackScope {
  private readonly globalStep: number;

  constructor(span: Span | undefined, globalStep: number) {
    super(span, () => onSaveCheckpointEnd());
    this.globalStep = globalStep;
  }

  success(): void {
    onSaveCheckpointSuccess({ globalStep: this.globalStep });
  }
}

export function startApplication(): ApplicationScope {
  return new ApplicationScope(onAppStart());
}
export function startDistributedInit(): CallbackScope {
  return new CallbackScope(onDistributedInitStart(), () => onDistributedInitEnd());
}
export function startModelInit(): CallbackScope {
  return new CallbackScope(onModelInitStart(), () => onModelInitEnd());
}
export function startDataloaderInit(): CallbackScope {
  return new CallbackScope(onDataloaderInitStart(), () => onDataloaderInitEnd());
}
export function startOptimizerInit(): CallbackScope {
  return new CallbackScope(onOptimizerInitStart(), () => onOptimizerInitEnd());
}
export function startCheckpointLoad(): CallbackScope {
  return new CallbackScope(onLoadCheckpointStart(), () => onLoadCheckpointEnd());
}
export function startTrainingLoop(options: Omit<TrainStartOptions, 'startTimeMsec'>): CallbackScope {
  return new CallbackScope(onTrainStart(options), () => onTrainEnd());
}
export function startTrainingIteration(): CallbackScope {
  return new CallbackScope(onTrainingSingleIterationStart(), onTrainingSingleIterationEnd);
}
export function startValidationLoop(): CallbackScope {
  return new CallbackScope(onValidationStart(), () => onValidationEnd());
}
export function startValidationIteration(): CallbackScope {
  return new CallbackScope(onValidationSingleIterationStart(), () => onValidationSingleIterationEnd());
}
export function startTestingLoop(): CallbackScope {
  return new CallbackScope(onTestingStart(), () => onTestingEnd());
}
export function startCheckpointSave(options: { globalStep: number }): CheckpointSaveScope {
  return new CheckpointSaveScope(onSaveCheckpointStart({ globalStep: options.globalStep }), options.globalStep);
}
