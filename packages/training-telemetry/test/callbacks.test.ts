// Callbacks: the application/initialisation/training/validation/testing/checkpoint callbacks, their exported
// records and metrics (spec/training.md §3, §6, §7, §9.2, §10 items 36-48) and our fixes of the reference
// (§11 W1, W2, W8, W9, W10, W12, W17). Deterministic clock; a real FileExporter whose every record is validated
// against the JSON Schema, plus an in-memory exporter where the reference checks the exporter call order.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, test } from 'node:test';
import { FileExporter, internalLogger, OneLoggerError, telemetryRuntime } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { type Rec, readRecords } from '../../core/test/helpers/records.js';
import {
  CheckpointStrategy,
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
  TRAINING_TELEMETRY_VERSION,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
} from '../src/index.js';
import { assertExact } from './helpers/assert-exact.js';
import { throwsMessage } from './helpers/assert-throws.js';
import { createFakeClock, ms, sec } from './helpers/fake-clock.js';
import { summary } from './helpers/record-queries.js';
import { RecordingExporter } from './helpers/recording-exporter.js';
import { PID, recordedSetup, TEST_TELEMETRY } from './helpers/setup.js';
import { useTestEnvironment } from './helpers/test-environment.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
const libraryLog = captureLibraryLog(internalLogger);

// ------------------------------------------------------------------------------------------- helpers

const clock = createFakeClock({ perfOriginMs: 42_000 });
const { at, advance } = clock;
const testEnv = useTestEnvironment({ clock, tmpPrefix: 'tt-callbacks-', filePrefix: 'run', isolateRank: true });
const setup = recordedSetup(testEnv, TEST_TELEMETRY);

/** Runs `n` training iterations of `durationSec` each, `gapSec` apart (clock advanced before each start). */
function iterations(n: number, durationSec: number, gapSec = 0): void {
  for (let i = 0; i < n; i++) {
    advance(gapSec);
    onTrainingSingleIterationStart();
    advance(durationSec);
    onTrainingSingleIterationEnd();
  }
}

function validationIterations(n: number, durationSec: number | ((i: number) => number)): void {
  for (let i = 0; i < n; i++) {
    onValidationSingleIterationStart();
    advance(typeof durationSec === 'number' ? durationSec : durationSec(i));
    onValidationSingleIterationEnd();
  }
}

// ------------------------------------------------------------------------------------------- §9.2

describe('spec §9.2 reference scenario (exact records)', () => {
  const telemetry: TrainingTelemetryConfigInput = {
    perfTag: 'demo_perf',
    globalBatchSize: 8,
    logEveryNTrainIterations: 2,
    seqLength: 128,
    flopsPerSample: 1000,
    isLogThroughputEnabled: true,
    trainIterationsTarget: 3,
    trainSamplesTarget: 24,
  };

  function runScenario(): void {
    at(0);
    onAppStart();
    at(1);
    onTrainStart({ trainIterationsStart: 0 });
    at(1.25);
    onTrainingSingleIterationStart();
    at(2.25);
    onTrainingSingleIterationEnd();
    at(2.5);
    onTrainingSingleIterationStart();
    at(4.5);
    onTrainingSingleIterationEnd();
    at(4.75);
    onSaveCheckpointStart({ globalStep: 2 });
    at(7.75);
    onSaveCheckpointSuccess({ globalStep: 2 });
    at(8.25);
    onSaveCheckpointEnd();
    at(8.5);
    onTrainingSingleIterationStart();
    at(10);
    onTrainingSingleIterationEnd();
    at(10.25);
    onValidationStart();
    onValidationSingleIterationStart();
    at(10.75);
    onValidationSingleIterationEnd();
    at(10.85);
    onValidationSingleIterationStart();
    at(11.55);
    onValidationSingleIterationEnd();
    at(11.65);
    onValidationEnd();
    at(11.9);
    onTrainEnd();
    at(12.9);
  }

  const loopAttributes = {
    train_iterations_start: 0,
    train_samples_start: 0,
    train_tokens_target: 3072,
    completed_floating_point_operations_overall: 0,
    train_iterations_target: 3,
    train_samples_target: 24,
  };
  const tp1 = 2.6666666666666666e-9;

  test('every record: type, name, key order and values (plus parent_id and the final metrics update of W8)', async () => {
    const { records, rec } = setup({ telemetry, worldSize: 2 });
    runScenario();
    await onAppEnd();
    const expected = [
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
            world_size: 2,
            one_logger_training_telemetry_version: TRAINING_TELEMETRY_VERSION,
            enable_for_current_rank: true,
            session_tag: 'test_session',
            is_baseline_run: false,
            summary_data_schema_version: '1.0.0',
            node_name: hostname(),
            rank: 0,
            // Additive key (not in the reference), after the reference's keys.
            application_name: 'test_app',
            timestamp_msec: ms(0),
          },
        },
        count: 2,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id1',
        event: {
          name: 'update_training_telemetry_config',
          attributes: {
            perf_tag: 'demo_perf',
            global_batch_size: 8,
            log_every_n_train_iterations: 2,
            seq_length: 128,
            flops_per_sample: 1000,
            train_iterations_target: 3,
            train_samples_target: 24,
            checkpoint_strategy: 'sync',
            is_train_iterations_enabled: true,
            is_validation_iterations_enabled: true,
            is_test_iterations_enabled: true,
            is_save_checkpoint_enabled: true,
            is_log_throughput_enabled: true,
            timestamp_msec: ms(0),
          },
        },
        count: 3,
        pid: PID,
      },
      {
        type: 'start',
        id: 'id2',
        name: 'training_loop',
        parent_id: 'id1',
        attributes: loopAttributes,
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(1) } },
        count: 4,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id2',
        event: {
          name: 'training_metrics_update',
          attributes: {
            train_iterations_start: 0,
            current_iteration: 1,
            num_iterations: 2,
            train_samples_start: 0,
            num_train_samples: 16,
            interval: 2,
            avg_iteration_time_sec: 1.5,
            min_iteration_time_sec: 1,
            max_iteration_time_sec: 2,
            total_iteration_time_sec: 3,
            train_tokens: 2048,
            completed_floating_point_operations_overall: 16000,
            total_flops: 16000,
            train_throughput_per_gpu: tp1,
            train_throughput_per_gpu_max: 4e-9,
            train_throughput_per_gpu_min: tp1,
            first_logged_train_iterations_finish_timestamp_sec: sec(2.25),
            last_logged_train_iterations_finish_timestamp_sec: sec(4.5),
            timestamp_msec: ms(4.5),
          },
        },
        count: 5,
        pid: PID,
      },
      {
        type: 'start',
        id: 'id3',
        name: 'checkpoint_save_sync',
        parent_id: 'id2',
        attributes: { checkpoint_strategy: 'sync', current_iteration: 2, save_checkpoint_attempt_count: 1 },
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(4.75) } },
        count: 6,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id3',
        event: {
          name: 'save_checkpoint_success',
          attributes: {
            checkpoint_strategy: 'sync',
            current_iteration: 2,
            first_successful_save_checkpoint_timestamp_sec: sec(7.75),
            latest_successful_save_checkpoint_timestamp_sec: sec(7.75),
            save_checkpoint_success_count: 1,
            productive_train_iterations: 2,
            productive_train_samples: 16,
            productive_train_iterations_sec: 3,
            productive_validation_iterations_sec: 0,
            productive_train_tflops: 1.6e-8,
            training_start_timestamp_sec: sec(1),
            timestamp_msec: ms(7.75),
          },
        },
        count: 7,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id3',
        event: {
          name: 'sync_checkpoint_metrics_update',
          attributes: {
            save_checkpoint_sync_time_total_sec: 3.5,
            save_checkpoint_sync_time_min_sec: 3.5,
            save_checkpoint_sync_time_max_sec: 3.5,
            timestamp_msec: ms(8.25),
          },
        },
        count: 8,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id3',
        name: 'checkpoint_save_sync',
        parent_id: 'id2',
        attributes: { checkpoint_strategy: 'sync', current_iteration: 2, save_checkpoint_attempt_count: 1, duration_msec: 3500 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(8.25) } },
        count: 9,
        pid: PID,
      },
      {
        type: 'start',
        id: 'id4',
        name: 'validation_loop',
        parent_id: 'id2',
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(10.25) } },
        count: 10,
        pid: PID,
      },
      {
        type: 'event',
        span_id: 'id4',
        event: {
          name: 'validation_metrics_update',
          attributes: {
            current_iteration: 2,
            interval: 3,
            avg_iteration_time_sec: 0.6,
            min_iteration_time_sec: 0.5,
            max_iteration_time_sec: 0.7,
            total_iteration_time_sec: 1.2,
            timestamp_msec: ms(11.65),
          },
        },
        count: 11,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id4',
        name: 'validation_loop',
        parent_id: 'id2',
        attributes: { duration_msec: 1400 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(11.65) } },
        count: 12,
        pid: PID,
      },
      // Difference from the reference (W8): the iteration after the last multiple of N is reported at loop end.
      {
        type: 'event',
        span_id: 'id2',
        event: {
          name: 'training_metrics_update',
          attributes: {
            train_iterations_start: 0,
            current_iteration: 2,
            num_iterations: 3,
            train_samples_start: 0,
            num_train_samples: 24,
            interval: 1,
            avg_iteration_time_sec: 1.5,
            min_iteration_time_sec: 1,
            max_iteration_time_sec: 2,
            total_iteration_time_sec: 4.5,
            train_tokens: 3072,
            completed_floating_point_operations_overall: 24000,
            total_flops: 24000,
            train_throughput_per_gpu: tp1,
            train_throughput_per_gpu_max: 4e-9,
            train_throughput_per_gpu_min: tp1,
            first_logged_train_iterations_finish_timestamp_sec: sec(2.25),
            last_logged_train_iterations_finish_timestamp_sec: sec(10),
            timestamp_msec: ms(11.9),
          },
        },
        count: 13,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id2',
        name: 'training_loop',
        parent_id: 'id1',
        attributes: { ...loopAttributes, duration_msec: 10900 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(11.9) } },
        count: 14,
        pid: PID,
      },
      {
        type: 'stop',
        id: 'id1',
        name: 'application',
        attributes: { duration_msec: 12900 },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(12.9) } },
        count: 15,
        pid: PID,
      },
    ];
    const actual = records();
    assert.equal(actual.length, expected.length);
    for (let i = 0; i < expected.length; i++) assertExact(actual[i], expected[i], `record ${i + 1}`);

    // The exporter-call order of the variant with a non-deferring exporter (spec §9.2 "Exporter-call order").
    assert.deepStrictEqual(rec.sequence, [
      'initialize',
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'event:training_metrics_update',
      'start:checkpoint_save_sync',
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
      'start:validation_loop',
      'event:validation_metrics_update',
      'stop:validation_loop',
      'event:training_metrics_update',
      'stop:training_loop',
      'stop:application',
      'flush',
      'close',
    ]);
  });

  test('throughput values: 4e-9 after the first iteration, 2.6666666666666666e-9 after the second (latest and min)', async () => {
    const { recorder } = setup({ telemetry, worldSize: 2 });
    at(0);
    onAppStart();
    at(1);
    onTrainStart({ trainIterationsStart: 0 });
    at(1.25);
    onTrainingSingleIterationStart();
    at(2.25);
    onTrainingSingleIterationEnd();
    assert.equal(recorder.throughputSummary.latestValue, 4e-9);
    at(2.5);
    onTrainingSingleIterationStart();
    at(4.5);
    onTrainingSingleIterationEnd();
    assert.equal(recorder.throughputSummary.latestValue, tp1);
    assert.equal(recorder.throughputSummary.maxValue, 4e-9);
    assert.equal(recorder.throughputSummary.minValue, tp1);
    assert.equal(recorder.throughputSummary.count, 2);
    assert.deepStrictEqual(recorder.state, {
      trainIterationsStart: 0,
      completedIterationsOverall: 2,
      trainSamplesStart: 0,
      trainSamplesJob: 16,
      flopsJob: 16000,
      flopsOverall: 16000,
      tokensJob: 2048,
      checkpointSuccessCount: 0,
      pendingCheckpointSteps: [],
    });
  });

  test('ASYNC variant: checkpoint_save_async with the timing event, success later on the application span', async () => {
    const { records } = setup({ telemetry: { ...telemetry, saveCheckpointStrategy: CheckpointStrategy.ASYNC }, worldSize: 2 });
    at(0);
    onAppStart();
    at(1);
    onTrainStart({ trainIterationsStart: 0 });
    iterations(2, 1, 0.25);
    at(4.75);
    const span = onSaveCheckpointStart({ globalStep: 2 });
    assert.equal(span?.name, 'checkpoint_save_async');
    at(5.25);
    onSaveCheckpointEnd();
    at(7.75);
    onSaveCheckpointSuccess({ globalStep: 2 });
    at(8);
    onTrainEnd();
    at(9);
    await onAppEnd();
    const recs = records();
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'event:training_metrics_update',
      'start:checkpoint_save_async',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_async',
      'event:save_checkpoint_success',
      'stop:training_loop',
      'stop:application',
    ]);
    assertExact(recs[5]?.attributes, { checkpoint_strategy: 'async', current_iteration: 2, save_checkpoint_attempt_count: 1 });
    assert.equal(recs[5]?.parent_id, 'id2');
    assertExact(recs[6]?.event.attributes, {
      save_checkpoint_sync_time_total_sec: 0.5,
      save_checkpoint_sync_time_min_sec: 0.5,
      save_checkpoint_sync_time_max_sec: 0.5,
      timestamp_msec: ms(5.25),
    });
    assert.equal(recs[7]?.attributes.duration_msec, 500);
    const success = recs[8] as Rec;
    assert.equal(success.span_id, 'id1', 'async success is posted on the application span');
    assertExact(success.event.attributes, {
      checkpoint_strategy: 'async',
      current_iteration: 2,
      first_successful_save_checkpoint_timestamp_sec: sec(7.75),
      latest_successful_save_checkpoint_timestamp_sec: sec(7.75),
      save_checkpoint_success_count: 1,
      productive_train_iterations: 2,
      productive_train_samples: 16,
      productive_train_iterations_sec: 2,
      productive_validation_iterations_sec: 0,
      productive_train_tflops: 1.6e-8,
      training_start_timestamp_sec: sec(1),
      timestamp_msec: ms(7.75),
    });
  });
});

// ------------------------------------------------------------------------------------------- items 36-37

describe('application lifecycle (spec §10 item 36)', () => {
  const initKeys = [
    'world_size',
    'one_logger_training_telemetry_version',
    'enable_for_current_rank',
    'session_tag',
    'is_baseline_run',
    'summary_data_schema_version',
    'node_name',
    'rank',
    'application_name',
    'timestamp_msec',
  ];

  for (const variant of ['no explicit times', 'explicit start', 'explicit start and finish'] as const) {
    test(`${variant}: no span attributes, init then config event, duration = finish - start`, async () => {
      const { rec, records } = setup();
      at(100);
      const startSec = variant === 'no explicit times' ? 100 : 40;
      const span = variant === 'no explicit times' ? onAppStart() : onAppStart({ startTimeMsec: ms(40) });
      assert.equal(span?.name, 'application');
      at(200);
      const finishSec = variant === 'explicit start and finish' ? 150 : 200;
      if (variant === 'explicit start and finish') await onAppEnd({ finishTimeMsec: ms(150) });
      else await onAppEnd();

      assert.deepStrictEqual(rec.sequence, [
        'initialize',
        'start:application',
        'event:one_logger_initialization',
        'event:update_training_telemetry_config',
        'stop:application',
        'flush',
        'close',
      ]);
      const [, start, init, config, stop] = rec.calls;
      assert.deepStrictEqual(start?.attributes, {});
      assert.equal(start?.parentId, undefined);
      assert.deepStrictEqual(Object.keys(init?.attributes ?? {}), initKeys);
      assertExact(init?.attributes, {
        world_size: 4,
        one_logger_training_telemetry_version: TRAINING_TELEMETRY_VERSION,
        enable_for_current_rank: true,
        session_tag: 'test_session',
        is_baseline_run: false,
        summary_data_schema_version: '1.0.0',
        node_name: hostname(),
        rank: 0,
        application_name: 'test_app',
        timestamp_msec: ms(startSec),
      });
      // The config event is posted now (the time of the call), the init event at the application start time.
      assert.equal(config?.attributes?.timestamp_msec, ms(100));
      assertExact(stop?.attributes, { duration_msec: (finishSec - startSec) * 1000 });

      const recs = records();
      assert.deepStrictEqual(summary(recs), [
        'start:application',
        'event:one_logger_initialization',
        'event:update_training_telemetry_config',
        'stop:application',
      ]);
      assert.equal(recs[0]?.start_event.attributes.timestamp_msec, ms(startSec));
      assert.equal(recs[3]?.stop_event.attributes.timestamp_msec, ms(finishSec));
      assert.equal(recs[3]?.attributes.duration_msec, (finishSec - startSec) * 1000);
    });
  }

  test('custom metadata of the core config and RANK appear in the initialization event', async () => {
    process.env.RANK = '3';
    const file = testEnv.newFile();
    TrainingTelemetryProvider.instance()
      .withBaseConfig({
        applicationName: 'test_app',
        sessionTag: () => 'session_from_fn',
        worldSize: () => 16,
        isBaselineRun: true,
        customMetadata: { team: 'x', debug: true, sizes: [1, 2] },
      })
      .withExporter(new FileExporter({ filePath: file }))
      .configureProvider();
    onAppStart();
    await onAppEnd();
    const recs = readRecords(file);
    assert.deepStrictEqual(summary(recs), ['start:application', 'event:one_logger_initialization', 'stop:application']);
    assertExact(recs[1]?.event.attributes, {
      world_size: 16,
      one_logger_training_telemetry_version: TRAINING_TELEMETRY_VERSION,
      enable_for_current_rank: true,
      session_tag: 'session_from_fn',
      is_baseline_run: true,
      summary_data_schema_version: '1.0.0',
      node_name: hostname(),
      rank: 3,
      custom_metadata: ['team:x', 'debug:True', 'sizes:[1, 2]'],
      application_name: 'test_app',
      timestamp_msec: ms(0),
    });
  });
});

describe('initialisation spans (spec §10 item 37)', () => {
  const phases: [string, typeof onModelInitStart, typeof onModelInitEnd][] = [
    ['distributed_code_initialization', onDistributedInitStart, onDistributedInitEnd],
    ['model_initialization', onModelInitStart, onModelInitEnd],
    ['data_loader_initialization', onDataloaderInitStart, onDataloaderInitEnd],
    ['optimizer_initialization', onOptimizerInitStart, onOptimizerInitEnd],
    ['checkpoint_load', onLoadCheckpointStart, onLoadCheckpointEnd],
  ];
  for (const [name, start, end] of phases) {
    test(`${name}: a root span without attributes, only start/stop, duration from given and implicit times`, async () => {
      const { rec, records } = setup();
      at(10);
      const span = start();
      assert.equal(span?.name, name);
      at(25);
      end();
      at(30);
      start({ startTimeMsec: ms(28) });
      at(50);
      end({ finishTimeMsec: ms(45) });
      assert.deepStrictEqual(rec.sequence, ['initialize', `start:${name}`, `stop:${name}`, `start:${name}`, `stop:${name}`]);
      assert.equal(rec.calls[1]?.parentId, undefined);
      assert.deepStrictEqual(rec.calls[1]?.attributes, {});
      assertExact(rec.calls[2]?.attributes, { duration_msec: 15000 });
      assertExact(rec.calls[4]?.attributes, { duration_msec: 17000 });
      await TrainingTelemetryProvider.instance().recorder.close();
      const recs = records();
      assertExact(recs, [
        {
          type: 'complete',
          id: 'id1',
          name,
          attributes: { duration_msec: 15000 },
          start_event: { name: 'span_start', attributes: { timestamp_msec: ms(10) } },
          stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(25) } },
          count: 1,
          pid: PID,
        },
        {
          type: 'complete',
          id: 'id2',
          name,
          attributes: { duration_msec: 17000 },
          start_event: { name: 'span_start', attributes: { timestamp_msec: ms(28) } },
          stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(45) } },
          count: 2,
          pid: PID,
        },
      ]);
    });
  }

  test('inside the application the phases are children of the application span (parent_id)', async () => {
    const { records } = setup();
    onAppStart();
    advance(1);
    onModelInitStart();
    advance(2);
    onModelInitEnd();
    await onAppEnd();
    const recs = records();
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:model_initialization',
      'stop:application',
    ]);
    assert.equal(recs[3]?.parent_id, 'id1');
    assert.equal(recs[3]?.attributes.duration_msec, 2000);
  });
});

// ------------------------------------------------------------------------------------------- items 38-46

describe('training loop, iterations and metrics (spec §10 items 38, 43, 44, §6.3)', () => {
  test('item 38: iterations inside a loop export nothing beyond the loop start; the iteration span is not materialised', () => {
    const { rec, recorder } = setup();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    const before = rec.calls.length;
    assert.equal(rec.sequence[before - 1], 'start:training_loop');
    for (let i = 0; i < 5; i++) {
      const span = onTrainingSingleIterationStart();
      assert.equal(span, undefined, 'filtered iteration spans are not materialised');
      advance(2);
      onTrainingSingleIterationEnd();
      advance(1);
    }
    assert.equal(rec.calls.length, before);
    assert.equal(recorder.getActiveSpansByName('training_single_iteration').length, 0);
    assert.equal(recorder.trainIterationTimer.totalWindowCount, 5);
    assert.equal(recorder.trainIterationTimer.totalTimeSec, 10);
    assert.equal(recorder.state.completedIterationsOverall, 5);
    assert.equal(recorder.state.trainSamplesJob, 160);
  });

  test('item 43: loop start when resuming (targets as functions): tokens target, FLOPs so far; no metrics without iterations', async () => {
    const { rec, records } = setup({ telemetry: { ...TEST_TELEMETRY, seqLength: 1024 } });
    onAppStart();
    at(5);
    const span = onTrainStart({
      trainIterationsStart: 10,
      trainSamplesStart: 0,
      trainIterationsTarget: () => 1000,
      trainSamplesTarget: () => 32000,
    });
    assert.equal(span?.name, 'training_loop');
    at(8);
    onTrainEnd();
    await onAppEnd();
    const loopAttributes = {
      train_iterations_start: 10,
      train_samples_start: 0,
      train_tokens_target: 32768000,
      completed_floating_point_operations_overall: 32000,
      train_iterations_target: 1000,
      train_samples_target: 32000,
    };
    assertExact(rec.calls.find((c) => c.op === 'start' && c.name === 'training_loop')?.attributes, loopAttributes);
    assert.equal(rec.events('training_metrics_update').length, 0);
    const recs = records();
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:training_loop',
      'stop:application',
    ]);
    assertExact(recs[3]?.attributes, { ...loopAttributes, duration_msec: 3000 });
  });

  test('loop defaults: samples start = start × batch size, targets from the config, no token target without seq length', () => {
    const { rec } = setup();
    onAppStart();
    onTrainStart({ trainIterationsStart: 7 });
    assertExact(rec.calls.find((c) => c.name === 'training_loop')?.attributes, {
      train_iterations_start: 7,
      train_samples_start: 224,
      completed_floating_point_operations_overall: 22400,
      train_iterations_target: 1000,
      train_samples_target: 32000,
    });
  });

  test('item 44 / §6.3 worked example: G=32, F=100, W=4, start 10, 50 s iterations, N=8', async () => {
    const { rec, records } = setup({ telemetry: { ...TEST_TELEMETRY, logEveryNTrainIterations: 8, seqLength: 32 }, worldSize: 4 });
    onAppStart();
    at(10);
    onTrainStart({ trainIterationsStart: 10, trainSamplesStart: 0, trainIterationsTarget: () => 1000, trainSamplesTarget: () => 32000 });
    const firstEnd = 10 + 50;
    iterations(10, 50);
    at(1000);
    onTrainEnd();
    await onAppEnd();
    const metrics = rec.events('training_metrics_update');
    assert.equal(metrics.length, 2);
    assertExact(metrics[0]?.attributes, {
      train_iterations_start: 10,
      current_iteration: 15,
      num_iterations: 6,
      train_samples_start: 0,
      num_train_samples: 192,
      interval: 6, // W9: iterations since the previous update (the loop started at 10), not N
      avg_iteration_time_sec: 50,
      min_iteration_time_sec: 50,
      max_iteration_time_sec: 50,
      total_iteration_time_sec: 300,
      train_tokens: 6144,
      completed_floating_point_operations_overall: 51200,
      total_flops: 19200,
      train_throughput_per_gpu: 1.6e-11,
      train_throughput_per_gpu_max: 1.6e-11,
      train_throughput_per_gpu_min: 1.6e-11,
      first_logged_train_iterations_finish_timestamp_sec: sec(firstEnd),
      last_logged_train_iterations_finish_timestamp_sec: sec(firstEnd + 250),
      timestamp_msec: ms(firstEnd + 250),
    });
    // W8: the four iterations after the last multiple of N are reported when the loop ends.
    assertExact(metrics[1]?.attributes, {
      train_iterations_start: 10,
      current_iteration: 19,
      num_iterations: 10,
      train_samples_start: 0,
      num_train_samples: 320,
      interval: 4,
      avg_iteration_time_sec: 50,
      min_iteration_time_sec: 50,
      max_iteration_time_sec: 50,
      total_iteration_time_sec: 500,
      train_tokens: 10240,
      completed_floating_point_operations_overall: 64000,
      total_flops: 32000,
      train_throughput_per_gpu: 1.6e-11,
      train_throughput_per_gpu_max: 1.6e-11,
      train_throughput_per_gpu_min: 1.6e-11,
      first_logged_train_iterations_finish_timestamp_sec: sec(firstEnd),
      last_logged_train_iterations_finish_timestamp_sec: sec(10 + 500),
      timestamp_msec: ms(1000),
    });
    const fileMetrics = records().filter((r) => r.type === 'event' && r.event.name === 'training_metrics_update');
    assert.equal(fileMetrics.length, 2);
    assertExact(fileMetrics[0]?.event.attributes, metrics[0]?.attributes);
    assert.equal(fileMetrics[0]?.span_id, 'id2');
  });

  test('without throughput: total_flops 0 and no FLOP/throughput keys; no tokens without seq length', async () => {
    const { rec } = setup({ telemetry: { perfTag: 'p', globalBatchSize: 16, logEveryNTrainIterations: 2 }, worldSize: 1 });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iterations(2, 3, 1);
    assertExact(rec.events('training_metrics_update')[0]?.attributes, {
      train_iterations_start: 0,
      current_iteration: 1,
      num_iterations: 2,
      train_samples_start: 0,
      num_train_samples: 32,
      interval: 2,
      avg_iteration_time_sec: 3,
      min_iteration_time_sec: 3,
      max_iteration_time_sec: 3,
      total_iteration_time_sec: 6,
      total_flops: 0,
      first_logged_train_iterations_finish_timestamp_sec: sec(4),
      last_logged_train_iterations_finish_timestamp_sec: sec(8),
      timestamp_msec: ms(8),
    });
  });

  test('W8: with N=1 every iteration is reported, the first one included; nothing extra at loop end', () => {
    const { rec } = setup({ telemetry: { ...TEST_TELEMETRY, logEveryNTrainIterations: 1 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iterations(3, 1);
    onTrainEnd();
    const metrics = rec
      .events('training_metrics_update')
      .map((c) => [c.attributes?.current_iteration, c.attributes?.num_iterations, c.attributes?.interval]);
    assert.deepStrictEqual(metrics, [
      [0, 1, 1],
      [1, 2, 1],
      [2, 3, 1],
    ]);
  });

  test('W9: alignment on the global step; interval = iterations since the previous update (N=3, resume at 4)', () => {
    const { rec } = setup({ telemetry: { ...TEST_TELEMETRY, logEveryNTrainIterations: 3 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 4 });
    iterations(8, 1);
    onTrainEnd();
    const metrics = rec
      .events('training_metrics_update')
      .map((c) => [c.attributes?.current_iteration, c.attributes?.num_iterations, c.attributes?.interval]);
    // 12 completed overall at the end = the last update: no final flush.
    assert.deepStrictEqual(metrics, [
      [5, 2, 2],
      [8, 5, 3],
      [11, 8, 3],
    ]);
  });
});

describe('validation and testing (spec §10 items 39, 40, 45, 46, §6.4)', () => {
  test('item 39: validation alone, 30 × 5 s iterations in a loop lasting 10+150+400 s', async () => {
    const { rec, records } = setup();
    onAppStart();
    at(100);
    onValidationStart();
    advance(10);
    validationIterations(30, 5);
    advance(400);
    onValidationEnd();
    assert.deepStrictEqual(rec.sequence.slice(4), ['start:validation_loop', 'event:validation_metrics_update', 'stop:validation_loop']);
    assertExact(rec.events('validation_metrics_update')[0]?.attributes, {
      current_iteration: 0,
      interval: 0,
      avg_iteration_time_sec: 5,
      min_iteration_time_sec: 5,
      max_iteration_time_sec: 5,
      total_iteration_time_sec: 150,
      timestamp_msec: ms(660),
    });
    assertExact(rec.calls.at(-1)?.attributes, { duration_msec: 560000 });
    await onAppEnd();
    assert.deepStrictEqual(
      summary(records()).filter((s) => s.includes('validation')),
      ['start:validation_loop', 'event:validation_metrics_update', 'stop:validation_loop'],
    );
  });

  test('item 40: validation after 30 and after 40 more training iterations (cumulative timing, per-loop interval)', () => {
    const { rec } = setup();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    iterations(30, 1);
    onValidationStart();
    validationIterations(10, 5);
    onValidationEnd();
    iterations(40, 1);
    onValidationStart();
    validationIterations(10, 10);
    onValidationEnd();
    const events = rec.events('validation_metrics_update');
    assert.equal(events.length, 2);
    const { timestamp_msec: _t1, ...first } = events[0]?.attributes ?? {};
    assertExact(first, {
      current_iteration: 29,
      interval: 30,
      avg_iteration_time_sec: 5,
      min_iteration_time_sec: 5,
      max_iteration_time_sec: 5,
      total_iteration_time_sec: 50,
    });
    const { timestamp_msec: _t2, ...second } = events[1]?.attributes ?? {};
    assertExact(second, {
      current_iteration: 69,
      interval: 40,
      avg_iteration_time_sec: 7.5,
      min_iteration_time_sec: 5,
      max_iteration_time_sec: 10,
      total_iteration_time_sec: 150,
    });
    // The validation loops are children of the training loop.
    const loopId = rec.calls.find((c) => c.op === 'start' && c.name === 'training_loop')?.spanId;
    assert.deepStrictEqual(
      rec.calls.filter((c) => c.op === 'start' && c.name === 'validation_loop').map((c) => c.parentId),
      [loopId, loopId],
    );
  });

  test('item 45: a validation loop without iteration callbacks reports only current_iteration and interval', () => {
    const { rec } = setup();
    onAppStart();
    onValidationStart();
    advance(3);
    onValidationEnd();
    assertExact(rec.events('validation_metrics_update')[0]?.attributes, { current_iteration: 0, interval: 0, timestamp_msec: ms(3) });
  });

  test('item 46: testing loop → {current_iteration 0, interval 0}; after training: current = completed - 1', async () => {
    const { rec, records } = setup();
    onAppStart();
    const span = onTestingStart();
    assert.equal(span?.name, 'testing_loop');
    advance(2);
    onTestingEnd();
    assertExact(rec.events('testing_metrics_update')[0]?.attributes, { current_iteration: 0, interval: 0, timestamp_msec: ms(2) });
    onTrainStart({ trainIterationsStart: 0 });
    iterations(7, 1);
    onTestingStart();
    onTestingEnd();
    onTestingStart();
    onTestingEnd();
    const events = rec.events('testing_metrics_update').map((c) => [c.attributes?.current_iteration, c.attributes?.interval]);
    assert.deepStrictEqual(events, [
      [0, 0],
      [6, 7],
      [6, 0],
    ]);
    await onAppEnd();
    const testing = records().filter((r) => r.name === 'testing_loop' || r.event?.name === 'testing_metrics_update');
    assert.deepStrictEqual(summary(testing).slice(0, 3), ['start:testing_loop', 'event:testing_metrics_update', 'stop:testing_loop']);
    assert.equal(testing[2]?.attributes.duration_msec, 2000);
  });

  test('W7: ending validation with an open validation iteration closes it at the validation end; values stay finite', async () => {
    const { rec, records, recorder } = setup();
    onAppStart();
    onValidationStart();
    validationIterations(2, 4);
    onValidationSingleIterationStart();
    advance(3);
    onValidationEnd();
    assert.equal(recorder.validationIterationTimer.isActive, false);
    assertExact(rec.events('validation_metrics_update')[0]?.attributes, {
      current_iteration: 0,
      interval: 0,
      avg_iteration_time_sec: 11 / 3,
      min_iteration_time_sec: 3,
      max_iteration_time_sec: 4,
      total_iteration_time_sec: 11,
      timestamp_msec: ms(11),
    });
    // The next validation iteration starts normally.
    onValidationStart();
    assert.equal(onValidationSingleIterationStart(), undefined);
    advance(1);
    onValidationSingleIterationEnd();
    onValidationEnd();
    await onAppEnd();
    const recs = records();
    assert.equal(recs.filter((r) => r.event?.name === 'validation_metrics_update').length, 2);
    assert.equal(recs.filter((r) => r.type === 'telemetry_data_error').length, 0);
  });

  test('W7: a validation loop started before any iteration window (open window only) never writes Infinity', async () => {
    const { rec } = setup();
    onAppStart();
    onValidationStart();
    onValidationSingleIterationStart();
    advance(2);
    onValidationEnd();
    assertExact(rec.events('validation_metrics_update')[0]?.attributes, {
      current_iteration: 0,
      interval: 0,
      avg_iteration_time_sec: 2,
      min_iteration_time_sec: 2,
      max_iteration_time_sec: 2,
      total_iteration_time_sec: 2,
      timestamp_msec: ms(2),
    });
  });
});

// ------------------------------------------------------------------------------------------- items 41-42, checkpoints

describe('checkpoint save (spec §10 items 41, 42, §6.5-§7)', () => {
  test('item 41: sync save of step 100: child of the loop, attributes, success then timing event, zero productivity', async () => {
    const { rec, records } = setup();
    onAppStart();
    at(5);
    onTrainStart({ trainIterationsStart: 0 });
    at(20);
    const span = onSaveCheckpointStart({ globalStep: 100 });
    assert.equal(span?.name, 'checkpoint_save_sync');
    at(25);
    onSaveCheckpointSuccess({ globalStep: 100 });
    at(30);
    onSaveCheckpointEnd();
    at(31);
    onTrainEnd();
    assert.deepStrictEqual(rec.sequence.slice(4), [
      'start:training_loop',
      'start:checkpoint_save_sync',
      'event:save_checkpoint_success',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_sync',
      'stop:training_loop',
    ]);
    const loop = rec.calls[4];
    const save = rec.calls[5];
    assert.equal(save?.parentId, loop?.spanId);
    assertExact(save?.attributes, { checkpoint_strategy: 'sync', current_iteration: 100, save_checkpoint_attempt_count: 1 });
    assert.equal(rec.calls[6]?.spanId, save?.spanId);
    assertExact(rec.calls[6]?.attributes, {
      checkpoint_strategy: 'sync',
      current_iteration: 100,
      first_successful_save_checkpoint_timestamp_sec: sec(25),
      latest_successful_save_checkpoint_timestamp_sec: sec(25),
      save_checkpoint_success_count: 1,
      productive_train_iterations: 0,
      productive_train_samples: 0,
      productive_train_iterations_sec: 0,
      productive_validation_iterations_sec: 0,
      productive_train_tflops: 0,
      training_start_timestamp_sec: sec(5),
      timestamp_msec: ms(25),
    });
    assertExact(rec.calls[7]?.attributes, {
      save_checkpoint_sync_time_total_sec: 10,
      save_checkpoint_sync_time_min_sec: 10,
      save_checkpoint_sync_time_max_sec: 10,
      timestamp_msec: ms(30),
    });
    assertExact(rec.calls[8]?.attributes, {
      checkpoint_strategy: 'sync',
      current_iteration: 100,
      save_checkpoint_attempt_count: 1,
      duration_msec: 10000,
    });
    await onAppEnd();
    const recs = records();
    const start = recs.find((r) => r.name === 'checkpoint_save_sync');
    assert.equal(start?.type, 'start');
    assert.equal(start?.parent_id, 'id2');
  });

  test('item 42: async save: only the timing event on the span; the later success is the third event of the application', async () => {
    const { rec } = setup({ telemetry: { ...TEST_TELEMETRY, saveCheckpointStrategy: CheckpointStrategy.ASYNC } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    at(10);
    const span = onSaveCheckpointStart({ globalStep: 100 });
    assert.equal(span?.name, 'checkpoint_save_async');
    at(12);
    onSaveCheckpointEnd();
    at(50);
    onSaveCheckpointSuccess({ globalStep: 100 });
    at(60);
    onTrainEnd();
    await onAppEnd();
    assert.deepStrictEqual(rec.sequence, [
      'initialize',
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'start:checkpoint_save_async',
      'event:sync_checkpoint_metrics_update',
      'stop:checkpoint_save_async',
      'event:save_checkpoint_success',
      'stop:training_loop',
      'stop:application',
      'flush',
      'close',
    ]);
    const appId = rec.calls[1]?.spanId;
    assert.equal(rec.calls[5]?.parentId, rec.calls[4]?.spanId, 'the async save span is a child of the loop');
    assertExact(rec.calls[5]?.attributes, { checkpoint_strategy: 'async', current_iteration: 100, save_checkpoint_attempt_count: 1 });
    assertExact(rec.calls[6]?.attributes, {
      save_checkpoint_sync_time_total_sec: 2,
      save_checkpoint_sync_time_min_sec: 2,
      save_checkpoint_sync_time_max_sec: 2,
      timestamp_msec: ms(12),
    });
    const success = rec.calls[8];
    assert.equal(success?.spanId, appId);
    assert.equal(
      rec.calls.filter((c) => c.op === 'event' && c.spanId === appId).length,
      3,
      'init, config and the success are the application events',
    );
    assert.equal(success?.attributes?.checkpoint_strategy, 'async');
    assert.equal(success?.attributes?.latest_successful_save_checkpoint_timestamp_sec, sec(50));
  });

  test('repeated saves: attempt count, success count, first/latest success times and cumulative timing', () => {
    const { rec } = setup();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (const [step, duration] of [
      [1, 4],
      [2, 6],
      [3, 2],
    ] as const) {
      iterations(1, 1);
      onSaveCheckpointStart({ globalStep: step });
      advance(duration);
      onSaveCheckpointSuccess({ globalStep: step });
      onSaveCheckpointEnd();
    }
    const starts = rec.calls.filter((c) => c.op === 'start' && c.name === 'checkpoint_save_sync');
    assert.deepStrictEqual(
      starts.map((c) => c.attributes?.save_checkpoint_attempt_count),
      [1, 2, 3],
    );
    const successes = rec.events('save_checkpoint_success').map((c) => c.attributes ?? {});
    assert.deepStrictEqual(
      successes.map((a) => [
        a.current_iteration,
        a.save_checkpoint_success_count,
        a.productive_train_iterations,
        a.productive_train_samples,
        a.first_successful_save_checkpoint_timestamp_sec,
        a.latest_successful_save_checkpoint_timestamp_sec,
      ]),
      [
        [1, 1, 1, 32, sec(5), sec(5)],
        [2, 2, 2, 64, sec(5), sec(12)],
        [3, 3, 3, 96, sec(5), sec(15)],
      ],
    );
    const timing = rec
      .events('sync_checkpoint_metrics_update')
      .map((c) => [
        c.attributes?.save_checkpoint_sync_time_total_sec,
        c.attributes?.save_checkpoint_sync_time_min_sec,
        c.attributes?.save_checkpoint_sync_time_max_sec,
      ]);
    assert.deepStrictEqual(timing, [
      [4, 4, 4],
      [10, 4, 6],
      [12, 2, 6],
    ]);
  });

  test('W1: the save span starts at the given start time, like its timer (duration = timing event)', async () => {
    const { rec, records } = setup();
    onAppStart();
    at(100);
    onSaveCheckpointStart({ globalStep: 1, startTimeMsec: ms(70) });
    at(110);
    onSaveCheckpointSuccess({ globalStep: 1 });
    onSaveCheckpointEnd();
    assertExact(rec.events('sync_checkpoint_metrics_update')[0]?.attributes, {
      save_checkpoint_sync_time_total_sec: 40,
      save_checkpoint_sync_time_min_sec: 40,
      save_checkpoint_sync_time_max_sec: 40,
      timestamp_msec: ms(110),
    });
    await onAppEnd();
    const recs = records();
    const start = recs.find((r) => r.type === 'start' && r.name === 'checkpoint_save_sync');
    const stop = recs.find((r) => r.type === 'stop' && r.name === 'checkpoint_save_sync');
    assert.equal(start?.start_event.attributes.timestamp_msec, ms(70));
    assert.equal(stop?.attributes.duration_msec, 40000);
  });

  test('W2: with isSaveCheckpointEnabled false the save span is bare and success is a no-op', async () => {
    const { rec, records, recorder } = setup({ telemetry: { ...TEST_TELEMETRY, isSaveCheckpointEnabled: false } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    at(10);
    const span = onSaveCheckpointStart({ globalStep: 5 });
    assert.equal(span?.name, 'checkpoint_save_sync');
    at(12);
    onSaveCheckpointSuccess({ globalStep: 5 });
    at(13);
    onSaveCheckpointEnd();
    assert.equal(recorder.checkpointSaveSyncTimer.totalWindowCount, 0);
    assert.equal(recorder.state.checkpointSuccessCount, 0);
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, []);
    // A second save works too (no stale timer).
    onSaveCheckpointStart({ globalStep: 6 });
    onSaveCheckpointEnd();
    onTrainEnd();
    await onAppEnd();
    assert.equal(rec.events('save_checkpoint_success').length, 0);
    assert.equal(rec.events('sync_checkpoint_metrics_update').length, 0);
    const saves = records().filter((r) => r.name === 'checkpoint_save_sync');
    assertExact(saves, [
      {
        type: 'complete',
        id: 'id3',
        name: 'checkpoint_save_sync',
        parent_id: 'id2',
        attributes: { duration_msec: 3000 },
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(10) } },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(13) } },
        count: 5,
        pid: PID,
      },
      {
        type: 'complete',
        id: 'id4',
        name: 'checkpoint_save_sync',
        parent_id: 'id2',
        attributes: { duration_msec: 0 },
        start_event: { name: 'span_start', attributes: { timestamp_msec: ms(13) } },
        stop_event: { name: 'span_stop', attributes: { timestamp_msec: ms(13) } },
        count: 6,
        pid: PID,
      },
    ]);
    assert.equal(records().filter((r) => r.type === 'telemetry_data_error').length, 0);
  });

  test('W12: a success for a step with no pending save start is skipped with a warning', () => {
    const { rec, recorder } = setup();
    const warnings: string[] = [];
    internalLogger.listener = (level, message) => {
      if (level === 'WARNING') warnings.push(message);
    };
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    onSaveCheckpointStart({ globalStep: 3 });
    onSaveCheckpointSuccess({ globalStep: 7 });
    onSaveCheckpointSuccess({ globalStep: 3 });
    onSaveCheckpointSuccess({ globalStep: 3 });
    onSaveCheckpointEnd();
    assert.equal(rec.events('save_checkpoint_success').length, 1);
    assert.equal(rec.events('save_checkpoint_success')[0]?.attributes?.current_iteration, 3);
    assert.equal(recorder.state.checkpointSuccessCount, 1);
    assert.equal(warnings.filter((w) => w.includes('no pending checkpoint save for global step 7')).length, 1);
    assert.equal(warnings.filter((w) => w.includes('no pending checkpoint save for global step 3')).length, 1);
  });

  test('W12: a success prunes older pending steps, so a late success of an older save is not reported after a newer one', () => {
    const { rec, recorder } = setup({ telemetry: { ...TEST_TELEMETRY, saveCheckpointStrategy: CheckpointStrategy.ASYNC } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    for (const step of [1, 2, 3]) {
      iterations(1, 1);
      onSaveCheckpointStart({ globalStep: step });
      advance(1);
      onSaveCheckpointEnd();
    }
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, [1, 2, 3]);
    onSaveCheckpointSuccess({ globalStep: 2 });
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, [3]);
    onSaveCheckpointSuccess({ globalStep: 1 });
    onSaveCheckpointSuccess({ globalStep: 3 });
    assert.deepStrictEqual(recorder.state.pendingCheckpointSteps, []);
    const successes = rec
      .events('save_checkpoint_success')
      .map((c) => [
        c.attributes?.current_iteration,
        c.attributes?.productive_train_iterations,
        c.attributes?.save_checkpoint_success_count,
      ]);
    assert.deepStrictEqual(successes, [
      [2, 2, 1],
      [3, 3, 2],
    ]);
  });

  test('a new save start for the same step replaces its snapshot', () => {
    const { rec } = setup();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    onSaveCheckpointStart({ globalStep: 4 });
    onSaveCheckpointEnd();
    iterations(2, 1);
    onSaveCheckpointStart({ globalStep: 4 });
    onSaveCheckpointSuccess({ globalStep: 4 });
    onSaveCheckpointEnd();
    assert.equal(rec.events('save_checkpoint_success')[0]?.attributes?.productive_train_iterations, 2);
  });
});

// ------------------------------------------------------------------------------------------- items 47-48, errors

describe('out-of-order calls and preconditions (spec §3, §10 item 47, W10, W17)', () => {
  test('item 47: double iteration start; model init end without start (exact messages)', () => {
    setup();
    onTrainingSingleIterationStart();
    throwsMessage(() => onTrainingSingleIterationStart(), 'Cannot start timer since it is already active');
    throwsMessage(() => onModelInitEnd(), 'Expected to have one and only one span named model_initialization but found 0.');
  });

  test('a failing callback reports one telemetry_data_error per exporter (propagate strategy)', async () => {
    const { rec, records } = setup();
    onAppStart();
    throwsMessage(() => onModelInitEnd(), 'Expected to have one and only one span named model_initialization but found 0.');
    throwsMessage(() => onValidationEnd(), 'Expected to have one and only one span named validation_loop but found 0.');
    await onAppEnd();
    const errors = rec.calls.filter((c) => c.op === 'telemetry_data_error');
    assert.equal(errors.length, 1);
    assertExact(errors[0]?.attributes, {
      error_message:
        'Exception in telemetry code when calling onModelInitEnd: Expected to have one and only one span named model_initialization but found 0.',
      telemetry_data_error_type: 'incomplete_telemetry_data',
      timestamp_msec: ms(0),
    });
    const recs = records();
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'telemetry_data_error',
      'stop:application',
    ]);
  });

  test('the exact messages of §3 for every out-of-order call', async () => {
    const { recorder } = setup();
    onAppStart();
    throwsMessage(
      () => onAppStart(),
      'Cannot start span application while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
    );
    throwsMessage(() => onTrainEnd(), 'Expected to have one and only one span named training_loop but found 0.');
    throwsMessage(
      () => onTrainingSingleIterationEnd(),
      'onTrainingSingleIterationEnd() was called without a matching onTrainingSingleIterationStart()',
    );
    assert.equal(recorder.state.completedIterationsOverall, 0, 'a rejected end changes no counter');
    throwsMessage(() => onTestingEnd(), 'Expected to have one and only one span named testing_loop but found 0.');
    throwsMessage(() => onLoadCheckpointEnd(), 'onLoadCheckpointEnd() was called without a matching onLoadCheckpointStart()');
    throwsMessage(
      () => onValidationSingleIterationEnd(),
      'onValidationSingleIterationEnd() was called without a matching onValidationSingleIterationStart()',
    );
    throwsMessage(
      () => onSaveCheckpointSuccess({ globalStep: 1 }),
      'Expected to have one and only one span named checkpoint_save_sync but found 0.',
    );
    throwsMessage(() => onSaveCheckpointEnd(), 'Expected to have one and only one span named checkpoint_save_sync but found 0.');
    throwsMessage(
      () => onDistributedInitEnd(),
      'Expected to have one and only one span named distributed_code_initialization but found 0.',
    );
    throwsMessage(() => onOptimizerInitEnd(), 'Expected to have one and only one span named optimizer_initialization but found 0.');
    throwsMessage(() => onDataloaderInitEnd(), 'Expected to have one and only one span named data_loader_initialization but found 0.');
    onValidationStart();
    throwsMessage(
      () => onValidationStart(),
      'Cannot start span validation_loop while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
    );
    onSaveCheckpointStart({ globalStep: 1 });
    throwsMessage(
      () => onSaveCheckpointStart({ globalStep: 2 }),
      'Cannot start span checkpoint_save_sync while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
    );
    assert.equal(recorder.checkpointSaveSyncTimer.totalWindowCount, 1, 'the rejected start opened no timer window');
    onLoadCheckpointStart();
    throwsMessage(
      () => onLoadCheckpointStart(),
      'Cannot start span checkpoint_load while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
    );
    onTrainStart({ trainIterationsStart: 0 });
    throwsMessage(
      () => onTrainStart({ trainIterationsStart: 0 }),
      'Cannot start span training_loop while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.',
    );
    await onAppEnd();
    throwsMessage(() => onModelInitStart(), 'Recorder is already closed.');
    throwsMessage(() => onTrainingSingleIterationStart(), 'Recorder is already closed.');
    // Each rejected call is also logged once, naming the callback.
    const logged = libraryLog.messages('ERROR');
    assert.equal(logged.length, 17, logged.join('\n'));
    assert.equal(
      logged[0],
      `Exception in telemetry code when calling onAppStart: Cannot start span application while 1 span(s) with the same name is already active. Please ensure the callback is called correctly.`,
    );
    assert.equal(
      logged[2],
      'Exception in telemetry code when calling onTrainingSingleIterationEnd: onTrainingSingleIterationEnd() was called without a matching onTrainingSingleIterationStart()',
    );
    assert.equal(logged.at(-1), 'Exception in telemetry code when calling onTrainingSingleIterationStart: Recorder is already closed.');
  });

  test('onAppEnd without an application span rejects with the exact message and still closes the exporters', async () => {
    const { rec, recorder } = setup();
    await assert.rejects(onAppEnd(), (e: unknown) => {
      assert.ok(e instanceof OneLoggerError);
      assert.equal(e.message, 'Expected to have one and only one span named application but found 0.');
      return true;
    });
    assert.equal(recorder.closed, true);
    assert.equal(rec.sequence.at(-1), 'close');
  });

  test('training loop preconditions: config, throughput targets, negative start', () => {
    setup({ telemetry: { ...TEST_TELEMETRY, trainIterationsTarget: undefined, trainSamplesTarget: undefined } });
    onAppStart();
    throwsMessage(() => onTrainStart({ trainIterationsStart: 0 }), 'train_iterations_target is required and must be a positive integer.');
    throwsMessage(
      () => onTrainStart({ trainIterationsStart: 0, trainIterationsTarget: 10 }),
      'train_samples_target is required and must be a positive integer.',
    );
    throwsMessage(
      () => onTrainStart({ trainIterationsStart: -1, trainIterationsTarget: 10, trainSamplesTarget: 320 }),
      'Invalid value for train_iterations_start in TrainingLoopAttributes object: -1',
    );
    const span = onTrainStart({ trainIterationsStart: 0, trainIterationsTarget: 10, trainSamplesTarget: 320 });
    assert.equal(span?.name, 'training_loop');
  });

  test('without a training config: callbacks that need it fail with the exact messages; the others work', () => {
    const { recorder } = setup({ telemetry: null });
    onAppStart();
    throwsMessage(
      () => onTrainStart({ trainIterationsStart: 0 }),
      'Training telemetry config must be set before starting the training loop.',
    );
    const needed =
      'Training telemetry config must be set before the start of training. See the api for TrainingTelemetryProvider.setTrainingTelemetryConfig for more details.';
    assert.equal(onTrainingSingleIterationStart(), undefined);
    throwsMessage(() => onTrainingSingleIterationEnd(), needed);
    assert.equal(recorder.trainIterationTimer.isActive, true, 'the rejected end left the window open');
    throwsMessage(() => onSaveCheckpointStart({ globalStep: 1 }), needed);
    throwsMessage(() => onSaveCheckpointSuccess({ globalStep: 1 }), needed);
    throwsMessage(() => onSaveCheckpointEnd(), needed);
    assert.equal(onValidationStart()?.name, 'validation_loop');
    onValidationEnd();
    assert.equal(onTestingStart()?.name, 'testing_loop');
    onTestingEnd();
    assert.equal(onModelInitStart()?.name, 'model_initialization');
    onModelInitEnd();
  });

  test('iterations work without a training loop while no update is due', () => {
    const { recorder } = setup({ telemetry: { perfTag: 'p', globalBatchSize: 4, logEveryNTrainIterations: 5 } });
    iterations(4, 1);
    assert.equal(recorder.state.completedIterationsOverall, 4);
    assert.equal(recorder.state.trainSamplesJob, 16);
  });

  test('W10: an iteration end that is due without a training loop throws before changing any state', () => {
    const { rec, recorder } = setup({ telemetry: { perfTag: 'p', globalBatchSize: 4, logEveryNTrainIterations: 2 } });
    onAppStart();
    iterations(1, 1);
    onTrainingSingleIterationStart();
    advance(1);
    throwsMessage(() => onTrainingSingleIterationEnd(), 'Expected to have one and only one span named training_loop but found 0.');
    assert.equal(recorder.state.completedIterationsOverall, 1);
    assert.equal(recorder.state.trainSamplesJob, 4);
    assert.equal(recorder.trainIterationTimer.isActive, true);
    assert.equal(recorder.trainIterationTimer.completedWindowCount, 1);
    // Once the loop exists, the same iteration ends normally.
    onTrainStart({ trainIterationsStart: 1 });
    onTrainingSingleIterationEnd();
    assert.equal(recorder.state.completedIterationsOverall, 2);
    const metrics = rec.events('training_metrics_update');
    assert.equal(metrics.length, 1);
    assert.equal(metrics[0]?.attributes?.current_iteration, 1);
    assert.equal(metrics[0]?.attributes?.interval, 1);
    assert.equal(metrics[0]?.attributes?.num_iterations, 2);
  });

  test('bad option values get clear OneLoggerErrors (never a raw TypeError) and change nothing', () => {
    const { recorder } = setup();
    onAppStart();
    throwsMessage(() => onSaveCheckpointStart({ globalStep: -1 }), 'globalStep must be a non-negative integer (got -1)');
    throwsMessage(() => onSaveCheckpointStart({ globalStep: 2.5 }), 'globalStep must be a non-negative integer (got 2.5)');
    throwsMessage(
      () => onSaveCheckpointStart(undefined as unknown as { globalStep: number }),
      'globalStep must be a non-negative integer (got undefined)',
    );
    throwsMessage(
      () => onSaveCheckpointSuccess(undefined as unknown as { globalStep: number }),
      'globalStep must be a non-negative integer (got undefined)',
    );
    assert.equal(recorder.checkpointSaveSyncTimer.totalWindowCount, 0);
    throwsMessage(
      () => onTrainStart({ trainIterationsStart: 1.5 }),
      'Invalid value for train_iterations_start in TrainingLoopAttributes object: 1.5',
    );
    throwsMessage(
      () => onTrainStart({ trainIterationsStart: 0, trainSamplesStart: -1 }),
      'trainSamplesStart must be a non-negative integer (got -1)',
    );
    assert.equal(recorder.activeStandardSpan('training_loop'), undefined);
    throwsMessage(
      () => onModelInitStart({ startTimeMsec: Number.NaN }),
      'timestamp must be a finite number of seconds since epoch (got NaN)',
    );
    assert.equal(recorder.activeStandardSpan('model_initialization'), undefined);
  });

  test('W10: config functions are sampled once per training loop, before any state changes; a failing one counts nothing', () => {
    let gbs = 32;
    let ws = 2;
    const rec = new RecordingExporter();
    const provider = TrainingTelemetryProvider.instance()
      .withBaseConfig({
        applicationName: 'test_app',
        sessionTag: 'test_session',
        worldSize: () => ws,
        telemetryConfig: { ...TEST_TELEMETRY, globalBatchSize: () => gbs, logEveryNTrainIterations: 2 },
      })
      .withExporter(rec)
      .configureProvider();
    const r = provider.recorder;
    onAppStart();

    // Iterations outside a training loop read the functions at their first end: a failing one counts nothing.
    onTrainingSingleIterationStart();
    advance(1);
    gbs = 0; // the batch-size function now answers an invalid value
    assert.throws(() => onTrainingSingleIterationEnd(), /globalBatchSize must be set to a positive value/);
    assert.equal(r.state.completedIterationsOverall, 0, 'no iteration counted');
    assert.equal(r.state.trainSamplesJob, 0);
    assert.equal(r.trainIterationTimer.isActive, true, 'the window is still open');
    gbs = 32;
    onTrainingSingleIterationEnd();
    assert.equal(r.state.completedIterationsOverall, 1);
    assert.equal(r.state.trainSamplesJob, 32);

    // onTrainStart samples them for the loop: a failing world-size function fails the start, which changes nothing.
    ws = 0;
    assert.throws(() => onTrainStart({ trainIterationsStart: 0 }), /worldSize/);
    assert.equal(r.activeStandardSpan('training_loop'), undefined);
    assert.equal(r.state.completedIterationsOverall, 1);
    ws = 2;
    onTrainStart({ trainIterationsStart: 0 });

    // Within the loop, the sampled values hold: functions answering differently now change nothing until the next loop.
    gbs = 64;
    ws = 0;
    for (let i = 0; i < 2; i++) {
      onTrainingSingleIterationStart();
      advance(1);
      onTrainingSingleIterationEnd();
    }
    const metrics = rec.events('training_metrics_update');
    assert.equal(metrics.length, 1);
    assert.equal(metrics[0]?.attributes?.current_iteration, 1);
    assert.equal(metrics[0]?.attributes?.num_train_samples, 32 + 2 * 32, 'the job so far: two more iterations of the sampled 32');
    onTrainEnd();

    // The next loop samples them again.
    ws = 2;
    onTrainStart({ trainIterationsStart: 2 });
    onTrainingSingleIterationStart();
    advance(1);
    onTrainingSingleIterationEnd();
    assert.equal(r.state.trainSamplesJob, 96 + 64, 'the new loop counts 64 per iteration');
  });

  test('W17: an explicit time of 0 ms is a time (too old), not "now"; the ±600 s window is enforced', () => {
    const { recorder } = setup();
    throwsMessage(() => onAppStart({ startTimeMsec: 0 }), 'timestamp is too old. This is meant to be the time in seconds since epoch.');
    assert.equal(recorder.activeStandardSpan('application'), undefined);
    throwsMessage(
      () => onAppStart({ startTimeMsec: ms(0) / 1000 }),
      'timestamp is too old. This is meant to be the time in seconds since epoch.',
    );
    throwsMessage(
      () => onAppStart({ startTimeMsec: ms(660) }),
      'timestamp is in the future. This is meant to be the time in seconds since epoch.',
    );
    at(1000);
    const span = onAppStart({ startTimeMsec: ms(1000 - 540) });
    assert.equal(span?.name, 'application');
    throwsMessage(
      () => onModelInitStart({ startTimeMsec: ms(1000 - 660) }),
      'timestamp is too old. This is meant to be the time in seconds since epoch.',
    );
  });

  test('before configuration every callback is skipped silently and returns undefined', async () => {
    assert.equal(onAppStart(), undefined);
    assert.equal(onTrainStart({ trainIterationsStart: 0 }), undefined);
    assert.equal(onTrainingSingleIterationStart(), undefined);
    assert.equal(onTrainingSingleIterationEnd(), undefined);
    assert.equal(onSaveCheckpointStart({ globalStep: 1 }), undefined);
    assert.equal(await onAppEnd(), undefined);
  });
});

describe('disabled rank and the quiet strategy (spec §10 item 48, §0.6)', () => {
  test('item 48: on a disabled rank every callback returns undefined and the exporters are never touched', async () => {
    const { rec, file } = setup({ enableForCurrentRank: false });
    const results: unknown[] = [
      onAppStart(),
      onDistributedInitStart(),
      onDistributedInitEnd(),
      onModelInitStart(),
      onModelInitEnd(),
      onDataloaderInitStart(),
      onDataloaderInitEnd(),
      onOptimizerInitStart(),
      onOptimizerInitEnd(),
      onLoadCheckpointStart(),
      onLoadCheckpointEnd(),
      onTrainStart({ trainIterationsStart: 0 }),
      onTrainingSingleIterationStart(),
      onTrainingSingleIterationEnd(),
      onValidationStart(),
      onValidationSingleIterationStart(),
      onValidationSingleIterationEnd(),
      onValidationEnd(),
      onTestingStart(),
      onTestingEnd(),
      onSaveCheckpointStart({ globalStep: 1 }),
      onSaveCheckpointSuccess({ globalStep: 1 }),
      onSaveCheckpointEnd(),
      onTrainEnd(),
      await onAppEnd(),
    ];
    assert.deepStrictEqual(results, new Array(results.length).fill(undefined));
    assert.deepStrictEqual(rec.calls, []);
    assert.equal(existsSync(file), false, 'the file exporter was never opened');
  });

  test('quiet strategy: the first internal error is reported and swallowed; the library disables itself; onAppEnd still closes', async () => {
    const { rec, records, recorder } = setup({ quiet: true });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    assert.equal(onModelInitEnd(), undefined);
    assert.equal(telemetryRuntime.enabled, false);
    assert.equal(onValidationStart(), undefined, 'disabled: skipped');
    at(9);
    await onAppEnd();
    assert.equal(recorder.closed, true);
    assert.equal(rec.sequence.at(-1), 'close');
    assert.deepStrictEqual(summary(records()), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'telemetry_data_error',
      'stop:training_loop',
      'stop:application',
    ]);
    const tde = records()[4] as Rec;
    assert.equal(
      tde.error.attributes.error_message,
      'Exception in telemetry code when calling onModelInitEnd: Expected to have one and only one span named model_initialization but found 0.',
    );
    assert.equal(records()[6]?.stop_event.attributes.timestamp_msec, ms(9));
  });
});

describe('exported iteration spans (EXPORT_ALL_SPANS)', () => {
  test('iteration spans are materialised, returned and exported as children of the loop', async () => {
    const { records } = setup({ exportAll: true, telemetry: { ...TEST_TELEMETRY, logEveryNTrainIterations: 2 } });
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    advance(1);
    const span = onTrainingSingleIterationStart();
    assert.equal(span?.name, 'training_single_iteration');
    advance(2);
    onTrainingSingleIterationEnd();
    assert.equal(span?.active, false);
    onTrainingSingleIterationStart();
    advance(3);
    onTrainingSingleIterationEnd();
    onValidationStart();
    const vspan = onValidationSingleIterationStart();
    assert.equal(vspan?.name, 'validation_single_iteration');
    advance(1);
    onValidationSingleIterationEnd();
    onValidationEnd();
    onTrainEnd();
    await onAppEnd();
    const recs = records();
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'complete:training_single_iteration',
      'start:training_single_iteration',
      // The metrics event is posted before the iteration span stops.
      'event:training_metrics_update',
      'stop:training_single_iteration',
      'start:validation_loop',
      'complete:validation_single_iteration',
      'event:validation_metrics_update',
      'stop:validation_loop',
      'stop:training_loop',
      'stop:application',
    ]);
    assert.equal(recs[4]?.parent_id, 'id2');
    assert.equal(recs[4]?.attributes.duration_msec, 2000);
    assert.equal(recs[7]?.attributes.duration_msec, 3000);
    assert.equal(recs[9]?.parent_id, recs[8]?.id);
  });
});
