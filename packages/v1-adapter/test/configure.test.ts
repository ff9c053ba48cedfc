// spec/backends.md C.5: configureV2Adapter (the V1-OLD behaviour, with the C.9-9 default), plus the run's exit
// code and telemetry-data-error row through the fake W&B server.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { getRecorder, internalLogger, OneLoggerConfig, OneLoggerError } from '@nv-one-logger/core';
import { onAppEnd, onAppStart, TrainingTelemetryConfig, TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { FakeWandbServer, testApiKey } from '../../wandb/test/helpers/fake-wandb-server.js';
import {
  configureV2Adapter,
  V1CompatibleExporter,
  V1CompatibleWandbExporterAsync,
  V1CompatibleWandbExporterSync,
  type V1Config,
} from '../src/index.js';
import { withEnv } from './helpers/env.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const KEY = testApiKey('v1conf');
const V1: V1Config = {
  one_logger_project: 'conf_app',
  app_tag: 'perf',
  app_tag_run_name: 'session',
  world_size: 4,
  global_batch_size: 16,
  is_train_iterations_enabled: true,
  is_validation_iterations_enabled: false,
  enable_for_current_rank: true,
  metadata: { dataset: 'wikitext' },
};

let server: FakeWandbServer;
before(async () => {
  server = await new FakeWandbServer(KEY).start();
});
after(async () => {
  await server.stop();
});
afterEach(() => TrainingTelemetryProvider.resetForTests());

describe('configureV2Adapter', () => {
  test('configures the provider with the converted config and returns the V1CompatibleExporter (sync by default)', async () => {
    const exporter = await withEnv({ WANDB_MODE: 'disabled' }, () => configureV2Adapter(V1));
    const provider = TrainingTelemetryProvider.instance();
    assert.equal(provider.isReady, true);
    assert.equal(provider.config.applicationName, 'conf_app');
    assert.equal(provider.config.sessionTag, 'session');
    assert.equal(provider.config.worldSize, 4);
    assert.deepEqual(provider.config.customMetadata, { dataset: 'wikitext', app_tag_run_version: '1.0.0' });
    assert.ok(provider.trainingConfig instanceof TrainingTelemetryConfig);
    assert.equal(provider.trainingConfig.globalBatchSize, 16);
    assert.ok(exporter instanceof V1CompatibleExporter);
    assert.equal(exporter.isAsync, false);
    assert.ok(exporter.exporter instanceof V1CompatibleWandbExporterSync);
    assert.equal(exporter.ready, true, 'the recorder initialized it');
    assert.equal(exporter.oneLoggerConfig.applicationName, 'conf_app');
  });

  test('one_logger_async: true → the async exporter; one_logger_run_name → the run name; options.exporter wins', async () => {
    const exporter = await withEnv({ WANDB_MODE: 'disabled' }, () =>
      configureV2Adapter({ ...V1, one_logger_async: true, one_logger_run_name: 'named' }, { exporter: { entity: 'ops', tags: ['x'] } }),
    );
    assert.equal(exporter.isAsync, true);
    assert.ok(exporter.exporter instanceof V1CompatibleWandbExporterAsync);
    assert.equal(exporter.exporterConfig.runName, 'named');
    assert.equal(exporter.exporterConfig.entity, 'ops');
    assert.deepEqual(exporter.exporterConfig.tags, ['x']);
  });

  test('a bad v1 config fails before anything is configured; a second call fails like configureProvider', async () => {
    assert.throws(() => configureV2Adapter({ ...V1, world_size: 'four' }), { name: 'ConfigError', message: /^v1Config\.world_size: / });
    assert.equal(TrainingTelemetryProvider.instance().isReady, false);
    await withEnv({ WANDB_MODE: 'disabled' }, () => configureV2Adapter(V1));
    assert.throws(() => configureV2Adapter(V1), OneLoggerError);
  });

  test('without an API key: quiet → the exporter is disabled and the job goes on; propagate → a clear error', async () => {
    const exporter = await withEnv({}, () => configureV2Adapter({ ...V1, quiet: true }));
    assert.equal(exporter.ready, false);
    onAppStart();
    await onAppEnd();
    TrainingTelemetryProvider.resetForTests();
    await assert.rejects(
      withEnv({}, () => configureV2Adapter(V1)),
      (e: unknown) => e instanceof OneLoggerError && /no API key; set apiKey or WANDB_API_KEY/.test(e.message),
    );
  });
});

describe('the v1 README flow: V1CompatibleExporter, withExporter(exporter.exporter), a training config set later', () => {
  test('the update-config row and the perf-tag block come from the training config set after the application start', async () => {
    const runId = `v1late${process.pid.toString(36)}`;
    const base = new OneLoggerConfig({ applicationName: 'late_app', sessionTag: 'late_session', worldSize: 1 });
    const v1 = await withEnv(
      { WANDB_BASE_URL: server.url, WANDB_API_KEY: KEY, WANDB_RUN_ID: runId },
      () => new V1CompatibleExporter(base, false),
    );
    TrainingTelemetryProvider.instance()
      .withBaseConfig({ applicationName: 'late_app', sessionTag: 'late_session', worldSize: 1 })
      .withExporter(v1.exporter)
      .configureProvider();
    onAppStart();
    TrainingTelemetryProvider.instance().setTrainingTelemetryConfig({ perfTag: 'late_perf', globalBatchSize: 8 });
    await onAppEnd();
    const rows = server.rows(runId);
    const update = rows.find((row) => 'global_batch_size' in row);
    assert.deepStrictEqual(update?.app_tag, ['late_perf']);
    assert.equal(update?.app_tag_count, 1);
    assert.equal(server.run(runId).project, 'late_app');
    assert.equal(v1.exporter.closed, true, 'closed by the recorder');
  });
});

describe('the run finish through the fake W&B server', () => {
  test('an application error finishes the run with exit code 1 and logs no row of its own', async () => {
    const runId = `v1err${process.pid.toString(36)}`;
    await withEnv({ WANDB_BASE_URL: server.url, WANDB_API_KEY: KEY, WANDB_RUN_ID: runId }, () => configureV2Adapter(V1));
    const app = onAppStart();
    getRecorder().error(app, 'the job failed', new Error('boom'));
    await onAppEnd();
    const run = server.run(runId);
    assert.equal(run.complete, true);
    assert.equal(run.exitcode, 1);
    assert.ok(server.rows(runId).every((row) => !JSON.stringify(row).includes('boom')));
  });

  test('a telemetry data error is logged as {telemetry_data_error: <TYPE NAME>} and fails the run', async () => {
    const runId = `v1tde${process.pid.toString(36)}`;
    await withEnv({ WANDB_BASE_URL: server.url, WANDB_API_KEY: KEY, WANDB_RUN_ID: runId }, () => configureV2Adapter(V1));
    onAppStart();
    getRecorder().telemetryDataError('lost some data');
    await onAppEnd();
    const rows = server.rows(runId).filter((row) => 'telemetry_data_error' in row);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.telemetry_data_error, 'INCOMPLETE_TELEMETRY_DATA');
    assert.deepEqual(Object.keys(rows[0] ?? {}), ['telemetry_data_error', 'app_last_log_time']);
    assert.equal(server.run(runId).exitcode, 1);
  });
});
