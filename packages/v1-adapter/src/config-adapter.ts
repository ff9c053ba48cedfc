// v1 configuration dictionaries (the snake_case keys of v1 config files) converted to the v2 configuration.
import {
  type AttributeValue,
  ConfigError,
  ErrorHandlingStrategy,
  OneLoggerConfig,
  type ValueOrFn,
  validateAttribute,
} from '@nv-one-logger/core';
import { CheckpointStrategy, type TrainingBaseConfigInput, TrainingTelemetryConfig } from '@nv-one-logger/training-telemetry';

/** Metadata of a v1 config: attribute values by name, or a function returning them (called once, at conversion). */
export type V1Metadata = Readonly<Record<string, AttributeValue>> | (() => Readonly<Record<string, AttributeValue>>);

/**
 * A v1 configuration dictionary, keys exactly as v1 config files spell them. `null` on an optional key means
 * "not set" (v1 files write `None`/`null` for unset values). Keys marked "accepted, no v2 meaning" are v1 keys
 * the adapter knows and leaves out on purpose.
 */
export interface V1Config {
  /** → `applicationName`; also the W&B project. Required. */
  one_logger_project: string;
  /** → `worldSize`. Required. */
  world_size: ValueOrFn<number>;
  /** → `sessionTag`. Required. */
  app_tag_run_name: ValueOrFn<string>;
  /** → `perfTag`. Required. */
  app_tag: ValueOrFn<string | string[]>;
  /** → `globalBatchSize`. Required unless `batch_size` is given. */
  global_batch_size?: ValueOrFn<number>;
  /** The older v1 name of the global batch size; used when `global_batch_size` is absent. */
  batch_size?: ValueOrFn<number> | null;
  /** → `isTrainIterationsEnabled`. Required. */
  is_train_iterations_enabled: ValueOrFn<boolean>;
  /** → `isValidationIterationsEnabled`. Required. */
  is_validation_iterations_enabled: ValueOrFn<boolean>;
  /** → `isBaselineRun`. Default false. */
  is_baseline_run?: ValueOrFn<boolean> | null;
  /** → `enableForCurrentRank`. Default false (as in v1). */
  enable_for_current_rank?: boolean | null;
  /** true → `disable_quietly_and_report_metric_error`, otherwise `propagate_exceptions`. */
  quiet?: boolean | null;
  /** → `customMetadata` of the core and the training config, plus `app_tag_run_version`. */
  metadata?: V1Metadata | null;
  /** Stored in the metadata as `app_tag_run_version`. Default `"1.0.0"`. */
  app_tag_run_version?: string | null;
  /** → `summaryDataSchemaVersion`. Default `"1.0.0"`. */
  summary_data_schema_version?: string | null;
  /** → `logEveryNTrainIterations`. Default 50. */
  log_every_n_train_iterations?: number | null;
  /** `"sync"` or `"async"` → `saveCheckpointStrategy`. Default `"sync"`. */
  save_checkpoint_strategy?: 'sync' | 'async' | null;
  micro_batch_size?: ValueOrFn<number> | null;
  /** → `seqLength` (tokens per sample; the update-config row reports it as `model_seq_length`). */
  seq_length?: ValueOrFn<number> | null;
  flops_per_sample?: ValueOrFn<number> | null;
  train_iterations_target?: ValueOrFn<number> | null;
  train_samples_target?: ValueOrFn<number> | null;
  /** Default true. */
  is_test_iterations_enabled?: ValueOrFn<boolean> | null;
  /** Default true. */
  is_save_checkpoint_enabled?: ValueOrFn<boolean> | null;
  /** Default: true when `flops_per_sample` is given (v1's default was true), false otherwise. */
  is_log_throughput_enabled?: ValueOrFn<boolean> | null;
  /** Not part of the v2 config: picks the async W&B exporter in `configureV2Adapter`. Default false. */
  one_logger_async?: boolean | null;
  /** Not part of the v2 config: the W&B run name in `configureV2Adapter`. Default `<project>-run-<uuid>`. */
  one_logger_run_name?: string | null;
  /** Accepted, no v2 meaning (the adapter always reports `app_run_type: "training"`). */
  app_run_type?: unknown;
  /** Accepted, no v2 meaning (the adapter always reports `"full"`). */
  app_metrics_feature_tags?: unknown;
  /** Accepted, no v2 meaning (the start time is the application span's). */
  app_start_time?: unknown;
  /** Accepted, no v2 meaning (v1's distributed barrier switch). */
  barrier?: unknown;
}

/** The v2 configuration in input form (for `TrainingTelemetryProvider.withBaseConfig`), training config validated. */
export interface V2ConfigInput extends TrainingBaseConfigInput {
  telemetryConfig: TrainingTelemetryConfig;
}

type Kind = 'name' | 'int' | 'str' | 'bool' | 'perfTag' | 'plainBool' | 'plainInt' | 'plainStr' | 'strategy' | 'metadata' | 'ignored';

/** [v1 key, kind, required] — the keys a v1 config may hold. */
const KEYS: readonly (readonly [string, Kind, boolean])[] = [
  ['one_logger_project', 'name', true],
  ['world_size', 'int', true],
  ['app_tag_run_name', 'str', true],
  ['app_tag', 'perfTag', true],
  ['global_batch_size', 'int', false],
  ['batch_size', 'int', false],
  ['is_train_iterations_enabled', 'bool', true],
  ['is_validation_iterations_enabled', 'bool', true],
  ['is_baseline_run', 'bool', false],
  ['enable_for_current_rank', 'plainBool', false],
  ['quiet', 'plainBool', false],
  ['metadata', 'metadata', false],
  ['app_tag_run_version', 'plainStr', false],
  ['summary_data_schema_version', 'plainStr', false],
  ['log_every_n_train_iterations', 'plainInt', false],
  ['save_checkpoint_strategy', 'strategy', false],
  ['micro_batch_size', 'int', false],
  ['seq_length', 'int', false],
  ['flops_per_sample', 'int', false],
  ['train_iterations_target', 'int', false],
  ['train_samples_target', 'int', false],
  ['is_test_iterations_enabled', 'bool', false],
  ['is_save_checkpoint_enabled', 'bool', false],
  ['is_log_throughput_enabled', 'bool', false],
  ['one_logger_async', 'plainBool', false],
  ['one_logger_run_name', 'plainStr', false],
  ['app_run_type', 'ignored', false],
  ['app_metrics_feature_tags', 'ignored', false],
  ['app_start_time', 'ignored', false],
  ['barrier', 'ignored', false],
];
const KIND = new Map(KEYS.map(([key, kind]) => [key, kind]));
const KNOWN = KEYS.map(([key]) => key);

/** The keys of the v1 initialization row; custom metadata must not reuse them (they would overwrite each other). */
export const INIT_ROW_KEYS: readonly string[] = [
  'app_tag_run_name',
  'world_size',
  'summary_data_schema_version',
  'app_metrics_feature_tags',
  'is_baseline_run',
];

const DEFAULT_APP_TAG_RUN_VERSION = '1.0.0';
const PREFIX = 'v1Config';

const RULES: Record<Exclude<Kind, 'ignored'>, readonly [(v: unknown) => boolean, string]> = {
  name: [(v) => typeof v === 'string' && v.trim() !== '', 'must be a non-empty string'],
  int: [(v) => typeof v === 'function' || (typeof v === 'number' && Number.isInteger(v)), 'must be an integer or a function returning one'],
  str: [(v) => typeof v === 'function' || typeof v === 'string', 'must be a string or a function returning one'],
  bool: [(v) => typeof v === 'function' || typeof v === 'boolean', 'must be a boolean or a function returning one'],
  perfTag: [
    (v) => typeof v === 'function' || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
    'must be a string, an array of strings or a function returning one',
  ],
  plainBool: [(v) => typeof v === 'boolean', 'must be true or false'],
  plainInt: [(v) => typeof v === 'number' && Number.isInteger(v), 'must be an integer'],
  plainStr: [(v) => typeof v === 'string' && v.trim() !== '', 'must be a non-empty string'],
  strategy: [
    (v) => v === CheckpointStrategy.SYNC || v === CheckpointStrategy.ASYNC,
    "Unsupported checkpoint strategy. Must be 'sync' or 'async'",
  ],
  metadata: [(v) => typeof v === 'function' || isPlainObject(v), 'must be an object of attribute values or a function returning one'],
};

// v2 fields (as ConfigError names them) back to the v1 key that set them, so every message names the user's key.
const V2_FIELD_TO_V1: Readonly<Record<string, string>> = {
  'OneLoggerConfig.applicationName': 'one_logger_project',
  'OneLoggerConfig.worldSize': 'world_size',
  'OneLoggerConfig.sessionTag': 'app_tag_run_name',
  'OneLoggerConfig.isBaselineRun': 'is_baseline_run',
  'OneLoggerConfig.enableForCurrentRank': 'enable_for_current_rank',
  'OneLoggerConfig.summaryDataSchemaVersion': 'summary_data_schema_version',
  'OneLoggerConfig.customMetadata': 'metadata',
  'TrainingTelemetryConfig.perfTag': 'app_tag',
  'TrainingTelemetryConfig.globalBatchSize': 'global_batch_size',
  'TrainingTelemetryConfig.microBatchSize': 'micro_batch_size',
  'TrainingTelemetryConfig.seqLength': 'seq_length',
  'TrainingTelemetryConfig.flopsPerSample': 'flops_per_sample',
  'TrainingTelemetryConfig.trainIterationsTarget': 'train_iterations_target',
  'TrainingTelemetryConfig.trainSamplesTarget': 'train_samples_target',
  'TrainingTelemetryConfig.logEveryNTrainIterations': 'log_every_n_train_iterations',
  'TrainingTelemetryConfig.isLogThroughputEnabled': 'is_log_throughput_enabled',
  'TrainingTelemetryConfig.isTrainIterationsEnabled': 'is_train_iterations_enabled',
  'TrainingTelemetryConfig.isValidationIterationsEnabled': 'is_validation_iterations_enabled',
  'TrainingTelemetryConfig.isTestIterationsEnabled': 'is_test_iterations_enabled',
  'TrainingTelemetryConfig.isSaveCheckpointEnabled': 'is_save_checkpoint_enabled',
  'TrainingTelemetryConfig.saveCheckpointStrategy': 'save_checkpoint_strategy',
  'TrainingTelemetryConfig.customMetadata': 'metadata',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function unknownKeyRule(key: string): string {
  // A camelCase spelling of a v1 key (`oneLoggerProject`) points at the snake_case one.
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (snake !== key && KIND.has(snake)) return `is not a v1 config key (did you mean ${snake}?)`;
  return `is not a v1 config key (known: ${KNOWN.join(', ')})`;
}

/** A v2 ConfigError renamed to the v1 key that produced the value (the rule and value are kept). */
function asV1Error(e: unknown, batchSizeKey: string): unknown {
  if (!(e instanceof ConfigError)) return e;
  for (const [v2, v1] of Object.entries(V2_FIELD_TO_V1)) {
    if (e.field !== v2 && !e.field.startsWith(`${v2}.`)) continue;
    const key = v1 === 'global_batch_size' ? batchSizeKey : v1;
    const error = new ConfigError(`${PREFIX}.${key}${e.field.slice(v2.length)}`, e.value, e.rule);
    Object.defineProperty(error, 'cause', { value: e, configurable: true, writable: true });
    return error;
  }
  return e;
}

/** Checks every key of `v1` (unknown keys, required keys, types); returns the given, non-null values. */
function checkKeys(v1: unknown): Map<string, unknown> {
  if (!isPlainObject(v1)) throw new ConfigError(PREFIX, v1, 'must be a plain object of v1 config keys');
  for (const key of Object.keys(v1)) {
    if (!KIND.has(key)) throw new ConfigError(`${PREFIX}.${key}`, v1[key], unknownKeyRule(key));
  }
  const given = new Map<string, unknown>();
  for (const [key, kind, required] of KEYS) {
    const value = v1[key];
    if (value === undefined || value === null) {
      if (required) throw new ConfigError(`${PREFIX}.${key}`, value, 'is required');
      continue;
    }
    if (kind !== 'ignored') {
      const [accepts, rule] = RULES[kind];
      if (!accepts(value)) throw new ConfigError(`${PREFIX}.${key}`, value, rule);
    }
    given.set(key, value);
  }
  return given;
}

/** The global batch size and the key it came from (`global_batch_size`, or v1's older `batch_size`). */
function globalBatchSizeOf(given: Map<string, unknown>): [ValueOrFn<number>, string] {
  const gbs = given.get('global_batch_size');
  const bs = given.get('batch_size');
  if (gbs === undefined && bs === undefined) {
    throw new ConfigError(`${PREFIX}.global_batch_size`, undefined, 'is required (or its older v1 name batch_size)');
  }
  if (gbs !== undefined && bs !== undefined && gbs !== bs) {
    throw new ConfigError(`${PREFIX}.batch_size`, bs, `must equal global_batch_size (${String(gbs)}) when both are given`);
  }
  return gbs !== undefined ? [gbs as ValueOrFn<number>, 'global_batch_size'] : [bs as ValueOrFn<number>, 'batch_size'];
}

/** A fresh metadata object (the caller's is never changed) with `app_tag_run_version` added. */
function metadataOf(given: Map<string, unknown>): Record<string, AttributeValue> {
  let source: unknown = given.get('metadata') ?? {};
  if (typeof source === 'function') {
    try {
      source = (source as () => unknown)();
    } catch (e) {
      throw new ConfigError(`${PREFIX}.metadata`, source, `the function threw: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!isPlainObject(source))
      throw new ConfigError(`${PREFIX}.metadata`, source, 'the function must return an object of attribute values');
  }
  const meta = { ...(source as Record<string, AttributeValue>) };
  for (const [key, value] of Object.entries(meta)) {
    try {
      validateAttribute(key, value);
    } catch {
      throw new ConfigError(
        `${PREFIX}.metadata.${key}`,
        value,
        'must be a string, a finite number, a boolean or a homogeneous array of those',
      );
    }
  }
  for (const key of INIT_ROW_KEYS) {
    if (Object.hasOwn(meta, key)) {
      throw new ConfigError(`${PREFIX}.metadata.${key}`, meta[key], 'collides with the v1 key of the same name in the initialization row');
    }
  }
  const version = given.get('app_tag_run_version') as string | undefined;
  const inMeta = meta.app_tag_run_version;
  if (version !== undefined && inMeta !== undefined && inMeta !== version) {
    throw new ConfigError(
      `${PREFIX}.metadata.app_tag_run_version`,
      inMeta,
      `must equal app_tag_run_version (${JSON.stringify(version)}) when both are given`,
    );
  }
  if (inMeta === undefined) meta.app_tag_run_version = version ?? DEFAULT_APP_TAG_RUN_VERSION;
  return meta;
}

function convertToV2ConfigInput(v1Config: V1Config | Readonly<Record<string, unknown>>): V2ConfigInput {
  const given = checkKeys(v1Config);
  const [globalBatchSize, batchSizeKey] = globalBatchSizeOf(given);
  const metadata = metadataOf(given);
  const get = <T>(key: string): T | undefined => given.get(key) as T | undefined;
  const optional = <T>(key: string, field: string): Record<string, T> => (given.has(key) ? { [field]: get<T>(key) as T } : {});
  try {
    const telemetryConfig = new TrainingTelemetryConfig({
      perfTag: get<ValueOrFn<string | string[]>>('app_tag') as ValueOrFn<string | string[]>,
      globalBatchSize,
      ...optional<ValueOrFn<number>>('micro_batch_size', 'microBatchSize'),
      ...optional<ValueOrFn<number>>('seq_length', 'seqLength'),
      ...optional<ValueOrFn<number>>('flops_per_sample', 'flopsPerSample'),
      ...optional<ValueOrFn<number>>('train_iterations_target', 'trainIterationsTarget'),
      ...optional<ValueOrFn<number>>('train_samples_target', 'trainSamplesTarget'),
      logEveryNTrainIterations: get<number>('log_every_n_train_iterations') ?? 50,
      // v1 logged throughput by default; v2 needs flops_per_sample for it, so the default follows that key.
      isLogThroughputEnabled: get<ValueOrFn<boolean>>('is_log_throughput_enabled') ?? given.has('flops_per_sample'),
      isTrainIterationsEnabled: get<ValueOrFn<boolean>>('is_train_iterations_enabled') as ValueOrFn<boolean>,
      isValidationIterationsEnabled: get<ValueOrFn<boolean>>('is_validation_iterations_enabled') as ValueOrFn<boolean>,
      isTestIterationsEnabled: get<ValueOrFn<boolean>>('is_test_iterations_enabled') ?? true,
      isSaveCheckpointEnabled: get<ValueOrFn<boolean>>('is_save_checkpoint_enabled') ?? true,
      saveCheckpointStrategy: get<CheckpointStrategy>('save_checkpoint_strategy') ?? CheckpointStrategy.SYNC,
      customMetadata: metadata,
    });
    const input: V2ConfigInput = {
      applicationName: get<string>('one_logger_project') as string,
      worldSize: get<ValueOrFn<number>>('world_size') as ValueOrFn<number>,
      sessionTag: get<ValueOrFn<string>>('app_tag_run_name') as ValueOrFn<string>,
      isBaselineRun: get<ValueOrFn<boolean>>('is_baseline_run') ?? false,
      customMetadata: metadata,
      errorHandlingStrategy:
        get<boolean>('quiet') === true
          ? ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR
          : ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS,
      enableForCurrentRank: get<boolean>('enable_for_current_rank') ?? false,
      ...optional<string>('summary_data_schema_version', 'summaryDataSchemaVersion'),
      telemetryConfig,
    };
    // Validates the core part now, so a bad value is reported against its v1 key here and not at configure time.
    new OneLoggerConfig(input);
    return input;
  } catch (e) {
    throw asV1Error(e, batchSizeKey);
  }
}

/**
 * Converts v1 configuration dictionaries. Every error is a `ConfigError` whose field is `v1Config.<v1 key>`
 * (missing required keys, wrong types, unknown keys, values the v2 rules reject).
 */
export const ConfigAdapter = {
  /** The validated v2 configuration (its `telemetryConfig` is the training config). */
  convertToV2Config(v1Config: V1Config | Readonly<Record<string, unknown>>): OneLoggerConfig {
    return new OneLoggerConfig(convertToV2ConfigInput(v1Config));
  },
  /** The same configuration in input form, as `TrainingTelemetryProvider.withBaseConfig` takes it. */
  convertToV2ConfigInput,
} as const;
