// OneLoggerConfig: strict validation, ConfigError details, rank defaults (spec/core.md §3.1-3.4, §8 items 1-21, §9 B21, S5);
// TelemetryConfig structural checks (§3.4, §8 items 23-28).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { OneLoggerConfig, type OneLoggerConfigInput } from '../src/api/config.js';
import { OneLoggerProvider } from '../src/api/provider.js';
import { ApplicationType, isTelemetryConfig, missingTelemetryConfigMembers, type TelemetryConfig } from '../src/api/telemetry-config.js';
import { ConfigError, OneLoggerError } from '../src/core/errors.js';
import { DEFAULT_LOG_FORMAT, internalLogger, type LogLevel } from '../src/internal/logger.js';
import { ErrorHandlingStrategy } from '../src/internal/runtime.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';

const PROPAGATE = ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS;
const QUIET = ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR;
const RANK_WARNING = 'Setting error_handling_strategy to DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR';

const base = { applicationName: 'test_app', sessionTag: 'test_session', worldSize: 4 } as const;

/** Builds a config from untyped input (to exercise the runtime checks that TypeScript would reject). */
function build(extra: Record<string, unknown>): OneLoggerConfig {
  return new OneLoggerConfig({ ...base, ...extra } as unknown as OneLoggerConfigInput);
}

/**
 * Asserts that `fn` throws a ConfigError (which is a OneLoggerError) for `field` and `value`, whose message
 * names the field, the value (as `shown`) and the rule (`ruleFragment`).
 */
function assertConfigError(fn: () => unknown, field: string, value: unknown, shown: string, ruleFragment: string): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.ok(caught instanceof OneLoggerError, 'a ConfigError is a OneLoggerError');
  assert.equal(caught.name, 'ConfigError');
  assert.equal(caught.field, field);
  if (typeof value === 'function') assert.equal(caught.value, value);
  else assert.deepEqual(caught.value, value);
  assert.ok(caught.message.includes(field), `message names the field: ${caught.message}`);
  assert.ok(caught.message.includes(`(got ${shown})`), `message names the value ${shown}: ${caught.message}`);
  assert.ok(caught.message.includes(ruleFragment), `message names the rule "${ruleFragment}": ${caught.message}`);
  assert.ok(caught.rule.includes(ruleFragment));
  return caught;
}

const root = mkdtempSync(join(tmpdir(), 'olg-config-'));
const LOG_FILE = join(root, 'onelogger.log');
after(() => rmSync(root, { recursive: true, force: true }));

let logLines: Array<{ level: LogLevel; message: string }> = [];
let savedRank: string | undefined;

beforeEach(() => {
  savedRank = process.env.RANK;
  delete process.env.RANK;
  logLines = [];
  // Diagnostics go to a temp file (not stderr); the listener captures them for assertions.
  internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: LOG_FILE });
  internalLogger.listener = (level, message) => logLines.push({ level, message });
});

afterEach(() => {
  if (savedRank === undefined) delete process.env.RANK;
  else process.env.RANK = savedRank;
  OneLoggerProvider.resetForTests();
});

function rankWarnings(): string[] {
  return logLines.filter((l) => l.level === 'WARNING' && l.message.includes(RANK_WARNING)).map((l) => l.message);
}

describe('LoggerConfig', () => {
  test('an invalid log level is rejected, naming loggerConfig.logLevel, the value and the allowed levels (#1)', () => {
    assertConfigError(
      () => build({ loggerConfig: { logLevel: 'INVALID' } }),
      'OneLoggerConfig.loggerConfig.logLevel',
      'INVALID',
      '"INVALID"',
      'must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL',
    );
  });

  test('log levels are case-sensitive: "info" is rejected', () => {
    assertConfigError(
      () => build({ loggerConfig: { logLevel: 'info' } }),
      'OneLoggerConfig.loggerConfig.logLevel',
      'info',
      '"info"',
      'must be one of',
    );
  });

  test('all five levels are accepted and kept', () => {
    for (const level of ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const) {
      assert.equal(build({ loggerConfig: { logLevel: level } }).loggerConfig.logLevel, level);
    }
  });

  test('defaults: INFO, the reference format, no log files (nothing is written to the cwd)', () => {
    const lc = new OneLoggerConfig({ ...base }).loggerConfig;
    assert.deepEqual(
      { ...lc },
      {
        logLevel: 'INFO',
        logFormat: '%(name)s - %(levelname)s - %(message)s',
        logFilePathForInfo: undefined,
        logFilePathForErr: undefined,
      },
    );
    assert.ok(Object.isFrozen(lc));
  });

  test('unknown logger options are rejected (B21)', () => {
    assertConfigError(
      () => build({ loggerConfig: { logLevel: 'INFO', log_level: 'DEBUG' } }),
      'OneLoggerConfig.loggerConfig.log_level',
      'DEBUG',
      '"DEBUG"',
      'is not a known option',
    );
  });

  test('an empty log file path and a non-object loggerConfig are rejected', () => {
    assertConfigError(
      () => build({ loggerConfig: { logFilePathForInfo: '  ' } }),
      'OneLoggerConfig.loggerConfig.logFilePathForInfo',
      '  ',
      '"  "',
      'must be a non-empty path string',
    );
    assertConfigError(() => build({ loggerConfig: 'DEBUG' }), 'OneLoggerConfig.loggerConfig', 'DEBUG', '"DEBUG"', 'must be an object');
  });
});

describe('OneLoggerConfig: fields and defaults', () => {
  test('minimal config: given fields kept, every default applied (#2)', () => {
    const config = new OneLoggerConfig({ applicationName: 'test_app', sessionTag: 'test_session', worldSize: 4 });
    assert.equal(config.applicationName, 'test_app');
    assert.equal(config.sessionTag, 'test_session');
    assert.equal(config.worldSize, 4);
    assert.equal(config.isBaselineRun, false);
    assert.equal(config.customMetadata, undefined);
    assert.equal(config.errorHandlingStrategy, PROPAGATE);
    assert.equal(config.errorHandlingStrategy, 'propagate_exceptions');
    assert.equal(config.enableForCurrentRank, true);
    assert.equal(config.loggerConfig.logLevel, 'INFO');
    assert.equal(config.summaryDataSchemaVersion, '1.0.0');
    assert.equal(config.telemetryConfig, undefined);
  });

  test('functions for sessionTag and isBaselineRun are evaluated by the getters (#3)', () => {
    const config = new OneLoggerConfig({ ...base, sessionTag: () => 'dynamic_task', isBaselineRun: () => true, worldSize: () => 8 });
    assert.equal(config.sessionTag, 'dynamic_task');
    assert.equal(config.isBaselineRun, true);
    assert.equal(config.worldSize, 8);
  });

  test('functions are evaluated on every read, not cached', () => {
    let worldCalls = 0;
    let tagCalls = 0;
    let baseline = false;
    const config = new OneLoggerConfig({
      ...base,
      worldSize: () => {
        worldCalls++;
        return worldCalls * 2;
      },
      sessionTag: () => `tag-${++tagCalls}`,
      isBaselineRun: () => baseline,
    });
    // The world size is validated once at construction.
    assert.equal(worldCalls, 1);
    assert.equal(tagCalls, 0);
    assert.equal(config.worldSize, 4);
    assert.equal(config.worldSize, 6);
    assert.equal(worldCalls, 3);
    assert.equal(config.sessionTag, 'tag-1');
    assert.equal(config.sessionTag, 'tag-2');
    assert.equal(config.isBaselineRun, false);
    baseline = true;
    assert.equal(config.isBaselineRun, true);
  });

  test('a function whose later answer breaks the rule gives a ConfigError on that read', () => {
    let size = 2;
    const sizeFn = () => size;
    const tagFn = () => 42 as unknown as string;
    const config = new OneLoggerConfig({ ...base, worldSize: sizeFn, sessionTag: tagFn });
    assert.equal(config.worldSize, 2);
    size = 0;
    assertConfigError(() => config.worldSize, 'OneLoggerConfig.worldSize', 0, '0', 'the function must return a positive integer');
    assertConfigError(() => config.sessionTag, 'OneLoggerConfig.sessionTag', 42, '42', 'the function must return a string');
  });

  test('customMetadata is stored equal to the input, as a frozen copy (#4)', () => {
    const meta = { team: 'ml', priority: 1, tags: ['a', 'b'], on: true };
    const config = new OneLoggerConfig({ ...base, customMetadata: meta });
    assert.deepEqual(config.customMetadata, { team: 'ml', priority: 1, tags: ['a', 'b'], on: true });
    meta.team = 'changed';
    assert.equal(config.customMetadata?.team, 'ml');
    assert.ok(Object.isFrozen(config.customMetadata));
  });

  test('a structural telemetry config is accepted and kept (#5)', () => {
    const telemetry: TelemetryConfig = {
      isTrainIterationsEnabled: true,
      isValidationIterationsEnabled: true,
      isTestIterationsEnabled: true,
      isSaveCheckpointEnabled: true,
      appType: ApplicationType.TRAINING,
    };
    const config = new OneLoggerConfig({ ...base, telemetryConfig: telemetry });
    assert.equal(config.telemetryConfig, telemetry);
    assert.equal(config.telemetryConfig?.appType, 'training');
  });

  test('a telemetry config missing members is rejected, listing them', () => {
    const bare = { appType: 'training' };
    assertConfigError(
      () => build({ telemetryConfig: bare }),
      'OneLoggerConfig.telemetryConfig',
      bare,
      'object',
      'must have the members isTrainIterationsEnabled, isValidationIterationsEnabled, isTestIterationsEnabled, isSaveCheckpointEnabled',
    );
  });

  test('OneLoggerConfig.from returns a validated config unchanged and validates input objects', () => {
    const config = new OneLoggerConfig({ ...base });
    assert.equal(OneLoggerConfig.from(config), config);
    const built = OneLoggerConfig.from({ ...base, applicationName: 'other' });
    assert.ok(built instanceof OneLoggerConfig);
    assert.equal(built.applicationName, 'other');
    assert.throws(() => OneLoggerConfig.from({ ...base, applicationName: '' }), ConfigError);
  });
});

describe('OneLoggerConfig: validation failures name field, value and rule', () => {
  test('empty applicationName (#6)', () => {
    assertConfigError(
      () => build({ applicationName: '' }),
      'OneLoggerConfig.applicationName',
      '',
      '""',
      'cannot be empty or whitespace-only',
    );
  });

  test('whitespace-only applicationName (#7)', () => {
    assertConfigError(
      () => build({ applicationName: '   \t\n  ' }),
      'OneLoggerConfig.applicationName',
      '   \t\n  ',
      '"   \\t\\n  "',
      'cannot be empty or whitespace-only',
    );
  });

  test('a non-string or missing applicationName', () => {
    assertConfigError(() => build({ applicationName: 42 }), 'OneLoggerConfig.applicationName', 42, '42', 'must be a string');
    assertConfigError(
      () => new OneLoggerConfig({ sessionTag: 's', worldSize: 1 } as unknown as OneLoggerConfigInput),
      'OneLoggerConfig.applicationName',
      undefined,
      'undefined',
      'must be a string',
    );
  });

  test('customMetadata key "" (#8)', () => {
    assertConfigError(
      () => build({ customMetadata: { valid: 'x', '': 'v' } }),
      'OneLoggerConfig.customMetadata',
      '',
      '""',
      'keys must be non-empty strings',
    );
  });

  test('customMetadata key of spaces (#9)', () => {
    assertConfigError(
      () => build({ customMetadata: { '   ': 'v' } }),
      'OneLoggerConfig.customMetadata',
      '   ',
      '"   "',
      'keys must be non-empty strings',
    );
  });

  test('keys containing spaces are accepted unchanged (#10)', () => {
    const config = new OneLoggerConfig({ ...base, customMetadata: { key_with_spaces: 'v', 'key with spaces': 1 } });
    assert.deepEqual(Object.keys(config.customMetadata ?? {}), ['key_with_spaces', 'key with spaces']);
  });

  test('customMetadata values must be attribute values (no null, no objects, homogeneous lists)', () => {
    assertConfigError(() => build({ customMetadata: { k: null } }), 'OneLoggerConfig.customMetadata.k', null, 'null', 'value must be');
    assertConfigError(
      () => build({ customMetadata: { nested: { a: 1 } } }),
      'OneLoggerConfig.customMetadata.nested',
      { a: 1 },
      'object',
      'value must be',
    );
    assertConfigError(
      () => build({ customMetadata: { mixed: [1, 'two'] } }),
      'OneLoggerConfig.customMetadata.mixed',
      [1, 'two'],
      'array of length 2',
      'share one type',
    );
    assertConfigError(
      () => build({ customMetadata: 'team=ml' }),
      'OneLoggerConfig.customMetadata',
      'team=ml',
      '"team=ml"',
      'must be an object',
    );
  });

  test('worldSize must be a positive integer: no coercion of "4", 4.5, 0, -5, NaN, true', () => {
    const rule = 'must be a positive integer or a function returning one';
    assertConfigError(() => build({ worldSize: '4' }), 'OneLoggerConfig.worldSize', '4', '"4"', rule);
    assertConfigError(() => build({ worldSize: 4.5 }), 'OneLoggerConfig.worldSize', 4.5, '4.5', rule);
    assertConfigError(() => build({ worldSize: 0 }), 'OneLoggerConfig.worldSize', 0, '0', rule);
    assertConfigError(() => build({ worldSize: -5 }), 'OneLoggerConfig.worldSize', -5, '-5', rule);
    assertConfigError(() => build({ worldSize: Number.NaN }), 'OneLoggerConfig.worldSize', Number.NaN, 'NaN', rule);
    assertConfigError(() => build({ worldSize: true }), 'OneLoggerConfig.worldSize', true, 'true', rule);
    assertConfigError(() => build({ worldSize: undefined }), 'OneLoggerConfig.worldSize', undefined, 'undefined', 'is required');
  });

  test('a worldSize function is checked at construction; one returning -1 or a string fails', () => {
    assertConfigError(
      () => build({ worldSize: () => -1 }),
      'OneLoggerConfig.worldSize',
      -1,
      '-1',
      'the function must return a positive integer',
    );
    assertConfigError(
      () => build({ worldSize: () => '2' }),
      'OneLoggerConfig.worldSize',
      '2',
      '"2"',
      'the function must return a positive integer',
    );
  });

  test('a worldSize function that throws gives a ConfigError (not the raw error), naming the function and its error (B21)', () => {
    function brokenWorldSize(): number {
      throw new Error('no cluster info');
    }
    assertConfigError(
      () => build({ worldSize: brokenWorldSize }),
      'OneLoggerConfig.worldSize',
      brokenWorldSize,
      'function brokenWorldSize',
      'the function threw: no cluster info',
    );
  });

  test('sessionTag is required and must be a string or a function', () => {
    assertConfigError(() => build({ sessionTag: undefined }), 'OneLoggerConfig.sessionTag', undefined, 'undefined', 'is required');
    assertConfigError(() => build({ sessionTag: 7 }), 'OneLoggerConfig.sessionTag', 7, '7', 'must be a string or a function returning one');
  });

  test('isBaselineRun "yes" is not coerced', () => {
    assertConfigError(
      () => build({ isBaselineRun: 'yes' }),
      'OneLoggerConfig.isBaselineRun',
      'yes',
      '"yes"',
      'must be a boolean or a function returning one',
    );
  });

  test('enableForCurrentRank "false" is rejected instead of being silently truthy (B21)', () => {
    assertConfigError(
      () => build({ enableForCurrentRank: 'false' }),
      'OneLoggerConfig.enableForCurrentRank',
      'false',
      '"false"',
      'must be a boolean',
    );
    assert.equal(rankWarnings().length, 0);
  });

  test('an unknown strategy is rejected, listing the two strategies', () => {
    assertConfigError(
      () => build({ errorHandlingStrategy: 'ignore' }),
      'OneLoggerConfig.errorHandlingStrategy',
      'ignore',
      '"ignore"',
      'must be one of propagate_exceptions, disable_quietly_and_report_metric_error',
    );
  });

  test('summaryDataSchemaVersion must be a non-empty string (a function is rejected, B21)', () => {
    const versionFn = () => '2.0.0';
    assertConfigError(
      () => build({ summaryDataSchemaVersion: versionFn }),
      'OneLoggerConfig.summaryDataSchemaVersion',
      versionFn,
      'function versionFn',
      'must be a non-empty string',
    );
    assertConfigError(
      () => build({ summaryDataSchemaVersion: '' }),
      'OneLoggerConfig.summaryDataSchemaVersion',
      '',
      '""',
      'must be a non-empty string',
    );
    assert.equal(build({ summaryDataSchemaVersion: '2.1.0' }).summaryDataSchemaVersion, '2.1.0');
  });

  test('unknown keys are rejected, not silently ignored; snake_case reference names too (B21)', () => {
    assertConfigError(
      () => build({ applicationNmae: 'typo' }),
      'OneLoggerConfig.applicationNmae',
      'typo',
      '"typo"',
      'is not a known option',
    );
    const err = assertConfigError(
      () => build({ world_size_or_fn: 4 }),
      'OneLoggerConfig.world_size_or_fn',
      4,
      '4',
      'is not a known option',
    );
    assert.ok(err.message.includes('applicationName, worldSize, sessionTag'), err.message);
  });

  test('the input must be a plain object', () => {
    assertConfigError(
      () => new OneLoggerConfig(null as unknown as OneLoggerConfigInput),
      'OneLoggerConfig',
      null,
      'null',
      'must be a plain object',
    );
    assertConfigError(
      () => new OneLoggerConfig([] as unknown as OneLoggerConfigInput),
      'OneLoggerConfig',
      [],
      'array of length 0',
      'must be a plain object',
    );
  });

  test('messages never dump nested values or long strings (S5: secrets stay out of errors)', () => {
    const secret = 'sk-live-0123456789abcdef';
    let caught: unknown;
    try {
      build({ customMetadata: { creds: { apiKey: secret } } });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof ConfigError);
    assert.ok(!caught.message.includes(secret), caught.message);
    const long = `x${'y'.repeat(500)}`;
    try {
      build({ applicationName: 1, sessionTag: long, unknownOption: long });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof ConfigError);
    // The value is quoted up to MAX_QUOTED_CHARS (200), then cut with its length.
    assert.ok(caught.message.endsWith(`(got "x${'y'.repeat(199)}…" (501 characters))`), caught.message);
    assert.ok(caught.message.length < 600, `message is short: ${caught.message.length} chars`);
  });
});

describe('OneLoggerConfig: error-handling defaults per rank', () => {
  test('enabled rank without a strategy: propagate (#11)', () => {
    assert.equal(new OneLoggerConfig({ ...base, enableForCurrentRank: true }).errorHandlingStrategy, PROPAGATE);
  });

  test('disabled rank without a strategy: quiet (#12)', () => {
    assert.equal(new OneLoggerConfig({ ...base, enableForCurrentRank: false }).errorHandlingStrategy, QUIET);
  });

  test('disabled rank with explicit propagate keeps it, without a warning (#13)', () => {
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: false, errorHandlingStrategy: PROPAGATE });
    assert.equal(config.errorHandlingStrategy, PROPAGATE);
    assert.equal(config.loggerConfig.logLevel, 'INFO');
    assert.equal(rankWarnings().length, 0);
  });

  test('disabled rank with explicit quiet keeps it (#14)', () => {
    assert.equal(new OneLoggerConfig({ ...base, enableForCurrentRank: false, errorHandlingStrategy: QUIET }).errorHandlingStrategy, QUIET);
  });

  test('enabled rank with explicit quiet keeps it (#15)', () => {
    assert.equal(new OneLoggerConfig({ ...base, enableForCurrentRank: true, errorHandlingStrategy: QUIET }).errorHandlingStrategy, QUIET);
  });

  test('explicit and implicit strategies are told apart on a disabled rank (#16)', () => {
    const explicit = new OneLoggerConfig({ ...base, enableForCurrentRank: false, errorHandlingStrategy: PROPAGATE });
    const implicit = new OneLoggerConfig({ ...base, enableForCurrentRank: false });
    assert.equal(explicit.errorHandlingStrategy, PROPAGATE);
    assert.equal(implicit.errorHandlingStrategy, QUIET);
    assert.equal(rankWarnings().length, 1);
  });

  test('enabled rank + explicit quiet + worldSize 1 exposes the given fields (#17)', () => {
    const config = new OneLoggerConfig({
      applicationName: 'app',
      sessionTag: 'tag',
      worldSize: 1,
      enableForCurrentRank: true,
      errorHandlingStrategy: QUIET,
    });
    assert.deepEqual(
      [config.applicationName, config.sessionTag, config.worldSize, config.enableForCurrentRank, config.errorHandlingStrategy],
      ['app', 'tag', 1, true, QUIET],
    );
  });

  test('RANK=5, disabled rank: one warning naming the rank; quiet strategy; CRITICAL level (#18)', () => {
    process.env.RANK = '5';
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: false });
    const warnings = rankWarnings();
    assert.equal(warnings.length, 1);
    const w = warnings[0] as string;
    assert.ok(w.includes('rank=5'), w);
    assert.ok(w.includes('OneLogger disabled'), w);
    assert.equal(
      w,
      'OneLogger: Setting error_handling_strategy to DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR for rank (rank=5) with OneLogger disabled. To override: explicitly set error_handling_strategy parameter.',
    );
    assert.equal(config.errorHandlingStrategy, QUIET);
    assert.equal(config.loggerConfig.logLevel, 'CRITICAL');
    assert.equal(config.enableForCurrentRank, false);
  });

  test('RANK=3, disabled rank with an explicit DEBUG level: warning once, level stays DEBUG (#19)', () => {
    process.env.RANK = '3';
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: false, loggerConfig: { logLevel: 'DEBUG' } });
    const warnings = rankWarnings();
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.includes('rank=3'));
    assert.equal(config.errorHandlingStrategy, QUIET);
    assert.equal(config.loggerConfig.logLevel, 'DEBUG');
  });

  test('disabled rank with loggerConfig given but no level: CRITICAL is still applied (B21)', () => {
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: false, loggerConfig: { logFormat: '%(levelname)s %(message)s' } });
    assert.equal(config.loggerConfig.logLevel, 'CRITICAL');
    assert.equal(config.loggerConfig.logFormat, '%(levelname)s %(message)s');
  });

  test('enabled rank: nothing logged, propagate, INFO (#20)', () => {
    process.env.RANK = '2';
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: true });
    assert.deepEqual(logLines, []);
    assert.equal(config.errorHandlingStrategy, PROPAGATE);
    assert.equal(config.loggerConfig.logLevel, 'INFO');
  });

  test('RANK=7, disabled rank: CRITICAL, and configuring the provider sets the internal logger to CRITICAL (#21)', () => {
    process.env.RANK = '7';
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: false });
    assert.equal(config.loggerConfig.logLevel, 'CRITICAL');
    OneLoggerProvider.instance().configure(config, new DefaultRecorder({ exporters: [] }));
    assert.equal(internalLogger.level, 'CRITICAL');
    assert.equal(internalLogger.isEnabledFor('ERROR'), false);
    assert.equal(internalLogger.isEnabledFor('CRITICAL'), true);
  });

  test('a non-numeric RANK does not break construction; the warning shows the raw value (B21)', () => {
    process.env.RANK = 'worker-a';
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: false });
    assert.equal(config.errorHandlingStrategy, QUIET);
    const warnings = rankWarnings();
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.includes('"worker-a"'), warnings[0]);
    assert.ok(warnings[0]?.includes('OneLogger disabled'), warnings[0]);
  });

  test('without RANK the warning says rank=0', () => {
    const config = new OneLoggerConfig({ ...base, enableForCurrentRank: false });
    assert.equal(config.enableForCurrentRank, false);
    assert.ok(rankWarnings()[0]?.includes('(rank=0)'), rankWarnings()[0]);
  });

  test('the rank defaults never derive enableForCurrentRank from RANK', () => {
    process.env.RANK = '3';
    const config = new OneLoggerConfig({ ...base });
    assert.equal(config.enableForCurrentRank, true);
    assert.equal(config.errorHandlingStrategy, PROPAGATE);
  });
});

// The reference's three "mock" telemetry configs are classes with read-only properties; here they are a plain
// object literal, a class with getters (members on the prototype) and a frozen object with metadata.
class ValidationTelemetry implements TelemetryConfig {
  get isTrainIterationsEnabled(): boolean {
    return false;
  }
  get isValidationIterationsEnabled(): boolean {
    return true;
  }
  get isTestIterationsEnabled(): boolean {
    return true;
  }
  get isSaveCheckpointEnabled(): boolean {
    return false;
  }
  get appType(): ApplicationType {
    return ApplicationType.VALIDATION;
  }
  get customMetadata(): undefined {
    return undefined;
  }
}

const trainingTelemetry: TelemetryConfig = {
  isTrainIterationsEnabled: true,
  isValidationIterationsEnabled: true,
  isTestIterationsEnabled: true,
  isSaveCheckpointEnabled: true,
  appType: ApplicationType.TRAINING,
};

const metadataTelemetry: TelemetryConfig = Object.freeze({
  isTrainIterationsEnabled: true,
  isValidationIterationsEnabled: false,
  isTestIterationsEnabled: false,
  isSaveCheckpointEnabled: true,
  appType: 'custom_app_type',
  customMetadata: { telemetry_key: 'telemetry_value' },
});

describe('TelemetryConfig (structural check)', () => {
  test('a conforming object literal exposes appType training, the four flags true and no customMetadata (#23)', () => {
    assert.equal(trainingTelemetry.appType, 'training');
    assert.equal(trainingTelemetry.appType, ApplicationType.TRAINING);
    assert.deepEqual(
      [
        trainingTelemetry.isTrainIterationsEnabled,
        trainingTelemetry.isValidationIterationsEnabled,
        trainingTelemetry.isTestIterationsEnabled,
        trainingTelemetry.isSaveCheckpointEnabled,
      ],
      [true, true, true, true],
    );
    assert.equal(trainingTelemetry.customMetadata, undefined);
  });

  test('a class with getters exposes appType validation and isTrainIterationsEnabled false (#24)', () => {
    const telemetry = new ValidationTelemetry();
    assert.equal(telemetry.appType, 'validation');
    assert.equal(telemetry.isTrainIterationsEnabled, false);
    assert.equal(telemetry.isValidationIterationsEnabled, true);
  });

  test('a conforming object returns its metadata { telemetry_key: "telemetry_value" } (#25)', () => {
    assert.deepEqual(metadataTelemetry.customMetadata, { telemetry_key: 'telemetry_value' });
  });

  test('isTelemetryConfig (the isinstance check) accepts the object literal (#26)', () => {
    assert.equal(isTelemetryConfig(trainingTelemetry), true);
    assert.deepEqual(missingTelemetryConfigMembers(trainingTelemetry), []);
  });

  test('isTelemetryConfig accepts the class instance, whose members live on the prototype (#27)', () => {
    const telemetry = new ValidationTelemetry();
    assert.equal(Object.keys(telemetry).length, 0, 'no own properties: the getters are inherited');
    assert.equal(isTelemetryConfig(telemetry), true);
  });

  test('isTelemetryConfig accepts the frozen metadata object; a string appType is allowed (#28)', () => {
    assert.equal(isTelemetryConfig(metadataTelemetry), true);
  });

  test('missing members, null and primitives are rejected, naming what is missing (#26-#28, negative side)', () => {
    const { isSaveCheckpointEnabled: _dropped, ...withoutCheckpoint } = trainingTelemetry;
    assert.equal(isTelemetryConfig(withoutCheckpoint), false);
    assert.deepEqual(missingTelemetryConfigMembers(withoutCheckpoint), ['isSaveCheckpointEnabled']);
    assert.deepEqual(missingTelemetryConfigMembers({ appType: 'training' }), [
      'isTrainIterationsEnabled',
      'isValidationIterationsEnabled',
      'isTestIterationsEnabled',
      'isSaveCheckpointEnabled',
    ]);
    for (const value of [null, undefined, 'training', 42, true]) {
      assert.equal(isTelemetryConfig(value), false, String(value));
      assert.equal(missingTelemetryConfigMembers(value).length, 5);
    }
    // customMetadata is optional: presence of the five required members is enough.
    assert.equal('customMetadata' in trainingTelemetry, false);
  });

  test('all three shapes are accepted by OneLoggerConfig and kept as the same object (#23-#28)', () => {
    for (const telemetry of [trainingTelemetry, new ValidationTelemetry(), metadataTelemetry]) {
      const config = new OneLoggerConfig({ ...base, telemetryConfig: telemetry });
      assert.equal(config.telemetryConfig, telemetry);
    }
  });
});
