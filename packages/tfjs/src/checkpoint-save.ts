import { internalLogger, messageOf } from '@nv-one-logger/core';
import {
  CheckpointStrategy,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  StandardTrainingJobSpanName,
} from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { type DirectoryIOHandler, fileSystemSaveHandler } from './file-system-handlers.js';
import { effectiveStrategy, nowMs, quietly, recordError } from './telemetry.js';

// Checkpoint saves through TF.js IO handlers (spec/training.md §7, §8.2):
// sync  = start → await the write → success → end (the span covers the whole blocking save);
// async = start → launch the write → end, and success later, on the application span, once the write completes.
// A failed save (thrown error or SaveResult.errors) reports no success and records an application_error.

/** Where a save goes: a URL (`tf.io.getSaveHandlers`; `file://` falls back to `fileSystemSaveHandler`) or an IOHandler. */
export type SaveTarget = string | tf.io.IOHandler;

export type CheckpointSaveStatus = 'pending' | 'succeeded' | 'failed';

/** What one instrumented save did. */
export interface CheckpointSaveInfo {
  readonly globalStep: number;
  readonly strategy: CheckpointStrategy;
  status: CheckpointSaveStatus;
  /** Bytes of topology + weight specs + weight data, from the handler's `modelArtifactsInfo`. */
  checkpointSize?: number;
  /** The URL, or the directory of a `fileSystemSaveHandler`, or the `directory` option. */
  checkpointDirectory?: string;
  error?: unknown;
}

export interface InstrumentSaveOptions {
  /** Defaults to the training config's `saveCheckpointStrategy`; the config wins if they differ (with a warning). */
  strategy?: CheckpointStrategy;
  /** Reported as the checkpoint directory when the target does not say (an IOHandler other than ours). */
  directory?: string;
}

/** An IOHandler whose `save` reports the checkpoint telemetry. */
export interface InstrumentedSaveHandler extends tf.io.IOHandler {
  save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult>;
  /** The latest save attempt through this handler. */
  readonly lastSave: CheckpointSaveInfo | undefined;
}

// Marks handlers made by instrumentSaveHandler, and models whose save is instrumented (the value restores it).
const INSTRUMENTED = Symbol.for('@nv-one-logger/tfjs.instrumented');
const RESTORE_SAVE = Symbol.for('@nv-one-logger/tfjs.restoreSave');
// The explicit start time is validated against a ±600 s window; stay well inside it.
const MAX_BACKDATE_MS = 300_000;

function isInstrumented(target: unknown): boolean {
  return typeof target === 'object' && target !== null && (target as { [INSTRUMENTED]?: boolean })[INSTRUMENTED] === true;
}

function spanNameOf(strategy: CheckpointStrategy): string {
  return strategy === CheckpointStrategy.ASYNC
    ? StandardTrainingJobSpanName.CHECKPOINT_SAVE_ASYNC
    : StandardTrainingJobSpanName.CHECKPOINT_SAVE_SYNC;
}

/** Resolves a URL like `model.save` does, with a pure-JS fallback for `file://` (tfjs-node is not required). */
export function resolveSaveTarget(target: SaveTarget, directory?: string): { handler: tf.io.IOHandler; directory: string | undefined } {
  if (typeof target === 'string') {
    const handlers = tf.io.getSaveHandlers(target);
    if (handlers.length === 1) return { handler: handlers[0] as tf.io.IOHandler, directory: target };
    if (handlers.length === 0 && target.startsWith('file://')) {
      return { handler: fileSystemSaveHandler(target.slice('file://'.length)), directory: target };
    }
    if (handlers.length === 0) throw new Error(`Cannot find any save handlers for URL '${target}'`);
    throw new Error(`Found more than one (${handlers.length}) save handlers for URL '${target}'`);
  }
  if (target === null || typeof target !== 'object' || typeof target.save !== 'function') {
    throw new Error('The save target must be a URL or an IOHandler with a save method');
  }
  const own = (target as Partial<DirectoryIOHandler>).directory;
  return { handler: target, directory: typeof own === 'string' ? own : directory };
}

function checkpointSizeOf(result: tf.io.SaveResult): number | undefined {
  const info = result?.modelArtifactsInfo;
  if (info === undefined || info === null) return undefined;
  const size = (info.modelTopologyBytes ?? 0) + (info.weightSpecsBytes ?? 0) + (info.weightDataBytes ?? 0);
  return Number.isFinite(size) ? size : undefined;
}

function failureOf(result: tf.io.SaveResult): Error | undefined {
  const errors = result?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return new Error(`The save handler reported errors: ${errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ')}`);
}

// Background writes of async saves, so the application can wait for their success events before it ends.
const pendingWrites = new Set<Promise<unknown>>();

function track(write: Promise<unknown>): void {
  const settled = write.then(
    () => undefined,
    () => undefined,
  );
  pendingWrites.add(settled);
  void settled.then(() => pendingWrites.delete(settled));
}

/**
 * Waits until every async checkpoint write started so far has completed (and reported its success), or until
 * `timeoutMs` (default 60 s) has passed. `withApplication` calls it before ending the application.
 */
export async function waitForCheckpointSaves(options: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  while (pendingWrites.size > 0) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      internalLogger.warning(`${pendingWrites.size} checkpoint write(s) still running; not waiting any longer`);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pendingWrites),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, remaining);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** One save attempt: its telemetry calls, in the order of its strategy. */
class SaveAttempt {
  readonly info: CheckpointSaveInfo;
  private readonly requestedAtMs: number | undefined;
  private open = false;

  constructor(globalStep: number, strategy: CheckpointStrategy, directory: string | undefined, requestedAtMs: number | undefined) {
    this.info = { globalStep, strategy, status: 'pending' };
    if (directory !== undefined) this.info.checkpointDirectory = directory;
    this.requestedAtMs = requestedAtMs;
  }

  /** Runs the write through `inner` with the telemetry of the strategy. */
  run(inner: tf.io.IOHandler, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    this.begin();
    return this.info.strategy === CheckpointStrategy.ASYNC ? this.runAsync(inner, artifacts) : this.runSync(inner, artifacts);
  }

  /** The save failed before anything was written (serialisation, no handler for the URL): a span with the error, no success. */
  failBeforeWrite(error: unknown): void {
    this.info.status = 'failed';
    this.info.error = error;
    quietly('onSaveCheckpointStart', () => this.begin());
    recordError([spanNameOf(this.info.strategy)], `Checkpoint save at global step ${this.info.globalStep} failed: `, error);
    quietly('onSaveCheckpointEnd', () => this.end());
  }

  private begin(): void {
    const start = this.requestedAtMs;
    const backdate = start !== undefined && nowMs() - start < MAX_BACKDATE_MS;
    onSaveCheckpointStart(backdate ? { globalStep: this.info.globalStep, startTimeMsec: start } : { globalStep: this.info.globalStep });
    this.open = true;
  }

  private end(): void {
    if (!this.open) return;
    this.open = false;
    onSaveCheckpointEnd();
  }

  private async runSync(inner: tf.io.IOHandler, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    let result: tf.io.SaveResult;
    try {
      result = await (inner.save as NonNullable<tf.io.IOHandler['save']>)(artifacts);
    } catch (e) {
      this.fail(e, StandardTrainingJobSpanName.CHECKPOINT_SAVE_SYNC);
      quietly('onSaveCheckpointEnd', () => this.end());
      throw e;
    }
    const problem = failureOf(result);
    if (problem === undefined) this.succeed(result, false);
    else this.fail(problem, StandardTrainingJobSpanName.CHECKPOINT_SAVE_SYNC);
    this.end();
    return result;
  }

  private runAsync(inner: tf.io.IOHandler, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    let launched: Promise<tf.io.SaveResult>;
    try {
      launched = Promise.resolve((inner.save as NonNullable<tf.io.IOHandler['save']>)(artifacts));
    } catch (e) {
      this.fail(e, StandardTrainingJobSpanName.CHECKPOINT_SAVE_ASYNC);
      quietly('onSaveCheckpointEnd', () => this.end());
      return Promise.reject(e);
    }
    // The continuation runs after `end` below, on the application span (the save span is closed by then).
    const write = launched.then(
      (result) => {
        const problem = failureOf(result);
        if (problem === undefined) this.succeed(result, true);
        else this.fail(problem, StandardTrainingJobSpanName.APPLICATION);
        return result;
      },
      (e: unknown) => {
        this.fail(e, StandardTrainingJobSpanName.APPLICATION);
        throw e;
      },
    );
    track(write);
    this.end();
    return write;
  }

  private succeed(result: tf.io.SaveResult, background: boolean): void {
    this.info.status = 'succeeded';
    const size = checkpointSizeOf(result);
    if (size !== undefined) this.info.checkpointSize = size;
    const { globalStep, checkpointSize, checkpointDirectory } = this.info;
    const report = () =>
      onSaveCheckpointSuccess({
        globalStep,
        ...(checkpointSize !== undefined ? { checkpointSize } : {}),
        ...(checkpointDirectory !== undefined ? { checkpointDirectory } : {}),
      });
    // A background completion has no caller to receive a telemetry error: log it instead.
    if (background) quietly('onSaveCheckpointSuccess', report);
    else report();
  }

  private fail(error: unknown, spanName: string): void {
    this.info.status = 'failed';
    this.info.error = error;
    internalLogger.warning(`Checkpoint save at global step ${this.info.globalStep} failed: ${messageOf(error)}`);
    recordError(
      [spanName, StandardTrainingJobSpanName.APPLICATION],
      `Checkpoint save at global step ${this.info.globalStep} failed: `,
      error,
    );
  }
}

/**
 * Wraps a save target so that `model.save(handler)` reports a checkpoint save at `getGlobalStep()`. The span
 * starts when TF.js hands the serialised artifacts to the handler; `instrumentModelSave` also covers the
 * serialisation.
 */
export function instrumentSaveHandler(
  handlerOrUrl: SaveTarget,
  getGlobalStep: () => number,
  options: InstrumentSaveOptions = {},
): InstrumentedSaveHandler {
  let resolved: { handler: tf.io.IOHandler; directory: string | undefined } | undefined;
  let lastSave: CheckpointSaveInfo | undefined;
  const handler = {
    [INSTRUMENTED]: true,
    get lastSave(): CheckpointSaveInfo | undefined {
      return lastSave;
    },
    save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const globalStep = getGlobalStep();
      const strategy = effectiveStrategy(options.strategy);
      try {
        resolved ??= resolveSaveTarget(handlerOrUrl, options.directory);
      } catch (e) {
        const attempt = new SaveAttempt(
          globalStep,
          strategy,
          typeof handlerOrUrl === 'string' ? handlerOrUrl : options.directory,
          undefined,
        );
        lastSave = attempt.info;
        attempt.failBeforeWrite(e);
        return Promise.reject(e);
      }
      const attempt = new SaveAttempt(globalStep, strategy, resolved.directory, undefined);
      lastSave = attempt.info;
      return attempt.run(resolved.handler, artifacts);
    },
  };
  return handler;
}

/** A save started through a model: `scheduled` resolves once the artifacts are serialised and the write is launched. */
export interface ModelSaveRun {
  readonly info: CheckpointSaveInfo;
  readonly scheduled: Promise<void>;
  readonly done: Promise<tf.io.SaveResult>;
}

type SaveMethod = (handlerOrURL: tf.io.IOHandler | string, config?: tf.io.SaveConfig) => Promise<tf.io.SaveResult>;

/** Runs `save` (the model's own save method) with checkpoint telemetry at `globalStep`, timing from this call. */
export function saveModelWithTelemetry(
  model: tf.LayersModel,
  save: SaveMethod,
  target: SaveTarget,
  globalStep: number,
  options: InstrumentSaveOptions = {},
  config?: tf.io.SaveConfig,
): ModelSaveRun {
  const requestedAt = nowMs();
  const strategy = effectiveStrategy(options.strategy);
  let resolved: { handler: tf.io.IOHandler; directory: string | undefined };
  try {
    resolved = resolveSaveTarget(target, options.directory);
  } catch (e) {
    const attempt = new SaveAttempt(globalStep, strategy, typeof target === 'string' ? target : options.directory, requestedAt);
    attempt.failBeforeWrite(e);
    return { info: attempt.info, scheduled: Promise.resolve(), done: Promise.reject(e) };
  }
  const attempt = new SaveAttempt(globalStep, strategy, resolved.directory, requestedAt);
  let markScheduled: () => void = () => undefined;
  const scheduled = new Promise<void>((resolve) => {
    markScheduled = resolve;
  });
  let handed = false;
  const proxy: tf.io.IOHandler = {
    save: (artifacts) => {
      handed = true;
      try {
        return attempt.run(resolved.handler, artifacts);
      } finally {
        markScheduled();
      }
    },
  };
  const done = save
    .call(model, proxy, config)
    .catch((e: unknown) => {
      if (!handed) attempt.failBeforeWrite(e);
      throw e;
    })
    .finally(markScheduled);
  return { info: attempt.info, scheduled, done };
}

/**
 * Replaces `model.save` on this instance so that every save reports a checkpoint save at `getGlobalStep()`,
 * from the call (serialisation included) to the end of the write (sync) or to its launch (async).
 * Returns a function that restores the original method.
 */
export function instrumentModelSave(model: tf.LayersModel, getGlobalStep: () => number, options: InstrumentSaveOptions = {}): () => void {
  const target = model as unknown as { save: SaveMethod; [RESTORE_SAVE]?: () => void };
  const existing = target[RESTORE_SAVE];
  if (existing !== undefined) return existing;
  const hadOwn = Object.hasOwn(model, 'save');
  const original = target.save;
  target.save = function instrumentedSave(this: unknown, handlerOrURL: tf.io.IOHandler | string, config?: tf.io.SaveConfig) {
    // An already instrumented handler reports by itself.
    if (isInstrumented(handlerOrURL)) return original.call(model, handlerOrURL, config);
    return saveModelWithTelemetry(model, original, handlerOrURL, getGlobalStep(), options, config).done;
  };
  const restore = () => {
    if (target[RESTORE_SAVE] !== restore) return;
    if (hadOwn) target.save = original;
    else delete (target as { save?: SaveMethod }).save;
    delete target[RESTORE_SAVE];
  };
  target[RESTORE_SAVE] = restore;
  return restore;
}
