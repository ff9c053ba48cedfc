// One test per weakness of the reference that we fix (spec/training.md §11.1): each reproduces the reference's
// failure scenario and checks the documented behaviour of ours. Records go through a real FileExporter and are
// validated against the JSON Schema (readRecords).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ConfigError,
  ExportCustomizationMode,
  FileExporter,
  getRecorder,
  internalLogger,
  OneLoggerError,
  Span,
  telemetryRuntime,
  timedSpan,
} from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { type Rec, readRecords } from '../../core/test/helpers/records.js';
import {
  checkpointSave,
  onAppEnd,
  onAppStart,
  onModelInitStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
  type TrainingBaseConfigInput,
  TrainingTelemetryConfig,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
  trainingIteration,
  trainingLoop,
} from '../src/index.js';
import { createFakeClock, secAtMs as sec, T0 } from './helpers/fake-clock.js';
import { timedIteration } from './helpers/iterations.js';
import { attrsOf, idOf, summary as labels, spanRecs } from './helpers/record-queries.js';
import { fileSetup } from './helpers/setup.js';
import { useTestEnvironment } from './helpers/test-environment.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

// ------------------------------------------------------------------ fake clock and setup

const clock = createFakeClock({ perfOriginMs: 20_000 });
const { advanceMs: advance, elapsedMs: now } = clock;
const testEnv = useTestEnvironment({ clock, tmpPrefix: 'tt-weak-', tmpDirPer: 'test', sequentialIds: false, closeRecorder: false });
const CORE = { applicationName: 'weak_app', sessionTag: 'weak_session', worldSize: 1 } as const;
const { setup, logs } = fileSetup(testEnv, {
  core: CORE,
  telemetry: { perfTag: 'weak_perf', globalBatchSize: 8 },
});

/** One training iteration of `ms` on the fake clock (callbacks). */
const iteration = timedIteration(clock);

/** Throws unless `fn` throws an error whose message is exactly `message` (and returns it). */
function throwsExactly(fn: () => unknown, message: string): Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected an error "${message}"`);
  assert.equal(caught.message, message);
  return caught;
}

// ------------------------------------------------------------------ weaknesses

describe('weaknesses of the reference, fixed', () => {
  test('W1: a checkpoint save span starts at the given start time (span duration = timer window)', async () => {
    const { path } = setup({ telemetry: {} });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    advance(60_000);
    // The save began 30 s ago; the reference started the span "now" (span 0 ms vs timer 30 s).
    onSaveCheckpointStart({ globalStep: 5, startTimeMsec: clock.wallMs() - 30_000 });
    onSaveCheckpointSuccess({ globalStep: 5 });
    onSaveCheckpointEnd();
    await onAppEnd();
    const recs = readRecords(path);
    const [start, stop] = spanRecs(recs, 'checkpoint_save_sync');
    assert.equal(start?.start_event.attributes.timestamp_msec, T0 + 30_000);
    assert.equal(stop?.attributes.duration_msec, 30_000);
    assert.deepEqual(attrsOf(recs, 'sync_checkpoint_metrics_update'), [
      {
        save_checkpoint_sync_time_total_sec: 30,
        save_checkpoint_sync_time_min_sec: 30,
        save_checkpoint_sync_time_max_sec: 30,
        timestamp_msec: T0 + 60_000,
      },
    ]);
  });

  test('W2: isSaveCheckpointEnabled false gives bare save spans; success is a no-op', async () => {
    const { path, recorder } = setup({ telemetry: { isSaveCheckpointEnabled: false } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iteration(100);
    // The reference failed here with "Timer for span checkpoint_save_sync is not active."
    const span = onSaveCheckpointStart({ globalStep: 1 });
    assert.ok(span instanceof Span);
    advance(250);
    assert.equal(onSaveCheckpointSuccess({ globalStep: 1 }), undefined);
    onSaveCheckpointEnd();
    checkpointSave({ globalStep: 2 }, () => advance(50));
    onTrainEnd();
    await onAppEnd();
    const recs = readRecords(path);
    const loopId = idOf(recs, 'training_loop');
    assert.deepEqual(
      spanRecs(recs, 'checkpoint_save_sync').map((r) => [r.type, r.attributes, r.parent_id]),
      [
        ['complete', { duration_msec: 250 }, loopId],
        ['complete', { duration_msec: 50 }, loopId],
      ],
    );
    assert.equal(attrsOf(recs, 'save_checkpoint_success').length, 0);
    assert.equal(attrsOf(recs, 'sync_checkpoint_metrics_update').length, 0);
    assert.equal(recorder.state.checkpointSuccessCount, 0);
    assert.equal(recorder.checkpointSaveSyncTimer.totalWindowCount, 0);
    assert.equal(recs.filter((r) => r.type === 'telemetry_data_error').length, 0);
  });

  test('W3: EXPORT_ALL_SPANS can be configured: iteration spans are exported', async () => {
    const { path } = setup({ telemetry: {}, mode: ExportCustomizationMode.EXPORT_ALL_SPANS });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    const it = onTrainingSingleIterationStart();
    assert.ok(it instanceof Span);
    assert.equal(it.name, 'training_single_iteration');
    advance(40);
    onTrainingSingleIterationEnd();
    onValidationStart();
    onValidationSingleIterationStart();
    advance(30);
    onValidationSingleIterationEnd();
    onValidationEnd();
    onTrainEnd();
    await onAppEnd();
    const recs = readRecords(path);
    const loopId = idOf(recs, 'training_loop');
    assert.deepEqual(
      spanRecs(recs, 'training_single_iteration').map((r) => [r.type, r.attributes.duration_msec, r.parent_id]),
      [['complete', 40, loopId]],
    );
    assert.deepEqual(
      spanRecs(recs, 'validation_single_iteration').map((r) => [r.type, r.attributes.duration_msec, r.parent_id]),
      [['complete', 30, idOf(recs, 'validation_loop')]],
    );
  });

  test('W5: custom span names work inside training (standard-name uniqueness applies only to standard names)', async () => {
    const { path } = setup({ telemetry: {} });
    onAppStart();
    trainingLoop({ trainIterationsStart: 0 }, () => {
      trainingIteration(() => {
        timedSpan(
          'loss_calculation_span',
          () => {
            advance(20);
            // The same custom name may be active twice.
            timedSpan('loss_calculation_span', () => advance(5));
          },
          { spanAttributes: { my_custom_attribute: 'loss' } },
        );
      });
      const custom = getRecorder().start('my_phase');
      advance(7);
      getRecorder().stop(custom);
    });
    await onAppEnd();
    const recs = readRecords(path);
    const loopId = idOf(recs, 'training_loop');
    const loss = spanRecs(recs, 'loss_calculation_span');
    assert.deepEqual(
      loss.map((r) => [r.type, r.attributes]),
      [
        ['start', { my_custom_attribute: 'loss' }],
        ['complete', { duration_msec: 5 }],
        ['stop', { my_custom_attribute: 'loss', duration_msec: 25 }],
      ],
    );
    assert.equal(loss[0]?.parent_id, loopId, 'the non-exported iteration is skipped: the loop is the exported parent');
    assert.equal(loss[1]?.parent_id, loss[0]?.id);
    assert.deepEqual(
      spanRecs(recs, 'my_phase').map((r) => [r.type, r.attributes.duration_msec, r.parent_id]),
      [['complete', 7, loopId]],
    );
  });

  test('W6: onAppEnd stops open children first, at the application stop time', async () => {
    const { path } = setup({ telemetry: {} });
    onAppStart();
    advance(100);
    onModelInitStart();
    advance(100);
    onTrainStart({ trainIterationsStart: 0 });
    advance(300);
    const appStop = now();
    advance(10_000); // the reference stopped the children at "now", after the application
    await onAppEnd({ finishTimeMsec: T0 + appStop });
    const recs = readRecords(path);
    assert.deepEqual(
      recs
        .filter((r) => r.type === 'stop' || r.type === 'complete')
        .map((r) => [r.name, r.stop_event.attributes.timestamp_msec, r.attributes.duration_msec]),
      [
        ['training_loop', T0 + appStop, 300],
        ['model_initialization', T0 + appStop, 400],
        ['application', T0 + appStop, 500],
      ],
    );
  });

  test('W7: an open validation iteration is closed at validation end; no Infinity in the records', async () => {
    const { path, recorder } = setup({ telemetry: {} });
    onAppStart();
    onValidationStart();
    onValidationSingleIterationStart();
    advance(300);
    // The reference emitted min_iteration_time_sec: Infinity here and left the iteration open.
    onValidationEnd();
    assert.equal(recorder.validationIterationTimer.isActive, false);
    // A new validation loop with proper iterations works afterwards.
    onValidationStart();
    onValidationSingleIterationStart();
    advance(100);
    onValidationSingleIterationEnd();
    onValidationEnd();
    await onAppEnd();
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes('Infinity') && !text.includes('NaN'));
    const recs = readRecords(path);
    assert.deepEqual(attrsOf(recs, 'validation_metrics_update'), [
      {
        current_iteration: 0,
        interval: 0,
        avg_iteration_time_sec: 0.3,
        min_iteration_time_sec: 0.3,
        max_iteration_time_sec: 0.3,
        total_iteration_time_sec: 0.3,
        timestamp_msec: T0 + 300,
      },
      {
        current_iteration: 0,
        interval: 0,
        avg_iteration_time_sec: 0.2,
        min_iteration_time_sec: 0.1,
        max_iteration_time_sec: 0.3,
        total_iteration_time_sec: 0.4,
        timestamp_msec: T0 + 400,
      },
    ]);
  });

  test('W7: with exported iteration spans, the open validation iteration stops before its loop', async () => {
    const { path } = setup({ telemetry: {}, mode: ExportCustomizationMode.EXPORT_ALL_SPANS });
    onAppStart();
    onValidationStart();
    onValidationSingleIterationStart();
    advance(120);
    onValidationEnd();
    await onAppEnd();
    const recs = readRecords(path);
    const names = labels(recs).filter((l) => l.includes('validation'));
    assert.deepEqual(names.slice(-2), ['event:validation_metrics_update', 'stop:validation_loop']);
    const it = spanRecs(recs, 'validation_single_iteration').at(-1);
    assert.equal(it?.attributes.duration_msec, 120);
    assert.ok(recs.indexOf(it as Rec) < recs.findIndex((r) => r.type === 'stop' && r.name === 'validation_loop'));
  });

  test('W8: onTrainEnd reports the trailing iterations; N=1 reports every iteration', async () => {
    const { path } = setup({ telemetry: { logEveryNTrainIterations: 1 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 3; i++) iteration(100);
    advance(50);
    onTrainEnd();
    await onAppEnd();
    const metrics = attrsOf(readRecords(path), 'training_metrics_update');
    // The reference: events at 1 and 2 only (never the first iteration with N=1).
    assert.deepEqual(
      metrics.map((m) => [m.current_iteration, m.num_iterations, m.interval, m.timestamp_msec]),
      [
        [0, 1, 1, T0 + 100],
        [1, 2, 1, T0 + 200],
        [2, 3, 1, T0 + 300],
      ],
    );
  });

  test('W8: N=3 and 5 iterations: the two trailing iterations are reported at the loop end', async () => {
    const { path } = setup({ telemetry: { logEveryNTrainIterations: 3 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 5; i++) iteration(100 * (i + 1));
    advance(50);
    onTrainEnd();
    await onAppEnd();
    const metrics = attrsOf(readRecords(path), 'training_metrics_update');
    assert.deepEqual(
      metrics.map((m) => [
        m.current_iteration,
        m.num_iterations,
        m.interval,
        Math.round(m.total_iteration_time_sec * 1e6) / 1e6,
        m.timestamp_msec,
      ]),
      [
        [2, 3, 3, 0.6, T0 + 600],
        [4, 5, 2, 1.5, T0 + 1550],
      ],
    );
    assert.equal(metrics[1]?.last_logged_train_iterations_finish_timestamp_sec, sec(1500));
  });

  test('W9: interval is the number of iterations since the previous update (resume at a non-aligned step)', async () => {
    const { path } = setup({ telemetry: { logEveryNTrainIterations: 3 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 4 });
    for (let i = 0; i < 8; i++) iteration(10);
    onTrainEnd();
    await onAppEnd();
    const metrics = attrsOf(readRecords(path), 'training_metrics_update');
    // The reference wrote interval 3 for the first event although only 2 iterations had run.
    assert.deepEqual(
      metrics.map((m) => [m.current_iteration, m.num_iterations, m.interval]),
      [
        [5, 2, 2],
        [8, 5, 3],
        [11, 8, 3],
      ],
    );
  });

  test('W10: an iteration end that is due without a training loop throws before changing any state', async () => {
    const { path, recorder } = setup({ telemetry: { logEveryNTrainIterations: 1 } });
    onAppStart();
    onTrainingSingleIterationStart();
    advance(100);
    throwsExactly(() => onTrainingSingleIterationEnd(), 'Expected to have one and only one span named training_loop but found 0.');
    assert.equal(recorder.state.completedIterationsOverall, 0);
    assert.equal(recorder.state.trainSamplesJob, 0);
    assert.equal(recorder.trainIterationTimer.completedWindowCount, 0);
    assert.equal(recorder.trainIterationTimer.isActive, true, 'the iteration is still open and can be completed');
    // Once the loop exists, the same iteration completes normally and is counted once.
    onTrainStart({ trainIterationsStart: 0 });
    advance(50);
    onTrainingSingleIterationEnd();
    onTrainEnd();
    await onAppEnd();
    const recs = readRecords(path);
    assert.deepEqual(
      attrsOf(recs, 'training_metrics_update').map((m) => [m.current_iteration, m.num_iterations, m.num_train_samples, m.interval]),
      [[0, 1, 8, 1]],
    );
    assert.equal(recorder.state.completedIterationsOverall, 1);
    assert.equal(
      recs.find((r) => r.type === 'telemetry_data_error')?.error.attributes.error_message,
      'Exception in telemetry code when calling onTrainingSingleIterationEnd: Expected to have one and only one span named training_loop but found 0.',
    );
  });

  test('W12: a success for an unknown step is skipped with a warning; a success prunes older pending steps', async () => {
    const { path, recorder } = setup({ telemetry: {} });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 3; i++) iteration(100);
    onSaveCheckpointStart({ globalStep: 3 }); // fails: never succeeds
    advance(10);
    onSaveCheckpointEnd();
    for (let i = 0; i < 2; i++) iteration(100);
    onSaveCheckpointStart({ globalStep: 5 });
    assert.deepEqual(recorder.state.pendingCheckpointSteps, [3, 5]);
    advance(10);
    onSaveCheckpointSuccess({ globalStep: 4 }); // unknown step: the reference reported zero productivity
    const successAt = now();
    onSaveCheckpointSuccess({ globalStep: 5 });
    onSaveCheckpointSuccess({ globalStep: 5 }); // already reported
    onSaveCheckpointEnd();
    assert.deepEqual(recorder.state.pendingCheckpointSteps, []);
    onTrainEnd();
    await onAppEnd();
    const successes = attrsOf(readRecords(path), 'save_checkpoint_success');
    assert.equal(successes.length, 1);
    assert.equal(successes[0]?.current_iteration, 5);
    assert.equal(successes[0]?.productive_train_iterations, 5);
    assert.equal(successes[0]?.productive_train_samples, 40);
    assert.equal(successes[0]?.save_checkpoint_success_count, 1);
    assert.equal(successes[0]?.timestamp_msec, T0 + successAt);
    assert.equal(recorder.state.checkpointSuccessCount, 1);
    const warnings = logs.filter(
      ([level, m]) => level === 'WARNING' && m.startsWith('onSaveCheckpointSuccess: no pending checkpoint save'),
    );
    assert.deepEqual(
      warnings.map(([, m]) => m.match(/global step (\d+)/)?.[1]),
      ['4', '5'],
    );
  });

  test('W13: a config set before onAppStart is stored and posted at onAppStart (also under the quiet strategy)', async () => {
    const { path, provider } = setup({ core: { errorHandlingStrategy: 'disable_quietly_and_report_metric_error' } });
    advance(100);
    provider.setTrainingTelemetryConfig({ perfTag: 'late', globalBatchSize: 4 });
    assert.equal(provider.trainingConfig?.perfTag, 'late');
    assert.equal(telemetryRuntime.enabled, true, 'the library did not disable itself');
    throwsExactly(
      () => provider.setTrainingTelemetryConfig({ perfTag: 'again', globalBatchSize: 4 }),
      'Training telemetry config has already been set.',
    );
    advance(100);
    onAppStart();
    await onAppEnd();
    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'stop:application',
    ]);
    const [cfg] = attrsOf(recs, 'update_training_telemetry_config');
    assert.equal(cfg?.perf_tag, 'late');
    assert.equal(cfg?.global_batch_size, 4);
    assert.equal(cfg?.timestamp_msec, T0 + 200);
  });

  test('W14: a bad nested telemetry config gives the wrapped "Invalid configuration!" OneLoggerError', () => {
    const p = TrainingTelemetryProvider.instance().withBaseConfig({ ...CORE, telemetryConfig: { perfTag: 'p', globalBatchSize: 0 } });
    let caught: unknown;
    try {
      p.configureProvider();
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof OneLoggerError);
    assert.equal(
      caught.message,
      'Invalid configuration! Did you forget some required fields?: TrainingTelemetryConfig.globalBatchSize: globalBatchSize must be set to a positive value (got 0)',
    );
    assert.ok(caught.cause instanceof ConfigError);
    assert.equal(caught.cause.field, 'TrainingTelemetryConfig.globalBatchSize');
    assert.equal(p.isReady, false);

    TrainingTelemetryProvider.resetForTests();
    const q = TrainingTelemetryProvider.instance()
      .withBaseConfig({ ...CORE })
      .withConfigOverride({ telemetryConfig: { perfTag: 'p' } });
    assert.throws(
      () => q.configureProvider(),
      (e) =>
        e instanceof OneLoggerError &&
        e.message ===
          'Invalid configuration! Did you forget some required fields?: TrainingTelemetryConfig.globalBatchSize: is required (got undefined)',
    );
  });

  test('W15: the config is frozen: a later assignment throws and the recorder keeps the validated N', async () => {
    const { path, provider } = setup({ telemetry: { logEveryNTrainIterations: 2 } });
    const cfg = provider.trainingConfig as TrainingTelemetryConfig;
    assert.ok(Object.isFrozen(cfg));
    assert.throws(() => {
      (cfg as unknown as { logEveryNTrainIterations: number }).logEveryNTrainIterations = 0;
    }, TypeError);
    assert.throws(() => {
      (cfg as unknown as Record<string, unknown>).extra = 1;
    }, TypeError);
    assert.equal(cfg.logEveryNTrainIterations, 2);
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 4; i++) iteration(10); // the reference divided by zero here
    onTrainEnd();
    await onAppEnd();
    assert.deepEqual(
      attrsOf(readRecords(path), 'training_metrics_update').map((m) => m.current_iteration),
      [1, 3],
    );
  });

  test('W17: an explicit 0 ms is a time (rejected as too old), not "now"', async () => {
    const { path, recorder } = setup({ telemetry: {} });
    throwsExactly(() => onAppStart({ startTimeMsec: 0 }), 'timestamp is too old. This is meant to be the time in seconds since epoch.');
    assert.equal(recorder.activeStandardSpan('application'), undefined, 'nothing was started');
    advance(10);
    const app = onAppStart();
    assert.ok(app instanceof Span);
    await onAppEnd();
    const recs = readRecords(path);
    assert.deepEqual(recs[0]?.error.attributes, {
      error_message:
        'Exception in telemetry code when calling onAppStart: timestamp is too old. This is meant to be the time in seconds since epoch.',
      telemetry_data_error_type: 'no_telemetry_data',
      timestamp_msec: T0,
    });
    assert.equal(spanRecs(recs, 'application')[0]?.start_event.attributes.timestamp_msec, T0 + 10);
  });

  test('W19: a non-numeric RANK gives rank 0 (file name and init event), no crash', async () => {
    const saved = process.env.RANK;
    process.env.RANK = 'abc';
    try {
      const { recorder } = setup({ telemetry: {}, fileName: 'rank-{rank}.jsonl' });
      onAppStart();
      await onAppEnd();
      assert.equal(recorder.closed, true);
    } finally {
      if (saved === undefined) delete process.env.RANK;
      else process.env.RANK = saved;
    }
    const recs = readRecords(join(testEnv.dir, 'rank-0.jsonl'));
    assert.equal(attrsOf(recs, 'one_logger_initialization')[0]?.rank, 0);
  });

  test('W25: withExportConfig builds nothing on a disabled rank (and needs no config first)', async () => {
    const path = join(testEnv.dir, 'from-config.jsonl');
    const entry = { class_name: 'file', config: { file_path: path } };
    const disabled = TrainingTelemetryProvider.instance()
      .withExportConfig({ exporters: [entry] })
      .withBaseConfig({ ...CORE, enableForCurrentRank: false, telemetryConfig: { perfTag: 'p', globalBatchSize: 1 } })
      .configureProvider();
    assert.equal(disabled.recorder.exporters.length, 0);
    onAppStart();
    await onAppEnd();
    assert.equal(existsSync(path), false);

    // The same entry on an enabled rank builds a FileExporter.
    TrainingTelemetryProvider.resetForTests();
    const enabled = TrainingTelemetryProvider.instance()
      .withExportConfig({ exporters: [entry] })
      .withBaseConfig({ ...CORE, telemetryConfig: { perfTag: 'p', globalBatchSize: 1 } })
      .configureProvider();
    assert.equal(enabled.recorder.exporters.length, 1);
    assert.ok(enabled.recorder.exporters[0] instanceof FileExporter);
    onAppStart();
    await onAppEnd();
    assert.deepEqual(labels(readRecords(path)), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'stop:application',
    ]);
  });

  test('W26: strict types: no boolean/string coercion in the training or core config', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ globalBatchSize: true }, 'TrainingTelemetryConfig.globalBatchSize'],
      [{ globalBatchSize: '32' }, 'TrainingTelemetryConfig.globalBatchSize'],
      [{ globalBatchSize: 32.5 }, 'TrainingTelemetryConfig.globalBatchSize'],
      [{ isLogThroughputEnabled: 'yes' }, 'TrainingTelemetryConfig.isLogThroughputEnabled'],
      [{ perfTag: 5 }, 'TrainingTelemetryConfig.perfTag'],
      [{ saveCheckpointStrategy: 'SYNC' }, 'TrainingTelemetryConfig.saveCheckpointStrategy'],
    ];
    for (const [extra, field] of bad) {
      assert.throws(
        () => new TrainingTelemetryConfig({ perfTag: 'p', globalBatchSize: 32, ...extra } as unknown as TrainingTelemetryConfigInput),
        (e) => e instanceof ConfigError && e.field === field,
        JSON.stringify(extra),
      );
    }
    // Through the provider the same errors come wrapped, the core config is as strict.
    assert.throws(
      () =>
        TrainingTelemetryProvider.instance()
          .withBaseConfig({ ...CORE, worldSize: '8' } as unknown as TrainingBaseConfigInput)
          .configureProvider(),
      (e) =>
        e instanceof OneLoggerError &&
        e.message.startsWith('Invalid configuration! Did you forget some required fields?: OneLoggerConfig.worldSize:') &&
        e.message.includes('(got "8")'),
    );
  });

  test('W28: span records carry parent_id (root spans have none)', async () => {
    const { path } = setup({ telemetry: { logEveryNTrainIterations: 1 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iteration(10);
    onSaveCheckpointStart({ globalStep: 1 });
    onSaveCheckpointSuccess({ globalStep: 1 });
    onSaveCheckpointEnd();
    onValidationStart();
    onValidationEnd();
    onTrainEnd();
    await onAppEnd();
    const recs = readRecords(path);
    const appId = idOf(recs, 'application');
    const loopId = idOf(recs, 'training_loop');
    const spans = recs.filter((r) => r.type === 'start' || r.type === 'stop' || r.type === 'complete');
    assert.deepEqual(
      spans.map((r) => [r.type, r.name, r.parent_id]),
      [
        ['start', 'application', undefined],
        ['start', 'training_loop', appId],
        ['start', 'checkpoint_save_sync', loopId],
        ['stop', 'checkpoint_save_sync', loopId],
        ['start', 'validation_loop', loopId],
        ['stop', 'validation_loop', loopId],
        ['stop', 'training_loop', appId],
        ['stop', 'application', undefined],
      ],
    );
    // Events point at their span by span_id.
    assert.equal(recs.find((r) => r.type === 'event' && r.event.name === 'training_metrics_update')?.span_id, loopId);
  });

  test('W29: the file is appended to: a second run keeps the first run', async () => {
    const first = setup({ telemetry: {}, fileName: 'runs.jsonl' });
    onAppStart();
    await onAppEnd();
    const firstRecords = readRecords(first.path);
    TrainingTelemetryProvider.resetForTests();
    advance(1000);
    setup({ telemetry: {}, fileName: 'runs.jsonl' });
    onAppStart();
    await onAppEnd();
    const all = readRecords(first.path);
    assert.equal(firstRecords.length, 4);
    assert.deepEqual(all.slice(0, 4), firstRecords);
    assert.deepEqual(
      all.map((r) => r.count),
      [1, 2, 3, 4, 1, 2, 3, 4],
    );
    const apps = all.filter((r) => r.type === 'start' && r.name === 'application');
    assert.equal(apps.length, 2);
    assert.notEqual(apps[0]?.id, apps[1]?.id);
    assert.deepEqual(
      apps.map((r) => r.start_event.attributes.timestamp_msec),
      [T0, T0 + 1000],
    );
  });

  test('W30: under the quiet strategy, onAppEnd still stops the spans and closes the exporters after an internal error', async () => {
    const { path, exporter, recorder } = setup({
      telemetry: {},
      core: { errorHandlingStrategy: 'disable_quietly_and_report_metric_error' },
    });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    advance(10);
    assert.equal(onTrainEnd(), undefined);
    assert.equal(onTrainEnd(), undefined, 'the second end fails inside and is swallowed');
    assert.equal(telemetryRuntime.enabled, false);
    assert.equal(onAppStart(), undefined, 'disabled: a no-op');
    advance(10);
    await onAppEnd();
    assert.equal(exporter.closed, true);
    assert.equal(recorder.closed, true);
    assert.equal(recorder.activeStandardSpan('application'), undefined);
    const recs = readRecords(path);
    assert.deepEqual(labels(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:training_loop',
      'telemetry_data_error',
      'stop:application',
    ]);
    assert.equal(
      recs[4]?.error.attributes.error_message,
      'Exception in telemetry code when calling onTrainEnd: Expected to have one and only one span named training_loop but found 0.',
    );
    assert.equal(spanRecs(recs, 'application').at(-1)?.attributes.duration_msec, 20);
  });

  test('W32: deep merge over an absent or null nested telemetry config', () => {
    TrainingTelemetryProvider.instance()
      .withBaseConfig({ ...CORE })
      .withConfigOverride({ telemetryConfig: { perfTag: 'p', globalBatchSize: 16 } })
      .withConfigOverride({ telemetryConfig: { logEveryNTrainIterations: 7 } })
      .configureProvider();
    let tc = TrainingTelemetryProvider.instance().trainingConfig;
    assert.deepEqual([tc?.perfTag, tc?.globalBatchSize, tc?.logEveryNTrainIterations], ['p', 16, 7]);

    TrainingTelemetryProvider.resetForTests();
    TrainingTelemetryProvider.instance()
      .withBaseConfig({ ...CORE, telemetryConfig: null } as unknown as TrainingBaseConfigInput)
      .withConfigOverride({ worldSize: 8, telemetryConfig: { perfTag: 'q', globalBatchSize: 4 } })
      .configureProvider();
    tc = TrainingTelemetryProvider.instance().trainingConfig;
    assert.deepEqual([tc?.perfTag, tc?.globalBatchSize, tc?.logEveryNTrainIterations], ['q', 4, 50]);
    assert.equal(TrainingTelemetryProvider.instance().config.worldSize, 8);
  });

  test('W32 (item 21): a nested override merges key by key over a validated TrainingTelemetryConfig base', () => {
    TrainingTelemetryProvider.instance()
      .withBaseConfig({ ...CORE, telemetryConfig: new TrainingTelemetryConfig({ perfTag: 'base_perf', globalBatchSize: 32 }) })
      .withConfigOverride({ worldSize: 8, telemetryConfig: { logEveryNTrainIterations: 100 } })
      .configureProvider();
    const provider = TrainingTelemetryProvider.instance();
    const tc = provider.trainingConfig;
    assert.deepEqual([tc?.perfTag, tc?.globalBatchSize, tc?.logEveryNTrainIterations], ['base_perf', 32, 100]);
    assert.equal(provider.config.worldSize, 8);
  });
});
