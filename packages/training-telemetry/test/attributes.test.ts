// Training attribute sets: key order, required fields, getters, custom-metadata flattening, non-finite omission
// (spec/training.md §5.2-5.3, §9.2 record 3, §10 items 7-16, §11 W7, W17, W21).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Attributes, internalLogger } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import {
  CheckpointSaveSpanAttributes,
  flattenCustomMetadata,
  OneLoggerInitializationAttributes,
  SaveCheckpointSuccessEventAttributes,
  SyncCheckpointMetricsUpdateAttributes,
  TestingMetricsUpdateAttributes,
  TrainingLoopAttributes,
  TrainingMetricsUpdateAttributes,
  TrainingTelemetryAttributes,
  ValidationMetricsUpdateAttributes,
} from '../src/attributes.js';
import { TrainingTelemetryConfig } from '../src/config.js';
import { CheckpointStrategy, StandardTrainingJobEventName } from '../src/names.js';
import { throwsMessage as assertOneLoggerError } from './helpers/assert-throws.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const keysOf = (attrs: Attributes): string[] => [...attrs.map.keys()];

/** Calls `create` with an untyped object (to exercise the runtime checks TypeScript would reject). */
function createLoose<T>(create: (fields: never) => T, fields: Record<string, unknown>): T {
  return create(fields as never);
}

// Key tables of spec §5.3, in order.
const TRAINING_LOOP_KEYS = [
  'train_iterations_start',
  'train_samples_start',
  'train_tokens_target',
  'completed_floating_point_operations_overall',
  'train_iterations_target',
  'train_samples_target',
];
const CHECKPOINT_SAVE_SPAN_KEYS = ['checkpoint_strategy', 'current_iteration', 'save_checkpoint_attempt_count'];
const ONE_LOGGER_INITIALIZATION_KEYS = [
  'world_size',
  'one_logger_training_telemetry_version',
  'enable_for_current_rank',
  'session_tag',
  'is_baseline_run',
  'summary_data_schema_version',
  'node_name',
  'rank',
  'custom_metadata',
];
const TRAINING_TELEMETRY_KEYS = [
  'perf_tag',
  'global_batch_size',
  'log_every_n_train_iterations',
  'micro_batch_size',
  'seq_length',
  'flops_per_sample',
  'train_iterations_target',
  'train_samples_target',
  'checkpoint_strategy',
  'is_train_iterations_enabled',
  'is_validation_iterations_enabled',
  'is_test_iterations_enabled',
  'is_save_checkpoint_enabled',
  'is_log_throughput_enabled',
  'custom_metadata',
];
const TRAINING_METRICS_UPDATE_KEYS = [
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
  'avg_forward_time_sec',
  'avg_backward_time_sec',
  'avg_dataloader_time_sec',
  'avg_tflops',
  'train_tokens',
  'avg_tokens_per_second',
  'latest_loss',
  'avg_batch_size',
  'completed_floating_point_operations_overall',
  'total_flops',
  'train_throughput_per_gpu',
  'train_throughput_per_gpu_max',
  'train_throughput_per_gpu_min',
  'first_logged_train_iterations_finish_timestamp_sec',
  'last_logged_train_iterations_finish_timestamp_sec',
];
const VALIDATION_METRICS_UPDATE_KEYS = [
  'current_iteration',
  'interval',
  'avg_iteration_time_sec',
  'min_iteration_time_sec',
  'max_iteration_time_sec',
  'total_iteration_time_sec',
];
const TESTING_METRICS_UPDATE_KEYS = ['current_iteration', 'interval'];
const SAVE_CHECKPOINT_SUCCESS_KEYS = [
  'checkpoint_strategy',
  'current_iteration',
  'first_successful_save_checkpoint_timestamp_sec',
  'latest_successful_save_checkpoint_timestamp_sec',
  'save_checkpoint_success_count',
  'productive_train_iterations',
  'productive_train_samples',
  'productive_train_iterations_sec',
  'productive_validation_iterations_sec',
  'productive_train_tflops',
  'checkpoint_size',
  'checkpoint_directory',
  'training_start_timestamp_sec',
];
const SYNC_CHECKPOINT_METRICS_UPDATE_KEYS = [
  'save_checkpoint_sync_time_total_sec',
  'save_checkpoint_sync_time_min_sec',
  'save_checkpoint_sync_time_max_sec',
];

// Complete field sets, deliberately written in an order different from the wire order.
const loopAll = {
  trainSamplesTarget: 32000,
  trainIterationsTarget: 1000,
  completedFloatingPointOperationsOverall: 32000,
  trainTokensTarget: 32768000,
  trainSamplesStart: 320,
  trainIterationsStart: 10,
};
const loopRequired = { trainIterationsStart: 100, trainSamplesStart: 1000 };
const saveSpanAll = { saveCheckpointAttemptCount: 5, currentIteration: 100, checkpointStrategy: CheckpointStrategy.SYNC };
const initRequired = {
  rank: 0,
  nodeName: 'test_node',
  summaryDataSchemaVersion: '1.0.0',
  isBaselineRun: false,
  sessionTag: 'test_session',
  enableForCurrentRank: true,
  oneLoggerTrainingTelemetryVersion: '2.3.1',
  worldSize: 4,
};
const telemetryRequired = { logEveryNTrainIterations: 10, globalBatchSize: 32, perfTag: 'test_perf' };
const telemetryAll = {
  customMetadata: { team: 'nlp' },
  isLogThroughputEnabled: true,
  isSaveCheckpointEnabled: true,
  isTestIterationsEnabled: false,
  isValidationIterationsEnabled: true,
  isTrainIterationsEnabled: true,
  checkpointStrategy: CheckpointStrategy.ASYNC,
  trainSamplesTarget: 32000,
  trainIterationsTarget: 1000,
  flopsPerSample: 100,
  seqLength: 1024,
  microBatchSize: 4,
  ...telemetryRequired,
};
const metricsRequired = {
  totalIterationTimeSec: 10.0,
  maxIterationTimeSec: 0.15,
  minIterationTimeSec: 0.05,
  avgIterationTimeSec: 0.1,
  interval: 100,
  numTrainSamples: 2000,
  trainSamplesStart: 1000,
  numIterations: 100,
  currentIteration: 200,
  trainIterationsStart: 100,
};
const metricsAll = {
  lastLoggedTrainIterationsFinishTimestampSec: 1700000250.5,
  firstLoggedTrainIterationsFinishTimestampSec: 1700000000.25,
  trainThroughputPerGpuMin: 80.0,
  trainThroughputPerGpuMax: 100.0,
  trainThroughputPerGpu: 90.5,
  totalFlops: 500000,
  completedFloatingPointOperationsOverall: 1000000,
  avgBatchSize: 32,
  latestLoss: 0.5,
  avgTokensPerSecond: 5000.5,
  trainTokens: 50000,
  avgTflops: 100.5,
  avgDataloaderTimeSec: 0.02,
  avgBackwardTimeSec: 0.03,
  avgForwardTimeSec: 0.05,
  ...metricsRequired,
};
const validationAll = {
  totalIterationTimeSec: 150,
  maxIterationTimeSec: 10,
  minIterationTimeSec: 5,
  avgIterationTimeSec: 7.5,
  interval: 40,
  currentIteration: 69,
};
const successRequired = {
  productiveValidationIterationsSec: 70,
  productiveTrainIterationsSec: 50,
  productiveTrainSamples: 3096,
  productiveTrainIterations: 8,
  saveCheckpointSuccessCount: 2,
  latestSuccessfulSaveCheckpointTimestampSec: 1700000100.5,
  firstSuccessfulSaveCheckpointTimestampSec: 1700000050.25,
  currentIteration: 2,
  checkpointStrategy: CheckpointStrategy.SYNC,
};
const successAll = {
  trainingStartTimestampSec: 1700000000.75,
  checkpointDirectory: '/ckpt/step-2',
  checkpointSize: 1048576,
  productiveTrainTflops: 2.56e-8,
  ...successRequired,
};
const syncAll = { saveCheckpointSyncTimeMaxSec: 12, saveCheckpointSyncTimeMinSec: 8, saveCheckpointSyncTimeTotalSec: 20 };

describe('event names (spec §10 items 7-8)', () => {
  test('item 7: UPDATE_TRAINING_TELEMETRY_CONFIG is "update_training_telemetry_config"', () => {
    assert.equal(StandardTrainingJobEventName.UPDATE_TRAINING_TELEMETRY_CONFIG, 'update_training_telemetry_config');
  });

  test('item 8: event names are non-empty, unique, lower-case letters/digits/underscores', () => {
    const names = Object.values(StandardTrainingJobEventName);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^[a-z0-9_]+$/);
  });
});

describe('key order follows the spec tables (§5.3)', () => {
  const cases: Array<[string, () => Attributes, string[]]> = [
    ['TrainingLoopAttributes', () => TrainingLoopAttributes.create(loopAll), TRAINING_LOOP_KEYS],
    ['CheckpointSaveSpanAttributes', () => CheckpointSaveSpanAttributes.create(saveSpanAll), CHECKPOINT_SAVE_SPAN_KEYS],
    [
      'OneLoggerInitializationAttributes',
      () => OneLoggerInitializationAttributes.create({ customMetadata: { a: 1 }, ...initRequired }),
      ONE_LOGGER_INITIALIZATION_KEYS,
    ],
    ['TrainingTelemetryAttributes', () => TrainingTelemetryAttributes.create(telemetryAll), TRAINING_TELEMETRY_KEYS],
    ['TrainingMetricsUpdateAttributes', () => TrainingMetricsUpdateAttributes.create(metricsAll), TRAINING_METRICS_UPDATE_KEYS],
    ['ValidationMetricsUpdateAttributes', () => ValidationMetricsUpdateAttributes.create(validationAll), VALIDATION_METRICS_UPDATE_KEYS],
    [
      'TestingMetricsUpdateAttributes',
      () => TestingMetricsUpdateAttributes.create({ interval: 0, currentIteration: 0 }),
      TESTING_METRICS_UPDATE_KEYS,
    ],
    ['SaveCheckpointSuccessEventAttributes', () => SaveCheckpointSuccessEventAttributes.create(successAll), SAVE_CHECKPOINT_SUCCESS_KEYS],
    [
      'SyncCheckpointMetricsUpdateAttributes',
      () => SyncCheckpointMetricsUpdateAttributes.create(syncAll),
      SYNC_CHECKPOINT_METRICS_UPDATE_KEYS,
    ],
  ];
  for (const [name, make, keys] of cases) {
    test(`${name}: every key, in table order, whatever the order of the fields given`, () => {
      const attrs = make();
      assert.ok(attrs instanceof Attributes);
      assert.deepEqual(keysOf(attrs), keys);
      // Same order in the JSON a record is built from.
      assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(attrs))), keys);
    });
  }
});

describe('required fields (spec §10 items 9, 11, 14, 16)', () => {
  const cases: Array<[string, (fields: never) => unknown, Record<string, unknown>, Array<[field: string, key: string]>]> = [
    [
      'TrainingLoopAttributes',
      TrainingLoopAttributes.create,
      loopRequired,
      [
        ['trainIterationsStart', 'train_iterations_start'],
        ['trainSamplesStart', 'train_samples_start'],
      ],
    ],
    [
      'CheckpointSaveSpanAttributes',
      CheckpointSaveSpanAttributes.create,
      saveSpanAll,
      [
        ['checkpointStrategy', 'checkpoint_strategy'],
        ['currentIteration', 'current_iteration'],
        ['saveCheckpointAttemptCount', 'save_checkpoint_attempt_count'],
      ],
    ],
    [
      'OneLoggerInitializationAttributes',
      OneLoggerInitializationAttributes.create,
      initRequired,
      [
        ['worldSize', 'world_size'],
        ['oneLoggerTrainingTelemetryVersion', 'one_logger_training_telemetry_version'],
        ['enableForCurrentRank', 'enable_for_current_rank'],
        ['sessionTag', 'session_tag'],
        ['isBaselineRun', 'is_baseline_run'],
        ['summaryDataSchemaVersion', 'summary_data_schema_version'],
        ['nodeName', 'node_name'],
        ['rank', 'rank'],
      ],
    ],
    [
      'TrainingTelemetryAttributes',
      TrainingTelemetryAttributes.create,
      telemetryRequired,
      [
        ['perfTag', 'perf_tag'],
        ['globalBatchSize', 'global_batch_size'],
        ['logEveryNTrainIterations', 'log_every_n_train_iterations'],
      ],
    ],
    [
      'TrainingMetricsUpdateAttributes',
      TrainingMetricsUpdateAttributes.create,
      metricsRequired,
      [
        ['trainIterationsStart', 'train_iterations_start'],
        ['currentIteration', 'current_iteration'],
        ['numIterations', 'num_iterations'],
        ['trainSamplesStart', 'train_samples_start'],
        ['numTrainSamples', 'num_train_samples'],
        ['interval', 'interval'],
        ['avgIterationTimeSec', 'avg_iteration_time_sec'],
        ['minIterationTimeSec', 'min_iteration_time_sec'],
        ['maxIterationTimeSec', 'max_iteration_time_sec'],
        ['totalIterationTimeSec', 'total_iteration_time_sec'],
      ],
    ],
    [
      'ValidationMetricsUpdateAttributes',
      ValidationMetricsUpdateAttributes.create,
      { currentIteration: 1, interval: 2 },
      [
        ['currentIteration', 'current_iteration'],
        ['interval', 'interval'],
      ],
    ],
    [
      'TestingMetricsUpdateAttributes',
      TestingMetricsUpdateAttributes.create,
      { currentIteration: 1, interval: 2 },
      [
        ['currentIteration', 'current_iteration'],
        ['interval', 'interval'],
      ],
    ],
    [
      'SaveCheckpointSuccessEventAttributes',
      SaveCheckpointSuccessEventAttributes.create,
      successRequired,
      [
        ['checkpointStrategy', 'checkpoint_strategy'],
        ['currentIteration', 'current_iteration'],
        ['firstSuccessfulSaveCheckpointTimestampSec', 'first_successful_save_checkpoint_timestamp_sec'],
        ['latestSuccessfulSaveCheckpointTimestampSec', 'latest_successful_save_checkpoint_timestamp_sec'],
        ['saveCheckpointSuccessCount', 'save_checkpoint_success_count'],
        ['productiveTrainIterations', 'productive_train_iterations'],
        ['productiveTrainSamples', 'productive_train_samples'],
        ['productiveTrainIterationsSec', 'productive_train_iterations_sec'],
        ['productiveValidationIterationsSec', 'productive_validation_iterations_sec'],
      ],
    ],
    [
      'SyncCheckpointMetricsUpdateAttributes',
      SyncCheckpointMetricsUpdateAttributes.create,
      syncAll,
      [
        ['saveCheckpointSyncTimeTotalSec', 'save_checkpoint_sync_time_total_sec'],
        ['saveCheckpointSyncTimeMinSec', 'save_checkpoint_sync_time_min_sec'],
        ['saveCheckpointSyncTimeMaxSec', 'save_checkpoint_sync_time_max_sec'],
      ],
    ],
  ];

  for (const [name, create, fields, required] of cases) {
    test(`${name}: null or undefined for a required field → "<key> is required."`, () => {
      for (const [field, key] of required) {
        for (const missing of [null, undefined]) {
          assertOneLoggerError(() => createLoose(create, { ...fields, [field]: missing }), `${key} is required.`);
        }
        const { [field]: _omitted, ...rest } = fields;
        assertOneLoggerError(() => createLoose(create, rest), `${key} is required.`);
      }
    });

    test(`${name}: the required getters of an empty object throw "<key> is required."`, () => {
      const made = createLoose(create, fields) as Attributes;
      const empty = new (made.constructor as new () => Attributes)();
      for (const [field, key] of required) {
        assertOneLoggerError(() => (empty as unknown as Record<string, unknown>)[field], `${key} is required.`);
      }
    });
  }

  test('create() needs an object of fields', () => {
    assertOneLoggerError(
      () => TestingMetricsUpdateAttributes.create(undefined as never),
      'TestingMetricsUpdateAttributes.create expects an object of fields. Got undefined.',
    );
  });
});

describe('TrainingLoopAttributes (spec §10 item 10)', () => {
  test('optional getters are undefined when unset', () => {
    const attrs = TrainingLoopAttributes.create(loopRequired);
    assert.equal(attrs.trainIterationsStart, 100);
    assert.equal(attrs.trainSamplesStart, 1000);
    assert.equal(attrs.trainTokensTarget, undefined);
    assert.equal(attrs.completedFloatingPointOperationsOverall, undefined);
    assert.equal(attrs.trainIterationsTarget, undefined);
    assert.equal(attrs.trainSamplesTarget, undefined);
    assert.deepEqual(keysOf(attrs), ['train_iterations_start', 'train_samples_start']);
  });

  test('all six values round-trip', () => {
    const attrs = TrainingLoopAttributes.create(loopAll);
    assert.equal(attrs.trainIterationsStart, 10);
    assert.equal(attrs.trainSamplesStart, 320);
    assert.equal(attrs.trainTokensTarget, 32768000);
    assert.equal(attrs.completedFloatingPointOperationsOverall, 32000);
    assert.equal(attrs.trainIterationsTarget, 1000);
    assert.equal(attrs.trainSamplesTarget, 32000);
  });

  test('a negative or fractional start is rejected with the reference message', () => {
    for (const bad of [-1, 1.5, Number.NaN, '3']) {
      assertOneLoggerError(
        () => createLoose(TrainingLoopAttributes.create, { ...loopRequired, trainIterationsStart: bad }),
        `Invalid value for train_iterations_start in TrainingLoopAttributes object: ${typeof bad === 'string' ? `"${bad}"` : bad}`,
      );
    }
    assertOneLoggerError(
      () => TrainingLoopAttributes.create({ ...loopRequired, trainSamplesStart: -32 }),
      'Invalid value for train_samples_start in TrainingLoopAttributes object: -32',
    );
  });

  test('a start of 0 is valid', () => {
    assert.equal(TrainingLoopAttributes.create({ trainIterationsStart: 0, trainSamplesStart: 0 }).trainIterationsStart, 0);
  });
});

describe('CheckpointSaveSpanAttributes (spec §10 item 11)', () => {
  test('strategy, current iteration and attempt count round-trip', () => {
    const attrs = CheckpointSaveSpanAttributes.create({
      checkpointStrategy: CheckpointStrategy.ASYNC,
      currentIteration: 200,
      saveCheckpointAttemptCount: 10,
    });
    assert.equal(attrs.checkpointStrategy, CheckpointStrategy.ASYNC);
    assert.equal(attrs.currentIteration, 200);
    assert.equal(attrs.saveCheckpointAttemptCount, 10);
  });

  test('an unknown strategy is rejected', () => {
    assertOneLoggerError(
      () => createLoose(CheckpointSaveSpanAttributes.create, { ...saveSpanAll, checkpointStrategy: 'SYNC' }),
      'Attribute checkpoint_strategy must be one of sync, async. Got "SYNC".',
    );
  });
});

describe('OneLoggerInitializationAttributes (spec §10 item 12)', () => {
  test('every required value round-trips; custom metadata absent → undefined', () => {
    const attrs = OneLoggerInitializationAttributes.create(initRequired);
    assert.equal(attrs.worldSize, 4);
    assert.equal(attrs.oneLoggerTrainingTelemetryVersion, '2.3.1');
    assert.equal(attrs.enableForCurrentRank, true);
    assert.equal(attrs.sessionTag, 'test_session');
    assert.equal(attrs.isBaselineRun, false);
    assert.equal(attrs.summaryDataSchemaVersion, '1.0.0');
    assert.equal(attrs.nodeName, 'test_node');
    assert.equal(attrs.rank, 0);
    assert.equal(attrs.customMetadata, undefined);
    assert.deepEqual(keysOf(attrs), ONE_LOGGER_INITIALIZATION_KEYS.slice(0, -1));
  });

  test('custom metadata {key1: "value1", key2: "value2"} is exported as ["key1:value1", "key2:value2"]', () => {
    const attrs = OneLoggerInitializationAttributes.create({ ...initRequired, customMetadata: { key1: 'value1', key2: 'value2' } });
    assert.deepEqual(attrs.customMetadata, ['key1:value1', 'key2:value2']);
    assert.deepEqual(attrs.getValue('custom_metadata'), ['key1:value1', 'key2:value2']);
  });

  test('no training flags are exposed', () => {
    const attrs = OneLoggerInitializationAttributes.create(initRequired);
    for (const key of keysOf(attrs)) assert.ok(!key.startsWith('is_') || key === 'is_baseline_run', key);
    for (const getter of [
      'isTrainIterationsEnabled',
      'isSaveCheckpointEnabled',
      'isLogThroughputEnabled',
      'checkpointStrategy',
      'appType',
    ]) {
      assert.ok(!(getter in attrs), getter);
    }
  });

  test('values of the wrong type are rejected with the key named', () => {
    assertOneLoggerError(
      () => createLoose(OneLoggerInitializationAttributes.create, { ...initRequired, worldSize: '4' }),
      'Attribute world_size must be an integer. Got "4".',
    );
    assertOneLoggerError(
      () => createLoose(OneLoggerInitializationAttributes.create, { ...initRequired, enableForCurrentRank: 'true' }),
      'Attribute enable_for_current_rank must be a boolean. Got "true".',
    );
    assertOneLoggerError(
      () => createLoose(OneLoggerInitializationAttributes.create, { ...initRequired, nodeName: 7 }),
      'Attribute node_name must be a string. Got 7.',
    );
    assertOneLoggerError(
      () => createLoose(OneLoggerInitializationAttributes.create, { ...initRequired, customMetadata: ['a'] }),
      'Attribute custom_metadata must be given as an object. Got ["a"].',
    );
  });
});

describe('custom metadata is flattened like Python str() (spec §5.3)', () => {
  test('booleans, numbers, strings and lists render as the reference renders them', () => {
    const meta = {
      t: true,
      f: false,
      n: 3,
      x: 1.5,
      big: 1e21,
      s: 'text with: colon',
      empty: '',
      ints: [1, 2],
      strs: ['a', 'b'],
      bools: [true, false],
      quoted: ["it's", 'say "hi"', 'both \' and "', 'back\\slash', 'line\nbreak'],
      none: [],
    };
    assert.deepEqual(flattenCustomMetadata(meta), [
      't:True',
      'f:False',
      'n:3',
      'x:1.5',
      'big:1e+21',
      's:text with: colon',
      'empty:',
      'ints:[1, 2]',
      "strs:['a', 'b']",
      'bools:[True, False]',
      `quoted:["it's", 'say "hi"', 'both \\' and "', 'back\\\\slash', 'line\\nbreak']`,
      'none:[]',
    ]);
  });

  test('an empty map gives an empty list (the reference checks "is not None")', () => {
    const attrs = TrainingTelemetryAttributes.create({ ...telemetryRequired, customMetadata: {} });
    assert.deepEqual(attrs.customMetadata, []);
  });
});

describe('non-finite numbers are left out (DESIGN §4, spec §11 W7)', () => {
  test('optional float and int keys given NaN or ±Infinity are omitted', () => {
    const attrs = TrainingMetricsUpdateAttributes.create({
      ...metricsRequired,
      trainThroughputPerGpu: Number.NaN,
      trainThroughputPerGpuMin: Number.POSITIVE_INFINITY,
      trainThroughputPerGpuMax: Number.NEGATIVE_INFINITY,
      trainTokens: Number.POSITIVE_INFINITY,
      totalFlops: 0,
    });
    assert.equal(attrs.trainThroughputPerGpu, undefined);
    assert.equal(attrs.trainThroughputPerGpuMin, undefined);
    assert.equal(attrs.trainThroughputPerGpuMax, undefined);
    assert.equal(attrs.trainTokens, undefined);
    assert.equal(attrs.totalFlops, 0);
    assert.deepEqual(keysOf(attrs), [...TRAINING_METRICS_UPDATE_KEYS.slice(0, 10), 'total_flops']);
  });

  test('a required float given Infinity (validation ended with an open window) is omitted: the JSON stays valid', () => {
    const attrs = ValidationMetricsUpdateAttributes.create({
      currentIteration: 0,
      interval: 0,
      avgIterationTimeSec: 0.5,
      minIterationTimeSec: Number.POSITIVE_INFINITY,
      maxIterationTimeSec: 0.5,
      totalIterationTimeSec: 0.5,
    });
    assert.deepEqual(keysOf(attrs), [
      'current_iteration',
      'interval',
      'avg_iteration_time_sec',
      'max_iteration_time_sec',
      'total_iteration_time_sec',
    ]);
    assert.equal(attrs.minIterationTimeSec, undefined);
    const json = JSON.stringify(attrs);
    assert.ok(!json.includes('Infinity') && !json.includes('null'), json);

    const metrics = TrainingMetricsUpdateAttributes.create({ ...metricsRequired, minIterationTimeSec: Number.POSITIVE_INFINITY });
    assert.ok(!metrics.has('min_iteration_time_sec'));
    assertOneLoggerError(() => metrics.minIterationTimeSec, 'min_iteration_time_sec is required.');
  });

  test('sync checkpoint timing with a non-finite minimum keeps the finite keys', () => {
    const attrs = SyncCheckpointMetricsUpdateAttributes.create({ ...syncAll, saveCheckpointSyncTimeMinSec: Number.POSITIVE_INFINITY });
    assert.deepEqual(keysOf(attrs), ['save_checkpoint_sync_time_total_sec', 'save_checkpoint_sync_time_max_sec']);
  });
});

describe('TrainingMetricsUpdateAttributes (spec §10 item 13)', () => {
  test('only the ten required fields → every optional getter is undefined', () => {
    const attrs = TrainingMetricsUpdateAttributes.create(metricsRequired);
    assert.equal(attrs.trainIterationsStart, 100);
    assert.equal(attrs.currentIteration, 200);
    assert.equal(attrs.numIterations, 100);
    assert.equal(attrs.trainSamplesStart, 1000);
    assert.equal(attrs.numTrainSamples, 2000);
    assert.equal(attrs.interval, 100);
    assert.equal(attrs.avgIterationTimeSec, 0.1);
    assert.equal(attrs.minIterationTimeSec, 0.05);
    assert.equal(attrs.maxIterationTimeSec, 0.15);
    assert.equal(attrs.totalIterationTimeSec, 10);
    for (const getter of [
      'avgForwardTimeSec',
      'avgBackwardTimeSec',
      'avgDataloaderTimeSec',
      'avgTflops',
      'trainTokens',
      'avgTokensPerSecond',
      'latestLoss',
      'avgBatchSize',
      'completedFloatingPointOperationsOverall',
      'totalFlops',
      'trainThroughputPerGpu',
      'trainThroughputPerGpuMax',
      'trainThroughputPerGpuMin',
      'firstLoggedTrainIterationsFinishTimestampSec',
      'lastLoggedTrainIterationsFinishTimestampSec',
    ] as const) {
      assert.equal(attrs[getter], undefined, getter);
    }
  });

  test('all fields round-trip', () => {
    const attrs = TrainingMetricsUpdateAttributes.create(metricsAll);
    for (const [field, value] of Object.entries(metricsAll)) {
      assert.equal((attrs as unknown as Record<string, unknown>)[field], value, field);
    }
  });

  test('an integer key given a fraction is rejected; float getters accept integers', () => {
    assertOneLoggerError(
      () => TrainingMetricsUpdateAttributes.create({ ...metricsRequired, currentIteration: 1.5 }),
      'Attribute current_iteration must be an integer. Got 1.5.',
    );
    assertOneLoggerError(
      () => createLoose(TrainingMetricsUpdateAttributes.create, { ...metricsRequired, avgIterationTimeSec: '0.1' }),
      'Attribute avg_iteration_time_sec must be a float. Got "0.1".',
    );
    assert.equal(TrainingMetricsUpdateAttributes.create({ ...metricsRequired, totalIterationTimeSec: 3 }).totalIterationTimeSec, 3);
  });

  test('json(): the text of the collection create() builds, timestamp_msec last, and the same errors', () => {
    const ms = 1_733_480_000_123;
    // What the JSON exporters would have written from the collection: its entries in order, then timestamp_msec.
    const expected = (fields: Parameters<typeof TrainingMetricsUpdateAttributes.create>[0]) =>
      JSON.stringify({ ...Object.fromEntries(TrainingMetricsUpdateAttributes.create(fields).map), timestamp_msec: ms });
    const fractions = { ...metricsAll, avgIterationTimeSec: 1 / 3, trainThroughputPerGpu: 2 ** -40, totalFlops: 2 ** 60 };
    const nonFinite = { ...metricsAll, minIterationTimeSec: Number.POSITIVE_INFINITY, latestLoss: Number.NaN };
    for (const fields of [metricsRequired, metricsAll, fractions, nonFinite]) {
      const json = TrainingMetricsUpdateAttributes.json(fields, ms);
      assert.equal(json, expected(fields));
    }
    // A left-out non-finite value leaves no key (the record stays valid JSON).
    assert.equal(JSON.parse(TrainingMetricsUpdateAttributes.json(nonFinite, ms)).min_iteration_time_sec, undefined);
    assertOneLoggerError(
      () => TrainingMetricsUpdateAttributes.json({ ...metricsRequired, currentIteration: 1.5 }, ms),
      'Attribute current_iteration must be an integer. Got 1.5.',
    );
    const { interval: _, ...withoutInterval } = metricsRequired;
    assertOneLoggerError(() => TrainingMetricsUpdateAttributes.json(withoutInterval as never, ms), 'interval is required.');
  });

  test('getters check the stored type', () => {
    const attrs = TrainingMetricsUpdateAttributes.create(metricsRequired);
    attrs.add('interval', 'often');
    assertOneLoggerError(() => attrs.interval, 'Attribute interval must be an integer. Got "often".');
  });
});

describe('ValidationMetricsUpdateAttributes and TestingMetricsUpdateAttributes (spec §10 item 14)', () => {
  test('validation values round-trip; timing keys are optional', () => {
    const all = ValidationMetricsUpdateAttributes.create(validationAll);
    assert.equal(all.currentIteration, 69);
    assert.equal(all.interval, 40);
    assert.equal(all.avgIterationTimeSec, 7.5);
    assert.equal(all.minIterationTimeSec, 5);
    assert.equal(all.maxIterationTimeSec, 10);
    assert.equal(all.totalIterationTimeSec, 150);
    const bare = ValidationMetricsUpdateAttributes.create({ currentIteration: 0, interval: 0 });
    assert.deepEqual(keysOf(bare), ['current_iteration', 'interval']);
    assert.equal(bare.avgIterationTimeSec, undefined);
  });

  test('testing values round-trip and nothing else is written', () => {
    const attrs = TestingMetricsUpdateAttributes.create({ currentIteration: 5, interval: 3 });
    assert.equal(attrs.currentIteration, 5);
    assert.equal(attrs.interval, 3);
    assert.equal(attrs.size, 2);
  });
});

describe('SaveCheckpointSuccessEventAttributes (spec §10 item 15, §11 W17)', () => {
  test('the strategy getter returns the strategy; size, directory and training start are undefined when not given', () => {
    const attrs = SaveCheckpointSuccessEventAttributes.create(successRequired);
    assert.equal(attrs.checkpointStrategy, CheckpointStrategy.SYNC);
    assert.equal(attrs.productiveTrainTflops, undefined);
    assert.equal(attrs.checkpointSize, undefined);
    assert.equal(attrs.checkpointDirectory, undefined);
    assert.equal(attrs.trainingStartTimestampSec, undefined);
    assert.deepEqual(keysOf(attrs), SAVE_CHECKPOINT_SUCCESS_KEYS.slice(0, 9));
  });

  test('all values round-trip', () => {
    const attrs = SaveCheckpointSuccessEventAttributes.create({ ...successAll, checkpointStrategy: CheckpointStrategy.ASYNC });
    assert.equal(attrs.checkpointStrategy, 'async');
    assert.equal(attrs.currentIteration, 2);
    assert.equal(attrs.firstSuccessfulSaveCheckpointTimestampSec, 1700000050.25);
    assert.equal(attrs.latestSuccessfulSaveCheckpointTimestampSec, 1700000100.5);
    assert.equal(attrs.saveCheckpointSuccessCount, 2);
    assert.equal(attrs.productiveTrainIterations, 8);
    assert.equal(attrs.productiveTrainSamples, 3096);
    assert.equal(attrs.productiveTrainIterationsSec, 50);
    assert.equal(attrs.productiveValidationIterationsSec, 70);
    assert.equal(attrs.productiveTrainTflops, 2.56e-8);
    assert.equal(attrs.checkpointSize, 1048576);
    assert.equal(attrs.checkpointDirectory, '/ckpt/step-2');
    assert.equal(attrs.trainingStartTimestampSec, 1700000000.75);
  });

  test('W17: a training start timestamp of 0 is kept (the reference dropped falsy values)', () => {
    const attrs = SaveCheckpointSuccessEventAttributes.create({ ...successRequired, trainingStartTimestampSec: 0 });
    assert.ok(attrs.has('training_start_timestamp_sec'));
    assert.equal(attrs.trainingStartTimestampSec, 0);
  });

  test('zero productivity values are written (they are required, not falsy-dropped)', () => {
    const attrs = SaveCheckpointSuccessEventAttributes.create({
      ...successRequired,
      productiveTrainIterations: 0,
      productiveTrainSamples: 0,
      productiveTrainIterationsSec: 0,
      productiveValidationIterationsSec: 0,
      productiveTrainTflops: 0,
    });
    assert.equal(attrs.productiveTrainTflops, 0);
    assert.equal(attrs.size, 10);
  });
});

describe('SyncCheckpointMetricsUpdateAttributes', () => {
  test('values round-trip', () => {
    const attrs = SyncCheckpointMetricsUpdateAttributes.create(syncAll);
    assert.equal(attrs.saveCheckpointSyncTimeTotalSec, 20);
    assert.equal(attrs.saveCheckpointSyncTimeMinSec, 8);
    assert.equal(attrs.saveCheckpointSyncTimeMaxSec, 12);
  });
});

describe('TrainingTelemetryAttributes (spec §10 item 16)', () => {
  test('the perf tag may be a list; custom metadata is flattened', () => {
    const attrs = TrainingTelemetryAttributes.create({
      ...telemetryRequired,
      perfTag: ['tag1', 'tag2'],
      customMetadata: { k: 'v', n: 2, b: true },
    });
    assert.deepEqual(attrs.perfTag, ['tag1', 'tag2']);
    assert.deepEqual(attrs.customMetadata, ['k:v', 'n:2', 'b:True']);
  });

  test('every optional getter is undefined when unset', () => {
    const attrs = TrainingTelemetryAttributes.create(telemetryRequired);
    assert.equal(attrs.perfTag, 'test_perf');
    assert.equal(attrs.globalBatchSize, 32);
    assert.equal(attrs.logEveryNTrainIterations, 10);
    for (const getter of [
      'microBatchSize',
      'seqLength',
      'flopsPerSample',
      'trainIterationsTarget',
      'trainSamplesTarget',
      'checkpointStrategy',
      'isTrainIterationsEnabled',
      'isValidationIterationsEnabled',
      'isTestIterationsEnabled',
      'isSaveCheckpointEnabled',
      'isLogThroughputEnabled',
      'customMetadata',
    ] as const) {
      assert.equal(attrs[getter], undefined, getter);
    }
    assert.deepEqual(keysOf(attrs), ['perf_tag', 'global_batch_size', 'log_every_n_train_iterations']);
  });

  test('all values round-trip', () => {
    const attrs = TrainingTelemetryAttributes.create(telemetryAll);
    assert.equal(attrs.microBatchSize, 4);
    assert.equal(attrs.seqLength, 1024);
    assert.equal(attrs.flopsPerSample, 100);
    assert.equal(attrs.trainIterationsTarget, 1000);
    assert.equal(attrs.trainSamplesTarget, 32000);
    assert.equal(attrs.checkpointStrategy, 'async');
    assert.equal(attrs.isTrainIterationsEnabled, true);
    assert.equal(attrs.isValidationIterationsEnabled, true);
    assert.equal(attrs.isTestIterationsEnabled, false);
    assert.equal(attrs.isSaveCheckpointEnabled, true);
    assert.equal(attrs.isLogThroughputEnabled, true);
    assert.deepEqual(attrs.customMetadata, ['team:nlp']);
  });

  test('the strategy is stored even when save tracking is disabled', () => {
    const attrs = TrainingTelemetryAttributes.create({
      ...telemetryRequired,
      checkpointStrategy: CheckpointStrategy.SYNC,
      isSaveCheckpointEnabled: false,
    });
    assert.equal(attrs.checkpointStrategy, 'sync');
    assert.equal(attrs.isSaveCheckpointEnabled, false);
  });

  test('null required values give the reference messages', () => {
    assertOneLoggerError(
      () => createLoose(TrainingTelemetryAttributes.create, { ...telemetryRequired, perfTag: null }),
      'perf_tag is required.',
    );
    assertOneLoggerError(
      () => createLoose(TrainingTelemetryAttributes.create, { ...telemetryRequired, globalBatchSize: null }),
      'global_batch_size is required.',
    );
    assertOneLoggerError(
      () => createLoose(TrainingTelemetryAttributes.create, { ...telemetryRequired, logEveryNTrainIterations: null }),
      'log_every_n_train_iterations is required.',
    );
  });

  test('a perf tag that is neither a string nor a list of strings is rejected', () => {
    assertOneLoggerError(
      () => createLoose(TrainingTelemetryAttributes.create, { ...telemetryRequired, perfTag: [1, 2] }),
      'Attribute perf_tag must be a string or a list of strings. Got [1, 2].',
    );
  });

  test('the app type is never written', () => {
    assert.ok(!keysOf(TrainingTelemetryAttributes.create(telemetryAll)).includes('app_type'));
  });
});

describe('TrainingTelemetryAttributes.fromConfig (spec §9.2 record 3)', () => {
  test('the reference scenario config gives exactly the keys and values of record 3', () => {
    const config = new TrainingTelemetryConfig({
      perfTag: 'demo_perf',
      globalBatchSize: 8,
      logEveryNTrainIterations: 2,
      seqLength: 128,
      flopsPerSample: 1000,
      isLogThroughputEnabled: true,
      trainIterationsTarget: 3,
      trainSamplesTarget: 24,
    });
    const attrs = TrainingTelemetryAttributes.fromConfig(config);
    assert.ok(attrs instanceof TrainingTelemetryAttributes);
    // Record 3 without the `timestamp_msec` the event appends.
    assert.equal(
      JSON.stringify(attrs),
      '{"perf_tag":"demo_perf","global_batch_size":8,"log_every_n_train_iterations":2,"seq_length":128,"flops_per_sample":1000,' +
        '"train_iterations_target":3,"train_samples_target":24,"checkpoint_strategy":"sync","is_train_iterations_enabled":true,' +
        '"is_validation_iterations_enabled":true,"is_test_iterations_enabled":true,"is_save_checkpoint_enabled":true,' +
        '"is_log_throughput_enabled":true}',
    );
  });

  test('a default config reports every flag (spec §10 item 64)', () => {
    const attrs = TrainingTelemetryAttributes.fromConfig(new TrainingTelemetryConfig({ perfTag: 'p', globalBatchSize: 32 }));
    assert.deepEqual(attrs.toJSON(), {
      perf_tag: 'p',
      global_batch_size: 32,
      log_every_n_train_iterations: 50,
      checkpoint_strategy: 'sync',
      is_train_iterations_enabled: true,
      is_validation_iterations_enabled: true,
      is_test_iterations_enabled: true,
      is_save_checkpoint_enabled: true,
      is_log_throughput_enabled: false,
    });
    assert.deepEqual(keysOf(attrs), [
      'perf_tag',
      'global_batch_size',
      'log_every_n_train_iterations',
      'checkpoint_strategy',
      'is_train_iterations_enabled',
      'is_validation_iterations_enabled',
      'is_test_iterations_enabled',
      'is_save_checkpoint_enabled',
      'is_log_throughput_enabled',
    ]);
  });

  test('micro batch size and custom metadata land in their table positions; functions are evaluated now', () => {
    let gbs = 16;
    const config = new TrainingTelemetryConfig({
      perfTag: () => ['a', 'b'],
      globalBatchSize: () => gbs,
      microBatchSize: 2,
      saveCheckpointStrategy: 'async',
      isSaveCheckpointEnabled: () => false,
      customMetadata: { run: 7, tags: ['x'] },
    });
    gbs = 64;
    const attrs = TrainingTelemetryAttributes.fromConfig(config);
    assert.deepEqual(keysOf(attrs), [
      'perf_tag',
      'global_batch_size',
      'log_every_n_train_iterations',
      'micro_batch_size',
      'checkpoint_strategy',
      'is_train_iterations_enabled',
      'is_validation_iterations_enabled',
      'is_test_iterations_enabled',
      'is_save_checkpoint_enabled',
      'is_log_throughput_enabled',
      'custom_metadata',
    ]);
    assert.deepEqual(attrs.perfTag, ['a', 'b']);
    assert.equal(attrs.globalBatchSize, 64);
    assert.equal(attrs.checkpointStrategy, 'async');
    assert.equal(attrs.isSaveCheckpointEnabled, false);
    assert.deepEqual(attrs.customMetadata, ['run:7', "tags:['x']"]);
  });
});
