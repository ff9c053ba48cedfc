// End to end: a v1 config dictionary drives a training job (the training-telemetry callbacks) whose rows reach
// a protocol-faithful fake W&B server over real HTTP; the run's history holds the v1 keys, values and units.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { internalLogger, setClock } from '@nv-one-logger/core';
import {
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
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
  TRAINING_TELEMETRY_VERSION,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { FakeWandbServer, testApiKey } from '../../wandb/test/helpers/fake-wandb-server.js';
import { ConfigAdapter, configureV2Adapter, V1_EXPORTER_CLASS_NAME, type V1Config } from '../src/index.js';
import { withEnv } from './helpers/env.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
const libraryLog = captureLibraryLog(internalLogger);

const KEY = testApiKey('v1e2e');
/** Wall clock of the job start (ms). */
const T = 1_800_000_000_000;

let server: FakeWandbServer;
before(async () => {
  server = await new FakeWandbServer(KEY).start();
});
after(async () => {
  await server.stop();
});
afterEach(() => {
  setClock(undefined);
  TrainingTelemetryProvider.resetForTests();
});

/** A clock that only moves when the job says so (`at(sec)`: T + sec). */
function installClock(): (sec: number) => void {
  let offset = 0;
  setClock({ wallMs: () => T + offset, perfMs: () => 50_000 + offset });
  return (sec) => {
    offset = Math.round(sec * 1000);
  };
}

const V1_CONFIG: V1Config = {
  one_logger_project: 'v1_e2e',
  app_tag: 'my_perf_tag',
  app_tag_run_name: 'my_session',
  world_size: 2,
  global_batch_size: 32,
  flops_per_sample: 1_000_000,
  seq_length: 16,
  log_every_n_train_iterations: 2,
  train_iterations_target: 4,
  train_samples_target: 128,
  is_train_iterations_enabled: true,
  is_validation_iterations_enabled: true,
  enable_for_current_rank: true,
  metadata: { model_name: 'gpt2', url: 'http://host:1/x' },
  one_logger_run_name: 'e2e-run',
};

let runNo = 0;

/**
 * The job: init phases (a 2 s checkpoint load), 4 training iterations of 1 s from step 0, one 0.5 s validation
 * iteration, a checkpoint save at step 4; the application ends at 12 s.
 */
async function runJob(v1: V1Config, extraEnv: Record<string, string> = {}): Promise<string> {
  const runId = `v1e2e${process.pid.toString(36)}x${++runNo}`;
  const at = installClock();
  await withEnv({ WANDB_BASE_URL: server.url, WANDB_API_KEY: KEY, WANDB_RUN_ID: runId, ...extraEnv }, () => configureV2Adapter(v1));
  onAppStart();
  onModelInitStart();
  at(1);
  onModelInitEnd();
  onDataloaderInitStart();
  at(1.5);
  onDataloaderInitEnd();
  onLoadCheckpointStart();
  at(3.5);
  onLoadCheckpointEnd();
  onOptimizerInitStart();
  at(4);
  onOptimizerInitEnd();
  onTrainStart({ trainIterationsStart: 0, trainSamplesStart: 0 });
  for (let i = 0; i < 4; i++) {
    onTrainingSingleIterationStart();
    at(5 + i);
    onTrainingSingleIterationEnd();
  }
  onValidationStart();
  onValidationSingleIterationStart();
  at(9.5);
  onValidationSingleIterationEnd();
  onValidationEnd();
  onSaveCheckpointStart({ globalStep: 4 });
  at(10);
  onSaveCheckpointSuccess({ globalStep: 4 });
  at(10.5);
  onSaveCheckpointEnd();
  at(11);
  onTrainEnd();
  at(12);
  await onAppEnd();
  return runId;
}

/** Runs a Node script to its end; its exit status and output. */
function runNode(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The row that holds `key` (exactly one). */
function rowWith(rows: Array<Record<string, unknown>>, key: string): Record<string, unknown> {
  const found = rows.filter((r) => key in r);
  assert.equal(found.length, 1, `rows with ${key}: ${found.length}`);
  return found[0] as Record<string, unknown>;
}

const ms = (sec: number): number => T + Math.round(sec * 1000);

const PERF = { app_tag: ['my_perf_tag'], app_tag_id: ['77cd268c67e91d44fb70a411715d2746'], app_tag_count: 1 };

/** Every row of the job, in order, as the W&B history must hold it (app_last_log_time = the clock at the call). */
const EXPECTED_ROWS = [
  {
    app_start_time: ms(0),
    app_first_log_time: ms(0),
    one_logger_version: TRAINING_TELEMETRY_VERSION,
    one_logger_utils_version: '1.0.0',
    app_run_type: 'training',
    job_start_time: 0,
    limit_run: 0,
    app_last_log_time: ms(0),
  },
  {
    app_tag_run_name: 'my_session',
    world_size: 2,
    summary_data_schema_version: '1.0.0',
    app_metrics_feature_tags: 'full',
    is_baseline_run: false,
    model_name: 'gpt2',
    url: 'http://host:1/x',
    app_tag_run_version: '1.0.0',
    app_last_log_time: ms(0),
  },
  {
    global_batch_size: 32,
    is_train_iterations_enabled: true,
    is_validation_iterations_enabled: true,
    is_test_iterations_enabled: true,
    is_save_checkpoint_enabled: true,
    is_log_throughput_enabled: true,
    train_iterations_target: 4,
    train_samples_target: 128,
    model_seq_length: 16,
    save_checkpoint_strategy: 'sync',
    ...PERF,
    app_last_log_time: ms(0),
  },
  { app_model_init_start_time: ms(0), app_last_log_time: ms(0) },
  { app_model_init_finish_time: ms(1), app_last_log_time: ms(1) },
  { app_build_dataiters_start_time: ms(1), app_last_log_time: ms(1) },
  { app_build_dataiters_finish_time: ms(1.5), app_last_log_time: ms(1.5) },
  { load_checkpoint_start_time: ms(1.5), app_last_log_time: ms(1.5) },
  // v1's unit: the load time in milliseconds.
  { load_checkpoint_finish_time: ms(3.5), load_checkpoint_time: 2000, app_last_log_time: ms(3.5) },
  { app_build_optimizer_start_time: ms(3.5), app_last_log_time: ms(3.5) },
  { app_build_optimizer_finish_time: ms(4), app_last_log_time: ms(4) },
  {
    train_iterations_start: 0,
    train_iterations_end: 0,
    train_samples_start: 0,
    train_samples_end: 0,
    // seq_length (kept by the adapter) × train_samples_target.
    train_tokens_target: 2048,
    train_tflop_start: 0,
    app_train_loop_start_time: ms(4),
    app_last_log_time: ms(4),
  },
  {
    ...PERF,
    train_iterations: 2,
    train_iterations_end: 2,
    train_iterations_time_total: 2,
    train_iterations_time_msecs_min: 1000,
    train_iterations_time_msecs_avg: 1000,
    train_tokens: 1024,
    // 32 samples × 1e6 FLOPs per iteration of 1 s, over 2 GPUs, in TFLOP/s.
    train_throughput_per_gpu: 0.000016,
    train_throughput_per_gpu_max: 0.000016,
    train_tflop: 0.000064,
    train_tflop_end: 0.000064,
    train_samples: 64,
    train_samples_end: 64,
    first_logged_train_iterations_finish_time: ms(5),
    last_logged_train_iterations_finish_time: ms(6),
    app_last_log_time: ms(6),
  },
  {
    ...PERF,
    train_iterations: 4,
    train_iterations_end: 4,
    train_iterations_time_total: 4,
    train_iterations_time_msecs_min: 1000,
    train_iterations_time_msecs_avg: 1000,
    train_tokens: 2048,
    train_throughput_per_gpu: 0.000016,
    train_throughput_per_gpu_max: 0.000016,
    train_tflop: 0.000128,
    train_tflop_end: 0.000128,
    train_samples: 128,
    train_samples_end: 128,
    first_logged_train_iterations_finish_time: ms(5),
    last_logged_train_iterations_finish_time: ms(8),
    app_last_log_time: ms(8),
  },
  {
    validation_iterations_time_total: 1.5,
    validation_iterations_time_msecs_min: 1500,
    validation_iterations_time_msecs_avg: 1500,
    app_last_log_time: ms(9.5),
  },
  { train_iterations_save_checkpoint_end: 5, save_checkpoint_count: 1, app_last_log_time: ms(9.5) },
  {
    first_saved_train_iterations_start_time: ms(4),
    train_iterations_productive_end: 4,
    train_samples_productive_end: 128,
    train_tflop_productive_end: 0.000128,
    train_iterations_time_total_productive: 4,
    validation_iterations_time_total_productive: 1.5,
    first_successful_save_checkpoint_sync_finish_time: ms(10),
    last_successful_save_checkpoint_sync_finish_time: ms(10),
    save_checkpoint_sync_count: 1,
    app_last_log_time: ms(10),
  },
  {
    save_checkpoint_sync_time_total: 1,
    save_checkpoint_sync_time_total_productive: 1,
    save_checkpoint_sync_time_min: 1,
    save_checkpoint_sync_time_max: 1,
    app_last_log_time: ms(10.5),
  },
  { app_train_loop_finish_time: ms(11), app_last_log_time: ms(11) },
  { app_finish_time: ms(12), app_last_log_time: ms(12) },
];

for (const mode of ['sync', 'async'] as const) {
  describe(`a v1 job through the fake W&B server (${mode})`, () => {
    test('configureV2Adapter + WANDB_BASE_URL/WANDB_API_KEY: every v1 row, value and unit reaches the run history', async () => {
      const runId = await runJob({ ...V1_CONFIG, one_logger_async: mode === 'async' });
      assert.deepStrictEqual(server.rows(runId), EXPECTED_ROWS);
      const run = server.run(runId);
      // v1's run identity, W&B's connection.
      assert.equal(run.entity, 'hwinf_dcm');
      assert.equal(run.project, 'v1_e2e');
      assert.equal(run.displayName, 'e2e-run');
      assert.deepEqual(run.tags, ['e2e_metrics_enabled']);
      assert.equal(run.complete, true);
      assert.equal(run.exitcode, 0);
      // The summary is the last value of every key.
      assert.equal(run.summary.train_iterations_end, 4);
      assert.equal(run.summary.app_finish_time, ms(12));
      assert.equal(run.summary.load_checkpoint_time, 2000);
      // The key went only into the Authorization header.
      assert.ok(!JSON.stringify(server.requests.map((r) => r.body)).includes(KEY));
    });
  });
}

describe('C.8 worked example (clock at 1000 ms, no SLURM)', () => {
  test('the three rows and the run of the spec, through the fake server', async () => {
    const runId = `v1c8${process.pid.toString(36)}`;
    setClock({ wallMs: () => 1000, perfMs: () => 1000 });
    await withEnv({ WANDB_BASE_URL: server.url, WANDB_API_KEY: KEY, WANDB_RUN_ID: runId }, () =>
      configureV2Adapter({
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
      }),
    );
    onAppStart();
    await onAppEnd();
    const rows = server.rows(runId);
    assert.deepStrictEqual(rows.slice(0, 3), [
      {
        app_start_time: 1000,
        app_first_log_time: 1000,
        one_logger_version: TRAINING_TELEMETRY_VERSION,
        one_logger_utils_version: '1.0.0',
        app_run_type: 'training',
        job_start_time: 0,
        limit_run: 0,
        app_last_log_time: 1000,
      },
      {
        app_tag_run_name: 'my_session',
        world_size: 1,
        summary_data_schema_version: '1.0.0',
        app_metrics_feature_tags: 'full',
        is_baseline_run: false,
        model_name: 'gpt2',
        app_tag_run_version: '1.0.0',
        app_last_log_time: 1000,
      },
      {
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
        app_last_log_time: 1000,
      },
    ]);
    const run = server.run(runId);
    assert.equal(run.entity, 'hwinf_dcm');
    assert.equal(run.project, 'my_app');
    assert.match(run.displayName ?? '', /^my_app-run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(run.tags, ['e2e_metrics_enabled']);
  });
});

describe('other v1 jobs', () => {
  test('WANDB_ENTITY replaces the v1 entity', async () => {
    const runId = await runJob(V1_CONFIG, { WANDB_ENTITY: 'my-team' });
    assert.equal(server.run(runId).entity, 'my-team');
  });

  test('C.9-1: without throughput logging the training rows come without TFLOP keys, and all of them arrive', async () => {
    const { flops_per_sample: _, ...noFlops } = V1_CONFIG;
    const runId = await runJob(noFlops);
    const updates = server.rows(runId).filter((r) => 'train_iterations' in r);
    assert.equal(updates.length, 2);
    for (const row of updates) {
      for (const key of ['train_tflop', 'train_tflop_end', 'train_throughput_per_gpu']) assert.equal(key in row, false, key);
    }
    assert.equal(updates[1]?.train_iterations_end, 4);
    assert.equal(server.run(runId).exitcode, 0);
  });

  test('C.9-2/6: async checkpoints: async span rows, save time keys from the async span, async success count', async () => {
    const runId = await runJob({ ...V1_CONFIG, save_checkpoint_strategy: 'async' });
    const rows = server.rows(runId);
    assert.equal(rowWith(rows, 'save_checkpoint_strategy').save_checkpoint_strategy, 'async');
    assert.deepStrictEqual(rowWith(rows, 'save_checkpoint_count'), {
      train_iterations_save_checkpoint_end: 5,
      save_checkpoint_count: 1,
      app_last_log_time: ms(9.5),
    });
    const success = rowWith(rows, 'train_iterations_productive_end');
    assert.equal(success.save_checkpoint_async_count, 1);
    assert.equal('save_checkpoint_sync_count' in success, false);
    assert.equal(rowWith(rows, 'save_checkpoint_sync_time_total').save_checkpoint_sync_time_max, 1);
    assert.equal(server.run(runId).exitcode, 0);
  });

  test('a disabled rank (enable_for_current_rank unset, as in v1) sends nothing', async () => {
    const before = server.requests.length;
    const { enable_for_current_rank: _, ...disabled } = V1_CONFIG;
    await runJob(disabled);
    assert.equal(server.requests.length, before);
    // The disabled rank says, per callback, that it skipped the call.
    assert.equal(libraryLog.messages()[0], 'Skipping execution of onAppStart because OneLogger is not enabled.');
    assert.ok(libraryLog.messages().includes('Skipping execution of onTrainEnd because OneLogger is not enabled.'));
  });

  test('config only: a job importing neither the v1 adapter nor the W&B package gets v1 rows from its config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'v1-adapter-'));
    const file = join(dir, 'exporters.yaml');
    writeFileSync(file, `exporters:\n  - class_name: ${V1_EXPORTER_CLASS_NAME}\n    config: { run_name: config-only }\n`);
    const runId = `v1only${process.pid.toString(36)}`;
    try {
      // Asynchronously: the fake server answers from this process.
      const child = await runNode(fileURLToPath(new URL('./fixtures/config-only-v1-job.mjs', import.meta.url)), dir, {
        ONE_LOGGER_EXPORTER_CONFIG_PATH: file,
        WANDB_BASE_URL: server.url,
        WANDB_API_KEY: KEY,
        WANDB_RUN_ID: runId,
      });
      assert.equal(child.status, 0, child.stderr);
      assert.equal(child.stdout, 'exporters V1CompatibleExporter\ndone\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const run = server.run(runId);
    assert.equal(run.displayName, 'config-only');
    assert.equal(run.project, 'config_only_v1');
    const rows = server.rows(runId);
    assert.equal(rows[0]?.one_logger_utils_version, '1.0.0');
    assert.deepStrictEqual(rows.find((r) => 'global_batch_size' in r)?.app_tag, ['yaml_perf']);
    assert.equal(typeof rows.at(-1)?.app_finish_time, 'number');
  });

  test('an exporter configuration file naming the reference class drives the same rows (v2 config from ConfigAdapter)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'v1-adapter-'));
    const file = join(dir, 'exporters.yaml');
    writeFileSync(
      file,
      `exporters:\n  - class_name: ${V1_EXPORTER_CLASS_NAME}\n    config:\n      async_mode: true\n      run_name: from-yaml\n`,
    );
    const runId = `v1yaml${process.pid.toString(36)}`;
    const at = installClock();
    try {
      await withEnv({ WANDB_BASE_URL: server.url, WANDB_API_KEY: KEY, WANDB_RUN_ID: runId }, () =>
        TrainingTelemetryProvider.instance()
          .withBaseConfig(ConfigAdapter.convertToV2ConfigInput(V1_CONFIG))
          .withExportConfig({ configFilePath: file })
          .configureProvider(),
      );
      onAppStart();
      at(2);
      await onAppEnd();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const run = server.run(runId);
    assert.equal(run.displayName, 'from-yaml');
    assert.equal(run.project, 'v1_e2e');
    const rows = server.rows(runId);
    assert.deepStrictEqual(rows[0], EXPECTED_ROWS[0]);
    assert.deepStrictEqual(rows[1], EXPECTED_ROWS[1]);
    assert.deepStrictEqual(rows.at(-1), { app_finish_time: ms(2), app_last_log_time: ms(2) });
  });
});
