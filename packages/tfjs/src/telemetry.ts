import { internalLogger, messageOf, type Span, telemetryRuntime, wallNowMs } from '@nv-one-logger/core';
import { CheckpointStrategy, type TrainingRecorder, TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';

// Small internal accessors over the training-telemetry provider, shared by the callback and the save wrappers.

/** The configured, enabled recorder; undefined when the library is not configured, disabled, or closed. */
export function activeRecorder(): TrainingRecorder | undefined {
  const provider = TrainingTelemetryProvider.instance();
  if (!provider.isReady || !telemetryRuntime.enabled) return undefined;
  const recorder = provider.recorder;
  return recorder.closed ? undefined : recorder;
}

/** The checkpoint strategy of the training config (sync when none is set yet). */
export function configuredStrategy(): CheckpointStrategy | undefined {
  return TrainingTelemetryProvider.instance().trainingConfig?.saveCheckpointStrategy;
}

let strategyMismatchWarned = false;

/**
 * The strategy a save follows. The recorder names spans after the configured strategy, so a different
 * requested strategy would produce inconsistent records: the configured one wins, with a warning.
 */
export function effectiveStrategy(requested: CheckpointStrategy | undefined): CheckpointStrategy {
  const configured = configuredStrategy();
  if (configured !== undefined && requested !== undefined && configured !== requested && !strategyMismatchWarned) {
    strategyMismatchWarned = true;
    internalLogger.warning(
      `Checkpoint strategy '${requested}' was requested but the training telemetry config says '${configured}'; following the config.`,
    );
  }
  return configured ?? requested ?? CheckpointStrategy.SYNC;
}

export function nowMs(): number {
  return wallNowMs();
}

// Errors already recorded as application_error records, so an outer wrapper does not record them again.
const recorded = new WeakSet<object>();

export function wasRecorded(error: unknown): boolean {
  return typeof error === 'object' && error !== null && recorded.has(error);
}

/**
 * Records `error` as an application_error on the first running span among `spanNames`. Never throws: this
 * runs on failure paths, where the user's error must win over any telemetry problem.
 */
export function recordError(spanNames: readonly string[], message: string, error: unknown): void {
  if (wasRecorded(error)) return;
  try {
    const recorder = activeRecorder();
    if (recorder === undefined) return;
    let span: Span | undefined;
    for (const name of spanNames) {
      span = recorder.activeStandardSpan(name);
      if (span !== undefined) break;
    }
    if (span === undefined) return;
    recorder.error(span, message, error);
    if (typeof error === 'object' && error !== null) recorded.add(error);
  } catch (e) {
    internalLogger.warning(`Could not record an error: ${messageOf(e)}`);
  }
}

/** Runs a telemetry call on a failure path: its own errors are logged, never thrown over the user's error. */
export function quietly(what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    internalLogger.warning(`${what} failed: ${messageOf(e)}`);
  }
}
