import { Attributes, type AttributeValue, finiteNumberJson, flatString, OneLoggerError } from '@nv-one-logger/core';
import type { TrainingTelemetryConfig } from './config.js';
import { CheckpointStrategy } from './names.js';

// Attribute sets of the training layer (spec/training.md §5.3). Each `create()` writes the snake_case keys in the
// order of the reference, rejects missing required values with `<key> is required.` and leaves out non-finite numbers
// (records never carry NaN/Infinity, DESIGN §4).

type Kind = 'int' | 'float' | 'str' | 'bool' | 'strategy' | 'perfTag' | 'metadata';
/** [wire key, create() field, kind, required] */
type Row = readonly [key: string, field: string, kind: Kind, required: boolean];

const STRATEGIES: ReadonlySet<string> = new Set<string>(Object.values(CheckpointStrategy));

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value !== null && typeof value === 'object') return 'object';
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A string as Python's `repr()` shows it inside a list (`'a'`, or `"it's"` when it holds a single quote only). */
function pythonRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** A value as Python's `str()` renders it: `True`/`False`, lists as `[1, 2]` / `['a', 'b']`. */
function pythonStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? pythonRepr(v) : pythonStr(v))).join(', ')}]`;
  if (value === null || value === undefined) return 'None';
  return String(value);
}

/** Flattens custom metadata to `["<key>:<value>", ...]` in key order, as the reference does (`f"{k}:{v}"`). */
export function flattenCustomMetadata(meta: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(meta).map((key) => `${key}:${pythonStr(meta[key])}`);
}

function convert(key: string, kind: Kind, value: unknown): AttributeValue {
  switch (kind) {
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw new OneLoggerError(`Attribute ${key} must be an integer. Got ${show(value)}.`);
    case 'float':
      if (typeof value === 'number') return value;
      throw new OneLoggerError(`Attribute ${key} must be a float. Got ${show(value)}.`);
    case 'str':
      if (typeof value === 'string') return value;
      throw new OneLoggerError(`Attribute ${key} must be a string. Got ${show(value)}.`);
    case 'bool':
      if (typeof value === 'boolean') return value;
      throw new OneLoggerError(`Attribute ${key} must be a boolean. Got ${show(value)}.`);
    case 'strategy':
      if (typeof value === 'string' && STRATEGIES.has(value)) return value;
      throw new OneLoggerError(`Attribute ${key} must be one of ${[...STRATEGIES].join(', ')}. Got ${show(value)}.`);
    case 'perfTag':
      if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) return value as AttributeValue;
      throw new OneLoggerError(`Attribute ${key} must be a string or a list of strings. Got ${show(value)}.`);
    case 'metadata':
      if (isPlainObject(value)) return flattenCustomMetadata(value);
      throw new OneLoggerError(`Attribute ${key} must be given as an object. Got ${show(value)}.`);
  }
}

/**
 * The value `create()` stores for `row` given `value`, or undefined when the attribute is left out (absent or a
 * non-finite number); throws for a missing required value or a value of the wrong kind.
 */
function checkedValue(row: Row, value: unknown): AttributeValue | undefined {
  if (value === undefined || value === null) {
    if (row[3]) throw new OneLoggerError(`${row[0]} is required.`);
    return undefined;
  }
  // DESIGN §4 / W7: a non-finite metric is left out rather than written as invalid JSON.
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  return convert(row[0], row[2], value);
}

function fieldsOf(fields: unknown, className: string): Record<string, unknown> {
  if (fields === null || typeof fields !== 'object') {
    throw new OneLoggerError(`${className}.create expects an object of fields. Got ${show(fields)}.`);
  }
  return fields as Record<string, unknown>;
}

// The loops below index the rows rather than destructure them: destructuring goes through the iterator protocol,
// which code that runs once per training update pays in full inside a TF.js fit (bench/tfjs-cases.mjs
// recorder_in_fit: ~4 µs of a ~40 µs create()).

/** Writes `fields` into `target` following `rows` (which fixes the key order). */
function fill<T extends Attributes>(target: T, rows: readonly Row[], fields: unknown, className: string): T {
  const source = fieldsOf(fields, className);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const value = checkedValue(row, source[row[1]]);
    if (value === undefined) continue;
    // A primitive that passed the check (a finite number, a string, a boolean) is stored as it is, as `add` would
    // store it; arrays and objects go through `add` for their frozen copy.
    if (typeof value !== 'object') target.map.set(row[0], value);
    else target.add(row[0], value);
  }
  return target;
}

/** Rows whose values are numbers, with their keys as JSON fragments: `{"key":` first, `,"key":` after another. */
interface NumericJsonRows {
  readonly rows: readonly Row[];
  readonly first: readonly string[];
  readonly next: readonly string[];
}

function numericJsonRows(rows: readonly Row[]): NumericJsonRows {
  for (const row of rows) if (row[2] !== 'int' && row[2] !== 'float') throw new Error(`${row[0]} is not numeric`);
  return {
    rows,
    first: rows.map((row) => flatString(`{"${row[0]}":`)),
    next: rows.map((row) => flatString(`,"${row[0]}":`)),
  };
}

/**
 * The JSON object text of the collection `fill` would build from `fields`, with `timestamp_msec` last (the event
 * record's attributes), for `Event.ofAttributesJson`: same checks, same errors, same bytes in the record.
 */
function fillJson(json: NumericJsonRows, fields: unknown, className: string, timestampMsec: number): string {
  const source = fieldsOf(fields, className);
  const rows = json.rows;
  let out = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const value = checkedValue(row, source[row[1]]);
    if (value === undefined) continue;
    out += out === '' ? json.first[r] : json.next[r];
    out += finiteNumberJson(value as number);
  }
  return out === '' ? `{"timestamp_msec":${timestampMsec}}` : `${out},"timestamp_msec":${timestampMsec}}`;
}

function req<T>(key: string, value: T | undefined): T {
  if (value === undefined) throw new OneLoggerError(`${key} is required.`);
  return value;
}

function strategyOf(attrs: Attributes, key: string): CheckpointStrategy | undefined {
  const value = attrs.getStrValue(key);
  if (value === undefined || STRATEGIES.has(value)) return value as CheckpointStrategy | undefined;
  throw new OneLoggerError(`Attribute ${key} must be one of ${[...STRATEGIES].join(', ')}. Got ${show(value)}.`);
}

function stringListOf(attrs: Attributes, key: string): readonly string[] | undefined {
  const value = attrs.getValue(key);
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as readonly string[];
  throw new OneLoggerError(`Attribute ${key} must be a list of strings. Got ${show(value)}.`);
}

// ------------------------------------------------------------------------------------------------------------------
// Span attributes
// ------------------------------------------------------------------------------------------------------------------

export interface TrainingLoopAttributesFields {
  trainIterationsStart: number;
  trainSamplesStart: number;
  trainTokensTarget?: number | undefined;
  completedFloatingPointOperationsOverall?: number | undefined;
  trainIterationsTarget?: number | undefined;
  trainSamplesTarget?: number | undefined;
}

const TRAINING_LOOP_ROWS: readonly Row[] = [
  ['train_iterations_start', 'trainIterationsStart', 'int', true],
  ['train_samples_start', 'trainSamplesStart', 'int', true],
  ['train_tokens_target', 'trainTokensTarget', 'int', false],
  ['completed_floating_point_operations_overall', 'completedFloatingPointOperationsOverall', 'int', false],
  ['train_iterations_target', 'trainIterationsTarget', 'int', false],
  ['train_samples_target', 'trainSamplesTarget', 'int', false],
];

/** Initial attributes of the `training_loop` span. */
export class TrainingLoopAttributes extends Attributes {
  static create(fields: TrainingLoopAttributesFields): TrainingLoopAttributes {
    // The reference checks both starts in on_train_start with these messages; a negative start is a caller bug.
    for (const [key, field] of [
      ['train_iterations_start', 'trainIterationsStart'],
      ['train_samples_start', 'trainSamplesStart'],
    ] as const) {
      const value: unknown = fields?.[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new OneLoggerError(`Invalid value for ${key} in TrainingLoopAttributes object: ${show(value)}`);
      }
    }
    return fill(new TrainingLoopAttributes(), TRAINING_LOOP_ROWS, fields, 'TrainingLoopAttributes');
  }

  get trainIterationsStart(): number {
    return req('train_iterations_start', this.getIntValue('train_iterations_start'));
  }

  get trainSamplesStart(): number {
    return req('train_samples_start', this.getIntValue('train_samples_start'));
  }

  get trainTokensTarget(): number | undefined {
    return this.getIntValue('train_tokens_target');
  }

  get completedFloatingPointOperationsOverall(): number | undefined {
    return this.getIntValue('completed_floating_point_operations_overall');
  }

  get trainIterationsTarget(): number | undefined {
    return this.getIntValue('train_iterations_target');
  }

  get trainSamplesTarget(): number | undefined {
    return this.getIntValue('train_samples_target');
  }
}

export interface CheckpointSaveSpanAttributesFields {
  checkpointStrategy: CheckpointStrategy;
  currentIteration: number;
  saveCheckpointAttemptCount: number;
}

const CHECKPOINT_SAVE_SPAN_ROWS: readonly Row[] = [
  ['checkpoint_strategy', 'checkpointStrategy', 'strategy', true],
  ['current_iteration', 'currentIteration', 'int', true],
  ['save_checkpoint_attempt_count', 'saveCheckpointAttemptCount', 'int', true],
];

/** Initial attributes of the `checkpoint_save_sync` / `checkpoint_save_async` spans. */
export class CheckpointSaveSpanAttributes extends Attributes {
  static create(fields: CheckpointSaveSpanAttributesFields): CheckpointSaveSpanAttributes {
    return fill(new CheckpointSaveSpanAttributes(), CHECKPOINT_SAVE_SPAN_ROWS, fields, 'CheckpointSaveSpanAttributes');
  }

  get checkpointStrategy(): CheckpointStrategy {
    return req('checkpoint_strategy', strategyOf(this, 'checkpoint_strategy'));
  }

  get currentIteration(): number {
    return req('current_iteration', this.getIntValue('current_iteration'));
  }

  get saveCheckpointAttemptCount(): number {
    return req('save_checkpoint_attempt_count', this.getIntValue('save_checkpoint_attempt_count'));
  }
}

// ------------------------------------------------------------------------------------------------------------------
// Event attributes
// ------------------------------------------------------------------------------------------------------------------

export interface OneLoggerInitializationAttributesFields {
  worldSize: number;
  oneLoggerTrainingTelemetryVersion: string;
  enableForCurrentRank: boolean;
  sessionTag: string;
  isBaselineRun: boolean;
  summaryDataSchemaVersion: string;
  nodeName: string;
  rank: number;
  /** Flattened to `["<key>:<value>", ...]`. */
  customMetadata?: Readonly<Record<string, AttributeValue>> | undefined;
  /** The core config's `applicationName` (additive key, written after the reference's keys). */
  applicationName?: string | undefined;
}

const ONE_LOGGER_INITIALIZATION_ROWS: readonly Row[] = [
  ['world_size', 'worldSize', 'int', true],
  ['one_logger_training_telemetry_version', 'oneLoggerTrainingTelemetryVersion', 'str', true],
  ['enable_for_current_rank', 'enableForCurrentRank', 'bool', true],
  ['session_tag', 'sessionTag', 'str', true],
  ['is_baseline_run', 'isBaselineRun', 'bool', true],
  ['summary_data_schema_version', 'summaryDataSchemaVersion', 'str', true],
  ['node_name', 'nodeName', 'str', true],
  ['rank', 'rank', 'int', true],
  ['custom_metadata', 'customMetadata', 'metadata', false],
  // Additive (not in the reference): after the reference's keys, so their order is unchanged.
  ['application_name', 'applicationName', 'str', false],
];

/** Attributes of the `one_logger_initialization` event. */
export class OneLoggerInitializationAttributes extends Attributes {
  static create(fields: OneLoggerInitializationAttributesFields): OneLoggerInitializationAttributes {
    return fill(new OneLoggerInitializationAttributes(), ONE_LOGGER_INITIALIZATION_ROWS, fields, 'OneLoggerInitializationAttributes');
  }

  get worldSize(): number {
    return req('world_size', this.getIntValue('world_size'));
  }

  get oneLoggerTrainingTelemetryVersion(): string {
    return req('one_logger_training_telemetry_version', this.getStrValue('one_logger_training_telemetry_version'));
  }

  get enableForCurrentRank(): boolean {
    return req('enable_for_current_rank', this.getBoolValue('enable_for_current_rank'));
  }

  get sessionTag(): string {
    return req('session_tag', this.getStrValue('session_tag'));
  }

  get isBaselineRun(): boolean {
    return req('is_baseline_run', this.getBoolValue('is_baseline_run'));
  }

  get summaryDataSchemaVersion(): string {
    return req('summary_data_schema_version', this.getStrValue('summary_data_schema_version'));
  }

  get nodeName(): string {
    return req('node_name', this.getStrValue('node_name'));
  }

  get rank(): number {
    return req('rank', this.getIntValue('rank'));
  }

  get customMetadata(): readonly string[] | undefined {
    return stringListOf(this, 'custom_metadata');
  }

  get applicationName(): string | undefined {
    return this.getStrValue('application_name');
  }
}

export interface TrainingTelemetryAttributesFields {
  perfTag: string | readonly string[];
  globalBatchSize: number;
  logEveryNTrainIterations: number;
  microBatchSize?: number | undefined;
  seqLength?: number | undefined;
  flopsPerSample?: number | undefined;
  trainIterationsTarget?: number | undefined;
  trainSamplesTarget?: number | undefined;
  checkpointStrategy?: CheckpointStrategy | undefined;
  isTrainIterationsEnabled?: boolean | undefined;
  isValidationIterationsEnabled?: boolean | undefined;
  isTestIterationsEnabled?: boolean | undefined;
  isSaveCheckpointEnabled?: boolean | undefined;
  isLogThroughputEnabled?: boolean | undefined;
  /** Flattened to `["<key>:<value>", ...]`. */
  customMetadata?: Readonly<Record<string, AttributeValue>> | undefined;
}

const TRAINING_TELEMETRY_ROWS: readonly Row[] = [
  ['perf_tag', 'perfTag', 'perfTag', true],
  ['global_batch_size', 'globalBatchSize', 'int', true],
  ['log_every_n_train_iterations', 'logEveryNTrainIterations', 'int', true],
  ['micro_batch_size', 'microBatchSize', 'int', false],
  ['seq_length', 'seqLength', 'int', false],
  ['flops_per_sample', 'flopsPerSample', 'int', false],
  ['train_iterations_target', 'trainIterationsTarget', 'int', false],
  ['train_samples_target', 'trainSamplesTarget', 'int', false],
  ['checkpoint_strategy', 'checkpointStrategy', 'strategy', false],
  ['is_train_iterations_enabled', 'isTrainIterationsEnabled', 'bool', false],
  ['is_validation_iterations_enabled', 'isValidationIterationsEnabled', 'bool', false],
  ['is_test_iterations_enabled', 'isTestIterationsEnabled', 'bool', false],
  ['is_save_checkpoint_enabled', 'isSaveCheckpointEnabled', 'bool', false],
  ['is_log_throughput_enabled', 'isLogThroughputEnabled', 'bool', false],
  ['custom_metadata', 'customMetadata', 'metadata', false],
];

/** Attributes of the `update_training_telemetry_config` event. */
export class TrainingTelemetryAttributes extends Attributes {
  static create(fields: TrainingTelemetryAttributesFields): TrainingTelemetryAttributes {
    return fill(new TrainingTelemetryAttributes(), TRAINING_TELEMETRY_ROWS, fields, 'TrainingTelemetryAttributes');
  }

  /** The event as the recorder emits it: every field of the config evaluated now, all flags present. */
  static fromConfig(config: TrainingTelemetryConfig): TrainingTelemetryAttributes {
    return TrainingTelemetryAttributes.create({
      perfTag: config.perfTag,
      globalBatchSize: config.globalBatchSize,
      logEveryNTrainIterations: config.logEveryNTrainIterations,
      microBatchSize: config.microBatchSize,
      seqLength: config.seqLength,
      flopsPerSample: config.flopsPerSample,
      trainIterationsTarget: config.trainIterationsTarget,
      trainSamplesTarget: config.trainSamplesTarget,
      checkpointStrategy: config.saveCheckpointStrategy,
      isTrainIterationsEnabled: config.isTrainIterationsEnabled,
      isValidationIterationsEnabled: config.isValidationIterationsEnabled,
      isTestIterationsEnabled: config.isTestIterationsEnabled,
      isSaveCheckpointEnabled: config.isSaveCheckpointEnabled,
      isLogThroughputEnabled: config.isLogThroughputEnabled,
      customMetadata: config.customMetadata,
    });
  }

  get perfTag(): string | readonly string[] {
    const value = req('perf_tag', this.getValue('perf_tag'));
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      return value as string | readonly string[];
    }
    throw new OneLoggerError(`Attribute perf_tag must be a string or a list of strings. Got ${show(value)}.`);
  }

  get globalBatchSize(): number {
    return req('global_batch_size', this.getIntValue('global_batch_size'));
  }

  get logEveryNTrainIterations(): number {
    return req('log_every_n_train_iterations', this.getIntValue('log_every_n_train_iterations'));
  }

  get microBatchSize(): number | undefined {
    return this.getIntValue('micro_batch_size');
  }

  get seqLength(): number | undefined {
    return this.getIntValue('seq_length');
  }

  get flopsPerSample(): number | undefined {
    return this.getIntValue('flops_per_sample');
  }

  get trainIterationsTarget(): number | undefined {
    return this.getIntValue('train_iterations_target');
  }

  get trainSamplesTarget(): number | undefined {
    return this.getIntValue('train_samples_target');
  }

  get checkpointStrategy(): CheckpointStrategy | undefined {
    return strategyOf(this, 'checkpoint_strategy');
  }

  get isTrainIterationsEnabled(): boolean | undefined {
    return this.getBoolValue('is_train_iterations_enabled');
  }

  get isValidationIterationsEnabled(): boolean | undefined {
    return this.getBoolValue('is_validation_iterations_enabled');
  }

  get isTestIterationsEnabled(): boolean | undefined {
    return this.getBoolValue('is_test_iterations_enabled');
  }

  get isSaveCheckpointEnabled(): boolean | undefined {
    return this.getBoolValue('is_save_checkpoint_enabled');
  }

  get isLogThroughputEnabled(): boolean | undefined {
    return this.getBoolValue('is_log_throughput_enabled');
  }

  get customMetadata(): readonly string[] | undefined {
    return stringListOf(this, 'custom_metadata');
  }
}

export interface TrainingMetricsUpdateAttributesFields {
  trainIterationsStart: number;
  currentIteration: number;
  numIterations: number;
  trainSamplesStart: number;
  numTrainSamples: number;
  interval: number;
  avgIterationTimeSec: number;
  minIterationTimeSec: number;
  maxIterationTimeSec: number;
  totalIterationTimeSec: number;
  avgForwardTimeSec?: number | undefined;
  avgBackwardTimeSec?: number | undefined;
  avgDataloaderTimeSec?: number | undefined;
  avgTflops?: number | undefined;
  trainTokens?: number | undefined;
  avgTokensPerSecond?: number | undefined;
  latestLoss?: number | undefined;
  avgBatchSize?: number | undefined;
  completedFloatingPointOperationsOverall?: number | undefined;
  totalFlops?: number | undefined;
  trainThroughputPerGpu?: number | undefined;
  trainThroughputPerGpuMax?: number | undefined;
  trainThroughputPerGpuMin?: number | undefined;
  firstLoggedTrainIterationsFinishTimestampSec?: number | undefined;
  lastLoggedTrainIterationsFinishTimestampSec?: number | undefined;
}

const TRAINING_METRICS_UPDATE_ROWS: readonly Row[] = [
  ['train_iterations_start', 'trainIterationsStart', 'int', true],
  ['current_iteration', 'currentIteration', 'int', true],
  ['num_iterations', 'numIterations', 'int', true],
  ['train_samples_start', 'trainSamplesStart', 'int', true],
  ['num_train_samples', 'numTrainSamples', 'int', true],
  ['interval', 'interval', 'int', true],
  ['avg_iteration_time_sec', 'avgIterationTimeSec', 'float', true],
  ['min_iteration_time_sec', 'minIterationTimeSec', 'float', true],
  ['max_iteration_time_sec', 'maxIterationTimeSec', 'float', true],
  ['total_iteration_time_sec', 'totalIterationTimeSec', 'float', true],
  ['avg_forward_time_sec', 'avgForwardTimeSec', 'float', false],
  ['avg_backward_time_sec', 'avgBackwardTimeSec', 'float', false],
  ['avg_dataloader_time_sec', 'avgDataloaderTimeSec', 'float', false],
  ['avg_tflops', 'avgTflops', 'float', false],
  ['train_tokens', 'trainTokens', 'int', false],
  ['avg_tokens_per_second', 'avgTokensPerSecond', 'float', false],
  ['latest_loss', 'latestLoss', 'float', false],
  ['avg_batch_size', 'avgBatchSize', 'int', false],
  ['completed_floating_point_operations_overall', 'completedFloatingPointOperationsOverall', 'int', false],
  ['total_flops', 'totalFlops', 'int', false],
  ['train_throughput_per_gpu', 'trainThroughputPerGpu', 'float', false],
  ['train_throughput_per_gpu_max', 'trainThroughputPerGpuMax', 'float', false],
  ['train_throughput_per_gpu_min', 'trainThroughputPerGpuMin', 'float', false],
  ['first_logged_train_iterations_finish_timestamp_sec', 'firstLoggedTrainIterationsFinishTimestampSec', 'float', false],
  ['last_logged_train_iterations_finish_timestamp_sec', 'lastLoggedTrainIterationsFinishTimestampSec', 'float', false],
];

const TRAINING_METRICS_UPDATE_JSON = numericJsonRows(TRAINING_METRICS_UPDATE_ROWS);

/** Attributes of the `training_metrics_update` event (cumulative statistics of the current job). */
export class TrainingMetricsUpdateAttributes extends Attributes {
  static create(fields: TrainingMetricsUpdateAttributesFields): TrainingMetricsUpdateAttributes {
    return fill(new TrainingMetricsUpdateAttributes(), TRAINING_METRICS_UPDATE_ROWS, fields, 'TrainingMetricsUpdateAttributes');
  }

  /**
   * The attributes `create(fields)` builds, with `timestamp_msec` last, as the JSON object text of the event's
   * record (same checks, same errors): the recorder's training update is made with `Event.ofAttributesJson`, so the
   * JSON exporters copy this text and the collection is built only if another exporter reads it. Building the
   * collection and then serialising it cost ~27 µs more per update inside a TF.js fit, where this runs between
   * kernels that evict the caches (bench/tfjs-cases.mjs recorder_in_fit_per_record, alternating runs).
   */
  static json(fields: TrainingMetricsUpdateAttributesFields, timestampMsec: number): string {
    return fillJson(TRAINING_METRICS_UPDATE_JSON, fields, 'TrainingMetricsUpdateAttributes', timestampMsec);
  }

  get trainIterationsStart(): number {
    return req('train_iterations_start', this.getIntValue('train_iterations_start'));
  }

  get currentIteration(): number {
    return req('current_iteration', this.getIntValue('current_iteration'));
  }

  get numIterations(): number {
    return req('num_iterations', this.getIntValue('num_iterations'));
  }

  get trainSamplesStart(): number {
    return req('train_samples_start', this.getIntValue('train_samples_start'));
  }

  get numTrainSamples(): number {
    return req('num_train_samples', this.getIntValue('num_train_samples'));
  }

  get interval(): number {
    return req('interval', this.getIntValue('interval'));
  }

  get avgIterationTimeSec(): number {
    return req('avg_iteration_time_sec', this.getFloatValue('avg_iteration_time_sec'));
  }

  get minIterationTimeSec(): number {
    return req('min_iteration_time_sec', this.getFloatValue('min_iteration_time_sec'));
  }

  get maxIterationTimeSec(): number {
    return req('max_iteration_time_sec', this.getFloatValue('max_iteration_time_sec'));
  }

  get totalIterationTimeSec(): number {
    return req('total_iteration_time_sec', this.getFloatValue('total_iteration_time_sec'));
  }

  get avgForwardTimeSec(): number | undefined {
    return this.getFloatValue('avg_forward_time_sec');
  }

  get avgBackwardTimeSec(): number | undefined {
    return this.getFloatValue('avg_backward_time_sec');
  }

  get avgDataloaderTimeSec(): number | undefined {
    return this.getFloatValue('avg_dataloader_time_sec');
  }

  get avgTflops(): number | undefined {
    return this.getFloatValue('avg_tflops');
  }

  get trainTokens(): number | undefined {
    return this.getIntValue('train_tokens');
  }

  get avgTokensPerSecond(): number | undefined {
    return this.getFloatValue('avg_tokens_per_second');
  }

  get latestLoss(): number | undefined {
    return this.getFloatValue('latest_loss');
  }

  get avgBatchSize(): number | undefined {
    return this.getIntValue('avg_batch_size');
  }

  get completedFloatingPointOperationsOverall(): number | undefined {
    return this.getIntValue('completed_floating_point_operations_overall');
  }

  get totalFlops(): number | undefined {
    return this.getIntValue('total_flops');
  }

  get trainThroughputPerGpu(): number | undefined {
    return this.getFloatValue('train_throughput_per_gpu');
  }

  get trainThroughputPerGpuMax(): number | undefined {
    return this.getFloatValue('train_throughput_per_gpu_max');
  }

  get trainThroughputPerGpuMin(): number | undefined {
    return this.getFloatValue('train_throughput_per_gpu_min');
  }

  get firstLoggedTrainIterationsFinishTimestampSec(): number | undefined {
    return this.getFloatValue('first_logged_train_iterations_finish_timestamp_sec');
  }

  get lastLoggedTrainIterationsFinishTimestampSec(): number | undefined {
    return this.getFloatValue('last_logged_train_iterations_finish_timestamp_sec');
  }
}

export interface ValidationMetricsUpdateAttributesFields {
  currentIteration: number;
  interval: number;
  avgIterationTimeSec?: number | undefined;
  minIterationTimeSec?: number | undefined;
  maxIterationTimeSec?: number | undefined;
  totalIterationTimeSec?: number | undefined;
}

const VALIDATION_METRICS_UPDATE_ROWS: readonly Row[] = [
  ['current_iteration', 'currentIteration', 'int', true],
  ['interval', 'interval', 'int', true],
  ['avg_iteration_time_sec', 'avgIterationTimeSec', 'float', false],
  ['min_iteration_time_sec', 'minIterationTimeSec', 'float', false],
  ['max_iteration_time_sec', 'maxIterationTimeSec', 'float', false],
  ['total_iteration_time_sec', 'totalIterationTimeSec', 'float', false],
];

/** Attributes of the `validation_metrics_update` event. */
export class ValidationMetricsUpdateAttributes extends Attributes {
  static create(fields: ValidationMetricsUpdateAttributesFields): ValidationMetricsUpdateAttributes {
    return fill(new ValidationMetricsUpdateAttributes(), VALIDATION_METRICS_UPDATE_ROWS, fields, 'ValidationMetricsUpdateAttributes');
  }

  get currentIteration(): number {
    return req('current_iteration', this.getIntValue('current_iteration'));
  }

  get interval(): number {
    return req('interval', this.getIntValue('interval'));
  }

  get avgIterationTimeSec(): number | undefined {
    return this.getFloatValue('avg_iteration_time_sec');
  }

  get minIterationTimeSec(): number | undefined {
    return this.getFloatValue('min_iteration_time_sec');
  }

  get maxIterationTimeSec(): number | undefined {
    return this.getFloatValue('max_iteration_time_sec');
  }

  get totalIterationTimeSec(): number | undefined {
    return this.getFloatValue('total_iteration_time_sec');
  }
}

export interface TestingMetricsUpdateAttributesFields {
  currentIteration: number;
  interval: number;
}

const TESTING_METRICS_UPDATE_ROWS: readonly Row[] = [
  ['current_iteration', 'currentIteration', 'int', true],
  ['interval', 'interval', 'int', true],
];

/** Attributes of the `testing_metrics_update` event. */
export class TestingMetricsUpdateAttributes extends Attributes {
  static create(fields: TestingMetricsUpdateAttributesFields): TestingMetricsUpdateAttributes {
    return fill(new TestingMetricsUpdateAttributes(), TESTING_METRICS_UPDATE_ROWS, fields, 'TestingMetricsUpdateAttributes');
  }

  get currentIteration(): number {
    return req('current_iteration', this.getIntValue('current_iteration'));
  }

  get interval(): number {
    return req('interval', this.getIntValue('interval'));
  }
}

export interface SaveCheckpointSuccessEventAttributesFields {
  checkpointStrategy: CheckpointStrategy;
  currentIteration: number;
  firstSuccessfulSaveCheckpointTimestampSec: number;
  latestSuccessfulSaveCheckpointTimestampSec: number;
  saveCheckpointSuccessCount: number;
  productiveTrainIterations: number;
  productiveTrainSamples: number;
  productiveTrainIterationsSec: number;
  productiveValidationIterationsSec: number;
  productiveTrainTflops?: number | undefined;
  checkpointSize?: number | undefined;
  checkpointDirectory?: string | undefined;
  /** Kept when 0 (the reference drops falsy values, W17); only undefined leaves it out. */
  trainingStartTimestampSec?: number | undefined;
}

const SAVE_CHECKPOINT_SUCCESS_ROWS: readonly Row[] = [
  ['checkpoint_strategy', 'checkpointStrategy', 'strategy', true],
  ['current_iteration', 'currentIteration', 'int', true],
  ['first_successful_save_checkpoint_timestamp_sec', 'firstSuccessfulSaveCheckpointTimestampSec', 'float', true],
  ['latest_successful_save_checkpoint_timestamp_sec', 'latestSuccessfulSaveCheckpointTimestampSec', 'float', true],
  ['save_checkpoint_success_count', 'saveCheckpointSuccessCount', 'int', true],
  ['productive_train_iterations', 'productiveTrainIterations', 'int', true],
  ['productive_train_samples', 'productiveTrainSamples', 'int', true],
  ['productive_train_iterations_sec', 'productiveTrainIterationsSec', 'float', true],
  ['productive_validation_iterations_sec', 'productiveValidationIterationsSec', 'float', true],
  ['productive_train_tflops', 'productiveTrainTflops', 'float', false],
  ['checkpoint_size', 'checkpointSize', 'int', false],
  ['checkpoint_directory', 'checkpointDirectory', 'str', false],
  ['training_start_timestamp_sec', 'trainingStartTimestampSec', 'float', false],
];

/** Attributes of the `save_checkpoint_success` event. */
export class SaveCheckpointSuccessEventAttributes extends Attributes {
  static create(fields: SaveCheckpointSuccessEventAttributesFields): SaveCheckpointSuccessEventAttributes {
    return fill(new SaveCheckpointSuccessEventAttributes(), SAVE_CHECKPOINT_SUCCESS_ROWS, fields, 'SaveCheckpointSuccessEventAttributes');
  }

  get checkpointStrategy(): CheckpointStrategy {
    return req('checkpoint_strategy', strategyOf(this, 'checkpoint_strategy'));
  }

  get currentIteration(): number {
    return req('current_iteration', this.getIntValue('current_iteration'));
  }

  get firstSuccessfulSaveCheckpointTimestampSec(): number {
    return req('first_successful_save_checkpoint_timestamp_sec', this.getFloatValue('first_successful_save_checkpoint_timestamp_sec'));
  }

  get latestSuccessfulSaveCheckpointTimestampSec(): number {
    return req('latest_successful_save_checkpoint_timestamp_sec', this.getFloatValue('latest_successful_save_checkpoint_timestamp_sec'));
  }

  get saveCheckpointSuccessCount(): number {
    return req('save_checkpoint_success_count', this.getIntValue('save_checkpoint_success_count'));
  }

  get productiveTrainIterations(): number {
    return req('productive_train_iterations', this.getIntValue('productive_train_iterations'));
  }

  get productiveTrainSamples(): number {
    return req('productive_train_samples', this.getIntValue('productive_train_samples'));
  }

  get productiveTrainIterationsSec(): number {
    return req('productive_train_iterations_sec', this.getFloatValue('productive_train_iterations_sec'));
  }

  get productiveValidationIterationsSec(): number {
    return req('productive_validation_iterations_sec', this.getFloatValue('productive_validation_iterations_sec'));
  }

  get productiveTrainTflops(): number | undefined {
    return this.getFloatValue('productive_train_tflops');
  }

  get checkpointSize(): number | undefined {
    return this.getIntValue('checkpoint_size');
  }

  get checkpointDirectory(): string | undefined {
    return this.getStrValue('checkpoint_directory');
  }

  get trainingStartTimestampSec(): number | undefined {
    return this.getFloatValue('training_start_timestamp_sec');
  }
}

export interface SyncCheckpointMetricsUpdateAttributesFields {
  saveCheckpointSyncTimeTotalSec: number;
  saveCheckpointSyncTimeMinSec: number;
  saveCheckpointSyncTimeMaxSec: number;
}

const SYNC_CHECKPOINT_METRICS_UPDATE_ROWS: readonly Row[] = [
  ['save_checkpoint_sync_time_total_sec', 'saveCheckpointSyncTimeTotalSec', 'float', true],
  ['save_checkpoint_sync_time_min_sec', 'saveCheckpointSyncTimeMinSec', 'float', true],
  ['save_checkpoint_sync_time_max_sec', 'saveCheckpointSyncTimeMaxSec', 'float', true],
];

/** Attributes of the `sync_checkpoint_metrics_update` event (over all save windows of the strategy). */
export class SyncCheckpointMetricsUpdateAttributes extends Attributes {
  static create(fields: SyncCheckpointMetricsUpdateAttributesFields): SyncCheckpointMetricsUpdateAttributes {
    return fill(
      new SyncCheckpointMetricsUpdateAttributes(),
      SYNC_CHECKPOINT_METRICS_UPDATE_ROWS,
      fields,
      'SyncCheckpointMetricsUpdateAttributes',
    );
  }

  get saveCheckpointSyncTimeTotalSec(): number {
    return req('save_checkpoint_sync_time_total_sec', this.getFloatValue('save_checkpoint_sync_time_total_sec'));
  }

  get saveCheckpointSyncTimeMinSec(): number {
    return req('save_checkpoint_sync_time_min_sec', this.getFloatValue('save_checkpoint_sync_time_min_sec'));
  }

  get saveCheckpointSyncTimeMaxSec(): number {
    return req('save_checkpoint_sync_time_max_sec', this.getFloatValue('save_checkpoint_sync_time_max_sec'));
  }
}

/**
 * Every attribute key the training layer writes on its spans and events (and `global_step`, which
 * `model_metrics` events carry): names a model metric may not take, so a metric never shadows one of them.
 */
export const TRAINING_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set<string>([
  ...[
    TRAINING_LOOP_ROWS,
    CHECKPOINT_SAVE_SPAN_ROWS,
    ONE_LOGGER_INITIALIZATION_ROWS,
    TRAINING_TELEMETRY_ROWS,
    TRAINING_METRICS_UPDATE_ROWS,
    VALIDATION_METRICS_UPDATE_ROWS,
    TESTING_METRICS_UPDATE_ROWS,
    SAVE_CHECKPOINT_SUCCESS_ROWS,
    SYNC_CHECKPOINT_METRICS_UPDATE_ROWS,
  ].flatMap((rows) => rows.map((row) => row[0])),
  'global_step',
]);
