import { type AttributeValue, validateAttribute } from '../core/attributes.js';
import { ConfigError, messageOf, OneLoggerError, quoteText } from '../core/errors.js';
import { DEFAULT_LOG_FORMAT, internalLogger, LogLevel } from '../internal/logger.js';
import { ErrorHandlingStrategy } from '../internal/runtime.js';
import type { ValueOrFn } from '../internal/utils.js';
import { missingTelemetryConfigMembers, type TelemetryConfig } from './telemetry-config.js';

export type { ValueOrFn };
export { ErrorHandlingStrategy, LogLevel };

export interface LoggerConfigInput {
  /** Default `INFO`; `CRITICAL` on disabled ranks unless given. */
  logLevel?: LogLevel;
  /** `%(name)s`, `%(levelname)s`, `%(asctime)s`, `%(message)s` are replaced. */
  logFormat?: string;
  /** INFO and above are appended here. Default: none (WARNING and above go to stderr). */
  logFilePathForInfo?: string;
  /** ERROR and above are appended here. Default: none. */
  logFilePathForErr?: string;
}

export interface LoggerConfig {
  readonly logLevel: LogLevel;
  readonly logFormat: string;
  readonly logFilePathForInfo: string | undefined;
  readonly logFilePathForErr: string | undefined;
}

export interface OneLoggerConfigInput {
  /** Name of the application (non-blank). */
  applicationName: string;
  /** Number of participating processes (positive integer). */
  worldSize: ValueOrFn<number>;
  /** Groups jobs that form one logical run (e.g. restarts of one training). */
  sessionTag: ValueOrFn<string>;
  /** Marks a performance-baseline run. Default false. */
  isBaselineRun?: ValueOrFn<boolean>;
  /** Extra attributes for the application span. */
  customMetadata?: Readonly<Record<string, AttributeValue>>;
  /** Default `propagate_exceptions`; `disable_quietly_and_report_metric_error` on disabled ranks unless given. */
  errorHandlingStrategy?: ErrorHandlingStrategy;
  /** When false the library does nothing on this process. Default true. */
  enableForCurrentRank?: boolean;
  loggerConfig?: LoggerConfigInput;
  /** Default `1.0.0`. */
  summaryDataSchemaVersion?: string;
  telemetryConfig?: TelemetryConfig;
}

const CONFIG_KEYS = new Set<string>([
  'applicationName',
  'worldSize',
  'sessionTag',
  'isBaselineRun',
  'customMetadata',
  'errorHandlingStrategy',
  'enableForCurrentRank',
  'loggerConfig',
  'summaryDataSchemaVersion',
  'telemetryConfig',
]);
const LOGGER_KEYS = new Set<string>(['logLevel', 'logFormat', 'logFilePathForInfo', 'logFilePathForErr']);
const STRATEGIES = new Set<string>(Object.values(ErrorHandlingStrategy));
const LEVELS = new Set<string>(Object.values(LogLevel));

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function rejectUnknownKeys(prefix: string, input: Record<string, unknown>, allowed: Set<string>): void {
  for (const key of Object.keys(input)) {
    if (!allowed.has(key)) {
      throw new ConfigError(`${prefix}.${key}`, input[key], `is not a known option (known: ${[...allowed].join(', ')})`);
    }
  }
}

function rankFromEnvironment(): string {
  const raw = process.env.RANK;
  if (raw === undefined) return '0';
  return /^\s*\d+\s*$/.test(raw) ? String(Number(raw)) : `unknown (RANK=${quoteText(raw)})`;
}

function validateLoggerConfig(input: unknown, disabledRankDefaults: boolean): LoggerConfig {
  if (input === undefined) input = {};
  if (!isPlainObject(input)) throw new ConfigError('OneLoggerConfig.loggerConfig', input, 'must be an object');
  rejectUnknownKeys('OneLoggerConfig.loggerConfig', input, LOGGER_KEYS);
  const level = input.logLevel ?? (disabledRankDefaults ? 'CRITICAL' : 'INFO');
  if (typeof level !== 'string' || !LEVELS.has(level)) {
    throw new ConfigError('OneLoggerConfig.loggerConfig.logLevel', level, `must be one of ${[...LEVELS].join(', ')}`);
  }
  const format = input.logFormat ?? DEFAULT_LOG_FORMAT;
  if (typeof format !== 'string' || format.length === 0) {
    throw new ConfigError('OneLoggerConfig.loggerConfig.logFormat', format, 'must be a non-empty string');
  }
  for (const key of ['logFilePathForInfo', 'logFilePathForErr'] as const) {
    const v = input[key];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) {
      throw new ConfigError(`OneLoggerConfig.loggerConfig.${key}`, v, 'must be a non-empty path string');
    }
  }
  return Object.freeze({
    logLevel: level as LogLevel,
    logFormat: format,
    logFilePathForInfo: input.logFilePathForInfo as string | undefined,
    logFilePathForErr: input.logFilePathForErr as string | undefined,
  });
}

function readValueOrFn<T>(field: string, value: ValueOrFn<T>, check: (v: unknown) => v is T, rule: string): T {
  let resolved: unknown;
  if (typeof value === 'function') {
    try {
      resolved = (value as () => T)();
    } catch (e) {
      throw new ConfigError(field, value, `the function threw: ${messageOf(e)}`);
    }
    if (!check(resolved)) throw new ConfigError(field, resolved, `the function must return ${rule}`);
    return resolved;
  }
  if (!check(value)) throw new ConfigError(field, value, `must be ${rule} or a function returning one`);
  return value;
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

/**
 * The validated core configuration. Validation happens once, in the constructor, and is strict:
 * unknown keys, wrong types and bad values throw a `ConfigError` naming the field, the value and the rule.
 */
export class OneLoggerConfig {
  readonly applicationName: string;
  readonly customMetadata: Readonly<Record<string, AttributeValue>> | undefined;
  readonly errorHandlingStrategy: ErrorHandlingStrategy;
  readonly enableForCurrentRank: boolean;
  readonly loggerConfig: LoggerConfig;
  readonly summaryDataSchemaVersion: string;
  private telemetryConfigValue: TelemetryConfig | undefined;
  private readonly worldSizeOrFn: ValueOrFn<number>;
  private readonly sessionTagOrFn: ValueOrFn<string>;
  private readonly isBaselineRunOrFn: ValueOrFn<boolean>;

  constructor(input: OneLoggerConfigInput) {
    if (!isPlainObject(input)) throw new ConfigError('OneLoggerConfig', input, 'must be a plain object');
    rejectUnknownKeys('OneLoggerConfig', input as Record<string, unknown>, CONFIG_KEYS);

    const name = input.applicationName;
    if (typeof name !== 'string') throw new ConfigError('OneLoggerConfig.applicationName', name, 'must be a string');
    if (name.trim() === '') throw new ConfigError('OneLoggerConfig.applicationName', name, 'cannot be empty or whitespace-only');
    this.applicationName = name;

    if (input.worldSize === undefined) throw new ConfigError('OneLoggerConfig.worldSize', undefined, 'is required');
    readValueOrFn('OneLoggerConfig.worldSize', input.worldSize, isPositiveInt, 'a positive integer');
    this.worldSizeOrFn = input.worldSize;

    const tag = input.sessionTag;
    if (tag === undefined) throw new ConfigError('OneLoggerConfig.sessionTag', undefined, 'is required');
    if (typeof tag !== 'function' && typeof tag !== 'string') {
      throw new ConfigError('OneLoggerConfig.sessionTag', tag, 'must be a string or a function returning one');
    }
    this.sessionTagOrFn = tag;

    const baseline = input.isBaselineRun ?? false;
    if (typeof baseline !== 'function' && typeof baseline !== 'boolean') {
      throw new ConfigError('OneLoggerConfig.isBaselineRun', baseline, 'must be a boolean or a function returning one');
    }
    this.isBaselineRunOrFn = baseline;

    const meta = input.customMetadata;
    if (meta !== undefined) {
      if (!isPlainObject(meta)) throw new ConfigError('OneLoggerConfig.customMetadata', meta, 'must be an object of attribute values');
      for (const [k, v] of Object.entries(meta)) {
        if (k.trim() === '') throw new ConfigError('OneLoggerConfig.customMetadata', k, 'keys must be non-empty strings');
        try {
          validateAttribute(k, v);
        } catch (e) {
          throw new ConfigError(`OneLoggerConfig.customMetadata.${k}`, v, messageOf(e));
        }
      }
      this.customMetadata = Object.freeze({ ...meta });
    } else {
      this.customMetadata = undefined;
    }

    const enabled = input.enableForCurrentRank ?? true;
    if (typeof enabled !== 'boolean') throw new ConfigError('OneLoggerConfig.enableForCurrentRank', enabled, 'must be a boolean');
    this.enableForCurrentRank = enabled;

    const strategyGiven = input.errorHandlingStrategy !== undefined;
    const quietDefaults = !enabled && !strategyGiven;
    if (strategyGiven && !STRATEGIES.has(input.errorHandlingStrategy as string)) {
      throw new ConfigError(
        'OneLoggerConfig.errorHandlingStrategy',
        input.errorHandlingStrategy,
        `must be one of ${[...STRATEGIES].join(', ')}`,
      );
    }
    this.errorHandlingStrategy = quietDefaults
      ? ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR
      : (input.errorHandlingStrategy ?? ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS);
    this.loggerConfig = validateLoggerConfig(input.loggerConfig, quietDefaults);
    if (quietDefaults) {
      internalLogger.warning(
        `OneLogger: Setting error_handling_strategy to DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR for rank (rank=${rankFromEnvironment()}) with OneLogger disabled. To override: explicitly set error_handling_strategy parameter.`,
      );
    }

    const version = input.summaryDataSchemaVersion ?? '1.0.0';
    if (typeof version !== 'string' || version.trim() === '') {
      throw new ConfigError('OneLoggerConfig.summaryDataSchemaVersion', version, 'must be a non-empty string');
    }
    this.summaryDataSchemaVersion = version;

    if (input.telemetryConfig !== undefined) checkTelemetryConfig(input.telemetryConfig);
    this.telemetryConfigValue = input.telemetryConfig;
  }

  /** The domain config (e.g. training telemetry), given at construction or attached once later. */
  get telemetryConfig(): TelemetryConfig | undefined {
    return this.telemetryConfigValue;
  }

  /**
   * Attaches the domain config after construction (lazy configuration). Allowed once, and only when none
   * was given at construction.
   */
  attachTelemetryConfig(config: TelemetryConfig): void {
    if (this.telemetryConfigValue !== undefined) throw new OneLoggerError('Telemetry config has already been set.');
    checkTelemetryConfig(config);
    this.telemetryConfigValue = config;
  }

  /** Accepts a validated config or its input form. */
  static from(input: OneLoggerConfig | OneLoggerConfigInput): OneLoggerConfig {
    return input instanceof OneLoggerConfig ? input : new OneLoggerConfig(input);
  }

  /** Evaluated on every read (a function may change its answer over the job). */
  get worldSize(): number {
    return readValueOrFn('OneLoggerConfig.worldSize', this.worldSizeOrFn, isPositiveInt, 'a positive integer');
  }

  get sessionTag(): string {
    return readValueOrFn('OneLoggerConfig.sessionTag', this.sessionTagOrFn, isString, 'a string');
  }

  get isBaselineRun(): boolean {
    return readValueOrFn('OneLoggerConfig.isBaselineRun', this.isBaselineRunOrFn, isBool, 'a boolean');
  }
}

function checkTelemetryConfig(config: unknown): void {
  const missing = missingTelemetryConfigMembers(config);
  if (missing.length > 0) {
    throw new ConfigError('OneLoggerConfig.telemetryConfig', config, `must have the members ${missing.join(', ')}`);
  }
}
