// The module's binding, not the global: Node's global `performance` is an accessor that runs on every read (a
// call of its own in each batch end, where this code runs too rarely for the JIT to have optimised it).
import { performance } from 'node:perf_hooks';
import {
  ConfigError,
  handleTelemetryFailure,
  internalLogger,
  messageOf,
  OneLoggerError,
  telemetryRuntime,
  type ValueOrFn,
} from '@nv-one-logger/core';
import {
  type CheckpointStrategy,
  logMetrics,
  onAppStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationStart,
  StandardTrainingJobSpanName,
  CheckpointStrategy as Strategy,
  TrainingTelemetryProvider,
  type TrainStartOptions,
} from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { type SaveTarget, saveModelWithTelemetry } from './checkpoint-save.js';
import { metricsFromLogs, metricsFromLogsNow } from './log-metrics.js';
import { activeRecorder, nowMs, quietly, recordError } from './telemetry.js';
import { type FitParams, fitParamsOf, internalsOf, stepsPerEpochOf, type UnresolvedLogs } from './tfjs-internals.js';
import { interceptValidation, type ValidationHooks } from './validation-interceptor.js';

const SPAN = StandardTrainingJobSpanName;
/** TF.js's own default (`yieldEvery: 'auto'`). */
const DEFAULT_YIELD_EVERY_MS = 125;
/** Backends whose kernels complete before the op call returns. */
const SYNCHRONOUS_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm', 'tensorflow']);

/** Checkpoints the callback takes itself, through `model.save` with checkpoint telemetry. */
export interface CheckpointEveryOptions {
  /** Save after every `batches` global steps. */
  batches?: number;
  /** Save after every `epochs` epochs (skipped if the same step was just saved by `batches`). */
  epochs?: number;
  /** A URL or IOHandler, or a function of the global step returning one (e.g. a directory per step). */
  url: SaveTarget | ((globalStep: number) => SaveTarget);
  /** The model to save (default: the model being trained, as fit hands it to callbacks). */
  model?: tf.LayersModel;
  /** Passed to `model.save`. */
  includeOptimizer?: boolean;
  /** Defaults to the training config's strategy (which wins if they differ). */
  strategy?: CheckpointStrategy;
}

export interface OneLoggerTfjsCallbackOptions {
  /** Call `onAppStart()` in the constructor (skipped if an application span is already running). Default true. */
  callOnAppStart?: boolean;
  /** Global step of the first batch of the first fit (a resumed job). Default `initialEpoch × batches per epoch`, else 0. */
  initialGlobalStep?: number;
  /** Checkpoints taken by the callback itself. */
  checkpointEvery?: CheckpointEveryOptions;
  /**
   * Wait for the batch's loss before ending the iteration, so its time includes the device work (one
   * device→host read per batch). Only on backends that run kernels asynchronously (webgl, webgpu): on cpu, wasm
   * and tensorflow (tfjs-node) the work is done when the batch hook runs, so there is nothing to wait for. Default true.
   */
  syncPerBatch?: boolean;
  /**
   * Yield to the event loop (timers, I/O, exporters) at most every N ms at a batch end, like TF.js's default
   * callback does — which fit drops when only callback instances are passed. `'never'` to disable. Default 125.
   */
  yieldEvery?: number | 'never';
  /** Target of each training loop; default the config's, else the step at which this fit ends. */
  trainIterationsTarget?: ValueOrFn<number>;
  /** Default the config's, else the iterations target × global batch size. */
  trainSamplesTarget?: ValueOrFn<number>;
  /**
   * Log the batch logs (loss, acc, ...) as `model_metrics` every N global steps (1: every batch; `'never'`: no
   * batch metrics). Default: the training config's `logEveryNTrainIterations`. Reading a metric waits for its
   * tensor, so on asynchronous backends a small N costs a device→host read per logged batch.
   */
  logMetricsEvery?: number | 'never';
  /** Log the epoch-end logs (training and `val_*` metrics) as `model_metrics` at every epoch. Default true. */
  logEpochMetrics?: boolean;
}

type FitX = Parameters<tf.LayersModel['fit']>[0];
type FitY = Parameters<tf.LayersModel['fit']>[1];
type FitArgs = NonNullable<Parameters<tf.LayersModel['fit']>[2]>;
type CallbackInstance = InstanceType<typeof tf.CustomCallback>;
type CustomCallbackArgs = ConstructorParameters<typeof tf.CustomCallback>[0];
type YieldEvery = ConstructorParameters<typeof tf.CustomCallback>[1];

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function hasValidationLogs(logs: UnresolvedLogs | undefined): boolean {
  if (logs === undefined || logs === null) return false;
  for (const key in logs) if (key.startsWith('val_')) return true;
  return false;
}

function warnUnreadable(e: unknown): void {
  internalLogger.warning(`Could not read the metrics of the TF.js logs: ${messageOf(e)}`);
}

/** The metrics read from fit's logs (none: nothing to record) as one model_metrics event at `step`. */
function logMetricsAt(metrics: Record<string, number> | undefined, step: number): void {
  if (metrics !== undefined) logMetrics(metrics, { step });
}

/** The callback whose fit holds the training loop (the provider records one at a time). */
let fitHoldingTheLoop: OneLoggerTfjsCallback | undefined;
const CONCURRENT_FIT =
  'another fit with telemetry is still running in this process: the training telemetry records one training loop at a time, so fits must run one after another';

/** What a hook returns when it has nothing to wait for: one settled promise shared by every call. */
const SETTLED: Promise<void> = Promise.resolve();

/** Waits for the first tensor in the batch logs (the loss): the step's kernels have then completed. */
export async function syncBatchLogs(logs: UnresolvedLogs | undefined): Promise<void> {
  if (logs === undefined || logs === null) return;
  for (const key in logs) {
    const value = logs[key];
    if (typeof value === 'object' && value !== null && !value.isDisposed) {
      await value.data();
      return;
    }
  }
}

function validateOptions(options: OneLoggerTfjsCallbackOptions): void {
  const where = 'OneLoggerTfjsCallback';
  if (options.initialGlobalStep !== undefined && !isNonNegativeInt(options.initialGlobalStep)) {
    throw new ConfigError(`${where}.initialGlobalStep`, options.initialGlobalStep, 'must be a non-negative integer');
  }
  const y = options.yieldEvery;
  if (y !== undefined && y !== 'never' && !(typeof y === 'number' && y >= 0 && Number.isFinite(y))) {
    throw new ConfigError(`${where}.yieldEvery`, y, "must be a non-negative number of milliseconds or 'never'");
  }
  const m = options.logMetricsEvery;
  if (m !== undefined && m !== 'never' && !isPositiveInt(m)) {
    throw new ConfigError(`${where}.logMetricsEvery`, m, "must be a positive integer (batches) or 'never'");
  }
  if (options.logEpochMetrics !== undefined && typeof options.logEpochMetrics !== 'boolean') {
    throw new ConfigError(`${where}.logEpochMetrics`, options.logEpochMetrics, 'must be a boolean');
  }
  const c = options.checkpointEvery;
  if (c === undefined) return;
  if (c.batches !== undefined && !isPositiveInt(c.batches)) {
    throw new ConfigError(`${where}.checkpointEvery.batches`, c.batches, 'must be a positive integer');
  }
  if (c.epochs !== undefined && !isPositiveInt(c.epochs)) {
    throw new ConfigError(`${where}.checkpointEvery.epochs`, c.epochs, 'must be a positive integer');
  }
  if (c.batches === undefined && c.epochs === undefined) {
    throw new ConfigError(`${where}.checkpointEvery`, c, 'needs batches or epochs');
  }
  if (c.url === undefined || c.url === null) throw new ConfigError(`${where}.checkpointEvery.url`, c.url, 'is required');
}

/**
 * A TF.js callback (`tf.Callback` subclass) that reports `model.fit` / `model.fitDataset` as training telemetry:
 * one training loop per fit, one training iteration per batch, a validation loop per epoch in which fit
 * validated, and optional checkpoints. The global step (batches completed) continues across epochs and across
 * fit calls of the same instance.
 *
 * Pass it first in `callbacks` (other entries must be callback instances: wrap plain hook objects in
 * `new tf.CustomCallback({...})`), or use `callback.fit(model, x, y, args)` / `callback.fitDataset(...)`, which
 * also do that and record an error that makes fit reject.
 */
export class OneLoggerTfjsCallback extends tf.Callback {
  private readonly syncPerBatch: boolean;
  private readonly yieldEveryMs: number | undefined;
  private readonly checkpointEvery: CheckpointEveryOptions | undefined;
  private readonly initialGlobalStep: number | undefined;
  private readonly iterationsTarget: ValueOrFn<number> | undefined;
  private readonly samplesTarget: ValueOrFn<number> | undefined;
  private readonly logMetricsEvery: number | 'never' | undefined;
  private readonly logEpochMetrics: boolean;
  /** Batch-metrics interval of this fit (undefined: none). */
  private metricsEveryThisFit: number | undefined;

  private step = 0;
  private stepInitialised = false;
  private fitOpen = false;
  private iterationOpen = false;
  private validationOpen = false;
  private validatedThisEpoch = false;
  /** This callback's onEpochEnd ran and the next epoch has not begun: TF.js's validation of the epoch is over. */
  private epochEnded = false;
  private validatesInsideBatch = false;
  private lastBatchEndMs: number | undefined;
  /** syncPerBatch on an asynchronous backend (decided per fit). */
  private syncThisFit = false;
  /** The backend's kernels have completed when a hook runs, so logged tensors are read synchronously (per fit). */
  private readsNowThisFit = false;
  /** Whether this fit validates (then the batch end time is kept for a validation that is not intercepted). */
  private validatesThisFit = false;
  private lastCheckpointStep = -1;
  private lastYieldMs = 0;
  private batchSizeWarned = false;
  private fitModel: tf.LayersModel | undefined;
  private removeValidationInterceptor: (() => void) | undefined;
  private readonly validationHooks: ValidationHooks;

  constructor(options: OneLoggerTfjsCallbackOptions = {}) {
    super();
    validateOptions(options);
    this.syncPerBatch = options.syncPerBatch ?? true;
    this.yieldEveryMs = options.yieldEvery === 'never' ? undefined : (options.yieldEvery ?? DEFAULT_YIELD_EVERY_MS);
    this.checkpointEvery = options.checkpointEvery;
    this.initialGlobalStep = options.initialGlobalStep;
    this.iterationsTarget = options.trainIterationsTarget;
    this.samplesTarget = options.trainSamplesTarget;
    this.logMetricsEvery = options.logMetricsEvery;
    this.logEpochMetrics = options.logEpochMetrics ?? true;
    this.validationHooks = {
      shouldRecord: () => this.isFitsOwnValidation(),
      begin: () => this.beginValidation(),
      end: (failed) => this.endValidation(failed),
    };
    if (options.callOnAppStart ?? true) {
      // With withApplication (or an explicit onAppStart) the application is already running.
      if (activeRecorder()?.activeStandardSpan(SPAN.APPLICATION) === undefined) onAppStart();
    }
  }

  /** Batches completed so far (including `initialGlobalStep`); the step the next checkpoint reports. */
  get globalStep(): number {
    return this.step;
  }

  /** `model.fit` with this callback first in `callbacks`; an error that makes fit reject is recorded and re-thrown as is. */
  async fit(model: tf.LayersModel, x: FitX, y: FitY, args: FitArgs = {}): Promise<tf.History> {
    const callbacks = this.callbackList(args.callbacks, args.yieldEvery);
    try {
      return await model.fit(x, y, { ...args, callbacks });
    } catch (e) {
      this.handleFitError(e);
      throw e;
    }
  }

  /** `model.fitDataset` with this callback first in `callbacks`; errors as in `fit`. */
  async fitDataset<T extends tf.TensorContainer>(
    model: tf.LayersModel,
    dataset: tf.data.Dataset<T>,
    args: tf.ModelFitDatasetArgs<T>,
  ): Promise<tf.History> {
    const callbacks = this.callbackList(args.callbacks, args.yieldEvery);
    try {
      return await model.fitDataset(dataset, { ...args, callbacks });
    } catch (e) {
      this.handleFitError(e);
      throw e;
    }
  }

  /**
   * Reports an error that made `fit`/`fitDataset` reject (call it from your own `catch` when you call
   * `model.fit` directly): records it as an application_error on the training loop, ends the open iteration
   * (counted: its time was spent) and validation, and ends the training loop. Never throws.
   */
  handleFitError(error: unknown): void {
    // The library's own errors were reported as telemetry_data_error records by the error strategy already.
    if (error instanceof OneLoggerError) {
      if (this.fitOpen) this.finishFit(true);
      return;
    }
    if (!this.fitOpen) {
      recordError([SPAN.APPLICATION], 'Error in fit: ', error);
      return;
    }
    recordError([SPAN.TRAINING_LOOP, SPAN.APPLICATION], `Error in ${SPAN.TRAINING_LOOP}: `, error);
    this.finishFit(true);
  }

  // ------------------------------------------------------------------ fit hooks

  override async onTrainBegin(): Promise<void> {
    // The training loop is one per process: the fit that has it open is either still running (a second fit at the
    // same time is refused with a clear error, through the error strategy) or ended by a throw that nobody reported
    // with handleFitError (its loop is closed now, whichever callback instance it was).
    const open = fitHoldingTheLoop;
    if (open !== undefined && activeRecorder() !== undefined) {
      if (open.fitStillRunning(this.model)) {
        handleTelemetryFailure('onTrainBegin', new OneLoggerError(CONCURRENT_FIT));
        return;
      }
      open.closeAbandonedFit();
    }
    if (this.fitOpen) this.closeAbandonedFit();
    const params = fitParamsOf(this.params);
    const stepsPerEpoch = stepsPerEpochOf(params);
    if (!this.stepInitialised) {
      const initialEpoch = params.initialEpoch ?? 0;
      this.step = this.initialGlobalStep ?? (stepsPerEpoch !== undefined ? initialEpoch * stepsPerEpoch : 0);
      this.stepInitialised = true;
    }
    this.validatedThisEpoch = false;
    this.lastBatchEndMs = undefined;
    this.lastYieldMs = performance.now();
    this.readsNowThisFit = SYNCHRONOUS_BACKENDS.has(tf.getBackend());
    this.syncThisFit = this.syncPerBatch && !this.readsNowThisFit;
    this.validatesThisFit = params.doValidation;
    // `fit` (it knows its samples) validates inside the last batch; `fitDataset` after it.
    this.validatesInsideBatch = params.samples !== undefined;
    this.epochEnded = false;
    const recording = activeRecorder() !== undefined;
    if (recording) this.checkBatchSize(params);
    this.metricsEveryThisFit = recording ? this.batchMetricsInterval() : undefined;
    onTrainStart({ trainIterationsStart: this.step, ...(recording ? this.targets(params, stepsPerEpoch) : {}) });
    this.fitOpen = true;
    this.fitModel = this.model;
    fitHoldingTheLoop = this;
    if (recording && params.doValidation) this.removeValidationInterceptor = interceptValidation(this.model, this.validationHooks);
  }

  override async onEpochBegin(): Promise<void> {
    this.validatedThisEpoch = false;
    this.epochEnded = false;
  }

  /**
   * Whether an evaluation starting now is the fit's own validation, not one the user makes during the fit (in an
   * `onEpochEnd`, say): TF.js validates at most once per epoch, `fit` inside the epoch's last batch (while its
   * iteration is open), `fitDataset` after the last batch end and before `onEpochEnd`. (An evaluation a user makes
   * in a mid-epoch batch end of `fitDataset`, or in an `onEpochEnd` that runs before this callback's, still counts.)
   */
  private isFitsOwnValidation(): boolean {
    if (!this.fitOpen || this.validationOpen || this.validatedThisEpoch || this.epochEnded) return false;
    if (this.validatesInsideBatch && !this.iterationOpen) return false;
    return internalsOf(this.fitModel as tf.LayersModel).isTraining !== false;
  }

  // The batch hooks run once per batch, a few hundred times per fit: too few calls for V8 to optimise them early,
  // so what they execute is what they cost. They are plain functions that return a settled promise (TF.js awaits
  // each hook) and take the async path only in a batch that has something to wait for: a metric to read from an
  // asynchronous backend, the kernels to wait for, a checkpoint or a yield.

  override onBatchBegin(): Promise<void> {
    // Defensive, like the Lightning validation guard: never leave an iteration open across batches.
    if (this.iterationOpen) this.endDanglingIteration('a new batch started');
    onTrainingSingleIterationStart();
    this.iterationOpen = true;
    return SETTLED;
  }

  override onBatchEnd(_batch: number, logs?: UnresolvedLogs): Promise<void> {
    const open = this.iterationOpen;
    const stepDone = open ? this.step + 1 : this.step;
    const metricsEvery = this.metricsEveryThisFit;
    const metricsDue = metricsEvery !== undefined && stepDone % metricsEvery === 0;
    const checkpointEvery = this.checkpointEvery?.batches;
    if (
      (metricsDue && !this.readsNowThisFit) ||
      (open && this.syncThisFit && telemetryRuntime.enabled) ||
      (checkpointEvery !== undefined && stepDone % checkpointEvery === 0) ||
      (this.yieldEveryMs !== undefined && performance.now() - this.lastYieldMs >= this.yieldEveryMs)
    ) {
      return this.onBatchEndWaiting(logs, open, stepDone, metricsDue);
    }
    // Metrics before the iteration ends, so that a training update due at this step carries this batch's loss.
    if (metricsDue) this.logFitMetrics(logs, stepDone);
    if (open) this.endIteration();
    if (this.validatesThisFit) this.lastBatchEndMs = nowMs();
    return SETTLED;
  }

  /**
   * `onBatchEnd` of a batch that waits: for its metrics or kernels (asynchronous backends), a checkpoint or a yield.
   * `open`, `stepDone` and `metricsDue` as onBatchEnd found them.
   */
  private async onBatchEndWaiting(logs: UnresolvedLogs | undefined, open: boolean, stepDone: number, metricsDue: boolean): Promise<void> {
    // The batch's metrics are logged before its iteration ends, so a training update due at this step carries
    // this batch's loss as latest_loss. (When fit validated inside this batch, its iteration has ended already.)
    if (metricsDue) {
      // Awaited only when the tensors are (an asynchronous backend): otherwise the iteration ends in this turn.
      const reading = this.logFitMetrics(logs, stepDone);
      if (reading !== undefined) await reading;
    }
    if (open && this.iterationOpen) {
      if (this.syncThisFit && telemetryRuntime.enabled) await syncBatchLogs(logs);
      this.endIteration();
    }
    if (this.validatesThisFit) this.lastBatchEndMs = nowMs();
    const every = this.checkpointEvery?.batches;
    if (every !== undefined && this.step % every === 0) await this.saveCheckpoint();
    if (this.yieldEveryMs !== undefined) {
      const t = performance.now();
      if (t - this.lastYieldMs >= this.yieldEveryMs) {
        this.lastYieldMs = t;
        await tf.nextFrame();
      }
    }
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    this.epochEnded = true;
    if (!this.validatedThisEpoch && hasValidationLogs(logs)) {
      // Validation that was not intercepted ran between the last batch end and now.
      const start = this.lastBatchEndMs;
      onValidationStart(start !== undefined ? { startTimeMsec: start } : undefined);
      onValidationEnd();
    }
    this.validatedThisEpoch = false;
    if (this.logEpochMetrics && this.fitOpen) {
      const reading = this.logFitMetrics(logs, this.step);
      if (reading !== undefined) await reading;
    }
    const every = this.checkpointEvery?.epochs;
    if (every !== undefined && (epoch + 1) % every === 0 && this.lastCheckpointStep !== this.step) await this.saveCheckpoint();
  }

  override async onTrainEnd(): Promise<void> {
    this.finishFit(false);
  }

  // ------------------------------------------------------------------ internals

  /** Other callbacks after this one; plain hook objects become CustomCallbacks (fit cannot mix the two kinds). */
  private callbackList(user: FitArgs['callbacks'], yieldEvery: FitArgs['yieldEvery']): CallbackInstance[] {
    const list: unknown[] = user === undefined || user === null ? [] : Array.isArray(user) ? user : [user];
    const out: CallbackInstance[] = [this as unknown as CallbackInstance];
    for (const c of list) {
      if (c === this) continue;
      const isInstance = typeof (c as { setParams?: unknown }).setParams === 'function';
      out.push(isInstance ? (c as CallbackInstance) : new tf.CustomCallback(c as CustomCallbackArgs, yieldEvery as YieldEvery));
    }
    return out;
  }

  /** The batch-metrics interval: the option, else the config's logEveryNTrainIterations (read once per fit). */
  private batchMetricsInterval(): number | undefined {
    const option = this.logMetricsEvery;
    if (option === 'never') return undefined;
    if (option !== undefined) return option;
    try {
      return TrainingTelemetryProvider.instance().trainingConfig?.logEveryNTrainIterations;
    } catch {
      return undefined; // a config function that throws: onTrainStart reports it
    }
  }

  /**
   * The TF.js logs as one model_metrics event at `step`; never fails the fit. On a backend whose kernels have
   * completed (cpu, wasm, tensorflow) the tensors are read with `dataSync()` and the event is recorded before this
   * returns; otherwise they are awaited (`data()`) and the returned promise settles once the event is recorded.
   */
  private logFitMetrics(logs: UnresolvedLogs | undefined, step: number): Promise<void> | undefined {
    if (!telemetryRuntime.enabled) return undefined;
    if (!this.readsNowThisFit) return metricsFromLogs(logs).then((metrics) => logMetricsAt(metrics, step), warnUnreadable);
    let metrics: Record<string, number> | undefined;
    try {
      metrics = metricsFromLogsNow(logs);
    } catch (e) {
      warnUnreadable(e);
      return undefined;
    }
    logMetricsAt(metrics, step);
    return undefined;
  }

  private endIteration(): void {
    this.iterationOpen = false;
    this.step += 1;
    onTrainingSingleIterationEnd();
  }

  private endDanglingIteration(reason: string): void {
    recordError(
      [SPAN.TRAINING_LOOP, SPAN.APPLICATION],
      `training_single_iteration at global step ${this.step} was still open when ${reason}; it was ended then.`,
      undefined,
    );
    quietly('onTrainingSingleIterationEnd', () => this.endIteration());
  }

  private beginValidation(): void {
    // fit validates inside the last batch: that batch's training work is done, so its iteration ends here.
    if (this.iterationOpen) this.endIteration();
    onValidationStart();
    this.validationOpen = true;
  }

  private endValidation(failed: boolean): void {
    this.validatedThisEpoch = true;
    if (!this.validationOpen) return;
    this.validationOpen = false;
    if (failed) quietly('onValidationEnd', () => onValidationEnd());
    else onValidationEnd();
  }

  /** Ends whatever the fit left open and the training loop; on a failure path nothing here throws. */
  private finishFit(failed: boolean): void {
    if (!this.fitOpen) return;
    this.fitOpen = false;
    if (fitHoldingTheLoop === this) fitHoldingTheLoop = undefined;
    this.removeValidationInterceptor?.();
    this.removeValidationInterceptor = undefined;
    if (this.validationOpen) {
      this.validationOpen = false;
      quietly('onValidationEnd', () => onValidationEnd());
    }
    if (this.iterationOpen) {
      if (failed) quietly('onTrainingSingleIterationEnd', () => this.endIteration());
      else this.endDanglingIteration('training ended');
    }
    if (failed) quietly('onTrainEnd', () => onTrainEnd());
    else onTrainEnd();
  }

  /**
   * Whether the fit this callback opened is still running, seen from the start of a fit of `starting`: TF.js clears
   * `isTraining` when a fit ends, also by a throw, and sets it again before a new fit of the same model calls
   * onTrainBegin (it refuses two fits of one model at once), so a model that is `starting` is not another fit.
   */
  private fitStillRunning(starting: tf.LayersModel): boolean {
    const model = this.fitModel;
    return this.fitOpen && model !== undefined && model !== starting && internalsOf(model).isTraining === true;
  }

  private closeAbandonedFit(): void {
    recordError(
      [SPAN.TRAINING_LOOP],
      'The previous fit ended without onTrainEnd (it probably threw; see OneLoggerTfjsCallback.handleFitError); its training loop is ended now.',
      undefined,
    );
    this.finishFit(true);
  }

  /** Targets for onTrainStart when neither the options nor the config give them: the step at which this fit ends. */
  private targets(
    params: FitParams,
    stepsPerEpoch: number | undefined,
  ): Pick<TrainStartOptions, 'trainIterationsTarget' | 'trainSamplesTarget'> {
    const out: Pick<TrainStartOptions, 'trainIterationsTarget' | 'trainSamplesTarget'> = {};
    const cfg = TrainingTelemetryProvider.instance().trainingConfig;
    try {
      let iterations: number | undefined;
      if (this.iterationsTarget !== undefined) out.trainIterationsTarget = this.iterationsTarget;
      else if (cfg !== undefined && cfg.trainIterationsTarget === undefined && params.epochs !== undefined && stepsPerEpoch !== undefined) {
        iterations = this.step + Math.max(0, params.epochs - (params.initialEpoch ?? 0)) * stepsPerEpoch;
        if (iterations > 0) out.trainIterationsTarget = iterations;
      }
      if (this.samplesTarget !== undefined) out.trainSamplesTarget = this.samplesTarget;
      else if (cfg !== undefined && cfg.trainSamplesTarget === undefined && out.trainIterationsTarget !== undefined) {
        const it = typeof out.trainIterationsTarget === 'function' ? out.trainIterationsTarget() : out.trainIterationsTarget;
        if (isPositiveInt(it)) out.trainSamplesTarget = it * cfg.globalBatchSize;
      }
    } catch (e) {
      // A config function that throws is reported by onTrainStart itself, through the error strategy.
      internalLogger.debug(`Could not derive training targets: ${messageOf(e)}`);
    }
    return out;
  }

  /** The config's global batch size is what the metrics use; warn once if fit's batch size says otherwise. */
  private checkBatchSize(params: FitParams): void {
    if (this.batchSizeWarned || params.batchSize === undefined) return;
    try {
      const provider = TrainingTelemetryProvider.instance();
      const cfg = provider.trainingConfig;
      if (cfg === undefined) return;
      const expected = params.batchSize * provider.config.worldSize;
      const configured = cfg.globalBatchSize;
      if (configured !== expected) {
        this.batchSizeWarned = true;
        internalLogger.warning(
          `globalBatchSize is ${configured} in the training telemetry config, but fit uses batchSize ${params.batchSize} × worldSize ${provider.config.worldSize} = ${expected}; the metrics use ${configured}.`,
        );
      }
    } catch {
      // Reading a config function failed: onTrainStart reports it.
    }
  }

  private async saveCheckpoint(): Promise<void> {
    const c = this.checkpointEvery as CheckpointEveryOptions;
    const step = this.step;
    this.lastCheckpointStep = step;
    const model = c.model ?? this.model;
    const target = typeof c.url === 'function' ? c.url(step) : c.url;
    // The prototype's save, so a model.save instrumented by instrumentModelSave is not reported twice.
    const run = saveModelWithTelemetry(
      model,
      tf.LayersModel.prototype.save,
      target,
      step,
      c.strategy !== undefined ? { strategy: c.strategy } : {},
      c.includeOptimizer === true ? { includeOptimizer: true } : undefined,
    );
    if (run.info.strategy === Strategy.ASYNC) {
      // Training continues once the weights are serialised; the write completes in the background.
      run.done.catch(() => undefined); // recorded and logged by the save itself
      await run.scheduled;
    } else {
      // A failed sync save fails the fit, as the application's own `await model.save(...)` would.
      await run.done;
    }
  }
}
