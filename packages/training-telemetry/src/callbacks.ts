import { handleTelemetryFailure, noteSkipped, type Span, telemetryRuntime, type ValueOrFn } from '@nv-one-logger/core';
import { activeRecorder } from './active-recorder.js';
import type { LogMetricsOptions, ModelMetrics } from './model-metrics.js';
import type { SaveCheckpointSuccessOptions, TrainingRecorder, TrainStartOptions } from './training-recorder.js';

// Every callback is guarded the same way: skipped (undefined) when the library is not configured or disabled on
// this rank; an error inside goes through the error-handling strategy (re-thrown, or swallowed and the library
// disabled). No closures or allocations per call beyond what the recorder needs.

/** Optional explicit time of a start callback, in epoch milliseconds (default now). */
/** Runs `invoke` on the configured recorder under the error-handling strategy (not for the per-iteration hot path). */
function guarded<R>(name: string, invoke: (recorder: TrainingRecorder) => R): R | undefined {
  const r = activeRecorder();
  if (r === undefined || !telemetryRuntime.enabled) return noteSkipped(name);
  try {
    return invoke(r);
  } catch (e) {
    return handleTelemetryFailure(name, e, r);
  }
}

export interface StartTimeOptions {
  startTimeMsec?: number;
}
/** Optional explicit time of an end callback, in epoch milliseconds (default now). */
export interface FinishTimeOptions {
  finishTimeMsec?: number;
}

export function onAppStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onAppStart', (r) => r.onAppStart(options?.startTimeMsec));
}

/**
 * Stops every open span (children first) and the application span, then closes the exporters. Resolves once
 * every exporter has flushed. Even after the library disabled itself, the exporters are still closed.
 */
export async function onAppEnd(options?: FinishTimeOptions): Promise<void> {
  const r = activeRecorder();
  if (r === undefined) {
    noteSkipped('onAppEnd');
    return;
  }
  if (!telemetryRuntime.enabled) {
    // The library disabled itself (or the rank is disabled): still stop what is open and close the exporters.
    try {
      await r.onAppEnd(options?.finishTimeMsec);
    } catch {
      await r.close();
    }
    return;
  }
  let closing: Promise<void>;
  try {
    closing = r.onAppEnd(options?.finishTimeMsec);
  } catch (e) {
    try {
      handleTelemetryFailure('onAppEnd', e, r);
    } finally {
      await r.close();
    }
    return;
  }
  await closing;
}

export function onDistributedInitStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onDistributedInitStart', (r) => r.onDistributedInitStart(options?.startTimeMsec));
}

export function onDistributedInitEnd(options?: FinishTimeOptions): void {
  guarded('onDistributedInitEnd', (r) => r.onDistributedInitEnd(options?.finishTimeMsec));
}

export function onModelInitStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onModelInitStart', (r) => r.onModelInitStart(options?.startTimeMsec));
}

export function onModelInitEnd(options?: FinishTimeOptions): void {
  guarded('onModelInitEnd', (r) => r.onModelInitEnd(options?.finishTimeMsec));
}

export function onDataloaderInitStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onDataloaderInitStart', (r) => r.onDataloaderInitStart(options?.startTimeMsec));
}

export function onDataloaderInitEnd(options?: FinishTimeOptions): void {
  guarded('onDataloaderInitEnd', (r) => r.onDataloaderInitEnd(options?.finishTimeMsec));
}

export function onOptimizerInitStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onOptimizerInitStart', (r) => r.onOptimizerInitStart(options?.startTimeMsec));
}

export function onOptimizerInitEnd(options?: FinishTimeOptions): void {
  guarded('onOptimizerInitEnd', (r) => r.onOptimizerInitEnd(options?.finishTimeMsec));
}

export function onLoadCheckpointStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onLoadCheckpointStart', (r) => r.onLoadCheckpointStart(options?.startTimeMsec));
}

export function onLoadCheckpointEnd(options?: FinishTimeOptions): void {
  guarded('onLoadCheckpointEnd', (r) => r.onLoadCheckpointEnd(options?.finishTimeMsec));
}

export type { TrainStartOptions };

export function onTrainStart(options: TrainStartOptions): Span | undefined {
  return guarded('onTrainStart', (r) => r.onTrainStart(options));
}

export function onTrainEnd(options?: FinishTimeOptions): void {
  guarded('onTrainEnd', (r) => r.onTrainEnd(options?.finishTimeMsec));
}

/** Per-iteration hot path. Returns the iteration span only when iteration spans are exported (not by default). */
export function onTrainingSingleIterationStart(options?: StartTimeOptions): Span | undefined {
  const r = activeRecorder();
  if (r === undefined || !telemetryRuntime.enabled) return noteSkipped('onTrainingSingleIterationStart');
  try {
    return r.onTrainingSingleIterationStart(options?.startTimeMsec);
  } catch (e) {
    return handleTelemetryFailure('onTrainingSingleIterationStart', e, r);
  }
}

/** Per-iteration hot path. */
export function onTrainingSingleIterationEnd(options?: FinishTimeOptions): void {
  const r = activeRecorder();
  if (r === undefined || !telemetryRuntime.enabled) {
    noteSkipped('onTrainingSingleIterationEnd');
    return;
  }
  try {
    r.onTrainingSingleIterationEnd(options?.finishTimeMsec);
  } catch (e) {
    handleTelemetryFailure('onTrainingSingleIterationEnd', e, r);
  }
}

export function onValidationStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onValidationStart', (r) => r.onValidationStart(options?.startTimeMsec));
}

export function onValidationEnd(options?: FinishTimeOptions): void {
  guarded('onValidationEnd', (r) => r.onValidationEnd(options?.finishTimeMsec));
}

export function onValidationSingleIterationStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onValidationSingleIterationStart', (r) => r.onValidationSingleIterationStart(options?.startTimeMsec));
}

export function onValidationSingleIterationEnd(options?: FinishTimeOptions): void {
  guarded('onValidationSingleIterationEnd', (r) => r.onValidationSingleIterationEnd(options?.finishTimeMsec));
}

export function onTestingStart(options?: StartTimeOptions): Span | undefined {
  return guarded('onTestingStart', (r) => r.onTestingStart(options?.startTimeMsec));
}

export function onTestingEnd(options?: FinishTimeOptions): void {
  guarded('onTestingEnd', (r) => r.onTestingEnd(options?.finishTimeMsec));
}

export function onSaveCheckpointStart(options: { globalStep: number; startTimeMsec?: number }): Span | undefined {
  return guarded('onSaveCheckpointStart', (r) => r.onSaveCheckpointStart(options));
}

/** Sync strategy: between start and end. Async strategy: whenever the background save completes. */
export function onSaveCheckpointSuccess(options: SaveCheckpointSuccessOptions): void {
  guarded('onSaveCheckpointSuccess', (r) => r.onSaveCheckpointSuccess(options));
}

export function onSaveCheckpointEnd(options?: FinishTimeOptions): void {
  guarded('onSaveCheckpointEnd', (r) => r.onSaveCheckpointEnd(options?.finishTimeMsec));
}

/**
 * Records the model's own metrics as a `model_metrics` event: `logMetrics({ loss: 0.42, accuracy: 0.91 })`
 * (step = training iterations completed so far) or `logMetrics({ val_loss: 0.5 }, { step: 1200 })`. Names match
 * `[A-Za-z_][A-Za-z0-9_./-]*` and are not reserved attribute names; values are finite numbers. Cheap enough for
 * every iteration (no closure, no allocation beyond the event).
 */
export function logMetrics(metrics: ModelMetrics, options?: LogMetricsOptions): void {
  const r = activeRecorder();
  if (r === undefined || !telemetryRuntime.enabled) {
    noteSkipped('logMetrics');
    return;
  }
  try {
    r.logMetrics(metrics, options);
  } catch (e) {
    handleTelemetryFailure('logMetrics', e, r);
  }
}

/** Re-exported for option types that accept functions. */
export type { ValueOrFn };
