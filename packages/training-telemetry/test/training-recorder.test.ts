// TrainingRecorder: state, span bookkeeping, metric computation, checkpoint productivity, timer auto-stop,
// application end, and full-job integration scenarios (spec/training.md §6, §9, §10 items 59-71, §11 W6, W7, W12),
// including the demo program (in-process with a fake clock, and as a real child process).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ExportCustomizationMode,
  FileExporter,
  internalLogger,
  MultiWindowTimer,
  OneLoggerConfig,
  OneLoggerError,
} from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { type Rec, readRecords } from '../../core/test/helpers/records.js';
import {
  application,
  CheckpointStrategy,
  DEFAULT_SPAN_BLACKLIST,
  onAppEnd,
  onAppStart,
  onDataloaderInitEnd,
  onDataloaderInitStart,
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
  TRAINING_TELEMETRY_VERSION,
  TrainingRecorder,
  TrainingTelemetryConfig,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
  trainingIteration,
  trainingLoop,
} from '../src/index.js';
import { assertExact } from './helpers/assert-exact.js';
import { createFakeClock, ms, sec } from './helpers/fake-clock.js';
import { summary } from './helpers/record-queries.js';
import { RecordingExporter } from './helpers/recording-exporter.js';
import { PID, recordedSetup, TEST_BASE, TEST_TELEMETRY } from './helpers/setup.js';
import { useTestEnvironment } from './helpers/test-environment.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

// ------------------------------------------------------------------------------------------- helpers

const clock = createFakeClock({ perfOriginMs: 5_000_000 });
const { at, advance, elapsedSec: nowSec } = clock;
const testEnv = useTestEnvironment({ clock, tmpPrefix: 'tt-recorder-', filePrefix: 'rec', isolateRank: true });
const setup = recordedSetup(testEnv, TEST_TELEMETRY);

function frequencies(names: (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[String(n)] = (out[String(n)] ?? 0) + 1;
  return out;
}

/** A TrainingRecorder used directly (no provider), with the default export settings of the provider. */
function directRecorder(telemetry: TrainingTelemetryConfigInput | null = TEST_TELEMETRY): {
  recorder: TrainingRecorder;
  rec: RecordingExporter;
} {
  const rec = new RecordingExporter();
  const config = new OneLoggerConfig({
    ...TEST_BASE,
    ...(telemetry !== null ? { telemetryConfig: new TrainingTelemetryConfig(telemetry) } : {}),
  });
  const recorder = new TrainingRecorder({
    config,
    exporters: [rec],
    exportCustomizationMode: ExportCustomizationMode.BLACKLIST_SPANS,
    spanNameFilter: DEFAULT_SPAN_BLACKLIST,
  });
  return { recorder, rec };
}

const AUTO_STOP_FRAGMENTS = [
  'Timer for span',
  'automatically stopped',
  'span is being stopped',
  'on_xxx_end method was not called correctly',
];

function autoStopMessage(spanName: string, spanId: string): string {
  return (
    `Timer for span ${spanName} (id=${spanId}) was automatically stopped because the span is being stopped. ` +
    'This usually means the corresponding on_xxx_end method was not called correctly, or the application exited abnormally.'
  );
}

// ------------------------------------------------------------------------------------------- items 59-62

describe('state and span bookkeeping (spec §6.1, §10 items 59-62)', () => {
  test('item 59: a fresh recorder: counters 0, no FLOP total, five idle timers', () => {
    const { recorder, rec } = directRecorder();
    assert.deepStrictEqual(recorder.state, {
      trainIterationsStart: 0,
      completedIterationsOverall: 0,
      trainSamplesStart: 0,
      trainSamplesJob: 0,
      flopsJob: 0,
      flopsOverall: undefined,
      tokensJob: undefined,
      checkpointSuccessCount: 0,
      pendingCheckpointSteps: [],
    });
    const timers = [
      recorder.trainIterationTimer,
      recorder.validationIterationTimer,
      recorder.checkpointSaveSyncTimer,
      recorder.checkpointSaveAsyncTimer,
      recorder.checkpointLoadTimer,
    ];
    assert.equal(new Set(timers).size, 5);
    for (const t of timers) {
      assert.ok(t instanceof MultiWindowTimer);
      assert.equal(t.isActive, false);
      assert.equal(t.totalWindowCount, 0);
    }
    assert.equal(recorder.throughputSummary.count, 0);
    assert.equal(recorder.trainingConfig?.perfTag, 'test_perf');
    assert.deepStrictEqual(rec.sequence, ['initialize'], 'exporters are initialised by the constructor');
  });

  test('item 60: active span bookkeeping across start/stop of the application and data loader spans', () => {
    const { recorder } = directRecorder();
    const app = recorder.onAppStart();
    assert.equal(recorder.activeStandardSpan('application'), app);
    assert.deepStrictEqual(recorder.getActiveSpansByName('application'), [app]);
    const loader = recorder.onDataloaderInitStart();
    assert.deepStrictEqual(recorder.getActiveSpansByName('data_loader_initialization'), [loader]);
    assert.equal(loader.parentSpan, app);
    recorder.stop(loader);
    assert.equal(recorder.activeStandardSpan('data_loader_initialization'), undefined);
    assert.deepStrictEqual(recorder.getActiveSpansByName('data_loader_initialization'), []);
    assert.deepStrictEqual(recorder.getActiveSpansByName('application'), [app]);
    // The name is free again.
    const again = recorder.onDataloaderInitStart();
    recorder.onDataloaderInitEnd();
    assert.equal(again.active, false);
    recorder.stop(app);
    assert.equal(recorder.activeStandardSpan('application'), undefined);
    assert.deepStrictEqual(recorder.getActiveSpansByName('application'), []);
  });

  test('item 61: full state trace (resume at 5 with 3000 samples): counters, throughput, checkpoint snapshots', () => {
    const { recorder, rec } = directRecorder();
    recorder.onAppStart();
    at(100);
    recorder.onTrainStart({ trainIterationsStart: 5, trainSamplesStart: 3000 });
    assert.deepStrictEqual(recorder.state, {
      trainIterationsStart: 5,
      completedIterationsOverall: 5,
      trainSamplesStart: 3000,
      trainSamplesJob: 0,
      flopsJob: 0,
      flopsOverall: 5 * 32 * 100,
      tokensJob: undefined,
      checkpointSuccessCount: 0,
      pendingCheckpointSteps: [],
    });
    // Load a checkpoint (its timer is never reported).
    advance(10);
    recorder.onLoadCheckpointStart();
    advance(10);
    recorder.onLoadCheckpointEnd();
    assert.equal(recorder.checkpointLoadTimer.totalTimeSec, 10);

    // First iteration: 10 s.
    advance(5.55);
    recorder.onTrainingSingleIterationStart();
    advance(10);
    recorder.onTrainingSingleIterationEnd();
    assert.equal(recorder.trainIterationTimer.totalTimeSec, 10);
    assert.deepStrictEqual(
      [recorder.state.completedIterationsOverall, recorder.state.flopsOverall, recorder.state.flopsJob, recorder.state.trainSamplesJob],
      [6, 19200, 3200, 32],
    );
    assert.equal(recorder.throughputSummary.latestValue, 3200 / (10 * 1e12 * 4));

    // Second iteration: 20 s.
    advance(14.45);
    recorder.onTrainingSingleIterationStart();
    advance(20);
    recorder.onTrainingSingleIterationEnd();
    assert.deepStrictEqual(
      [recorder.state.completedIterationsOverall, recorder.state.flopsOverall, recorder.state.flopsJob, recorder.state.trainSamplesJob],
      [7, 22400, 6400, 64],
    );
    assert.equal(recorder.throughputSummary.latestValue, 6400 / (30 * 1e12 * 4));

    // First checkpoint save (step 1).
    advance(10);
    recorder.onSaveCheckpointStart({ globalStep: 1 });
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, [1]);
    advance(20);
    const firstSuccess = nowSec();
    recorder.onSaveCheckpointSuccess({ globalStep: 1 });
    recorder.onSaveCheckpointEnd();
    assert.equal(recorder.state.checkpointSuccessCount, 1);
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, []);

    // A validation loop with 20 s and 50 s iterations.
    advance(30);
    recorder.onValidationStart();
    advance(10);
    recorder.onValidationSingleIterationStart();
    advance(20);
    recorder.onValidationSingleIterationEnd();
    advance(10);
    recorder.onValidationSingleIterationStart();
    advance(50);
    recorder.onValidationSingleIterationEnd();
    recorder.onValidationEnd();
    assertExact(rec.events('validation_metrics_update')[0]?.attributes, {
      current_iteration: 6,
      interval: 2,
      avg_iteration_time_sec: 35,
      min_iteration_time_sec: 20,
      max_iteration_time_sec: 50,
      total_iteration_time_sec: 70,
      timestamp_msec: ms(nowSec()),
    });

    // Third iteration: 20 s.
    advance(10);
    recorder.onTrainingSingleIterationStart();
    advance(20);
    recorder.onTrainingSingleIterationEnd();
    assert.deepStrictEqual(
      [recorder.state.completedIterationsOverall, recorder.state.flopsOverall, recorder.state.flopsJob, recorder.state.trainSamplesJob],
      [8, 25600, 9600, 96],
    );
    const tps = [3200 / (10 * 1e12 * 4), 6400 / (30 * 1e12 * 4), 9600 / (50 * 1e12 * 4)];
    assert.equal(recorder.throughputSummary.count, 3);
    assert.equal(recorder.throughputSummary.latestValue, tps[2]);
    assert.equal(recorder.throughputSummary.maxValue, tps[0]);
    assert.equal(recorder.throughputSummary.minValue, tps[2]);

    // Second save (step 2); a success for step 1 while it is open does not consume the step-2 snapshot (W12).
    advance(10);
    recorder.onSaveCheckpointStart({ globalStep: 2 });
    advance(20);
    recorder.onSaveCheckpointSuccess({ globalStep: 1 });
    assert.equal(recorder.state.checkpointSuccessCount, 1);
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, [2]);
    const secondSuccess = nowSec();
    recorder.onSaveCheckpointSuccess({ globalStep: 2 });
    advance(10);
    recorder.onSaveCheckpointEnd();
    assert.equal(recorder.state.checkpointSuccessCount, 2);
    const successes = rec.events('save_checkpoint_success');
    assert.equal(successes.length, 2);
    assertExact(successes[1]?.attributes, {
      checkpoint_strategy: 'sync',
      current_iteration: 2,
      first_successful_save_checkpoint_timestamp_sec: sec(firstSuccess),
      latest_successful_save_checkpoint_timestamp_sec: sec(secondSuccess),
      save_checkpoint_success_count: 2,
      productive_train_iterations: 8,
      productive_train_samples: 3096,
      productive_train_iterations_sec: 50,
      productive_validation_iterations_sec: 70,
      productive_train_tflops: (8 * 32 * 100) / 1e12,
      training_start_timestamp_sec: sec(100),
      timestamp_msec: ms(secondSuccess),
    });
    assert.equal(successes[0]?.attributes?.productive_train_iterations, 7);
    assert.equal(successes[0]?.attributes?.productive_train_samples, 3064);
    assert.equal(successes[0]?.attributes?.productive_train_iterations_sec, 30);
    assert.equal(successes[0]?.attributes?.productive_validation_iterations_sec, 0);
    assert.equal(successes[0]?.attributes?.productive_train_tflops, 22400 / 1e12);
    assertExact(rec.events('sync_checkpoint_metrics_update')[1]?.attributes, {
      save_checkpoint_sync_time_total_sec: 50,
      save_checkpoint_sync_time_min_sec: 20,
      save_checkpoint_sync_time_max_sec: 30,
      timestamp_msec: ms(nowSec()),
    });
  });

  test('item 62: a second start of the same standard span is rejected ("already active")', () => {
    const { recorder } = directRecorder();
    recorder.onAppStart();
    recorder.onDataloaderInitStart();
    assert.throws(() => recorder.onDataloaderInitStart(), /already active/);
    const span = recorder.start('model_forward');
    assert.ok(span !== undefined);
    assert.throws(
      () => recorder.start('model_forward'),
      (e: unknown) =>
        e instanceof OneLoggerError &&
        e.message ===
          'Cannot start span model_forward while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
    );
    recorder.stop(span);
    assert.ok(recorder.start('model_forward') !== undefined, 'free again after the stop');
    // Custom (non-standard) names may be active several times.
    const a = recorder.start('my_custom_span');
    const b = recorder.start('my_custom_span');
    assert.equal(recorder.getActiveSpansByName('my_custom_span').length, 2);
    assert.notEqual(a, b);
  });

  test('timer-backed standard spans cannot be started through the generic API without their timer', () => {
    const { recorder } = directRecorder();
    assert.throws(
      () => recorder.start('checkpoint_load'),
      (e: unknown) => e instanceof OneLoggerError && e.message === 'Timer for span checkpoint_load is not active.',
    );
    assert.throws(
      () => recorder.start('checkpoint_save_sync'),
      (e: unknown) => e instanceof OneLoggerError && e.message === 'Timer for span checkpoint_save_sync is not active.',
    );
  });
});

// ------------------------------------------------------------------------------------------- item 63

describe('counting scenario (spec §10 item 63)', () => {
  test('90 iterations, N=10, saves every 3, validation every 5: exact span and event counts', async () => {
    const { rec, records, recorder } = setup();
    onAppStart();
    advance(10);
    onDataloaderInitStart();
    advance(30);
    onDataloaderInitEnd();
    advance(50);
    onLoadCheckpointStart();
    advance(20);
    onLoadCheckpointEnd();
    onModelInitStart();
    advance(20);
    onModelInitEnd();
    onOptimizerInitStart();
    advance(40);
    onOptimizerInitEnd();
    onTrainStart({ trainIterationsStart: 0, trainSamplesStart: 0 });
    for (let i = 0; i < 90; i++) {
      onTrainingSingleIterationStart();
      for (const [name, d] of [
        ['data_loading', 40],
        ['model_forward', 10],
        ['zero_grad', 20],
        ['model_backward', 10],
        ['optimizer_update', 5],
      ] as const) {
        const span = recorder.start(name);
        advance(d);
        recorder.stop(span);
      }
      advance(100);
      onTrainingSingleIterationEnd();
      if (i > 0 && i % 3 === 0) {
        onSaveCheckpointStart({ globalStep: i });
        advance(50);
        onSaveCheckpointSuccess({ globalStep: i });
        onSaveCheckpointEnd();
      }
      if (i > 0 && i % 5 === 0) {
        onValidationStart();
        onValidationSingleIterationStart();
        advance(40);
        onValidationSingleIterationEnd();
        onValidationEnd();
      }
    }
    onTrainEnd();
    onTestingStart();
    for (let k = 0; k < 5; k++) recorder.stop(recorder.start('TESTING_SINGLE_ITERATION'));
    advance(40);
    onTestingEnd();
    await onAppEnd();

    assert.equal(rec.calls.filter((c) => c.op === 'initialize').length, 1);
    assert.deepStrictEqual(frequencies(rec.calls.filter((c) => c.op === 'start').map((c) => c.name)), {
      application: 1,
      data_loader_initialization: 1,
      checkpoint_load: 1,
      model_initialization: 1,
      optimizer_initialization: 1,
      training_loop: 1,
      checkpoint_save_sync: 29,
      validation_loop: 17,
      testing_loop: 1,
    });
    assert.deepStrictEqual(frequencies(rec.calls.filter((c) => c.op === 'event').map((c) => c.name)), {
      one_logger_initialization: 1,
      update_training_telemetry_config: 1,
      save_checkpoint_success: 29,
      sync_checkpoint_metrics_update: 29,
      // 10, 20, …, 90 completed iterations; the 90th is the last, so the loop end adds nothing (W8).
      training_metrics_update: 9,
      validation_metrics_update: 17,
      testing_metrics_update: 1,
    });
    assert.deepStrictEqual(
      rec.events('training_metrics_update').map((c) => c.attributes?.current_iteration),
      [9, 19, 29, 39, 49, 59, 69, 79, 89],
    );
    assert.deepStrictEqual(
      rec.events('training_metrics_update').map((c) => c.attributes?.interval),
      new Array(9).fill(10),
    );
    assert.equal(rec.calls.filter((c) => c.op === 'error' || c.op === 'telemetry_data_error').length, 0);

    // The same counts in the file (every record schema-valid).
    const recs = records();
    const byKind = frequencies(summary(recs));
    assert.deepStrictEqual(byKind, {
      'start:application': 1,
      'event:one_logger_initialization': 1,
      'event:update_training_telemetry_config': 1,
      'complete:data_loader_initialization': 1,
      'complete:checkpoint_load': 1,
      'complete:model_initialization': 1,
      'complete:optimizer_initialization': 1,
      'start:training_loop': 1,
      'event:training_metrics_update': 9,
      'start:checkpoint_save_sync': 29,
      'event:save_checkpoint_success': 29,
      'event:sync_checkpoint_metrics_update': 29,
      'stop:checkpoint_save_sync': 29,
      'start:validation_loop': 17,
      'event:validation_metrics_update': 17,
      'stop:validation_loop': 17,
      'stop:training_loop': 1,
      'start:testing_loop': 1,
      'event:testing_metrics_update': 1,
      'stop:testing_loop': 1,
      'stop:application': 1,
    });
    // 193 exporter calls; the four initialisation phases are single `complete` records.
    assert.equal(recs.length, 189);
    assert.deepStrictEqual(
      recs.map((r) => r.count),
      Array.from({ length: 189 }, (_, i) => i + 1),
    );
  });
});

// ------------------------------------------------------------------------------------------- item 64

describe('config event step (spec §6.2, §10 item 64)', () => {
  test('no training config → "Please set the training telemetry config before calling this method."', () => {
    const { recorder } = directRecorder(null);
    recorder.onAppStart();
    assert.throws(
      () => recorder.updateTrainingTelemetryConfig(),
      (e: unknown) => e instanceof OneLoggerError && e.message === 'Please set the training telemetry config before calling this method.',
    );
  });

  test('without an application span nothing is posted (W13: onAppStart posts it later)', () => {
    const { recorder, rec } = directRecorder();
    recorder.updateTrainingTelemetryConfig();
    assert.deepStrictEqual(rec.sequence, ['initialize']);
    assert.equal(recorder.state.flopsOverall, undefined);
  });

  test('throughput on resets the overall FLOP counter to 0; defaults are reported; optional fields absent', () => {
    const { recorder, rec } = directRecorder({ perfTag: 'p', globalBatchSize: 8, flopsPerSample: 10, isLogThroughputEnabled: true });
    recorder.onAppStart();
    assert.equal(recorder.state.flopsOverall, 0);
    recorder.onTrainStart({ trainIterationsStart: 3, trainIterationsTarget: 10, trainSamplesTarget: 80 });
    assert.equal(recorder.state.flopsOverall, 240);
    recorder.updateTrainingTelemetryConfig();
    assert.equal(recorder.state.flopsOverall, 0);
    const events = rec.events('update_training_telemetry_config');
    assert.equal(events.length, 2);
    assertExact(events[1]?.attributes, {
      perf_tag: 'p',
      global_batch_size: 8,
      log_every_n_train_iterations: 50,
      flops_per_sample: 10,
      checkpoint_strategy: 'sync',
      is_train_iterations_enabled: true,
      is_validation_iterations_enabled: true,
      is_test_iterations_enabled: true,
      is_save_checkpoint_enabled: true,
      is_log_throughput_enabled: true,
      timestamp_msec: ms(0),
    });
  });

  test('throughput off leaves the FLOP counter unset; every optional field and custom metadata when given', () => {
    const { recorder, rec } = directRecorder({
      perfTag: ['a', 'b'],
      globalBatchSize: () => 64,
      microBatchSize: 4,
      seqLength: 2048,
      flopsPerSample: 7,
      trainIterationsTarget: 100,
      trainSamplesTarget: 6400,
      logEveryNTrainIterations: 5,
      isTrainIterationsEnabled: false,
      isValidationIterationsEnabled: () => false,
      isTestIterationsEnabled: false,
      isSaveCheckpointEnabled: false,
      saveCheckpointStrategy: CheckpointStrategy.ASYNC,
      customMetadata: { team: 'nlp', n: 3, flag: false },
    });
    recorder.onAppStart();
    assert.equal(recorder.state.flopsOverall, undefined);
    assertExact(rec.events('update_training_telemetry_config')[0]?.attributes, {
      perf_tag: ['a', 'b'],
      global_batch_size: 64,
      log_every_n_train_iterations: 5,
      micro_batch_size: 4,
      seq_length: 2048,
      flops_per_sample: 7,
      train_iterations_target: 100,
      train_samples_target: 6400,
      checkpoint_strategy: 'async',
      is_train_iterations_enabled: false,
      is_validation_iterations_enabled: false,
      is_test_iterations_enabled: false,
      is_save_checkpoint_enabled: false,
      is_log_throughput_enabled: false,
      custom_metadata: ['team:nlp', 'n:3', 'flag:False'],
      timestamp_msec: ms(0),
    });
  });
});

// ------------------------------------------------------------------------------------------- items 65-69, W6

describe('application end, timer auto-stop and cleanup (spec §10 items 65-69, W6)', () => {
  const timerBacked: [string, string, () => void][] = [
    ['checkpoint_load', 'checkpointLoadTimer', () => onLoadCheckpointStart()],
    ['training_single_iteration', 'trainIterationTimer', () => onTrainingSingleIterationStart()],
    ['validation_single_iteration', 'validationIterationTimer', () => onValidationSingleIterationStart()],
    ['checkpoint_save_sync', 'checkpointSaveSyncTimer', () => onSaveCheckpointStart({ globalStep: 1 })],
    ['checkpoint_save_async', 'checkpointSaveAsyncTimer', () => onSaveCheckpointStart({ globalStep: 1 })],
  ];
  for (const [name, timerKey, start] of timerBacked) {
    test(`item 65: ${name} left open: stopped at the application end with exactly one exported error event`, async () => {
      const telemetry =
        name === 'checkpoint_save_async' ? { ...TEST_TELEMETRY, saveCheckpointStrategy: CheckpointStrategy.ASYNC } : TEST_TELEMETRY;
      const { rec, recorder, records } = setup({ telemetry, exportAll: true });
      onAppStart();
      advance(1);
      start();
      const span = recorder.activeStandardSpan(name);
      assert.ok(span !== undefined);
      const timer = (recorder as unknown as Record<string, MultiWindowTimer>)[timerKey] as MultiWindowTimer;
      assert.equal(timer.isActive, true);
      advance(4);
      await onAppEnd();
      assert.equal(timer.isActive, false);
      assert.equal(timer.completedWindowCount, 1);
      assert.equal(timer.totalTimeSec, 4);
      const errors = rec.calls.filter((c) => c.op === 'error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.spanName, name);
      const message = String(errors[0]?.attributes?.error_message);
      for (const fragment of AUTO_STOP_FRAGMENTS) assert.ok(message.includes(fragment), `"${fragment}" in ${message}`);
      assert.ok(message.includes(name));
      assertExact(errors[0]?.attributes, { error_message: autoStopMessage(name, span.id), timestamp_msec: ms(5) });
      const recs = records();
      assert.deepStrictEqual(summary(recs).slice(-3), [`application_error:error`, `stop:${name}`, 'stop:application']);
      assert.equal(recs.at(-2)?.attributes.duration_msec, 4000);
      assert.equal(recs.at(-2)?.stop_event.attributes.timestamp_msec, ms(5));
    });
  }

  test('item 65: no error when the timer was stopped properly or the span has no timer', async () => {
    const { rec } = setup({ exportAll: true });
    onAppStart();
    onLoadCheckpointStart();
    advance(1);
    onLoadCheckpointEnd();
    onModelInitStart();
    onTrainStart({ trainIterationsStart: 0 });
    advance(2);
    await onAppEnd();
    assert.equal(rec.calls.filter((c) => c.op === 'error').length, 0);
    assert.deepStrictEqual(rec.sequence.slice(-5), [
      'stop:training_loop',
      'stop:model_initialization',
      'stop:application',
      'flush',
      'close',
    ]);
  });

  test('W6: open children are stopped first, at the application stop time (the iteration window is closed too)', async () => {
    const { records, recorder } = setup();
    at(0);
    onAppStart();
    at(10);
    onLoadCheckpointStart();
    at(20);
    onTrainStart({ trainIterationsStart: 0 });
    at(30);
    onTrainingSingleIterationStart();
    at(40);
    onSaveCheckpointStart({ globalStep: 0 });
    at(100);
    await onAppEnd({ finishTimeMsec: ms(90) });
    assert.equal(recorder.closed, true);
    assert.equal(recorder.trainIterationTimer.isActive, false);
    assert.equal(recorder.trainIterationTimer.totalTimeSec, 60);
    const recs = records();
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:checkpoint_load',
      'start:training_loop',
      'start:checkpoint_save_sync',
      'application_error:error',
      'stop:checkpoint_save_sync',
      'stop:training_loop',
      'application_error:error',
      'stop:checkpoint_load',
      'stop:application',
    ]);
    const stops = recs.filter((r) => r.type === 'stop');
    assert.deepStrictEqual(
      stops.map((r) => [r.name, r.stop_event.attributes.timestamp_msec, r.attributes.duration_msec]),
      [
        ['checkpoint_save_sync', ms(90), 50000],
        ['training_loop', ms(90), 70000],
        ['checkpoint_load', ms(90), 80000],
        ['application', ms(90), 90000],
      ],
    );
    assert.equal(recs[6]?.span_id, recs[5]?.id);
    assert.equal(recs[6]?.event.attributes.error_message, autoStopMessage('checkpoint_save_sync', recs[5]?.id));
    assert.equal(recs[9]?.span_id, recs[3]?.id);
    // No final metrics update for an iteration that never ended.
    assert.equal(recs.filter((r) => r.event?.name === 'training_metrics_update').length, 0);
  });

  test('item 66: a crash without cleanup leaves the spans active, nothing stopped, the recorder open, no data error', () => {
    const { rec, recorder } = setup();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    onTrainingSingleIterationStart();
    // …the job dies here.
    assert.equal(recorder.closed, false);
    assert.ok(recorder.activeStandardSpan('application')?.active);
    assert.ok(recorder.activeStandardSpan('training_loop')?.active);
    assert.equal(recorder.trainIterationTimer.isActive, true);
    assert.equal(rec.calls.filter((c) => c.op === 'stop' || c.op === 'telemetry_data_error' || c.op === 'close').length, 0);
  });

  test('item 67: manual cleanup in reverse order, then close: loop and app stops exported, exporters closed', async () => {
    const { rec, recorder, records } = setup();
    const app = onAppStart();
    const loop = onTrainStart({ trainIterationsStart: 0 });
    onTrainingSingleIterationStart();
    advance(3);
    onTrainingSingleIterationEnd();
    recorder.stop(loop);
    recorder.stop(app);
    await recorder.close();
    assert.deepStrictEqual(rec.sequence.slice(-4), ['stop:training_loop', 'stop:application', 'flush', 'close']);
    assert.equal(recorder.activeStandardSpan('training_loop'), undefined);
    assert.equal(recorder.activeStandardSpan('application'), undefined);
    assert.deepStrictEqual(recorder.getActiveSpansByName('application'), []);
    assert.deepStrictEqual(summary(records()).slice(-2), ['complete:training_loop', 'stop:application']);
  });

  test('item 68: context helpers with an exception: both exported spans stopped, recorder closed', async () => {
    const { recorder, records } = setup();
    const failure = new Error('nan loss');
    await assert.rejects(
      application(() => {
        trainingLoop({ trainIterationsStart: 0 }, () => {
          trainingIteration(() => {
            advance(1);
            throw failure;
          });
        });
      }),
      (e: unknown) => e === failure,
    );
    assert.equal(recorder.closed, true);
    const recs = records();
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'event:training_metrics_update',
      'stop:training_loop',
      'stop:application',
    ]);
    assert.equal(recs[0]?.id, recs[6]?.id);
    assert.equal(recs[4]?.event.attributes.num_iterations, 1);
  });

  test('item 69: a manual telemetry data error with attributes is exported once', async () => {
    const { rec, recorder, records } = setup();
    onAppStart();
    advance(2);
    recorder.telemetryDataError('Training crashed', { active_span_count: 3, reason: 'oom' });
    recorder.telemetryDataError('Second report');
    await onAppEnd();
    const tde = rec.calls.filter((c) => c.op === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    const recs = records();
    assertExact(recs[3], {
      type: 'telemetry_data_error',
      error: {
        name: 'telemetry_data_error',
        attributes: {
          error_message: 'Training crashed',
          telemetry_data_error_type: 'incomplete_telemetry_data',
          active_span_count: 3,
          reason: 'oom',
          timestamp_msec: ms(2),
        },
      },
      count: 4,
      pid: PID,
    });
    assert.equal(recs.filter((r) => r.type === 'telemetry_data_error').length, 1);
  });
});

// ------------------------------------------------------------------------------------------- item 70-71

describe('integration: a full job (spec §10 items 70, 71)', () => {
  const START = 100;
  const N_ITER = 11;

  function runJob(): { loopStart: number; iterEnds: number[] } {
    at(0);
    onAppStart();
    advance(10);
    onDataloaderInitStart();
    advance(20);
    onDataloaderInitEnd();
    advance(20.5);
    onLoadCheckpointStart();
    advance(9.5);
    onLoadCheckpointEnd();
    advance(2);
    onModelInitStart();
    advance(68);
    onModelInitEnd();
    onOptimizerInitStart();
    advance(10);
    onOptimizerInitEnd();
    advance(10);
    const loopStart = nowSec();
    onTrainStart({ trainIterationsStart: START, trainSamplesStart: 3200, trainIterationsTarget: 1000, trainSamplesTarget: 32000 });
    advance(50);
    const iterEnds: number[] = [];
    for (let i = 0; i < N_ITER; i++) {
      const cur = START + i;
      onTrainingSingleIterationStart();
      advance(i % 2 === 0 ? 400 : 500);
      onTrainingSingleIterationEnd();
      iterEnds.push(nowSec());
      if (i % 3 === 0) {
        onSaveCheckpointStart({ globalStep: cur });
        advance(100);
        onSaveCheckpointSuccess({ globalStep: cur });
        advance(10);
        onSaveCheckpointEnd();
      }
      if (i % 5 === 0) {
        onValidationStart();
        for (let v = 0; v < 4; v++) {
          onValidationSingleIterationStart();
          advance(200);
          onValidationSingleIterationEnd();
          advance(5);
        }
        onValidationEnd();
        advance(5);
      }
      advance(400);
    }
    onTrainEnd();
    advance(500);
    return { loopStart, iterEnds };
  }

  test('item 70: exact exporter call sequence, parents and every metric value', async () => {
    const { rec, records } = setup({ telemetry: { ...TEST_TELEMETRY, logEveryNTrainIterations: 2, seqLength: 1024 }, worldSize: 4 });
    const { loopStart, iterEnds } = runJob();
    const trainEnd = nowSec() - 500;
    await onAppEnd();

    // The exact call sequence.
    const expected = [
      'initialize',
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:data_loader_initialization',
      'stop:data_loader_initialization',
      'start:checkpoint_load',
      'stop:checkpoint_load',
      'start:model_initialization',
      'stop:model_initialization',
      'start:optimizer_initialization',
      'stop:optimizer_initialization',
      'start:training_loop',
    ];
    for (let i = 0; i < N_ITER; i++) {
      if (i % 2 === 1) expected.push('event:training_metrics_update');
      if (i % 3 === 0) {
        expected.push(
          'start:checkpoint_save_sync',
          'event:save_checkpoint_success',
          'event:sync_checkpoint_metrics_update',
          'stop:checkpoint_save_sync',
        );
      }
      if (i % 5 === 0) expected.push('start:validation_loop', 'event:validation_metrics_update', 'stop:validation_loop');
    }
    expected.push('event:training_metrics_update', 'stop:training_loop', 'stop:application', 'flush', 'close');
    assert.deepStrictEqual(rec.sequence, expected);
    assert.equal(rec.sequence.length, 48);

    // Parents: the phases and the loop under the application; saves and validation loops under the loop.
    const appId = rec.calls[1]?.spanId;
    const loopCall = rec.calls.find((c) => c.op === 'start' && c.name === 'training_loop');
    for (const c of rec.calls.filter((x) => x.op === 'start')) {
      if (c.name === 'application') assert.equal(c.parentId, undefined);
      else if (c.name === 'checkpoint_save_sync' || c.name === 'validation_loop') assert.equal(c.parentId, loopCall?.spanId, c.name);
      else assert.equal(c.parentId, appId, c.name);
    }
    assertExact(loopCall?.attributes, {
      train_iterations_start: 100,
      train_samples_start: 3200,
      train_tokens_target: 32000 * 1024,
      completed_floating_point_operations_overall: 320000,
      train_iterations_target: 1000,
      train_samples_target: 32000,
    });
    assert.deepStrictEqual(
      rec.calls
        .filter((c) => c.op === 'stop' && c.name !== 'training_loop' && c.name !== 'application')
        .map((c) => [c.name, c.attributes?.duration_msec])
        .slice(0, 4),
      [
        ['data_loader_initialization', 20000],
        ['checkpoint_load', 9500],
        ['model_initialization', 68000],
        ['optimizer_initialization', 10000],
      ],
    );

    // Training metrics at global steps 101, 103, 105, 107, 109, and the final one at 110 (W8).
    const metrics = rec.events('training_metrics_update');
    assert.deepStrictEqual(
      metrics.map((m) => m.attributes?.current_iteration),
      [101, 103, 105, 107, 109, 110],
    );
    let total = 0;
    let tpMin = Number.POSITIVE_INFINITY;
    let tpMax = 0;
    let k = 0;
    for (let i = 0; i < N_ITER; i++) {
      total += i % 2 === 0 ? 400 : 500;
      const tp = (3200 * (i + 1)) / (total * 1e12 * 4);
      tpMin = Math.min(tpMin, tp);
      tpMax = Math.max(tpMax, tp);
      const due = i % 2 === 1 || i === N_ITER - 1;
      if (!due) continue;
      const m = metrics[k++]?.attributes ?? {};
      const final = i === N_ITER - 1;
      assertExact(
        m,
        {
          train_iterations_start: 100,
          current_iteration: START + i,
          num_iterations: i + 1,
          train_samples_start: 3200,
          num_train_samples: 32 * (i + 1),
          interval: i === N_ITER - 1 ? 1 : 2,
          avg_iteration_time_sec: total / (i + 1),
          min_iteration_time_sec: 400,
          max_iteration_time_sec: i > 0 ? 500 : 400,
          total_iteration_time_sec: total,
          train_tokens: 32 * 1024 * (i + 1),
          completed_floating_point_operations_overall: (START + i + 1) * 3200,
          total_flops: 3200 * (i + 1),
          train_throughput_per_gpu: tp,
          train_throughput_per_gpu_max: tpMax,
          train_throughput_per_gpu_min: tpMin,
          first_logged_train_iterations_finish_timestamp_sec: sec(iterEnds[0] as number),
          last_logged_train_iterations_finish_timestamp_sec: sec(iterEnds[i] as number),
          // Posted at the iteration end, the final one at the loop end.
          timestamp_msec: ms(final ? trainEnd : (iterEnds[i] as number)),
        },
        `metrics after iteration ${i}`,
      );
    }
    assert.equal(k, 6);

    // Checkpoint successes: productive values (step + 1), 32 × (step + 1), cumulative seconds, FLOPs / 10^12.
    const successes = rec.events('save_checkpoint_success').map((c) => c.attributes ?? {});
    const saveIters = [0, 3, 6, 9];
    const trainSecAt = (i: number): number => {
      let t = 0;
      for (let j = 0; j <= i; j++) t += j % 2 === 0 ? 400 : 500;
      return t;
    };
    const validationLoopsBefore = (i: number): number => [0, 5, 10].filter((v) => v < i).length;
    assert.equal(successes.length, 4);
    successes.forEach((a, n) => {
      const i = saveIters[n] as number;
      const step = START + i;
      assert.deepStrictEqual(
        [
          a.checkpoint_strategy,
          a.current_iteration,
          a.save_checkpoint_success_count,
          a.productive_train_iterations,
          a.productive_train_samples,
          a.productive_train_iterations_sec,
          a.productive_validation_iterations_sec,
          a.productive_train_tflops,
          a.training_start_timestamp_sec,
        ],
        [
          'sync',
          step,
          n + 1,
          step + 1,
          3200 + 32 * (i + 1),
          trainSecAt(i),
          800 * validationLoopsBefore(i),
          ((step + 1) * 3200) / 1e12,
          sec(loopStart),
        ],
        `success ${n}`,
      );
      assert.equal(a.first_successful_save_checkpoint_timestamp_sec, successes[0]?.latest_successful_save_checkpoint_timestamp_sec);
    });
    assert.deepStrictEqual(
      rec
        .events('sync_checkpoint_metrics_update')
        .map((c) => [
          c.attributes?.save_checkpoint_sync_time_total_sec,
          c.attributes?.save_checkpoint_sync_time_min_sec,
          c.attributes?.save_checkpoint_sync_time_max_sec,
        ]),
      [
        [110, 110, 110],
        [220, 110, 110],
        [330, 110, 110],
        [440, 110, 110],
      ],
    );
    assert.deepStrictEqual(
      rec.calls.filter((c) => c.op === 'stop' && c.name === 'checkpoint_save_sync').map((c) => c.attributes?.duration_msec),
      [110000, 110000, 110000, 110000],
    );
    assert.deepStrictEqual(
      rec.calls.filter((c) => c.op === 'start' && c.name === 'checkpoint_save_sync').map((c) => c.attributes),
      saveIters.map((i, n) => ({ checkpoint_strategy: 'sync', current_iteration: START + i, save_checkpoint_attempt_count: n + 1 })),
    );

    // Validation: first interval 1 (resumed at 100), then 5; cumulative timing.
    const validation = rec.events('validation_metrics_update').map((c) => {
      const { timestamp_msec: _t, ...rest } = c.attributes ?? {};
      return rest;
    });
    assert.deepStrictEqual(validation, [
      {
        current_iteration: 100,
        interval: 1,
        avg_iteration_time_sec: 200,
        min_iteration_time_sec: 200,
        max_iteration_time_sec: 200,
        total_iteration_time_sec: 800,
      },
      {
        current_iteration: 105,
        interval: 5,
        avg_iteration_time_sec: 200,
        min_iteration_time_sec: 200,
        max_iteration_time_sec: 200,
        total_iteration_time_sec: 1600,
      },
      {
        current_iteration: 110,
        interval: 5,
        avg_iteration_time_sec: 200,
        min_iteration_time_sec: 200,
        max_iteration_time_sec: 200,
        total_iteration_time_sec: 2400,
      },
    ]);
    assert.deepStrictEqual(
      rec.calls.filter((c) => c.op === 'stop' && c.name === 'validation_loop').map((c) => c.attributes?.duration_msec),
      [820000, 820000, 820000],
    );

    // Events per span: 6 metrics on the loop, init + config on the application.
    assert.equal(rec.calls.filter((c) => c.op === 'event' && c.spanId === loopCall?.spanId).length, 6);
    assert.equal(rec.calls.filter((c) => c.op === 'event' && c.spanId === appId).length, 2);
    const appStop = rec.calls.find((c) => c.op === 'stop' && c.name === 'application');
    assert.equal(appStop?.attributes?.duration_msec, clock.elapsedMs());

    // The file holds the same story, every record schema-valid.
    const recs = records();
    // 45 exporter calls; the four initialisation phases are single `complete` records.
    assert.equal(recs.length, 41);
    assert.equal(recs.filter((r) => r.event?.name === 'training_metrics_update').length, 6);
  });

  test('item 71: on a disabled rank the same job touches no exporter', async () => {
    const { rec, records } = setup({ enableForCurrentRank: false, telemetry: { ...TEST_TELEMETRY, logEveryNTrainIterations: 2 } });
    runJob();
    assert.equal(await onAppEnd(), undefined);
    assert.deepStrictEqual(rec.calls, []);
    assert.throws(() => records(), /ENOENT/);
  });
});

// ------------------------------------------------------------------------------------------- the program

describe("the issue's demo program", () => {
  const demoTelemetry: TrainingTelemetryConfigInput = {
    perfTag: 'demo_perf',
    globalBatchSize: 32,
    logEveryNTrainIterations: 2,
    flopsPerSample: 100,
    isLogThroughputEnabled: true,
    trainIterationsTarget: 5,
    trainSamplesTarget: 160,
    saveCheckpointStrategy: CheckpointStrategy.SYNC,
  };

  const expectedSummary = [
    'start:application',
    'event:one_logger_initialization',
    'event:update_training_telemetry_config',
    'complete:model_initialization',
    'complete:data_loader_initialization',
    'start:training_loop',
    'event:training_metrics_update',
    'event:training_metrics_update',
    'start:validation_loop',
    'event:validation_metrics_update',
    'stop:validation_loop',
    'start:checkpoint_save_sync',
    'event:save_checkpoint_success',
    'event:sync_checkpoint_metrics_update',
    'stop:checkpoint_save_sync',
    'event:training_metrics_update',
    'stop:training_loop',
    'stop:application',
  ];

  const configEventAttributes = {
    perf_tag: 'demo_perf',
    global_batch_size: 32,
    log_every_n_train_iterations: 2,
    flops_per_sample: 100,
    train_iterations_target: 5,
    train_samples_target: 160,
    checkpoint_strategy: 'sync',
    is_train_iterations_enabled: true,
    is_validation_iterations_enabled: true,
    is_test_iterations_enabled: true,
    is_save_checkpoint_enabled: true,
    is_log_throughput_enabled: true,
  };
  const loopAttributes = {
    train_iterations_start: 0,
    train_samples_start: 0,
    completed_floating_point_operations_overall: 0,
    train_iterations_target: 5,
    train_samples_target: 160,
  };

  test('in-process with a fake clock: the exact records', async () => {
    const file = join(testEnv.dir, 'demo', 'training.jsonl');
    TrainingTelemetryProvider.instance()
      .withBaseConfig({ applicationName: 'demo_app', sessionTag: 'demo_session', worldSize: 8 })
      .withExporter(new FileExporter({ filePath: file }))
      .configureProvider();
    at(0);
    onAppStart();
    at(1);
    TrainingTelemetryProvider.instance().setTrainingTelemetryConfig(demoTelemetry);
    at(2);
    onModelInitStart();
    at(4);
    onModelInitEnd();
    at(5);
    onDataloaderInitStart();
    at(6);
    onDataloaderInitEnd();
    at(7);
    onTrainStart({ trainIterationsStart: 0, trainSamplesStart: 0 });
    for (let i = 0; i < 5; i++) {
      at(8 + 3 * i);
      onTrainingSingleIterationStart();
      at(10 + 3 * i);
      onTrainingSingleIterationEnd();
    }
    at(23);
    onValidationStart();
    for (let j = 0; j < 3; j++) {
      at(23.5 + j);
      onValidationSingleIterationStart();
      at(24 + j);
      onValidationSingleIterationEnd();
    }
    at(26.5);
    onValidationEnd();
    at(27);
    onSaveCheckpointStart({ globalStep: 5 });
    at(29);
    onSaveCheckpointSuccess({ globalStep: 5 });
    at(30);
    onSaveCheckpointEnd();
    at(31);
    onTrainEnd();
    at(32);
    await onAppEnd();

    const recs = readRecords(file);
    assert.deepStrictEqual(summary(recs), expectedSummary);
    const metric = (cur: number, num: number, interval: number, total: number, last: number, t: number): Record<string, unknown> => ({
      train_iterations_start: 0,
      current_iteration: cur,
      num_iterations: num,
      train_samples_start: 0,
      num_train_samples: 32 * num,
      interval,
      avg_iteration_time_sec: 2,
      min_iteration_time_sec: 2,
      max_iteration_time_sec: 2,
      total_iteration_time_sec: total,
      completed_floating_point_operations_overall: 3200 * num,
      total_flops: 3200 * num,
      train_throughput_per_gpu: 2e-10,
      train_throughput_per_gpu_max: 2e-10,
      train_throughput_per_gpu_min: 2e-10,
      first_logged_train_iterations_finish_timestamp_sec: sec(10),
      last_logged_train_iterations_finish_timestamp_sec: sec(last),
      timestamp_msec: ms(t),
    });
    const expected: Rec[] = [
      {
        type: 'start',
        id: 'id1',
        name: 'application',
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(0) } },
        count: 1,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id1',
        event: {
          name: 'one_logger_initialization',
          attributes: {
            world_size: 8,
            one_logger_training_telemetry_version: TRAINING_TELEMETRY_VERSION,
            enable_for_current_rank: true,
            session_tag: 'demo_session',
            is_baseline_run: false,
            summary_data_schema_version: '1.0.0',
            node_name: hostname(),
            rank: 0,
            application_name: 'demo_app',
            timestamp_msec: ms(0),
          },
        },
        count: 2,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id1',
        event: { name: 'update_training_telemetry_config', attributes: { ...configEventAttributes, timestamp_msec: ms(1) } },
        count: 3,
        pid: PID,
      },
      {
        type: 'complete',
        id: 'id2',
        name: 'model_initialization',
        parent_id: 'id1',
        attributes: { duration_msec: 2000 },
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(2) } },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(4) } },
        count: 4,
        pid: PID,
      },
      {
        type: 'complete',
        id: 'id3',
        name: 'data_loader_initialization',
        parent_id: 'id1',
        attributes: { duration_msec: 1000 },
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(5) } },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(6) } },
        count: 5,
        pid: PID,
      },
      {
        type: 'start',
        id: 'id4',
        name: 'training_loop',
        parent_id: 'id1',
        attributes: loopAttributes,
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(7) } },
        count: 6,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id4',
        event: { name: 'training_metrics_update', attributes: metric(1, 2, 2, 4, 13, 13) },
        count: 7,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id4',
        event: { name: 'training_metrics_update', attributes: metric(3, 4, 2, 8, 19, 19) },
        count: 8,
        pid: PID,
      },
      {
        type: 'start',
        id: 'id5',
        name: 'validation_loop',
        parent_id: 'id4',
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(23) } },
        count: 9,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id5',
        event: {
          name: 'validation_metrics_update',
          attributes: {
            current_iteration: 4,
            interval: 5,
            avg_iteration_time_sec: 0.5,
            min_iteration_time_sec: 0.5,
            max_iteration_time_sec: 0.5,
            total_iteration_time_sec: 1.5,
            timestamp_msec: ms(26.5),
          },
        },
        count: 10,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id5',
        name: 'validation_loop',
        parent_id: 'id4',
        attributes: { duration_msec: 3500 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(26.5) } },
        count: 11,
        pid: PID,
      },
      {
        type: 'start',
        id: 'id6',
        name: 'checkpoint_save_sync',
        parent_id: 'id4',
        attributes: { checkpoint_strategy: 'sync', current_iteration: 5, save_checkpoint_attempt_count: 1 },
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(27) } },
        count: 12,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id6',
        event: {
          name: 'save_checkpoint_success',
          attributes: {
            checkpoint_strategy: 'sync',
            current_iteration: 5,
            first_successful_save_checkpoint_timestamp_sec: sec(29),
            latest_successful_save_checkpoint_timestamp_sec: sec(29),
            save_checkpoint_success_count: 1,
            productive_train_iterations: 5,
            productive_train_samples: 160,
            productive_train_iterations_sec: 10,
            productive_validation_iterations_sec: 1.5,
            productive_train_tflops: 1.6e-8,
            training_start_timestamp_sec: sec(7),
            timestamp_msec: ms(29),
          },
        },
        count: 13,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id6',
        event: {
          name: 'sync_checkpoint_metrics_update',
          attributes: {
            save_checkpoint_sync_time_total_sec: 3,
            save_checkpoint_sync_time_min_sec: 3,
            save_checkpoint_sync_time_max_sec: 3,
            timestamp_msec: ms(30),
          },
        },
        count: 14,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id6',
        name: 'checkpoint_save_sync',
        parent_id: 'id4',
        attributes: { checkpoint_strategy: 'sync', current_iteration: 5, save_checkpoint_attempt_count: 1, duration_msec: 3000 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(30) } },
        count: 15,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id4',
        event: { name: 'training_metrics_update', attributes: metric(4, 5, 1, 10, 22, 31) },
        count: 16,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id4',
        name: 'training_loop',
        parent_id: 'id1',
        attributes: { ...loopAttributes, duration_msec: 24000 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(31) } },
        count: 17,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id1',
        name: 'application',
        attributes: { duration_msec: 32000 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(32) } },
        count: 18,
        pid: PID,
      },
    ];
    assert.equal(recs.length, expected.length);
    for (let i = 0; i < expected.length; i++) assertExact(recs[i], expected[i], `record ${i + 1}`);
  });

  test('as written, in a child process with the real clock: record sequence and deterministic values', () => {
    const work = join(testEnv.dir, 'child');
    mkdirSync(work, { recursive: true });
    const here = fileURLToPath(new URL('.', import.meta.url));
    const trainingSrc = pathToFileURL(join(here, '../src/index.ts')).href;
    const coreDist = pathToFileURL(join(here, '../../core/dist/index.js')).href;
    const program = `
import { FileExporter } from ${JSON.stringify(coreDist)};
import {
  CheckpointStrategy, onAppEnd, onAppStart, onDataloaderInitEnd, onDataloaderInitStart, onModelInitEnd, onModelInitStart,
  onSaveCheckpointEnd, onSaveCheckpointStart, onSaveCheckpointSuccess, onTrainEnd, onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart, onTrainStart, onValidationEnd, onValidationSingleIterationEnd, onValidationSingleIterationStart,
  onValidationStart, TrainingTelemetryProvider,
} from ${JSON.stringify(trainingSrc)};

TrainingTelemetryProvider.instance().withBaseConfig({ applicationName: 'demo_app', sessionTag: 'demo_session', worldSize: 8 }).withExporter(new FileExporter({ filePath: 'out/training.jsonl' })).configureProvider();
onAppStart();
TrainingTelemetryProvider.instance().setTrainingTelemetryConfig({ perfTag: 'demo_perf', globalBatchSize: 32, logEveryNTrainIterations: 2, flopsPerSample: 100, isLogThroughputEnabled: true, trainIterationsTarget: 5, trainSamplesTarget: 160, saveCheckpointStrategy: CheckpointStrategy.SYNC });
onModelInitStart(); onModelInitEnd(); onDataloaderInitStart(); onDataloaderInitEnd();
onTrainStart({ trainIterationsStart: 0, trainSamplesStart: 0 });
for (let i = 0; i < 5; i++) { onTrainingSingleIterationStart(); onTrainingSingleIterationEnd(); }
onValidationStart(); for (let i = 0; i < 3; i++) { onValidationSingleIterationStart(); onValidationSingleIterationEnd(); } onValidationEnd();
onSaveCheckpointStart({ globalStep: 5 }); onSaveCheckpointSuccess({ globalStep: 5 }); onSaveCheckpointEnd();
onTrainEnd();
await onAppEnd();
console.log('demo done');
`;
    writeFileSync(join(work, 'demo.mts'), program);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1' };
    delete env.RANK;
    delete env.ONE_LOGGER_EXPORTER_CONFIG_PATH;
    const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), 'demo.mts'], {
      cwd: work,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 0, `child failed: ${result.stderr}`);
    assert.equal(result.stdout.trim(), 'demo done');

    const recs = readRecords(join(work, 'out', 'training.jsonl'));
    assert.deepStrictEqual(summary(recs), expectedSummary);
    const childPid = recs[0]?.pid;
    assert.notEqual(childPid, PID);
    assert.deepStrictEqual(
      recs.map((r) => [r.count, r.pid]),
      recs.map((_, i) => [i + 1, childPid]),
    );
    const [app, init, config, model, loader, loop] = recs as [Rec, Rec, Rec, Rec, Rec, Rec];
    assert.equal(app.parent_id, undefined);
    const { timestamp_msec: initTs, ...initRest } = init.event.attributes;
    assertExact(initRest, {
      world_size: 8,
      one_logger_training_telemetry_version: TRAINING_TELEMETRY_VERSION,
      enable_for_current_rank: true,
      session_tag: 'demo_session',
      is_baseline_run: false,
      summary_data_schema_version: '1.0.0',
      node_name: hostname(),
      rank: 0,
      application_name: 'demo_app',
    });
    assert.equal(initTs, app.start_event.attributes.timestamp_msec);
    const { timestamp_msec: configTs, ...configRest } = config.event.attributes;
    assertExact(configRest, configEventAttributes);
    assert.ok(configTs >= initTs);
    for (const phase of [model, loader]) assert.equal(phase.parent_id, app.id);
    assert.equal(loop.parent_id, app.id);
    assertExact(loop.attributes, loopAttributes);

    const metrics = recs.filter((r) => r.event?.name === 'training_metrics_update').map((r) => r.event.attributes);
    assert.deepStrictEqual(
      metrics.map((m) => [
        m.train_iterations_start,
        m.current_iteration,
        m.num_iterations,
        m.train_samples_start,
        m.num_train_samples,
        m.interval,
        m.completed_floating_point_operations_overall,
        m.total_flops,
      ]),
      [
        [0, 1, 2, 0, 64, 2, 6400, 6400],
        [0, 3, 4, 0, 128, 2, 12800, 12800],
        [0, 4, 5, 0, 160, 1, 16000, 16000],
      ],
    );
    for (const m of metrics) {
      assert.deepStrictEqual(Object.keys(m), [
        'train_iterations_start',
        'current_iteration',
        'num_iterations',
        'train_samples_start',
        'num_train_samples',
        'interval',
        'avg_iteration_time_sec',
        'min_iteration_time_sec',
        'max_iteration_time_sec',
        'total_iteration_time_sec',
        'completed_floating_point_operations_overall',
        'total_flops',
        'train_throughput_per_gpu',
        'train_throughput_per_gpu_max',
        'train_throughput_per_gpu_min',
        'first_logged_train_iterations_finish_timestamp_sec',
        'last_logged_train_iterations_finish_timestamp_sec',
        'timestamp_msec',
      ]);
      assert.ok(m.min_iteration_time_sec <= m.avg_iteration_time_sec && m.avg_iteration_time_sec <= m.max_iteration_time_sec);
      assert.ok(m.total_iteration_time_sec > 0);
      assert.ok(Math.abs(m.avg_iteration_time_sec * m.num_iterations - m.total_iteration_time_sec) < 1e-9);
      assert.ok(
        m.train_throughput_per_gpu_min <= m.train_throughput_per_gpu && m.train_throughput_per_gpu <= m.train_throughput_per_gpu_max,
      );
      assert.ok(m.first_logged_train_iterations_finish_timestamp_sec <= m.last_logged_train_iterations_finish_timestamp_sec);
    }
    // Throughput is the job average: FLOPs of the job / (iteration seconds × 10^12 × world size).
    const last = metrics[2] as Record<string, number>;
    assert.equal(last.train_throughput_per_gpu, 16000 / ((last.total_iteration_time_sec as number) * 1e12 * 8));

    const validation = recs.find((r) => r.event?.name === 'validation_metrics_update') as Rec;
    assert.deepStrictEqual([validation.event.attributes.current_iteration, validation.event.attributes.interval], [4, 5]);
    assert.deepStrictEqual(Object.keys(validation.event.attributes), [
      'current_iteration',
      'interval',
      'avg_iteration_time_sec',
      'min_iteration_time_sec',
      'max_iteration_time_sec',
      'total_iteration_time_sec',
      'timestamp_msec',
    ]);
    const validationLoop = recs.find((r) => r.type === 'start' && r.name === 'validation_loop') as Rec;
    assert.equal(validationLoop.parent_id, loop.id);

    const save = recs.find((r) => r.type === 'start' && r.name === 'checkpoint_save_sync') as Rec;
    assert.equal(save.parent_id, loop.id);
    assertExact(save.attributes, { checkpoint_strategy: 'sync', current_iteration: 5, save_checkpoint_attempt_count: 1 });
    const success = recs.find((r) => r.event?.name === 'save_checkpoint_success')?.event.attributes as Record<string, number | string>;
    assert.equal(recs.find((r) => r.event?.name === 'save_checkpoint_success')?.span_id, save.id);
    assert.deepStrictEqual(
      [
        success.checkpoint_strategy,
        success.current_iteration,
        success.save_checkpoint_success_count,
        success.productive_train_iterations,
        success.productive_train_samples,
        success.productive_train_tflops,
      ],
      ['sync', 5, 1, 5, 160, 1.6e-8],
    );
    assert.equal(success.productive_train_iterations_sec, last.total_iteration_time_sec);
    assert.equal(success.productive_validation_iterations_sec, validation.event.attributes.total_iteration_time_sec);
    // timestamp_msec is the truncated wall time in ms; the seconds value keeps the fraction.
    assert.equal(Math.trunc(Number(success.training_start_timestamp_sec) * 1000 + 1e-6), loop.start_event.attributes.timestamp_msec);
    assert.equal(success.first_successful_save_checkpoint_timestamp_sec, success.latest_successful_save_checkpoint_timestamp_sec);
    const timing = recs.find((r) => r.event?.name === 'sync_checkpoint_metrics_update')?.event.attributes as Record<string, number>;
    assert.equal(timing.save_checkpoint_sync_time_min_sec, timing.save_checkpoint_sync_time_total_sec);
    assert.equal(timing.save_checkpoint_sync_time_max_sec, timing.save_checkpoint_sync_time_total_sec);

    const appStop = recs.at(-1) as Rec;
    assert.equal(appStop.id, app.id);
    assert.ok(appStop.attributes.duration_msec >= 0);
  });
});
