import {
  ApplicationType,
  type AttributeValue,
  ConfigError,
  type TelemetryConfig,
  type ValueOrFn,
  validateAttribute,
} from '@nv-one-logger/core';
import { CheckpointStrategy } from './names.js';

/** Input of `TrainingTelemetryConfig`: the reference's `x_or_fn` fields become `x: T | (() => T)`. */
export interface TrainingTelemetryConfigInput {
  /** Groups runs whose performance is comparable; change it whenever code, config or resources change. */
  perfTag: ValueOrFn<string | string[]>;
  /** Samples consumed per training iteration across all ranks (positive integer). */
  globalBatchSize: ValueOrFn<number>;
  microBatchSize?: ValueOrFn<number> | undefined;
  /** Tokens per sample; enables token counts when non-zero. */
  seqLength?: ValueOrFn<number> | undefined;
  /** FLOPs per sample; required (positive) when throughput logging is enabled. */
  flopsPerSample?: ValueOrFn<number> | undefined;
  trainIterationsTarget?: ValueOrFn<number> | undefined;
  trainSamplesTarget?: ValueOrFn<number> | undefined;
  /** Period of `training_metrics_update` events. Default 50. */
  logEveryNTrainIterations?: number | undefined;
  /** Default false. */
  isLogThroughputEnabled?: ValueOrFn<boolean> | undefined;
  /** Reported only. Default true. */
  isTrainIterationsEnabled?: ValueOrFn<boolean> | undefined;
  /** Reported only. Default true. */
  isValidationIterationsEnabled?: ValueOrFn<boolean> | undefined;
  /** Reported only. Default true. */
  isTestIterationsEnabled?: ValueOrFn<boolean> | undefined;
  /** Gates checkpoint-save bookkeeping. Default true. */
  isSaveCheckpointEnabled?: ValueOrFn<boolean> | undefined;
  /** Default `sync`. */
  saveCheckpointStrategy?: CheckpointStrategy | undefined;
  /** Flattened into the `update_training_telemetry_config` event. */
  customMetadata?: Readonly<Record<string, AttributeValue>> | undefined;
}

// The reference's business rules, worded with this library's option names.
const GLOBAL_BATCH_SIZE_RULE = 'globalBatchSize must be set to a positive value';
const LOG_EVERY_N_RULE = 'logEveryNTrainIterations must be set to a positive value';
const FLOPS_RULE = 'flopsPerSample must be set to a positive value when isLogThroughputEnabled is true';

const PREFIX = 'TrainingTelemetryConfig';
const KEYS: ReadonlySet<string> = new Set<string>([
  'perfTag',
  'globalBatchSize',
  'microBatchSize',
  'seqLength',
  'flopsPerSample',
  'trainIterationsTarget',
  'trainSamplesTarget',
  'logEveryNTrainIterations',
  'isLogThroughputEnabled',
  'isTrainIterationsEnabled',
  'isValidationIterationsEnabled',
  'isTestIterationsEnabled',
  'isSaveCheckpointEnabled',
  'saveCheckpointStrategy',
  'customMetadata',
]);
// Keys of the core OneLoggerConfig that users put here by mistake (the reference's README does it with world_size_or_fn).
const CORE_KEYS: ReadonlySet<string> = new Set<string>([
  'applicationName',
  'worldSize',
  'sessionTag',
  'isBaselineRun',
  'errorHandlingStrategy',
  'enableForCurrentRank',
  'loggerConfig',
  'summaryDataSchemaVersion',
  'telemetryConfig',
]);
const STRATEGIES: ReadonlySet<string> = new Set<string>(Object.values(CheckpointStrategy));

type Check = (v: unknown) => boolean;
const isInt: Check = (v) => typeof v === 'number' && Number.isInteger(v);
const isCount: Check = (v) => isInt(v) && (v as number) >= 0;
const isBool: Check = (v) => typeof v === 'boolean';
const isPerfTag: Check = (v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

const INT = 'an integer';
const COUNT = 'a non-negative integer';
const BOOL = 'a boolean';
const PERF_TAG = 'a string or an array of strings';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

function unknownKeyRule(key: string): string {
  // `world_size_or_fn` / `worldSizeOrFn` → `worldSize`, to point at the intended option.
  const camel = key.replace(/(_or_fn|OrFn)$/, '').replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  if (CORE_KEYS.has(camel)) return `is not a training telemetry option: ${camel} belongs to the core OneLoggerConfig`;
  if (camel !== key && KEYS.has(camel)) return `is not a known option (did you mean ${camel}?)`;
  return `is not a known option (known: ${[...KEYS].join(', ')})`;
}

/** Calls a user function; what it throws becomes a ConfigError naming the field (the original is kept as `cause`). */
function callFn(field: string, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    const error = new ConfigError(`${PREFIX}.${field}`, fn, `the function threw: ${messageOf(e)}`);
    Object.defineProperty(error, 'cause', { value: e, configurable: true, writable: true });
    throw error;
  }
}

/** Read-time check of a function's result (values given directly were checked once, in the constructor). */
function resolve<T>(field: string, stored: ValueOrFn<T>, check: Check, rule: string, optional = false): T {
  if (typeof stored !== 'function') return stored;
  const value = callFn(field, stored as () => unknown);
  if ((optional && value === undefined) || check(value)) return value as T;
  throw new ConfigError(`${PREFIX}.${field}`, value, `the function must return ${rule}${optional ? ' or undefined' : ''}`);
}

/**
 * Validated training telemetry configuration. Validation happens once, in the constructor, and is strict (no
 * coercion, unknown keys rejected; every failure is a `ConfigError` naming the field, the value and the rule).
 * Functions are called during validation and again on every read; the object is frozen (W15).
 */
export class TrainingTelemetryConfig implements TelemetryConfig {
  readonly #perfTag: ValueOrFn<string | string[]>;
  readonly #globalBatchSize: ValueOrFn<number>;
  readonly #microBatchSize: ValueOrFn<number> | undefined;
  readonly #seqLength: ValueOrFn<number> | undefined;
  readonly #flopsPerSample: ValueOrFn<number> | undefined;
  readonly #trainIterationsTarget: ValueOrFn<number> | undefined;
  readonly #trainSamplesTarget: ValueOrFn<number> | undefined;
  readonly #logEveryNTrainIterations: number;
  readonly #isLogThroughputEnabled: ValueOrFn<boolean>;
  readonly #isTrainIterationsEnabled: ValueOrFn<boolean>;
  readonly #isValidationIterationsEnabled: ValueOrFn<boolean>;
  readonly #isTestIterationsEnabled: ValueOrFn<boolean>;
  readonly #isSaveCheckpointEnabled: ValueOrFn<boolean>;
  readonly #saveCheckpointStrategy: CheckpointStrategy;
  readonly #customMetadata: Readonly<Record<string, AttributeValue>> | undefined;

  constructor(input: TrainingTelemetryConfigInput) {
    if (!isPlainObject(input)) throw new ConfigError(PREFIX, input, 'must be a plain object');
    for (const key of Object.keys(input)) {
      if (!KEYS.has(key)) throw new ConfigError(`${PREFIX}.${key}`, input[key as keyof TrainingTelemetryConfigInput], unknownKeyRule(key));
    }

    // Type checks first, in field order; the business rules follow (the reference's order).
    required('perfTag', input.perfTag, isPerfTag, PERF_TAG);
    const globalBatchSize = required('globalBatchSize', input.globalBatchSize, isInt, INT) as number;
    optional('microBatchSize', input.microBatchSize, isCount, COUNT);
    optional('seqLength', input.seqLength, isCount, COUNT);
    const flopsPerSample = optional('flopsPerSample', input.flopsPerSample, isCount, COUNT) as number | undefined;
    optional('trainIterationsTarget', input.trainIterationsTarget, isCount, COUNT);
    optional('trainSamplesTarget', input.trainSamplesTarget, isCount, COUNT);

    const logEveryN = orDefault(input.logEveryNTrainIterations, 50);
    if (!isInt(logEveryN)) {
      throw new ConfigError(`${PREFIX}.logEveryNTrainIterations`, logEveryN, 'must be an integer (no function form)');
    }

    const throughput = orDefault(input.isLogThroughputEnabled, false);
    const throughputOn = defaulted('isLogThroughputEnabled', throughput, isBool, BOOL);
    const isTrain = orDefault(input.isTrainIterationsEnabled, true);
    defaulted('isTrainIterationsEnabled', isTrain, isBool, BOOL);
    const isValidation = orDefault(input.isValidationIterationsEnabled, true);
    defaulted('isValidationIterationsEnabled', isValidation, isBool, BOOL);
    const isTest = orDefault(input.isTestIterationsEnabled, true);
    defaulted('isTestIterationsEnabled', isTest, isBool, BOOL);
    const isSave = orDefault(input.isSaveCheckpointEnabled, true);
    defaulted('isSaveCheckpointEnabled', isSave, isBool, BOOL);

    const strategy = orDefault(input.saveCheckpointStrategy, CheckpointStrategy.SYNC);
    if (typeof strategy !== 'string' || !STRATEGIES.has(strategy)) {
      throw new ConfigError(`${PREFIX}.saveCheckpointStrategy`, strategy, `must be one of ${[...STRATEGIES].join(', ')}`);
    }

    this.#customMetadata = validateCustomMetadata(input.customMetadata);

    if (globalBatchSize <= 0) throw new ConfigError(`${PREFIX}.globalBatchSize`, globalBatchSize, GLOBAL_BATCH_SIZE_RULE);
    if (logEveryN <= 0) throw new ConfigError(`${PREFIX}.logEveryNTrainIterations`, logEveryN, LOG_EVERY_N_RULE);
    if (throughputOn === true && (flopsPerSample === undefined || flopsPerSample <= 0)) {
      throw new ConfigError(`${PREFIX}.flopsPerSample`, flopsPerSample, FLOPS_RULE);
    }

    // A copied, frozen array so the caller cannot change a validated perf tag afterwards.
    this.#perfTag = Array.isArray(input.perfTag) ? (Object.freeze(input.perfTag.slice()) as string[]) : input.perfTag;
    this.#globalBatchSize = input.globalBatchSize;
    this.#microBatchSize = input.microBatchSize;
    this.#seqLength = input.seqLength;
    this.#flopsPerSample = input.flopsPerSample;
    this.#trainIterationsTarget = input.trainIterationsTarget;
    this.#trainSamplesTarget = input.trainSamplesTarget;
    this.#logEveryNTrainIterations = logEveryN;
    this.#isLogThroughputEnabled = throughput;
    this.#isTrainIterationsEnabled = isTrain;
    this.#isValidationIterationsEnabled = isValidation;
    this.#isTestIterationsEnabled = isTest;
    this.#isSaveCheckpointEnabled = isSave;
    this.#saveCheckpointStrategy = strategy;
    Object.freeze(this);
  }

  /** Accepts a validated config (returned as is) or its input form. */
  static from(input: TrainingTelemetryConfig | TrainingTelemetryConfigInput): TrainingTelemetryConfig {
    return input instanceof TrainingTelemetryConfig ? input : new TrainingTelemetryConfig(input);
  }

  get perfTag(): string | string[] {
    return resolve('perfTag', this.#perfTag, isPerfTag, PERF_TAG);
  }

  get globalBatchSize(): number {
    const value = resolve('globalBatchSize', this.#globalBatchSize, isInt, INT);
    // A function may change its answer later; a non-positive batch size would poison every metric.
    if (value <= 0) throw new ConfigError(`${PREFIX}.globalBatchSize`, value, GLOBAL_BATCH_SIZE_RULE);
    return value;
  }

  get microBatchSize(): number | undefined {
    return resolve('microBatchSize', this.#microBatchSize, isCount, COUNT, true);
  }

  get seqLength(): number | undefined {
    return resolve('seqLength', this.#seqLength, isCount, COUNT, true);
  }

  get flopsPerSample(): number | undefined {
    return resolve('flopsPerSample', this.#flopsPerSample, isCount, COUNT, true);
  }

  get trainIterationsTarget(): number | undefined {
    return resolve('trainIterationsTarget', this.#trainIterationsTarget, isCount, COUNT, true);
  }

  get trainSamplesTarget(): number | undefined {
    return resolve('trainSamplesTarget', this.#trainSamplesTarget, isCount, COUNT, true);
  }

  get logEveryNTrainIterations(): number {
    return this.#logEveryNTrainIterations;
  }

  get isLogThroughputEnabled(): boolean {
    return resolve('isLogThroughputEnabled', this.#isLogThroughputEnabled, isBool, BOOL);
  }

  get isTrainIterationsEnabled(): boolean {
    return resolve('isTrainIterationsEnabled', this.#isTrainIterationsEnabled, isBool, BOOL);
  }

  get isValidationIterationsEnabled(): boolean {
    return resolve('isValidationIterationsEnabled', this.#isValidationIterationsEnabled, isBool, BOOL);
  }

  get isTestIterationsEnabled(): boolean {
    return resolve('isTestIterationsEnabled', this.#isTestIterationsEnabled, isBool, BOOL);
  }

  get isSaveCheckpointEnabled(): boolean {
    return resolve('isSaveCheckpointEnabled', this.#isSaveCheckpointEnabled, isBool, BOOL);
  }

  get saveCheckpointStrategy(): CheckpointStrategy {
    return this.#saveCheckpointStrategy;
  }

  get customMetadata(): Readonly<Record<string, AttributeValue>> | undefined {
    return this.#customMetadata;
  }

  get appType(): typeof ApplicationType.TRAINING {
    return ApplicationType.TRAINING;
  }

  /** The input form (values and functions as given, defaults filled in), e.g. to merge overrides over it. */
  toInput(): TrainingTelemetryConfigInput {
    const out: TrainingTelemetryConfigInput = {
      perfTag: Array.isArray(this.#perfTag) ? this.#perfTag.slice() : this.#perfTag,
      globalBatchSize: this.#globalBatchSize,
    };
    if (this.#microBatchSize !== undefined) out.microBatchSize = this.#microBatchSize;
    if (this.#seqLength !== undefined) out.seqLength = this.#seqLength;
    if (this.#flopsPerSample !== undefined) out.flopsPerSample = this.#flopsPerSample;
    if (this.#trainIterationsTarget !== undefined) out.trainIterationsTarget = this.#trainIterationsTarget;
    if (this.#trainSamplesTarget !== undefined) out.trainSamplesTarget = this.#trainSamplesTarget;
    out.logEveryNTrainIterations = this.#logEveryNTrainIterations;
    out.isLogThroughputEnabled = this.#isLogThroughputEnabled;
    out.isTrainIterationsEnabled = this.#isTrainIterationsEnabled;
    out.isValidationIterationsEnabled = this.#isValidationIterationsEnabled;
    out.isTestIterationsEnabled = this.#isTestIterationsEnabled;
    out.isSaveCheckpointEnabled = this.#isSaveCheckpointEnabled;
    out.saveCheckpointStrategy = this.#saveCheckpointStrategy;
    if (this.#customMetadata !== undefined) out.customMetadata = { ...this.#customMetadata };
    return out;
  }
}

/** Checks a value-or-function (calling the function once); returns the resolved value. */
function checkValueOrFn(field: string, value: unknown, check: Check, rule: string, allowUndefinedResult: boolean): unknown {
  if (typeof value === 'function') {
    const resolved = callFn(field, value as () => unknown);
    if ((allowUndefinedResult && resolved === undefined) || check(resolved)) return resolved;
    throw new ConfigError(`${PREFIX}.${field}`, resolved, `the function must return ${rule}${allowUndefinedResult ? ' or undefined' : ''}`);
  }
  if (!check(value)) throw new ConfigError(`${PREFIX}.${field}`, value, `must be ${rule} or a function returning one`);
  return value;
}

// Only undefined means "use the default": null is a wrong value, as in every other field.
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

function required(field: string, value: unknown, check: Check, rule: string): unknown {
  if (value === undefined) throw new ConfigError(`${PREFIX}.${field}`, value, 'is required');
  return checkValueOrFn(field, value, check, rule, false);
}

function optional(field: string, value: unknown, check: Check, rule: string): unknown {
  if (value === undefined) return undefined;
  // null is not "unset" here: an optional field is left out (or given as undefined), never null.
  return checkValueOrFn(field, value, check, rule, true);
}

function defaulted(field: string, value: unknown, check: Check, rule: string): unknown {
  return checkValueOrFn(field, value, check, rule, false);
}

function validateCustomMetadata(meta: unknown): Readonly<Record<string, AttributeValue>> | undefined {
  if (meta === undefined) return undefined;
  if (!isPlainObject(meta)) throw new ConfigError(`${PREFIX}.customMetadata`, meta, 'must be an object of attribute values');
  const copy: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (key.trim() === '') throw new ConfigError(`${PREFIX}.customMetadata`, key, 'keys must be non-empty strings');
    try {
      validateAttribute(key, value);
    } catch (e) {
      throw new ConfigError(`${PREFIX}.customMetadata.${key}`, value, messageOf(e));
    }
    copy[key] = Array.isArray(value) ? (Object.freeze(value.slice()) as AttributeValue) : value;
  }
  return Object.freeze(copy);
}
