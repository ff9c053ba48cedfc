import { hostname } from 'node:os';
import {
  DefaultRecorder,
  type DefaultRecorderOptions,
  describeValue,
  Event,
  evaluateValue,
  internalLogger,
  MetricSummarizer,
  MultiWindowTimer,
  messageOf,
  type OneLoggerConfig,
  OneLoggerError,
  readPackageVersion,
  Span,
  type StartSpanOptions,
  type StopSpanOptions,
  TracingTimestamp,
  type ValueOrFn,
} from '@nv-one-logger/core';
import {
  CheckpointSaveSpanAttributes,
  OneLoggerInitializationAttributes,
  SaveCheckpointSuccessEventAttributes,
  SyncCheckpointMetricsUpdateAttributes,
  TestingMetricsUpdateAttributes,
  TrainingLoopAttributes,
  TrainingMetricsUpdateAttributes,
  TrainingTelemetryAttributes,
  ValidationMetricsUpdateAttributes,
} from './attributes.js';
import { TrainingTelemetryConfig } from './config.js';
import { type LogMetricsOptions, type ModelMetrics, modelMetricsEvent } from './model-metrics.js';
import { CheckpointStrategy, STANDARD_TRAINING_SPAN_NAMES, StandardTrainingJobEventName, StandardTrainingJobSpanName } from './names.js';

const SPAN = StandardTrainingJobSpanName;
const EVENT = StandardTrainingJobEventName;

export const TRAINING_TELEMETRY_VERSION = readPackageVersion(
  new URL('../package.json', import.meta.url),
  '@nv-one-logger/training-telemetry',
);

const CONFIG_NEEDED_FOR_TRAINING =
  'Training telemetry config must be set before the start of training. See the api for TrainingTelemetryProvider.setTrainingTelemetryConfig for more details.';

export interface TrainingRecorderOptions extends DefaultRecorderOptions {
  /** The core configuration (its `telemetryConfig` may be attached later). */
  config: OneLoggerConfig;
}

export interface TrainStartOptions {
  /** First global step of this job (non-zero when resuming). */
  trainIterationsStart: number;
  /** Samples consumed before this job; default `trainIterationsStart × globalBatchSize`. */
  trainSamplesStart?: number;
  /** Overrides the config's target for this loop. */
  trainIterationsTarget?: ValueOrFn<number>;
  trainSamplesTarget?: ValueOrFn<number>;
  /** Epoch milliseconds; default now. */
  startTimeMsec?: number;
}

export interface SaveCheckpointSuccessOptions {
  globalStep: number;
  /** Epoch milliseconds; default now. */
  timeMsec?: number;
  /** Bytes written (reported as `checkpoint_size`; the Python library never fills it). */
  checkpointSize?: number;
  /** Where the checkpoint was written (reported as `checkpoint_directory`). */
  checkpointDirectory?: string;
}

/** Work done up to a checkpoint save start, reported when that save succeeds. */
interface ProductivitySnapshot {
  iterations: number;
  samples: number;
  trainSec: number;
  validationSec: number;
  tflops: number | undefined;
}

/**
 * The config values every iteration end uses, read once: at `onTrainStart`, or at the first iteration end after
 * the config was set or a training loop ended. Re-reading them at every iteration was about a quarter of the
 * recorder's time per TF.js batch (timed inside real fits), where this code runs too rarely for the JIT to
 * compile it and every getter call costs.
 */
interface IterationSettings {
  logEveryN: number;
  globalBatchSize: number;
  seqLength: number | undefined;
  throughput: boolean;
  flopsPerIteration: number;
  worldSize: number;
}

/** Reads the iteration settings (user functions are called here; what they throw propagates). */
function readIterationSettings(cfg: TrainingTelemetryConfig, worldSize: () => number): IterationSettings {
  const globalBatchSize = cfg.globalBatchSize;
  const seqLength = cfg.seqLength;
  const throughput = cfg.isLogThroughputEnabled;
  return {
    logEveryN: cfg.logEveryNTrainIterations,
    globalBatchSize,
    seqLength,
    throughput,
    flopsPerIteration: throughput ? globalBatchSize * (cfg.flopsPerSample as number) : 0,
    worldSize: throughput ? worldSize() : 1,
  };
}

/** `undefined` means now; any number is an epoch-millisecond time (validated to be within 600 s of now). */
/** The message for an end callback without its start: names both callbacks (the reference only said a timer was not active). */
function unmatchedEnd(end: string, start: string): string {
  return `${end}() was called without a matching ${start}()`;
}

function timeOf(ms: number | undefined): TracingTimestamp {
  return ms === undefined ? TracingTimestamp.now() : TracingTimestamp.forMillis(ms);
}

function rankFromEnv(): number {
  const raw = process.env.RANK;
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

function requireNonNegativeInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new OneLoggerError(`${name} must be a non-negative integer (got ${String(value)})`);
  }
  return value;
}

/**
 * The recorder of training jobs: standard training spans, the metrics of spec/training.md §6, and the
 * per-iteration fast path (iteration spans that are not exported are never materialised: only their
 * timer runs).
 */
export class TrainingRecorder extends DefaultRecorder {
  readonly config: OneLoggerConfig;
  readonly trainIterationTimer = new MultiWindowTimer();
  readonly validationIterationTimer = new MultiWindowTimer();
  readonly checkpointSaveSyncTimer = new MultiWindowTimer();
  readonly checkpointSaveAsyncTimer = new MultiWindowTimer();
  readonly checkpointLoadTimer = new MultiWindowTimer();
  /** Job-average TFLOP/s per GPU, one value per finished iteration. */
  readonly throughputSummary = new MetricSummarizer();

  private readonly activeStandard = new Map<string, Span>();
  private readonly iterationSpansExported: boolean;
  private readonly validationIterationSpansExported: boolean;

  private trainIterationsStart = 0;
  private completedOverall = 0;
  private trainSamplesStart = 0;
  private samplesJob = 0;
  private flopsJob = 0;
  // Counters updated every iteration are plain numbers, with a flag for "not counted": a field that may hold
  // undefined gets a new heap number at every update, one that holds only numbers is updated in place.
  private tokensJobCount = 0;
  private tokensCounted = false;
  private flopsOverallCount = 0;
  private flopsCounted = false;
  private loopStartTime: TracingTimestamp | undefined;
  // Wall-clock milliseconds of the first and the latest iteration end (numbers: no timestamp kept per iteration).
  private firstIterationEndWallMs: number | undefined;
  private lastIterationEndWallMs: number | undefined;
  private firstCheckpointSuccess: TracingTimestamp | undefined;
  private validationIntervalStart = 0;
  private testingIntervalStart = 0;
  private lastReportedCompleted = 0;
  private checkpointSuccessCount = 0;
  /** The last training `loss` given to logMetrics (reported as `latest_loss`). */
  private lastLoss: number | undefined;
  /** Keeps a training loss that logMetrics recorded (one function for the recorder's life: no closure per call). */
  private readonly keepLoss = (loss: number): void => {
    this.lastLoss = loss;
  };
  private readonly snapshots = new Map<number, ProductivitySnapshot>();
  /** See `IterationSettings`; undefined until read. */
  private iterationSettings: IterationSettings | undefined;

  constructor(options: TrainingRecorderOptions) {
    super(options);
    this.config = options.config;
    this.iterationSpansExported = this.shouldExport(SPAN.TRAINING_SINGLE_ITERATION);
    this.validationIterationSpansExported = this.shouldExport(SPAN.VALIDATION_SINGLE_ITERATION);
  }

  /** The training config, if set. */
  get trainingConfig(): TrainingTelemetryConfig | undefined {
    const tc = this.config.telemetryConfig;
    return tc instanceof TrainingTelemetryConfig ? tc : undefined;
  }

  /** Counters for tests and tools (read-only snapshot). */
  get state(): Readonly<{
    trainIterationsStart: number;
    completedIterationsOverall: number;
    trainSamplesStart: number;
    trainSamplesJob: number;
    flopsJob: number;
    flopsOverall: number | undefined;
    tokensJob: number | undefined;
    checkpointSuccessCount: number;
    pendingCheckpointSteps: number[];
  }> {
    return {
      trainIterationsStart: this.trainIterationsStart,
      completedIterationsOverall: this.completedOverall,
      trainSamplesStart: this.trainSamplesStart,
      trainSamplesJob: this.samplesJob,
      flopsJob: this.flopsJob,
      flopsOverall: this.flopsOverall,
      tokensJob: this.tokensJob,
      checkpointSuccessCount: this.checkpointSuccessCount,
      pendingCheckpointSteps: [...this.snapshots.keys()],
    };
  }

  private get tokensJob(): number | undefined {
    return this.tokensCounted ? this.tokensJobCount : undefined;
  }

  private get flopsOverall(): number | undefined {
    return this.flopsCounted ? this.flopsOverallCount : undefined;
  }

  private setFlopsOverall(value: number | undefined): void {
    this.flopsOverallCount = value ?? 0;
    this.flopsCounted = value !== undefined;
  }

  /** The running span with this standard name, if any. */
  activeStandardSpan(name: string): Span | undefined {
    return this.activeStandard.get(name);
  }

  // ------------------------------------------------------------------ application

  onAppStart(startTimeMsec?: number): Span {
    const ts = timeOf(startTimeMsec);
    const app = this.startStandard(SPAN.APPLICATION, ts);
    const cfg = this.config;
    this.recordEvent(
      app,
      new Event(
        EVENT.ONE_LOGGER_INITIALIZATION,
        ts,
        OneLoggerInitializationAttributes.create({
          worldSize: cfg.worldSize,
          oneLoggerTrainingTelemetryVersion: TRAINING_TELEMETRY_VERSION,
          enableForCurrentRank: cfg.enableForCurrentRank,
          sessionTag: cfg.sessionTag,
          isBaselineRun: cfg.isBaselineRun,
          summaryDataSchemaVersion: cfg.summaryDataSchemaVersion,
          nodeName: hostname(),
          rank: rankFromEnv(),
          ...(cfg.customMetadata !== undefined ? { customMetadata: cfg.customMetadata } : {}),
          applicationName: cfg.applicationName,
        }),
      ),
    );
    if (this.trainingConfig !== undefined) this.emitConfigEvent(app);
    return app;
  }

  /**
   * Posts UPDATE_TRAINING_TELEMETRY_CONFIG on the application span (after a late `setTrainingTelemetryConfig`).
   * Before `onAppStart` nothing is posted: `onAppStart` posts it then.
   */
  updateTrainingTelemetryConfig(): void {
    if (this.trainingConfig === undefined) throw new OneLoggerError('Please set the training telemetry config before calling this method.');
    this.iterationSettings = undefined;
    const app = this.activeStandard.get(SPAN.APPLICATION);
    if (app !== undefined) this.emitConfigEvent(app);
  }

  /**
   * Stops every open span at the application's stop time, children before parents (timer-backed ones get an
   * error event), then the application span, then closes the recorder and its exporters.
   */
  onAppEnd(finishTimeMsec?: number): Promise<void> {
    const app = this.requireActive(SPAN.APPLICATION);
    const ts = timeOf(finishTimeMsec);
    for (const span of this.runningSpans().reverse()) {
      if (span === app) continue;
      try {
        this.stopSpan(span, { stopTime: ts.perfMs >= span.startTime.perfMs ? ts : undefined });
      } catch (e) {
        internalLogger.error(`Could not stop span ${span.name} (id=${span.id}) at application end: ${messageOf(e)}`);
      }
    }
    // Iteration windows of spans that were never materialised (not exported): close their timers too.
    for (const timer of [this.trainIterationTimer, this.validationIterationTimer]) {
      if (timer.isActive) this.stopTimerQuietly(timer, ts);
    }
    this.stopSpan(app, { stopTime: ts });
    return this.close();
  }

  // ------------------------------------------------------------------ initialisation phases

  onDistributedInitStart(startTimeMsec?: number): Span {
    return this.startStandard(SPAN.DIST_INIT, timeOf(startTimeMsec));
  }
  onDistributedInitEnd(finishTimeMsec?: number): void {
    this.stopStandard(SPAN.DIST_INIT, finishTimeMsec);
  }
  onModelInitStart(startTimeMsec?: number): Span {
    return this.startStandard(SPAN.MODEL_INIT, timeOf(startTimeMsec));
  }
  onModelInitEnd(finishTimeMsec?: number): void {
    this.stopStandard(SPAN.MODEL_INIT, finishTimeMsec);
  }
  onDataloaderInitStart(startTimeMsec?: number): Span {
    return this.startStandard(SPAN.DATA_LOADER_INIT, timeOf(startTimeMsec));
  }
  onDataloaderInitEnd(finishTimeMsec?: number): void {
    this.stopStandard(SPAN.DATA_LOADER_INIT, finishTimeMsec);
  }
  onOptimizerInitStart(startTimeMsec?: number): Span {
    return this.startStandard(SPAN.OPTIMIZER_INIT, timeOf(startTimeMsec));
  }
  onOptimizerInitEnd(finishTimeMsec?: number): void {
    this.stopStandard(SPAN.OPTIMIZER_INIT, finishTimeMsec);
  }

  onLoadCheckpointStart(startTimeMsec?: number): Span {
    const ts = timeOf(startTimeMsec);
    this.assertNotActive(SPAN.CHECKPOINT_LOAD);
    this.checkpointLoadTimer.start(ts);
    return this.startStandard(SPAN.CHECKPOINT_LOAD, ts);
  }

  onLoadCheckpointEnd(finishTimeMsec?: number): void {
    const ts = timeOf(finishTimeMsec);
    if (!this.checkpointLoadTimer.isActive) throw new OneLoggerError(unmatchedEnd('onLoadCheckpointEnd', 'onLoadCheckpointStart'));
    this.checkpointLoadTimer.stop(ts);
    const span = this.activeStandard.get(SPAN.CHECKPOINT_LOAD);
    if (span !== undefined) this.stopSpan(span, { stopTime: ts });
  }

  // ------------------------------------------------------------------ training loop and iterations

  onTrainStart(options: TrainStartOptions): Span {
    const cfg = this.trainingConfig;
    if (cfg === undefined) throw new OneLoggerError('Training telemetry config must be set before starting the training loop.');
    if (options === null || typeof options !== 'object') {
      throw new OneLoggerError('onTrainStart needs options like { trainIterationsStart: 0 }');
    }
    const start = options.trainIterationsStart;
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
      throw new OneLoggerError(`Invalid value for train_iterations_start in TrainingLoopAttributes object: ${String(start)}`);
    }
    const gbs = cfg.globalBatchSize;
    const samplesStart =
      options.trainSamplesStart === undefined ? start * gbs : requireNonNegativeInt('trainSamplesStart', options.trainSamplesStart);
    const iterationsTarget =
      options.trainIterationsTarget !== undefined ? evaluateValue(options.trainIterationsTarget) : cfg.trainIterationsTarget;
    const samplesTarget = options.trainSamplesTarget !== undefined ? evaluateValue(options.trainSamplesTarget) : cfg.trainSamplesTarget;
    const throughput = cfg.isLogThroughputEnabled;
    if (throughput) {
      if (!isPositiveInt(iterationsTarget)) throw new OneLoggerError('train_iterations_target is required and must be a positive integer.');
      if (!isPositiveInt(samplesTarget)) throw new OneLoggerError('train_samples_target is required and must be a positive integer.');
    }
    const seq = cfg.seqLength;
    const flopsAtStart = throughput ? start * gbs * (cfg.flopsPerSample as number) : undefined;
    const settings = readIterationSettings(cfg, () => this.config.worldSize);
    const ts = timeOf(options.startTimeMsec);
    const attributes = TrainingLoopAttributes.create({
      trainIterationsStart: start,
      trainSamplesStart: samplesStart,
      ...(seq && samplesTarget ? { trainTokensTarget: seq * samplesTarget } : {}),
      ...(flopsAtStart !== undefined ? { completedFloatingPointOperationsOverall: flopsAtStart } : {}),
      ...(iterationsTarget !== undefined ? { trainIterationsTarget: iterationsTarget } : {}),
      ...(samplesTarget !== undefined ? { trainSamplesTarget: samplesTarget } : {}),
    });
    const span = this.startStandard(SPAN.TRAINING_LOOP, ts, attributes);
    // State changes only once the span exists (a rejected start leaves the counters as they were).
    this.loopStartTime = ts;
    this.iterationSettings = settings;
    this.trainIterationsStart = start;
    this.trainSamplesStart = samplesStart;
    this.completedOverall = start;
    this.validationIntervalStart = start;
    this.testingIntervalStart = start;
    this.lastReportedCompleted = start;
    if (throughput) {
      this.setFlopsOverall(flopsAtStart);
      this.flopsJob = 0;
    }
    return span;
  }

  /** Ends the training loop, first reporting iterations finished since the last metrics update (W8). */
  onTrainEnd(finishTimeMsec?: number): void {
    const loop = this.requireActive(SPAN.TRAINING_LOOP);
    const ts = timeOf(finishTimeMsec);
    if (this.completedOverall > this.lastReportedCompleted && this.trainingConfig !== undefined) {
      this.emitTrainingMetrics(loop, ts, this.trainingConfig.isLogThroughputEnabled);
    }
    this.stopSpan(loop, { stopTime: ts });
    this.iterationSettings = undefined;
  }

  /** Hot path: one clock read, a timer window, and a span only if iteration spans are exported. */
  onTrainingSingleIterationStart(startTimeMsec?: number): Span | undefined {
    this.assertOpen();
    const timer = this.trainIterationTimer;
    // Without a given time the window opens at one clock reading kept as numbers: no timestamp object unless an
    // iteration span needs one (this runs once per batch, mostly before V8 has optimised it).
    const given = startTimeMsec === undefined ? undefined : TracingTimestamp.forMillis(startTimeMsec);
    timer.start(given);
    if (!this.iterationSpansExported) return undefined;
    const ts = given ?? (timer.currentWindowStart as TracingTimestamp);
    try {
      return this.startStandard(SPAN.TRAINING_SINGLE_ITERATION, ts);
    } catch (e) {
      this.stopTimerQuietly(timer, ts);
      throw e;
    }
  }

  /** Hot path: counters, throughput, and a TRAINING_METRICS_UPDATE every N iterations (aligned on the global step). */
  onTrainingSingleIterationEnd(finishTimeMsec?: number): void {
    this.assertOpen();
    // Config values may be functions that throw: read (when not read yet) before changing anything (W10).
    const settings = this.iterationSettings ?? this.readIterationSettingsNow();
    const timer = this.trainIterationTimer;
    if (!timer.isActive) throw new OneLoggerError(unmatchedEnd('onTrainingSingleIterationEnd', 'onTrainingSingleIterationStart'));
    const completed = this.completedOverall + 1;
    const due = completed % settings.logEveryN === 0;
    // Preconditions before any state changes (W10).
    const loop = due ? this.requireActive(SPAN.TRAINING_LOOP) : undefined;
    const gbs = settings.globalBatchSize;
    const seq = settings.seqLength;
    const throughput = settings.throughput;
    const flopsPerIteration = settings.flopsPerIteration;
    const worldSize = settings.worldSize;
    // Like the start, the end is kept as numbers by the timer; a timestamp object is made only for a given finish
    // time, a training update or an iteration span.
    const given = finishTimeMsec === undefined ? undefined : TracingTimestamp.forMillis(finishTimeMsec);
    const iterationSpan = this.iterationSpansExported ? this.activeStandard.get(SPAN.TRAINING_SINGLE_ITERATION) : undefined;
    timer.stop(given);
    const endWallMs = timer.latestWindowEndWallMs as number;
    this.completedOverall = completed;
    this.samplesJob += gbs;
    if (seq) {
      this.tokensJobCount = seq * this.samplesJob;
      this.tokensCounted = true;
    }
    this.lastIterationEndWallMs = endWallMs;
    if (this.firstIterationEndWallMs === undefined) this.firstIterationEndWallMs = endWallMs;
    if (throughput) {
      this.flopsOverallCount = (this.flopsCounted ? this.flopsOverallCount : 0) + flopsPerIteration;
      this.flopsCounted = true;
      this.flopsJob += flopsPerIteration;
      const totalSec = timer.totalTimeSec;
      // A zero-length job so far has no defined throughput: skip the sample rather than fail (reference throws).
      if (totalSec > 0) this.throughputSummary.addValue(this.flopsJob / (totalSec * 1e12 * worldSize));
    }
    if (loop === undefined && iterationSpan === undefined) return;
    // The timer's end is this iteration's end: its timestamp is made from the same two numbers.
    const ts = given ?? (timer.latestWindowEnd as TracingTimestamp);
    if (loop !== undefined) this.emitTrainingMetrics(loop, ts, throughput);
    if (iterationSpan !== undefined) this.stopSpan(iterationSpan, { stopTime: ts });
  }

  private readIterationSettingsNow(): IterationSettings {
    const cfg = this.trainingConfig;
    if (cfg === undefined) throw new OneLoggerError(CONFIG_NEEDED_FOR_TRAINING);
    const settings = readIterationSettings(cfg, () => this.config.worldSize);
    this.iterationSettings = settings;
    return settings;
  }

  // ------------------------------------------------------------------ model metrics

  /**
   * Records the model's own metrics (loss, accuracy, ...) as one `model_metrics` event on the innermost running
   * span among the validation loop, the training loop and the application. The step defaults to the training
   * iterations completed so far. A training `loss` also becomes the `latest_loss` of later training updates.
   * Returns the event, or undefined when every metric was left out (quiet strategy).
   */
  logMetrics(metrics: ModelMetrics, options?: LogMetricsOptions): Event | undefined {
    this.assertOpen();
    if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
      throw new OneLoggerError(`logMetrics expects an object of metrics like { loss: 0.42 } (got ${describeValue(metrics)})`);
    }
    const validation = this.activeStandard.get(SPAN.VALIDATION_LOOP);
    const span = validation ?? this.activeStandard.get(SPAN.TRAINING_LOOP) ?? this.activeStandard.get(SPAN.APPLICATION);
    if (span === undefined) throw new OneLoggerError('logMetrics needs a running application span: call onAppStart() first.');
    const given = options?.step;
    const step = given === undefined ? this.completedOverall : requireNonNegativeInt('logMetrics step', given);
    const time = options?.timeMsec;
    const ts = time === undefined ? TracingTimestamp.now() : TracingTimestamp.forMillis(time);
    // A validation loss is not the training loss of later updates.
    const event = modelMetricsEvent(metrics, step, ts, validation === undefined ? this.keepLoss : undefined);
    if (event === undefined) return undefined;
    return this.recordEvent(span, event);
  }

  // ------------------------------------------------------------------ validation and testing

  onValidationStart(startTimeMsec?: number): Span {
    return this.startStandard(SPAN.VALIDATION_LOOP, timeOf(startTimeMsec));
  }

  onValidationEnd(finishTimeMsec?: number): void {
    const loop = this.requireActive(SPAN.VALIDATION_LOOP);
    const ts = timeOf(finishTimeMsec);
    // An iteration still open is closed first (the reference reported min = Infinity and left it open, W7).
    if (this.validationIterationTimer.isActive) {
      const open = this.activeStandard.get(SPAN.VALIDATION_SINGLE_ITERATION);
      if (open !== undefined) this.stopSpan(open, { stopTime: ts });
      else this.stopTimerQuietly(this.validationIterationTimer, ts);
    }
    const c = this.completedOverall;
    const timer = this.validationIterationTimer;
    const timing =
      timer.totalWindowCount > 0
        ? {
            avgIterationTimeSec: timer.avgWindowDurationSec,
            minIterationTimeSec: timer.minWindowDurationSec,
            maxIterationTimeSec: timer.maxWindowDurationSec,
            totalIterationTimeSec: timer.totalTimeSec,
          }
        : {};
    const attributes = ValidationMetricsUpdateAttributes.create({
      currentIteration: Math.max(0, c - 1),
      interval: c - this.validationIntervalStart,
      ...timing,
    });
    this.recordEvent(loop, new Event(EVENT.VALIDATION_METRICS_UPDATE, ts, attributes));
    this.validationIntervalStart = c;
    this.stopSpan(loop, { stopTime: ts });
  }

  onValidationSingleIterationStart(startTimeMsec?: number): Span | undefined {
    this.assertOpen();
    const ts = timeOf(startTimeMsec);
    this.validationIterationTimer.start(ts);
    if (!this.validationIterationSpansExported) return undefined;
    try {
      return this.startStandard(SPAN.VALIDATION_SINGLE_ITERATION, ts);
    } catch (e) {
      this.stopTimerQuietly(this.validationIterationTimer, ts);
      throw e;
    }
  }

  onValidationSingleIterationEnd(finishTimeMsec?: number): void {
    this.assertOpen();
    const ts = timeOf(finishTimeMsec);
    const span = this.validationIterationSpansExported ? this.activeStandard.get(SPAN.VALIDATION_SINGLE_ITERATION) : undefined;
    if (!this.validationIterationTimer.isActive) {
      throw new OneLoggerError(unmatchedEnd('onValidationSingleIterationEnd', 'onValidationSingleIterationStart'));
    }
    this.validationIterationTimer.stop(ts);
    if (span !== undefined) this.stopSpan(span, { stopTime: ts });
  }

  onTestingStart(startTimeMsec?: number): Span {
    return this.startStandard(SPAN.TESTING_LOOP, timeOf(startTimeMsec));
  }

  onTestingEnd(finishTimeMsec?: number): void {
    const loop = this.requireActive(SPAN.TESTING_LOOP);
    const ts = timeOf(finishTimeMsec);
    const c = this.completedOverall;
    const attributes = TestingMetricsUpdateAttributes.create({
      currentIteration: Math.max(0, c - 1),
      interval: c - this.testingIntervalStart,
    });
    this.recordEvent(loop, new Event(EVENT.TESTING_METRICS_UPDATE, ts, attributes));
    this.testingIntervalStart = c;
    this.stopSpan(loop, { stopTime: ts });
  }

  // ------------------------------------------------------------------ checkpoint save

  onSaveCheckpointStart(options: { globalStep: number; startTimeMsec?: number }): Span {
    const cfg = this.trainingConfig;
    if (cfg === undefined) throw new OneLoggerError(CONFIG_NEEDED_FOR_TRAINING);
    const step = requireNonNegativeInt('globalStep', options?.globalStep);
    const strategy = cfg.saveCheckpointStrategy;
    const name = strategy === CheckpointStrategy.SYNC ? SPAN.CHECKPOINT_SAVE_SYNC : SPAN.CHECKPOINT_SAVE_ASYNC;
    this.assertNotActive(name);
    const ts = timeOf(options.startTimeMsec);
    // With save tracking off the span is bare: no timer, attributes or events (the reference always failed, W2).
    if (!cfg.isSaveCheckpointEnabled) return this.startStandard(name, ts);
    const snapshot: ProductivitySnapshot = {
      iterations: this.completedOverall,
      samples: this.trainSamplesStart + this.samplesJob,
      trainSec: this.trainIterationTimer.totalTimeSec,
      validationSec: this.validationIterationTimer.totalTimeSec,
      tflops: this.flopsOverall === undefined ? undefined : this.flopsOverall / 1e12,
    };
    const timer = this.checkpointTimer(strategy);
    timer.start(ts);
    let span: Span;
    try {
      // The span starts at the given time, like its timer (the reference started it "now", W1).
      span = this.startStandard(
        name,
        ts,
        CheckpointSaveSpanAttributes.create({
          checkpointStrategy: strategy,
          currentIteration: step,
          saveCheckpointAttemptCount: timer.totalWindowCount,
        }),
      );
    } catch (e) {
      this.stopTimerQuietly(timer, ts);
      throw e;
    }
    this.snapshots.set(step, snapshot);
    return span;
  }

  /**
   * Reports a successful save: on the sync save span, or (async strategy) on the application span, at any
   * later time. A success for a step with no pending save start is skipped with a warning (W12).
   */
  onSaveCheckpointSuccess(options: SaveCheckpointSuccessOptions): void {
    const cfg = this.trainingConfig;
    if (cfg === undefined) throw new OneLoggerError(CONFIG_NEEDED_FOR_TRAINING);
    const step = requireNonNegativeInt('globalStep', options?.globalStep);
    if (!cfg.isSaveCheckpointEnabled) return;
    const strategy = cfg.saveCheckpointStrategy;
    const target = this.requireActive(strategy === CheckpointStrategy.SYNC ? SPAN.CHECKPOINT_SAVE_SYNC : SPAN.APPLICATION);
    const snapshot = this.snapshots.get(step);
    if (snapshot === undefined) {
      internalLogger.warning(
        `onSaveCheckpointSuccess: no pending checkpoint save for global step ${step} (never started, already reported, or older than a newer successful save); not recorded`,
      );
      return;
    }
    const ts = timeOf(options.timeMsec);
    this.checkpointSuccessCount += 1;
    if (this.firstCheckpointSuccess === undefined) this.firstCheckpointSuccess = ts;
    // This save supersedes older attempts that never succeeded.
    for (const pending of this.snapshots.keys()) if (pending <= step) this.snapshots.delete(pending);
    const attributes = SaveCheckpointSuccessEventAttributes.create({
      checkpointStrategy: strategy,
      currentIteration: step,
      firstSuccessfulSaveCheckpointTimestampSec: this.firstCheckpointSuccess.secondsSinceEpoch,
      latestSuccessfulSaveCheckpointTimestampSec: ts.secondsSinceEpoch,
      saveCheckpointSuccessCount: this.checkpointSuccessCount,
      productiveTrainIterations: snapshot.iterations,
      productiveTrainSamples: snapshot.samples,
      productiveTrainIterationsSec: snapshot.trainSec,
      productiveValidationIterationsSec: snapshot.validationSec,
      ...(snapshot.tflops !== undefined ? { productiveTrainTflops: snapshot.tflops } : {}),
      ...(options.checkpointSize !== undefined ? { checkpointSize: options.checkpointSize } : {}),
      ...(options.checkpointDirectory !== undefined ? { checkpointDirectory: options.checkpointDirectory } : {}),
      ...(this.loopStartTime !== undefined ? { trainingStartTimestampSec: this.loopStartTime.secondsSinceEpoch } : {}),
    });
    this.recordEvent(target, new Event(EVENT.SAVE_CHECKPOINT_SUCCESS, ts, attributes));
  }

  onSaveCheckpointEnd(finishTimeMsec?: number): void {
    const cfg = this.trainingConfig;
    if (cfg === undefined) throw new OneLoggerError(CONFIG_NEEDED_FOR_TRAINING);
    const strategy = cfg.saveCheckpointStrategy;
    const span = this.requireActive(strategy === CheckpointStrategy.SYNC ? SPAN.CHECKPOINT_SAVE_SYNC : SPAN.CHECKPOINT_SAVE_ASYNC);
    const ts = timeOf(finishTimeMsec);
    if (cfg.isSaveCheckpointEnabled) {
      const timer = this.checkpointTimer(strategy);
      if (timer.isActive) timer.stop(ts);
      if (timer.completedWindowCount > 0) {
        const attributes = SyncCheckpointMetricsUpdateAttributes.create({
          saveCheckpointSyncTimeTotalSec: timer.totalTimeSec,
          saveCheckpointSyncTimeMinSec: timer.minWindowDurationSec,
          saveCheckpointSyncTimeMaxSec: timer.maxWindowDurationSec,
        });
        this.recordEvent(span, new Event(EVENT.SYNC_CHECKPOINT_METRICS_UPDATE, ts, attributes));
      }
    }
    this.stopSpan(span, { stopTime: ts });
  }

  // ------------------------------------------------------------------ span bookkeeping (overrides)

  /** Standard names are unique among running spans; timer-backed ones need their timer running. */
  protected override startSpan(spanName: string, options?: StartSpanOptions): Span {
    const standard = STANDARD_TRAINING_SPAN_NAMES.has(spanName);
    if (standard) {
      this.assertNotActive(spanName);
      const timer = this.timerFor(spanName);
      if (timer !== undefined && !timer.isActive) throw new OneLoggerError(`Timer for span ${spanName} is not active.`);
    }
    const span = super.startSpan(spanName, options);
    if (standard) this.activeStandard.set(spanName, span);
    return span;
  }

  /** A timer-backed span stopped while its timer runs (e.g. at application end) gets its timer stopped and an error event. */
  protected override stopSpan(span: Span | undefined, options?: StopSpanOptions): void {
    if (span instanceof Span && span.active && this.activeStandard.get(span.name) === span) {
      const timer = this.timerFor(span.name);
      if (timer?.isActive) {
        const stopTime = options?.stopTime ?? TracingTimestamp.now();
        this.stopTimerQuietly(timer, stopTime);
        this.recordError(
          span,
          `Timer for span ${span.name} (id=${span.id}) was automatically stopped because the span is being stopped. ` +
            'This usually means the corresponding on_xxx_end method was not called correctly, or the application exited abnormally.',
          undefined,
          stopTime,
        );
      }
      super.stopSpan(span, options);
      this.activeStandard.delete(span.name);
      return;
    }
    super.stopSpan(span, options);
  }

  // ------------------------------------------------------------------ internals

  private startStandard(name: string, ts: TracingTimestamp, spanAttributes?: TrainingLoopAttributes | CheckpointSaveSpanAttributes): Span {
    return this.startSpan(name, spanAttributes === undefined ? { startTime: ts } : { startTime: ts, spanAttributes });
  }

  private stopStandard(name: string, finishTimeMsec: number | undefined): void {
    const span = this.requireActive(name);
    this.stopSpan(span, { stopTime: timeOf(finishTimeMsec) });
  }

  private requireActive(name: string): Span {
    this.assertOpen();
    const span = this.activeStandard.get(name);
    if (span === undefined) throw new OneLoggerError(`Expected to have one and only one span named ${name} but found 0.`);
    return span;
  }

  private assertNotActive(name: string): void {
    this.assertOpen();
    if (this.activeStandard.has(name)) {
      throw new OneLoggerError(
        `Cannot start span ${name} while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.`,
      );
    }
  }

  private timerFor(name: string): MultiWindowTimer | undefined {
    switch (name) {
      case SPAN.TRAINING_SINGLE_ITERATION:
        return this.trainIterationTimer;
      case SPAN.VALIDATION_SINGLE_ITERATION:
        return this.validationIterationTimer;
      case SPAN.CHECKPOINT_LOAD:
        return this.checkpointLoadTimer;
      case SPAN.CHECKPOINT_SAVE_SYNC:
      case SPAN.CHECKPOINT_SAVE_ASYNC:
        // Without save tracking the save spans have no timer (W2).
        if (this.trainingConfig?.isSaveCheckpointEnabled === false) return undefined;
        return name === SPAN.CHECKPOINT_SAVE_SYNC ? this.checkpointSaveSyncTimer : this.checkpointSaveAsyncTimer;
      default:
        return undefined;
    }
  }

  private checkpointTimer(strategy: CheckpointStrategy): MultiWindowTimer {
    return strategy === CheckpointStrategy.SYNC ? this.checkpointSaveSyncTimer : this.checkpointSaveAsyncTimer;
  }

  private stopTimerQuietly(timer: MultiWindowTimer, ts: TracingTimestamp): void {
    try {
      timer.stop(ts);
    } catch (e) {
      internalLogger.warning(`Could not stop a timer: ${messageOf(e)}`);
    }
  }

  private emitConfigEvent(app: Span): void {
    const cfg = this.trainingConfig as TrainingTelemetryConfig;
    this.recordEvent(
      app,
      new Event(EVENT.UPDATE_TRAINING_TELEMETRY_CONFIG, TracingTimestamp.now(), TrainingTelemetryAttributes.fromConfig(cfg)),
    );
    if (cfg.isLogThroughputEnabled) this.setFlopsOverall(0);
  }

  private emitTrainingMetrics(loop: Span, ts: TracingTimestamp, throughputEnabled: boolean): void {
    const timer = this.trainIterationTimer;
    const throughput = throughputEnabled && this.throughputSummary.count > 0;
    // Optional fields are passed as undefined when absent (create leaves them out): no object spread per update.
    const attributesJson = TrainingMetricsUpdateAttributes.json(
      {
        trainIterationsStart: this.trainIterationsStart,
        currentIteration: this.completedOverall - 1,
        numIterations: timer.totalWindowCount,
        trainSamplesStart: this.trainSamplesStart,
        numTrainSamples: this.samplesJob,
        // Iterations since the previous update (the reference always wrote N, W9).
        interval: this.completedOverall - this.lastReportedCompleted,
        avgIterationTimeSec: timer.avgWindowDurationSec,
        minIterationTimeSec: timer.minWindowDurationSec,
        maxIterationTimeSec: timer.maxWindowDurationSec,
        totalIterationTimeSec: timer.totalTimeSec,
        trainTokens: this.tokensJob,
        // Additive: the reference has the key but never fills it; absent unless logMetrics was given a loss.
        latestLoss: this.lastLoss,
        completedFloatingPointOperationsOverall: this.flopsOverall,
        totalFlops: this.flopsJob,
        trainThroughputPerGpu: throughput ? (this.throughputSummary.latestValue as number) : undefined,
        trainThroughputPerGpuMax: throughput ? (this.throughputSummary.maxValue as number) : undefined,
        trainThroughputPerGpuMin: throughput ? (this.throughputSummary.minValue as number) : undefined,
        firstLoggedTrainIterationsFinishTimestampSec: secondsOf(this.firstIterationEndWallMs),
        lastLoggedTrainIterationsFinishTimestampSec: secondsOf(this.lastIterationEndWallMs),
      },
      ts.millisecondsSinceEpoch,
    );
    // As JSON text (see TrainingMetricsUpdateAttributes.json): the collection is built only if an exporter reads it.
    this.recordEvent(loop, Event.ofAttributesJson(EVENT.TRAINING_METRICS_UPDATE, ts, attributesJson));
    this.lastReportedCompleted = this.completedOverall;
  }
}

/** Epoch milliseconds as seconds (what a timestamp's `secondsSinceEpoch` gives for them). */
function secondsOf(wallMs: number | undefined): number | undefined {
  return wallMs === undefined ? undefined : wallMs / 1000;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
