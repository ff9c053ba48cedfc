// spec/backends.md C.4: the v1 metric contract, row by row, with the pinned examples (clock at 3,500,000 s,
// perf tag test_perf) and the C.9 fixes (1, 2, 3, 5, 6, 10).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { internalLogger, type OneLoggerConfig } from '@nv-one-logger/core';
import {
  CheckpointSaveSpanAttributes,
  StandardTrainingJobEventName as EVENT,
  OneLoggerInitializationAttributes,
  SaveCheckpointSuccessEventAttributes,
  StandardTrainingJobSpanName as SPAN,
  SyncCheckpointMetricsUpdateAttributes,
  TRAINING_TELEMETRY_VERSION,
  TrainingLoopAttributes,
  TrainingMetricsUpdateAttributes,
  TrainingTelemetryAttributes,
  type TrainingTelemetryConfig,
  ValidationMetricsUpdateAttributes,
} from '@nv-one-logger/training-telemetry';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { ConfigAdapter, perfTagBlock, slurmRow, type V1Config, V1MetricContract } from '../src/index.js';
import { event, span } from './helpers/spans.js';
import { createV1Clock, NOW_MS } from './helpers/v1-clock.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const V1: V1Config = {
  one_logger_project: 'test_app',
  world_size: 8,
  app_tag_run_name: 'fake_session_tag',
  app_tag: 'test_perf',
  global_batch_size: 32,
  is_train_iterations_enabled: true,
  is_validation_iterations_enabled: true,
  summary_data_schema_version: '1.0',
  app_tag_run_version: '2.3.4',
  enable_for_current_rank: true,
};

const clock = createV1Clock();
beforeEach(() => clock.install());
afterEach(() => clock.uninstall());

function contract(v1: Partial<V1Config> = {}, env: Record<string, string> = {}): { c: V1MetricContract; config: OneLoggerConfig } {
  const config = ConfigAdapter.convertToV2Config({ ...V1, ...v1 });
  return { c: new V1MetricContract({ config: () => config, env }), config };
}

function initEvent(config: OneLoggerConfig, at = clock.at(0)) {
  return event(
    EVENT.ONE_LOGGER_INITIALIZATION,
    at,
    OneLoggerInitializationAttributes.create({
      worldSize: config.worldSize,
      oneLoggerTrainingTelemetryVersion: TRAINING_TELEMETRY_VERSION,
      enableForCurrentRank: true,
      sessionTag: config.sessionTag,
      isBaselineRun: config.isBaselineRun,
      summaryDataSchemaVersion: config.summaryDataSchemaVersion,
      nodeName: 'node-1',
      rank: 0,
      ...(config.customMetadata !== undefined ? { customMetadata: config.customMetadata } : {}),
    }),
  );
}

const TEST_PERF_ID = '2eee30ac275fc16962ae8d2472a7b68d';
const PERF_BLOCK = { app_tag: ['test_perf'], app_tag_id: [TEST_PERF_ID], app_tag_count: 1 };

describe('application span and initialization (pinned)', () => {
  test('app start row: start ms, first log time, versions, SLURM defaults', () => {
    const { c } = contract();
    const app = span(SPAN.APPLICATION, clock.at(0));
    assert.deepStrictEqual(c.rowForStart(app), {
      app_start_time: 3_500_000_000,
      app_first_log_time: 3_500_000_000,
      one_logger_version: TRAINING_TELEMETRY_VERSION,
      one_logger_utils_version: '1.0.0',
      app_run_type: 'training',
      job_start_time: 0,
      limit_run: 0,
    });
  });

  test('app_first_log_time is the wall clock at export, app_start_time the span start', () => {
    const { c } = contract();
    const app = span(SPAN.APPLICATION, clock.at(0));
    clock.at(2.5);
    const row = c.rowForStart(app);
    assert.equal(row.app_start_time, NOW_MS);
    assert.equal(row.app_first_log_time, NOW_MS + 2500);
  });

  test('init event row: session tag, world size, schema version, "full", baseline flag, metadata', () => {
    const { c, config } = contract();
    const app = span(SPAN.APPLICATION, clock.at(0));
    assert.deepStrictEqual(c.rowForEvent(initEvent(config), app), {
      app_tag_run_name: 'fake_session_tag',
      world_size: 8,
      summary_data_schema_version: '1.0',
      app_metrics_feature_tags: 'full',
      is_baseline_run: false,
      app_tag_run_version: '2.3.4',
    });
  });

  test('app stop 60 s later → app_finish_time', () => {
    const { c } = contract();
    const app = span(SPAN.APPLICATION, clock.at(0), { stop: clock.at(60) });
    assert.deepStrictEqual(c.rowForStop(app), { app_finish_time: 3_500_060_000 });
  });

  test('C.9-3: metadata keeps its types and values with ":" (read from the configuration, not the "k:v" list)', () => {
    const { c, config } = contract({ metadata: { url: 'http://host:8080/x', layers: 12, tuned: true, sizes: [1, 2] } });
    const row = c.rowForEvent(initEvent(config), span(SPAN.APPLICATION, clock.at(0)));
    assert.equal(row.url, 'http://host:8080/x');
    assert.equal(row.layers, 12);
    assert.equal(row.tuned, true);
    assert.deepEqual(row.sizes, [1, 2]);
  });

  test('init event on another span is an error naming the expected span', () => {
    const { c, config } = contract();
    assert.throws(() => c.rowForEvent(initEvent(config), span(SPAN.TRAINING_LOOP, clock.at(0))), {
      name: 'OneLoggerError',
      message: 'Event one_logger_initialization is expected on the application span, not on training_loop',
    });
  });

  test('metadata that overlaps the init row keys (configuration built elsewhere) is the reference error', () => {
    const { c } = contract();
    const config = ConfigAdapter.convertToV2Config(V1);
    const other = { ...config, customMetadata: { world_size: 3, is_baseline_run: 'x' } } as unknown as OneLoggerConfig;
    const c2 = new V1MetricContract({ config: () => other, env: {} });
    assert.throws(() => c2.rowForEvent(initEvent(config), span(SPAN.APPLICATION, clock.at(0))), {
      message: 'Metadata overlap found with keys: world_size, is_baseline_run',
    });
    assert.ok(c);
  });
});

describe('SLURM keys (read once, at construction)', () => {
  const SLURM = {
    SLURM_JOB_START_TIME: '1700000000',
    SLURM_JOB_END_TIME: '1700007200',
    SLURM_JOBID: '4242',
    SLURM_JOB_ACCOUNT: 'acct',
    SLURM_JOB_NUM_NODES: '2',
    SLURM_CLUSTER_NAME: 'eos',
    SLURM_JOB_NODELIST: 'node[1-2]',
    SLURM_JOB_USER: 'alice',
    SLURM_JOB_NAME: 'pretrain',
    SLURM_JOB_PARTITION: 'batch',
    SLURM_JOB_RESERVATION: 'resv',
    SLURM_ARRAY_JOB_ID: '4240',
    SLURM_ARRAY_TASK_COUNT: '4',
    SLURM_ARRAY_TASK_ID: '2',
    SLURM_STEP_ID: '0',
    SLURM_STEP_NODELIST: 'node1',
  };

  test('every variable maps to its v1 key; job_start_time in ms, limit_run in seconds', () => {
    assert.deepStrictEqual(slurmRow(SLURM), {
      job_start_time: 1_700_000_000_000,
      limit_run: 7200,
      jobid: '4242',
      job_account: 'acct',
      alloc_hosts: '2',
      cluster: 'eos',
      exec_hosts: 'node[1-2]',
      user: 'alice',
      job_name: 'pretrain',
      job_partition: 'batch',
      job_reservation: 'resv',
      array_job_id: '4240',
      array_task_count: '4',
      array_task_id: '2',
      step_id: '0',
      step_nodelist: 'node1',
    });
  });

  test('SLURM_STEPID is used when SLURM_STEP_ID is unset; unset variables are left out', () => {
    assert.deepStrictEqual(slurmRow({ SLURM_STEPID: '7', SLURM_JOB_END_TIME: '100' }), { job_start_time: 0, limit_run: 100, step_id: '7' });
  });

  test('the app start row carries them; the environment is read when the contract is built', () => {
    const env: Record<string, string> = { SLURM_JOBID: '1', SLURM_JOB_START_TIME: '10', SLURM_JOB_END_TIME: '70' };
    const { c } = contract({}, env);
    env.SLURM_JOBID = '2';
    const row = c.rowForStart(span(SPAN.APPLICATION, clock.at(0)));
    assert.equal(row.jobid, '1');
    assert.equal(row.job_start_time, 10_000);
    assert.equal(row.limit_run, 60);
  });

  test('a malformed time is reported and counts as unset', () => {
    const warnings: string[] = [];
    const original = internalLogger.warning;
    internalLogger.warning = (m: string) => {
      warnings.push(m);
    };
    try {
      assert.deepStrictEqual(slurmRow({ SLURM_JOB_START_TIME: 'soon' }), { job_start_time: 0, limit_run: 0 });
    } finally {
      internalLogger.warning = original;
    }
    assert.deepEqual(warnings, ['SLURM_JOB_START_TIME="soon" is not a whole number of seconds; the v1 row reports it as 0.']);
  });
});

describe('perf-tag block', () => {
  test('MD5 ids of the tags (lower-case hex), a string becomes a one-element list', () => {
    assert.deepStrictEqual({ ...perfTagBlock('test_perf') }, PERF_BLOCK);
    assert.deepStrictEqual(
      { ...perfTagBlock(['my_perf_tag', 'über']) },
      {
        app_tag: ['my_perf_tag', 'über'],
        app_tag_id: ['77cd268c67e91d44fb70a411715d2746', '860828352d2d9e23a47335120b84fd9c'],
        app_tag_count: 2,
      },
    );
  });

  test('a perf tag given as a function is re-read on every row', () => {
    let tag = 'test_perf';
    const config = ConfigAdapter.convertToV2Config({ ...V1, app_tag: () => tag });
    const c = new V1MetricContract({ config: () => config, env: {} });
    const loop = span(SPAN.TRAINING_LOOP, clock.at(0));
    assert.deepEqual(c.rowForEvent(metricsUpdate(), loop).app_tag, ['test_perf']);
    tag = 'my_perf_tag';
    const row = c.rowForEvent(metricsUpdate(), loop);
    assert.deepEqual(row.app_tag, ['my_perf_tag']);
    assert.deepEqual(row.app_tag_id, ['77cd268c67e91d44fb70a411715d2746']);
  });

  test('no training config → "Training telemetry config is not set"', () => {
    const { telemetryConfig: _, ...rest } = ConfigAdapter.convertToV2ConfigInput(V1);
    const config = ConfigAdapter.convertToV2Config(V1);
    const bare = { ...config, customMetadata: rest.customMetadata, telemetryConfig: undefined } as unknown as OneLoggerConfig;
    const c = new V1MetricContract({ config: () => bare, env: {} });
    assert.throws(() => c.rowForEvent(metricsUpdate(), span(SPAN.TRAINING_LOOP, clock.at(0))), {
      name: 'OneLoggerError',
      message: 'Training telemetry config is not set',
    });
  });
});

describe('update-config event', () => {
  test('C.8 row 3: the flags, the strategy (checkpointing on) and the perf-tag block; unset values left out', () => {
    const config = ConfigAdapter.convertToV2Config({
      one_logger_project: 'my_app',
      app_tag: 'my_perf_tag',
      app_tag_run_name: 'my_session',
      world_size: 1,
      global_batch_size: 32,
      is_train_iterations_enabled: true,
      is_validation_iterations_enabled: true,
      one_logger_async: false,
      enable_for_current_rank: true,
      metadata: { model_name: 'gpt2' },
    });
    const c = new V1MetricContract({ config: () => config, env: {} });
    const attrs = TrainingTelemetryAttributes.fromConfig(config.telemetryConfig as TrainingTelemetryConfig);
    const app = span(SPAN.APPLICATION, clock.at(0));
    assert.deepStrictEqual(c.rowForEvent(event(EVENT.UPDATE_TRAINING_TELEMETRY_CONFIG, clock.at(1), attrs), app), {
      global_batch_size: 32,
      is_train_iterations_enabled: true,
      is_validation_iterations_enabled: true,
      is_test_iterations_enabled: true,
      is_save_checkpoint_enabled: true,
      is_log_throughput_enabled: false,
      save_checkpoint_strategy: 'sync',
      app_tag: ['my_perf_tag'],
      app_tag_id: ['77cd268c67e91d44fb70a411715d2746'],
      app_tag_count: 1,
    });
    // C.8 row 2, the init event of the same job.
    assert.deepStrictEqual(c.rowForEvent(initEvent(config), app), {
      app_tag_run_name: 'my_session',
      world_size: 1,
      summary_data_schema_version: '1.0.0',
      app_metrics_feature_tags: 'full',
      is_baseline_run: false,
      model_name: 'gpt2',
      app_tag_run_version: '1.0.0',
    });
  });

  test('micro batch, targets and seq_length (as model_seq_length); no strategy when checkpointing is off', () => {
    const { c, config } = contract({
      micro_batch_size: 2,
      train_iterations_target: 100,
      train_samples_target: 3200,
      seq_length: 512,
      is_save_checkpoint_enabled: false,
      save_checkpoint_strategy: 'async',
    });
    const attrs = TrainingTelemetryAttributes.fromConfig(config.telemetryConfig as TrainingTelemetryConfig);
    assert.deepStrictEqual(
      c.rowForEvent(event(EVENT.UPDATE_TRAINING_TELEMETRY_CONFIG, clock.at(0), attrs), span(SPAN.APPLICATION, clock.at(0))),
      {
        global_batch_size: 32,
        micro_batch_size: 2,
        is_train_iterations_enabled: true,
        is_validation_iterations_enabled: true,
        is_test_iterations_enabled: true,
        is_save_checkpoint_enabled: false,
        is_log_throughput_enabled: false,
        train_iterations_target: 100,
        train_samples_target: 3200,
        model_seq_length: 512,
        ...PERF_BLOCK,
      },
    );
  });
});

describe('initialization phases: start/finish times in ms', () => {
  for (const [name, startKey, finishKey] of [
    [SPAN.MODEL_INIT, 'app_model_init_start_time', 'app_model_init_finish_time'],
    [SPAN.DATA_LOADER_INIT, 'app_build_dataiters_start_time', 'app_build_dataiters_finish_time'],
    [SPAN.OPTIMIZER_INIT, 'app_build_optimizer_start_time', 'app_build_optimizer_finish_time'],
    [SPAN.TRAINING_LOOP, 'app_train_loop_start_time', 'app_train_loop_finish_time'],
  ] as const) {
    test(`${name}: ${startKey} / ${finishKey}`, () => {
      const { c } = contract();
      const attributes =
        name === SPAN.TRAINING_LOOP ? TrainingLoopAttributes.create({ trainIterationsStart: 0, trainSamplesStart: 0 }) : undefined;
      const s = span(name, clock.at(1.5), { ...(attributes !== undefined ? { attributes } : {}), stop: clock.at(4.25) });
      assert.equal(c.rowForStart(s)[startKey], 3_500_001_500);
      assert.deepStrictEqual(c.rowForStop(s), { [finishKey]: 3_500_004_250 });
    });
  }

  test('checkpoint_load 10 s: start time; stop row with the load time in ms (v1 unit, C.9-5)', () => {
    const { c } = contract();
    const load = span(SPAN.CHECKPOINT_LOAD, clock.at(0), { stop: clock.at(10) });
    assert.deepStrictEqual(c.rowForStart(load), { load_checkpoint_start_time: 3_500_000_000 });
    assert.deepStrictEqual(c.rowForStop(load), { load_checkpoint_finish_time: 3_500_010_000, load_checkpoint_time: 10_000 });
  });
});

describe('training loop and training updates (pinned)', () => {
  test('training_loop start: iterations/samples start and end, tokens target, start time', () => {
    const { c } = contract();
    const loop = span(SPAN.TRAINING_LOOP, clock.at(0), {
      attributes: TrainingLoopAttributes.create({ trainIterationsStart: 10, trainSamplesStart: 320, trainTokensTarget: 32_768_000 }),
    });
    assert.deepStrictEqual(c.rowForStart(loop), {
      train_iterations_start: 10,
      train_iterations_end: 10,
      train_samples_start: 320,
      train_samples_end: 320,
      train_tokens_target: 32_768_000,
      app_train_loop_start_time: 3_500_000_000,
    });
  });

  test('training_loop start with overall FLOPs → train_tflop_start (TFLOP)', () => {
    const { c } = contract();
    const loop = span(SPAN.TRAINING_LOOP, clock.at(0), {
      attributes: TrainingLoopAttributes.create({
        trainIterationsStart: 0,
        trainSamplesStart: 0,
        completedFloatingPointOperationsOverall: 3e15,
      }),
    });
    assert.equal(c.rowForStart(loop).train_tflop_start, 3000);
  });

  test('training_metrics_update: every key, the kept off-by-one, ms for min/avg, TFLOP, finish times in ms', () => {
    const { c } = contract();
    assert.deepStrictEqual(c.rowForEvent(metricsUpdate(), span(SPAN.TRAINING_LOOP, clock.at(0))), {
      ...PERF_BLOCK,
      train_iterations: 7,
      train_iterations_end: 17,
      train_iterations_time_total: 350,
      train_iterations_time_msecs_min: 20_000,
      train_iterations_time_msecs_avg: 50_000,
      train_tokens: 229_376,
      train_throughput_per_gpu: 1.5,
      train_throughput_per_gpu_max: 2.5,
      train_tflop: 2.24e-8,
      train_tflop_end: 5.44e-8,
      train_samples: 224,
      train_samples_end: 544,
      first_logged_train_iterations_finish_time: 3_500_400_000,
      last_logged_train_iterations_finish_time: 3_506_000_000,
    });
  });

  test('C.9-1: a throughput-disabled update (no total_flops, no flops counters) gives a row, not an error', () => {
    const { c } = contract();
    const row = c.rowForEvent(
      metricsUpdate({ totalFlops: undefined, completedFloatingPointOperationsOverall: undefined, trainThroughputPerGpu: undefined }),
      span(SPAN.TRAINING_LOOP, clock.at(0)),
    );
    for (const key of ['train_tflop', 'train_tflop_end', 'train_throughput_per_gpu']) assert.equal(key in row, false, key);
    assert.equal(row.train_iterations_end, 17);
  });

  test('total_flops of 0 gives no train_tflop', () => {
    const { c } = contract();
    assert.equal('train_tflop' in c.rowForEvent(metricsUpdate({ totalFlops: 0 }), span(SPAN.TRAINING_LOOP, clock.at(0))), false);
  });

  test('validation_metrics_update: total in s, min/avg in ms; absent values left out', () => {
    const { c } = contract();
    const loop = span(SPAN.VALIDATION_LOOP, clock.at(0));
    const full = ValidationMetricsUpdateAttributes.create({
      currentIteration: 3,
      interval: 1,
      avgIterationTimeSec: 0.25,
      minIterationTimeSec: 0.125,
      maxIterationTimeSec: 0.5,
      totalIterationTimeSec: 0.75,
    });
    assert.deepStrictEqual(c.rowForEvent(event(EVENT.VALIDATION_METRICS_UPDATE, clock.at(1), full), loop), {
      validation_iterations_time_total: 0.75,
      validation_iterations_time_msecs_min: 125,
      validation_iterations_time_msecs_avg: 250,
    });
    const bare = ValidationMetricsUpdateAttributes.create({ currentIteration: 0, interval: 1 });
    assert.deepStrictEqual(c.rowForEvent(event(EVENT.VALIDATION_METRICS_UPDATE, clock.at(1), bare), loop), {});
  });

  test('a non-numeric value for a unit-converted key is an error naming the v1 key and the attribute', () => {
    const { c } = contract();
    const bad = event(EVENT.VALIDATION_METRICS_UPDATE, clock.at(0), { min_iteration_time_sec: 'fast' });
    assert.throws(() => c.rowForEvent(bad, span(SPAN.VALIDATION_LOOP, clock.at(0))), {
      name: 'OneLoggerError',
      message:
        'v1 key validation_iterations_time_msecs_min needs a number from validation_metrics_update.min_iteration_time_sec, got "fast"',
    });
  });
});

describe('checkpoints (pinned)', () => {
  const success = (strategy: 'sync' | 'async') =>
    SaveCheckpointSuccessEventAttributes.create({
      checkpointStrategy: strategy,
      currentIteration: 20,
      firstSuccessfulSaveCheckpointTimestampSec: 3_500_100,
      latestSuccessfulSaveCheckpointTimestampSec: 3_500_200,
      saveCheckpointSuccessCount: 2,
      productiveTrainIterations: 20,
      productiveTrainSamples: 640,
      productiveTrainIterationsSec: 100.5,
      productiveValidationIterationsSec: 10.25,
      productiveTrainTflops: 0.5,
      trainingStartTimestampSec: 5000,
    });
  const PRODUCTIVE = {
    first_saved_train_iterations_start_time: 5_000_000,
    train_iterations_productive_end: 20,
    train_samples_productive_end: 640,
    train_tflop_productive_end: 0.5,
    train_iterations_time_total_productive: 100.5,
    validation_iterations_time_total_productive: 10.25,
  };

  test('checkpoint_save_sync start (iteration 20, attempts 3): off-by-one end, attempt count; stop gives nothing', () => {
    const { c } = contract();
    const save = span(SPAN.CHECKPOINT_SAVE_SYNC, clock.at(0), {
      attributes: CheckpointSaveSpanAttributes.create({ checkpointStrategy: 'sync', currentIteration: 20, saveCheckpointAttemptCount: 3 }),
      stop: clock.at(1),
    });
    assert.deepStrictEqual(c.rowForStart(save), { train_iterations_save_checkpoint_end: 21, save_checkpoint_count: 3 });
    assert.deepStrictEqual(c.rowForStop(save), {});
  });

  test('checkpoint_save_async start gives the same keys', () => {
    const { c } = contract({ save_checkpoint_strategy: 'async' });
    const save = span(SPAN.CHECKPOINT_SAVE_ASYNC, clock.at(0), {
      attributes: CheckpointSaveSpanAttributes.create({ checkpointStrategy: 'async', currentIteration: 5, saveCheckpointAttemptCount: 1 }),
    });
    assert.deepStrictEqual(c.rowForStart(save), { train_iterations_save_checkpoint_end: 6, save_checkpoint_count: 1 });
  });

  test('save_checkpoint_success of a sync save: productive block + sync block (finish times in ms, count)', () => {
    const { c } = contract();
    const save = span(SPAN.CHECKPOINT_SAVE_SYNC, clock.at(0));
    assert.deepStrictEqual(c.rowForEvent(event(EVENT.SAVE_CHECKPOINT_SUCCESS, clock.at(1), success('sync')), save), {
      ...PRODUCTIVE,
      first_successful_save_checkpoint_sync_finish_time: 3_500_100_000,
      last_successful_save_checkpoint_sync_finish_time: 3_500_200_000,
      save_checkpoint_sync_count: 2,
    });
  });

  test("C.9-6: an async save's success gives the async count even when the configured strategy is sync", () => {
    const { c } = contract({ save_checkpoint_strategy: 'sync' });
    const app = span(SPAN.APPLICATION, clock.at(0));
    assert.deepStrictEqual(c.rowForEvent(event(EVENT.SAVE_CHECKPOINT_SUCCESS, clock.at(1), success('async')), app), {
      ...PRODUCTIVE,
      save_checkpoint_async_count: 2,
    });
  });

  test('a success event without checkpoint_strategy follows the configured strategy', () => {
    for (const strategy of ['sync', 'async'] as const) {
      const { c } = contract({ save_checkpoint_strategy: strategy });
      const attrs = success('sync');
      attrs.delete('checkpoint_strategy');
      const row = c.rowForEvent(event(EVENT.SAVE_CHECKPOINT_SUCCESS, clock.at(1), attrs), span(SPAN.APPLICATION, clock.at(0)));
      assert.equal('save_checkpoint_sync_count' in row, strategy === 'sync', strategy);
      assert.equal('save_checkpoint_async_count' in row, strategy === 'async', strategy);
    }
  });

  test('sync_checkpoint_metrics_update: total (also as productive), min, max in seconds', () => {
    const { c } = contract();
    const attrs = SyncCheckpointMetricsUpdateAttributes.create({
      saveCheckpointSyncTimeTotalSec: 550,
      saveCheckpointSyncTimeMinSec: 20,
      saveCheckpointSyncTimeMaxSec: 120,
    });
    const expected = {
      save_checkpoint_sync_time_total: 550,
      save_checkpoint_sync_time_total_productive: 550,
      save_checkpoint_sync_time_min: 20,
      save_checkpoint_sync_time_max: 120,
    };
    assert.deepStrictEqual(
      c.rowForEvent(event(EVENT.SYNC_CHECKPOINT_METRICS_UPDATE, clock.at(1), attrs), span(SPAN.CHECKPOINT_SAVE_SYNC, clock.at(0))),
      expected,
    );
    // C.9-2: the recorder posts it on async save spans too.
    assert.deepStrictEqual(
      c.rowForEvent(event(EVENT.SYNC_CHECKPOINT_METRICS_UPDATE, clock.at(1), attrs), span(SPAN.CHECKPOINT_SAVE_ASYNC, clock.at(0))),
      expected,
    );
    assert.throws(
      () => c.rowForEvent(event(EVENT.SYNC_CHECKPOINT_METRICS_UPDATE, clock.at(1), attrs), span(SPAN.TRAINING_LOOP, clock.at(0))),
      {
        message:
          'Event sync_checkpoint_metrics_update is expected on the checkpoint_save_sync or checkpoint_save_async span, not on training_loop',
      },
    );
  });
});

describe('everything else gives an empty row', () => {
  const handled = new Set<string>([
    SPAN.APPLICATION,
    SPAN.MODEL_INIT,
    SPAN.DATA_LOADER_INIT,
    SPAN.CHECKPOINT_LOAD,
    SPAN.OPTIMIZER_INIT,
    SPAN.TRAINING_LOOP,
    SPAN.CHECKPOINT_SAVE_SYNC,
    SPAN.CHECKPOINT_SAVE_ASYNC,
  ]);
  for (const name of [...Object.values(SPAN).filter((n) => !handled.has(n)), 'my_custom_span']) {
    test(`span ${name}: start and stop rows are empty`, () => {
      const { c } = contract();
      const s = span(name, clock.at(0), { stop: clock.at(1) });
      assert.deepStrictEqual(c.rowForStart(s), {});
      assert.deepStrictEqual(c.rowForStop(s), {});
    });
  }

  test('testing_metrics_update and custom events give empty rows', () => {
    const { c } = contract();
    const loop = span(SPAN.TESTING_LOOP, clock.at(0));
    assert.deepStrictEqual(
      c.rowForEvent(event(EVENT.TESTING_METRICS_UPDATE, clock.at(1), { current_iteration: 1, interval: 1 }), loop),
      {},
    );
    assert.deepStrictEqual(c.rowForEvent(event('my_event', clock.at(1), { a: 1 }), loop), {});
  });
});

function metricsUpdate(overrides: Partial<Parameters<typeof TrainingMetricsUpdateAttributes.create>[0]> = {}) {
  const fields = {
    trainIterationsStart: 10,
    currentIteration: 16,
    numIterations: 7,
    trainSamplesStart: 320,
    numTrainSamples: 224,
    interval: 7,
    avgIterationTimeSec: 50,
    minIterationTimeSec: 20,
    maxIterationTimeSec: 80,
    totalIterationTimeSec: 350,
    trainTokens: 229_376,
    completedFloatingPointOperationsOverall: 54_400,
    totalFlops: 22_400,
    trainThroughputPerGpu: 1.5,
    trainThroughputPerGpuMax: 2.5,
    firstLoggedTrainIterationsFinishTimestampSec: 3_500_400,
    lastLoggedTrainIterationsFinishTimestampSec: 3_506_000,
    ...overrides,
  };
  return event(EVENT.TRAINING_METRICS_UPDATE, clock.at(0), TrainingMetricsUpdateAttributes.create(fields));
}
