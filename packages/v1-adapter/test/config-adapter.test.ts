// spec/backends.md C.1: v1 config dictionaries → v2 configuration, with the C.9-4 fixes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, ErrorHandlingStrategy } from '@nv-one-logger/core';
import { CheckpointStrategy, TrainingTelemetryConfig } from '@nv-one-logger/training-telemetry';
import { ConfigAdapter } from '../src/index.js';

/** The smallest complete v1 config (the required keys of C.1). */
const MINIMAL = {
  one_logger_project: 'test_app',
  world_size: 8,
  app_tag_run_name: 'test_session',
  app_tag: 'test_perf',
  global_batch_size: 32,
  is_train_iterations_enabled: true,
  is_validation_iterations_enabled: false,
} as const;

function training(config: { telemetryConfig: unknown }): TrainingTelemetryConfig {
  assert.ok(config.telemetryConfig instanceof TrainingTelemetryConfig);
  return config.telemetryConfig;
}

/** Asserts that converting `v1` throws a ConfigError with exactly `message`. */
function rejects(v1: unknown, message: string): void {
  assert.throws(
    () => ConfigAdapter.convertToV2Config(v1 as Record<string, unknown>),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

describe('C.1 conversion', () => {
  test('the required keys land in their v2 fields', () => {
    const config = ConfigAdapter.convertToV2Config(MINIMAL);
    assert.equal(config.applicationName, 'test_app');
    assert.equal(config.sessionTag, 'test_session');
    assert.equal(config.worldSize, 8);
    const tc = training(config);
    assert.equal(tc.perfTag, 'test_perf');
    assert.equal(tc.globalBatchSize, 32);
    assert.equal(tc.isTrainIterationsEnabled, true);
    assert.equal(tc.isValidationIterationsEnabled, false);
  });

  test('optional keys default as in the C.1 table', () => {
    const config = ConfigAdapter.convertToV2Config(MINIMAL);
    assert.equal(config.isBaselineRun, false);
    assert.equal(config.enableForCurrentRank, false);
    assert.equal(config.errorHandlingStrategy, ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS);
    assert.equal(config.summaryDataSchemaVersion, '1.0.0');
    assert.deepEqual(config.customMetadata, { app_tag_run_version: '1.0.0' });
    const tc = training(config);
    assert.deepEqual(tc.customMetadata, { app_tag_run_version: '1.0.0' });
    assert.equal(tc.logEveryNTrainIterations, 50);
    assert.equal(tc.saveCheckpointStrategy, CheckpointStrategy.SYNC);
    assert.equal(tc.microBatchSize, undefined);
    assert.equal(tc.flopsPerSample, undefined);
    assert.equal(tc.seqLength, undefined);
    assert.equal(tc.trainIterationsTarget, undefined);
    assert.equal(tc.trainSamplesTarget, undefined);
    assert.equal(tc.isTestIterationsEnabled, true);
    assert.equal(tc.isSaveCheckpointEnabled, true);
    assert.equal(tc.isLogThroughputEnabled, false);
  });

  test('every optional key given is converted', () => {
    const config = ConfigAdapter.convertToV2Config({
      ...MINIMAL,
      app_tag: ['a', 'b'],
      is_baseline_run: true,
      enable_for_current_rank: true,
      quiet: true,
      metadata: { model_name: 'gpt2', layers: 12 },
      app_tag_run_version: '2.3.4',
      summary_data_schema_version: '1.0',
      log_every_n_train_iterations: 10,
      save_checkpoint_strategy: 'async',
      micro_batch_size: 4,
      seq_length: 1024,
      flops_per_sample: 600,
      train_iterations_target: 1000,
      train_samples_target: 32000,
      is_test_iterations_enabled: false,
      is_save_checkpoint_enabled: false,
      is_log_throughput_enabled: true,
      one_logger_async: true,
      one_logger_run_name: 'my-run',
      app_run_type: 'training',
      app_metrics_feature_tags: 'full',
      app_start_time: 1_700_000_000_000,
      barrier: false,
    });
    assert.equal(config.isBaselineRun, true);
    assert.equal(config.enableForCurrentRank, true);
    assert.equal(config.errorHandlingStrategy, ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR);
    assert.equal(config.summaryDataSchemaVersion, '1.0');
    assert.deepEqual(config.customMetadata, { model_name: 'gpt2', layers: 12, app_tag_run_version: '2.3.4' });
    const tc = training(config);
    assert.deepEqual(tc.perfTag, ['a', 'b']);
    assert.equal(tc.logEveryNTrainIterations, 10);
    assert.equal(tc.saveCheckpointStrategy, CheckpointStrategy.ASYNC);
    assert.equal(tc.microBatchSize, 4);
    assert.equal(tc.seqLength, 1024);
    assert.equal(tc.flopsPerSample, 600);
    assert.equal(tc.trainIterationsTarget, 1000);
    assert.equal(tc.trainSamplesTarget, 32000);
    assert.equal(tc.isTestIterationsEnabled, false);
    assert.equal(tc.isSaveCheckpointEnabled, false);
    assert.equal(tc.isLogThroughputEnabled, true);
  });

  test('save_checkpoint_strategy "sync" → SYNC', () => {
    assert.equal(
      training(ConfigAdapter.convertToV2Config({ ...MINIMAL, save_checkpoint_strategy: 'sync' })).saveCheckpointStrategy,
      'sync',
    );
  });

  test('functions pass through and are read on every access (world_size, app_tag_run_name, app_tag, global_batch_size)', () => {
    let world = 2;
    let tag = 'p1';
    const config = ConfigAdapter.convertToV2Config({
      ...MINIMAL,
      world_size: () => world,
      app_tag_run_name: () => 'fn_session',
      app_tag: () => tag,
      global_batch_size: () => 64,
    });
    assert.equal(config.worldSize, 2);
    world = 4;
    tag = 'p2';
    assert.equal(config.worldSize, 4);
    assert.equal(config.sessionTag, 'fn_session');
    assert.equal(training(config).perfTag, 'p2');
    assert.equal(training(config).globalBatchSize, 64);
  });

  test('the input form is what TrainingTelemetryProvider.withBaseConfig takes', () => {
    const input = ConfigAdapter.convertToV2ConfigInput(MINIMAL);
    assert.equal(Object.getPrototypeOf(input), Object.prototype);
    assert.equal(input.applicationName, 'test_app');
    assert.ok(input.telemetryConfig instanceof TrainingTelemetryConfig);
  });

  test('null on an optional key means "not set" (v1 files write None)', () => {
    const config = ConfigAdapter.convertToV2Config({
      ...MINIMAL,
      micro_batch_size: null,
      quiet: null,
      metadata: null,
      save_checkpoint_strategy: null,
    });
    assert.equal(training(config).microBatchSize, undefined);
    assert.equal(training(config).saveCheckpointStrategy, 'sync');
    assert.equal(config.errorHandlingStrategy, ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS);
  });
});

describe('C.1 metadata and app_tag_run_version', () => {
  test("app_tag_run_version is added to a copy: the caller's metadata object is not changed", () => {
    const metadata = { model_name: 'gpt2' };
    const v1 = { ...MINIMAL, metadata, app_tag_run_version: '2.3.4' };
    const config = ConfigAdapter.convertToV2Config(v1);
    assert.deepEqual(metadata, { model_name: 'gpt2' });
    assert.deepEqual(config.customMetadata, { model_name: 'gpt2', app_tag_run_version: '2.3.4' });
    // A frozen metadata object converts too (the reference would have failed writing into it).
    const frozen = Object.freeze({ dataset: 'wikitext' });
    assert.deepEqual(ConfigAdapter.convertToV2Config({ ...MINIMAL, metadata: frozen }).customMetadata, {
      dataset: 'wikitext',
      app_tag_run_version: '1.0.0',
    });
  });

  test('metadata given as a function is called once, at conversion', () => {
    let calls = 0;
    const config = ConfigAdapter.convertToV2Config({
      ...MINIMAL,
      metadata: () => {
        calls += 1;
        return { run: 'r1' };
      },
    });
    assert.equal(calls, 1);
    assert.deepEqual(config.customMetadata, { run: 'r1', app_tag_run_version: '1.0.0' });
  });

  test('app_tag_run_version already in the metadata is kept; a different top-level value is an error', () => {
    const config = ConfigAdapter.convertToV2Config({ ...MINIMAL, metadata: { app_tag_run_version: '3.0' } });
    assert.deepEqual(config.customMetadata, { app_tag_run_version: '3.0' });
    rejects(
      { ...MINIMAL, metadata: { app_tag_run_version: '3.0' }, app_tag_run_version: '2.0' },
      'v1Config.metadata.app_tag_run_version: must equal app_tag_run_version ("2.0") when both are given (got "3.0")',
    );
  });

  test('a metadata key that would overwrite a key of the v1 initialization row is rejected', () => {
    rejects(
      { ...MINIMAL, metadata: { world_size: 3 } },
      'v1Config.metadata.world_size: collides with the v1 key of the same name in the initialization row (got 3)',
    );
  });

  test('metadata values must be attribute values', () => {
    rejects(
      { ...MINIMAL, metadata: { nested: { a: 1 } } },
      'v1Config.metadata.nested: must be a string, a finite number, a boolean or a homogeneous array of those (got object)',
    );
  });
});

describe('C.9-4: real v1 keys are kept, not dropped', () => {
  test('seq_length → seqLength, summary_data_schema_version → summaryDataSchemaVersion', () => {
    const config = ConfigAdapter.convertToV2Config({ ...MINIMAL, seq_length: 2048, summary_data_schema_version: '1.0' });
    assert.equal(training(config).seqLength, 2048);
    assert.equal(config.summaryDataSchemaVersion, '1.0');
  });

  test('batch_size stands in for a missing global_batch_size; both given must agree', () => {
    const { global_batch_size: _, ...withoutGbs } = MINIMAL;
    assert.equal(training(ConfigAdapter.convertToV2Config({ ...withoutGbs, batch_size: 16 })).globalBatchSize, 16);
    assert.equal(training(ConfigAdapter.convertToV2Config({ ...MINIMAL, batch_size: 32 })).globalBatchSize, 32);
    rejects({ ...MINIMAL, batch_size: 16 }, 'v1Config.batch_size: must equal global_batch_size (32) when both are given (got 16)');
    rejects({ ...withoutGbs, batch_size: 0 }, 'v1Config.batch_size: globalBatchSize must be set to a positive value (got 0)');
  });

  test('is_log_throughput_enabled defaults to true (v1) when flops_per_sample is given', () => {
    assert.equal(training(ConfigAdapter.convertToV2Config({ ...MINIMAL, flops_per_sample: 100 })).isLogThroughputEnabled, true);
    assert.equal(
      training(ConfigAdapter.convertToV2Config({ ...MINIMAL, flops_per_sample: 100, is_log_throughput_enabled: false }))
        .isLogThroughputEnabled,
      false,
    );
  });
});

describe('bad v1 configs: errors name the v1 key, the value and the rule', () => {
  for (const key of [
    'one_logger_project',
    'world_size',
    'app_tag_run_name',
    'app_tag',
    'is_train_iterations_enabled',
    'is_validation_iterations_enabled',
  ] as const) {
    test(`missing ${key}`, () => {
      const { [key]: _, ...rest } = MINIMAL;
      rejects(rest, `v1Config.${key}: is required (got undefined)`);
    });
  }

  test('missing global_batch_size (and batch_size)', () => {
    const { global_batch_size: _, ...rest } = MINIMAL;
    rejects(rest, 'v1Config.global_batch_size: is required (or its older v1 name batch_size) (got undefined)');
  });

  test('a required key given as null is missing', () => {
    rejects({ ...MINIMAL, world_size: null }, 'v1Config.world_size: is required (got null)');
  });

  test('wrong types', () => {
    rejects({ ...MINIMAL, world_size: '8' }, 'v1Config.world_size: must be an integer or a function returning one (got "8")');
    rejects({ ...MINIMAL, one_logger_project: ' ' }, 'v1Config.one_logger_project: must be a non-empty string (got " ")');
    rejects(
      { ...MINIMAL, app_tag: ['a', 1] },
      'v1Config.app_tag: must be a string, an array of strings or a function returning one (got array of length 2)',
    );
    rejects(
      { ...MINIMAL, is_train_iterations_enabled: 'yes' },
      'v1Config.is_train_iterations_enabled: must be a boolean or a function returning one (got "yes")',
    );
    rejects({ ...MINIMAL, enable_for_current_rank: 1 }, 'v1Config.enable_for_current_rank: must be true or false (got 1)');
    rejects({ ...MINIMAL, log_every_n_train_iterations: 2.5 }, 'v1Config.log_every_n_train_iterations: must be an integer (got 2.5)');
    rejects(
      { ...MINIMAL, metadata: ['a'] },
      'v1Config.metadata: must be an object of attribute values or a function returning one (got array of length 1)',
    );
    rejects('one_logger_project=x', 'v1Config: must be a plain object of v1 config keys (got "one_logger_project=x")');
  });

  test('an unknown checkpoint strategy', () => {
    rejects(
      { ...MINIMAL, save_checkpoint_strategy: 'fast' },
      "v1Config.save_checkpoint_strategy: Unsupported checkpoint strategy. Must be 'sync' or 'async' (got \"fast\")",
    );
  });

  test('values the v2 rules reject are reported against the v1 key', () => {
    rejects({ ...MINIMAL, world_size: 0 }, 'v1Config.world_size: must be a positive integer or a function returning one (got 0)');
    rejects({ ...MINIMAL, global_batch_size: -1 }, 'v1Config.global_batch_size: globalBatchSize must be set to a positive value (got -1)');
    rejects(
      { ...MINIMAL, log_every_n_train_iterations: 0 },
      'v1Config.log_every_n_train_iterations: logEveryNTrainIterations must be set to a positive value (got 0)',
    );
    rejects(
      { ...MINIMAL, is_log_throughput_enabled: true },
      'v1Config.flops_per_sample: flopsPerSample must be set to a positive value when isLogThroughputEnabled is true (got undefined)',
    );
    rejects(
      { ...MINIMAL, micro_batch_size: -4 },
      'v1Config.micro_batch_size: must be a non-negative integer or a function returning one (got -4)',
    );
  });

  test('unknown keys: a camelCase spelling points at the v1 key; anything else lists the known keys', () => {
    rejects(
      { ...MINIMAL, oneLoggerAsync: true },
      'v1Config.oneLoggerAsync: is not a v1 config key (did you mean one_logger_async?) (got true)',
    );
    assert.throws(
      () => ConfigAdapter.convertToV2Config({ ...MINIMAL, wandb_entity: 'x' }),
      /^ConfigError: v1Config\.wandb_entity: is not a v1 config key \(known: one_logger_project, world_size, .*barrier\) \(got "x"\)$/,
    );
  });

  test('a function that throws is reported against its key', () => {
    assert.throws(
      () =>
        ConfigAdapter.convertToV2Config({
          ...MINIMAL,
          metadata: () => {
            throw new Error('no metadata today');
          },
        }),
      { name: 'ConfigError', message: 'v1Config.metadata: the function threw: no metadata today (got function metadata)' },
    );
  });
});
