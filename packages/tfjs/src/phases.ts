import { type ExitHandlerOptions, installExitHandlers, type Span } from '@nv-one-logger/core';
import {
  application,
  checkpointLoad,
  dataloaderInit,
  modelInit,
  optimizerInit,
  StandardTrainingJobSpanName,
  testingLoop,
  validationLoop,
} from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { waitForCheckpointSaves } from './checkpoint-save.js';
import { fileSystemLoadHandler } from './file-system-handlers.js';
import { recordError } from './telemetry.js';

// Phase helpers: thin wrappers over training-telemetry's callback forms (start, run `fn` — sync or async —,
// end, also when `fn` throws; `fn`'s error is re-thrown unchanged).

type Body<T> = (span: Span | undefined) => T;

export interface WithApplicationOptions {
  /** Install SIGINT/SIGTERM handlers (core `installExitHandlers`) while `fn` runs. Default false. */
  exitHandlers?: boolean | ExitHandlerOptions;
  /** How long to wait for background (async) checkpoint writes before ending the application. Default 60 000 ms. */
  checkpointWaitMs?: number;
}

/**
 * The whole application: `onAppStart`, `fn`, then — after background checkpoint writes have reported their
 * success — `onAppEnd` (stops what is still open, flushes and closes the exporters). An error escaping `fn` is
 * recorded as an application_error on the application span (unless already recorded deeper) and re-thrown.
 */
export function withApplication<T>(fn: Body<T | Promise<T>>, options: WithApplicationOptions = {}): Promise<Awaited<T>> {
  return application(async (span) => {
    const exit = options.exitHandlers;
    const removeExitHandlers = exit === undefined || exit === false ? undefined : installExitHandlers(exit === true ? {} : exit);
    try {
      return (await fn(span)) as Awaited<T>;
    } catch (e) {
      recordError([StandardTrainingJobSpanName.APPLICATION], `Error in ${StandardTrainingJobSpanName.APPLICATION}: `, e);
      throw e;
    } finally {
      removeExitHandlers?.();
      await waitForCheckpointSaves(options.checkpointWaitMs === undefined ? {} : { timeoutMs: options.checkpointWaitMs });
    }
  });
}

/** Model building and `compile` (`model_initialization`). */
export function withModelInit<T>(fn: Body<T>): T {
  return modelInit(fn);
}

/** Optimizer creation (`optimizer_initialization`). */
export function withOptimizerInit<T>(fn: Body<T>): T {
  return optimizerInit(fn);
}

/** Dataset / tensor preparation (`data_loader_initialization`). */
export function withDataloaderInit<T>(fn: Body<T>): T {
  return dataloaderInit(fn);
}

/** Loading a checkpoint (`checkpoint_load`), e.g. `withCheckpointLoad(() => tf.loadLayersModel(handler))`. */
export function withCheckpointLoad<T>(fn: Body<T>): T {
  return checkpointLoad(fn);
}

/** A validation run outside fit (`validation_loop`). */
export function withValidationLoop<T>(fn: Body<T>): T {
  return validationLoop(fn);
}

/** A test run (`testing_loop`). */
export function withTestingLoop<T>(fn: Body<T>): T {
  return testingLoop(fn);
}

/**
 * `tf.loadLayersModel` inside `checkpoint_load`. A `file://` URL without a registered load handler (pure
 * TensorFlow.js in Node) is read with `fileSystemLoadHandler`.
 */
export function loadCheckpoint(source: string | tf.io.IOHandler, options?: tf.io.LoadOptions): Promise<tf.LayersModel> {
  return checkpointLoad(() => {
    let from = source;
    if (typeof source === 'string' && source.startsWith('file://') && tf.io.getLoadHandlers(source).length === 0) {
      from = fileSystemLoadHandler(source.slice('file://'.length));
    }
    return tf.loadLayersModel(from, options);
  });
}
