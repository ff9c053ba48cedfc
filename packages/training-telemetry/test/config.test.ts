// TrainingTelemetryConfig: defaults, functions, strict validation, business rules, immutability
// (spec/training.md §1.2-1.4, §10 items 1-6, §11 W15, W24, W26).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, isTelemetryConfig, OneLoggerConfig, OneLoggerError } from '@nv-one-logger/core';
import { TrainingTelemetryConfig, type TrainingTelemetryConfigInput } from '../src/config.js';

const base = { perfTag: 'test_perf', globalBatchSize: 32 } as const;

/** Builds a config from untyped input (to exercise the runtime checks that TypeScript would reject). */
function build(extra: Record<string, unknown>): TrainingTelemetryConfig {
  return new TrainingTelemetryConfig({ ...base, ...extra } as unknown as TrainingTelemetryConfigInput);
}

/** Asserts a ConfigError for `field` whose message names the field, the value (as `shown`) and the rule. */
function assertConfigError(fn: () => unknown, field: string, shown: string, ruleFragment: string): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.ok(caught instanceof OneLoggerError);
  assert.equal(caught.field, field);
  assert.ok(caught.message.includes(field), `message names the field: ${caught.message}`);
  assert.ok(caught.message.includes(`(got ${shown})`), `message names the value ${shown}: ${caught.message}`);
  assert.ok(caught.message.includes(ruleFragment), `message names the rule "${ruleFragment}": ${caught.message}`);
  assert.ok(caught.rule.includes(ruleFragment));
  return caught;
}

const F = (name: string): string => `TrainingTelemetryConfig.${name}`;

describe('defaults and values (spec §10 items 1, 5, 6)', () => {
  test('item 1: log_every_n_train_iterations defaults to 50 and appType is "training"', () => {
    const c = new TrainingTelemetryConfig(base);
    assert.equal(c.logEveryNTrainIterations, 50);
    assert.equal(c.appType, 'training');
  });

  test('every default of the reference', () => {
    const c = new TrainingTelemetryConfig(base);
    assert.equal(c.perfTag, 'test_perf');
    assert.equal(c.globalBatchSize, 32);
    assert.equal(c.isLogThroughputEnabled, false);
    assert.equal(c.isTrainIterationsEnabled, true);
    assert.equal(c.isValidationIterationsEnabled, true);
    assert.equal(c.isTestIterationsEnabled, true);
    assert.equal(c.isSaveCheckpointEnabled, true);
    assert.equal(c.saveCheckpointStrategy, 'sync');
    assert.equal(c.customMetadata, undefined);
  });

  test('item 6: optional fields are undefined when unset and return their values when set', () => {
    const unset = new TrainingTelemetryConfig(base);
    assert.equal(unset.microBatchSize, undefined);
    assert.equal(unset.seqLength, undefined);
    assert.equal(unset.flopsPerSample, undefined);
    assert.equal(unset.trainIterationsTarget, undefined);
    assert.equal(unset.trainSamplesTarget, undefined);

    const set = new TrainingTelemetryConfig({
      ...base,
      microBatchSize: 4,
      seqLength: 1024,
      flopsPerSample: 100,
      trainIterationsTarget: 1000,
      trainSamplesTarget: 32000,
      logEveryNTrainIterations: 10,
      isTrainIterationsEnabled: false,
      isValidationIterationsEnabled: false,
      isTestIterationsEnabled: false,
      isSaveCheckpointEnabled: false,
      saveCheckpointStrategy: 'async',
      customMetadata: { team: 'nlp', gpus: 8 },
    });
    assert.equal(set.microBatchSize, 4);
    assert.equal(set.seqLength, 1024);
    assert.equal(set.flopsPerSample, 100);
    assert.equal(set.trainIterationsTarget, 1000);
    assert.equal(set.trainSamplesTarget, 32000);
    assert.equal(set.logEveryNTrainIterations, 10);
    assert.equal(set.isTrainIterationsEnabled, false);
    assert.equal(set.isValidationIterationsEnabled, false);
    assert.equal(set.isTestIterationsEnabled, false);
    assert.equal(set.isSaveCheckpointEnabled, false);
    assert.equal(set.saveCheckpointStrategy, 'async');
    assert.deepEqual(set.customMetadata, { team: 'nlp', gpus: 8 });
  });

  test('optional fields may be given explicitly as undefined', () => {
    const c = new TrainingTelemetryConfig({
      ...base,
      microBatchSize: undefined,
      customMetadata: undefined,
      saveCheckpointStrategy: undefined,
    });
    assert.equal(c.microBatchSize, undefined);
    assert.equal(c.customMetadata, undefined);
    assert.equal(c.saveCheckpointStrategy, 'sync');
  });

  test('item 5: a valid throughput config exposes the flag, FLOPs and both targets', () => {
    const c = new TrainingTelemetryConfig({
      ...base,
      isLogThroughputEnabled: true,
      flopsPerSample: 100,
      trainIterationsTarget: 1000,
      trainSamplesTarget: 32000,
    });
    assert.equal(c.isLogThroughputEnabled, true);
    assert.equal(c.flopsPerSample, 100);
    assert.equal(c.trainIterationsTarget, 1000);
    assert.equal(c.trainSamplesTarget, 32000);
  });

  test('perfTag may be a list of strings', () => {
    const c = new TrainingTelemetryConfig({ ...base, perfTag: ['a', 'b'] });
    assert.deepEqual(c.perfTag, ['a', 'b']);
  });

  test('zero is accepted for the optional counts (seqLength 0 behaves like unset in the recorder)', () => {
    const c = new TrainingTelemetryConfig({ ...base, seqLength: 0, flopsPerSample: 0, trainIterationsTarget: 0, microBatchSize: 0 });
    assert.equal(c.seqLength, 0);
    assert.equal(c.flopsPerSample, 0);
  });

  test('the config satisfies the core TelemetryConfig contract and is accepted by OneLoggerConfig', () => {
    const c = new TrainingTelemetryConfig(base);
    assert.ok(isTelemetryConfig(c));
    const core = new OneLoggerConfig({ applicationName: 'app', worldSize: 2, sessionTag: 's', telemetryConfig: c });
    assert.equal(core.telemetryConfig, c);
  });
});

describe('functions (spec §10 item 2, §1.3)', () => {
  test('item 2: perfTag and globalBatchSize accept functions; the getters return their results', () => {
    const c = new TrainingTelemetryConfig({ perfTag: () => 'fn_perf', globalBatchSize: () => 64 });
    assert.equal(c.perfTag, 'fn_perf');
    assert.equal(c.globalBatchSize, 64);
  });

  test('every ValueOrFn field accepts a function', () => {
    const c = new TrainingTelemetryConfig({
      perfTag: () => ['x', 'y'],
      globalBatchSize: () => 8,
      microBatchSize: () => 2,
      seqLength: () => 128,
      flopsPerSample: () => 1000,
      trainIterationsTarget: () => 3,
      trainSamplesTarget: () => 24,
      isLogThroughputEnabled: () => true,
      isTrainIterationsEnabled: () => false,
      isValidationIterationsEnabled: () => false,
      isTestIterationsEnabled: () => false,
      isSaveCheckpointEnabled: () => false,
    });
    assert.deepEqual(c.perfTag, ['x', 'y']);
    assert.equal(c.globalBatchSize, 8);
    assert.equal(c.microBatchSize, 2);
    assert.equal(c.seqLength, 128);
    assert.equal(c.flopsPerSample, 1000);
    assert.equal(c.trainIterationsTarget, 3);
    assert.equal(c.trainSamplesTarget, 24);
    assert.equal(c.isLogThroughputEnabled, true);
    assert.equal(c.isTrainIterationsEnabled, false);
    assert.equal(c.isValidationIterationsEnabled, false);
    assert.equal(c.isTestIterationsEnabled, false);
    assert.equal(c.isSaveCheckpointEnabled, false);
  });

  test('functions are called once during validation and again on every read (nothing is cached)', () => {
    let calls = 0;
    let value = 16;
    const c = new TrainingTelemetryConfig({
      ...base,
      globalBatchSize: () => {
        calls++;
        return value;
      },
    });
    assert.equal(calls, 1, 'validated at construction');
    assert.equal(c.globalBatchSize, 16);
    value = 32;
    assert.equal(c.globalBatchSize, 32);
    assert.equal(calls, 3);
  });

  test('an optional field function may answer undefined ("not known yet")', () => {
    let seq: number | undefined;
    const c = new TrainingTelemetryConfig({ ...base, seqLength: () => seq as number });
    assert.equal(c.seqLength, undefined);
    seq = 2048;
    assert.equal(c.seqLength, 2048);
  });

  test('a function that throws during validation becomes a ConfigError naming the field (cause kept)', () => {
    const boom = new RangeError('not ready yet');
    const err = assertConfigError(
      () =>
        build({
          globalBatchSize: () => {
            throw boom;
          },
        }),
      F('globalBatchSize'),
      'function globalBatchSize',
      'the function threw: not ready yet',
    );
    assert.equal(err.cause, boom);
  });

  test('a function returning the wrong type during validation is rejected', () => {
    assertConfigError(() => build({ globalBatchSize: () => '32' }), F('globalBatchSize'), '"32"', 'the function must return an integer');
    assertConfigError(() => build({ perfTag: () => 5 }), F('perfTag'), '5', 'the function must return a string or an array of strings');
    assertConfigError(
      () => build({ isSaveCheckpointEnabled: () => 'yes' }),
      F('isSaveCheckpointEnabled'),
      '"yes"',
      'the function must return a boolean',
    );
    assertConfigError(
      () => build({ seqLength: () => -1 }),
      F('seqLength'),
      '-1',
      'the function must return a non-negative integer or undefined',
    );
  });

  test('a getter whose function later returns a wrong type throws a OneLoggerError naming the field', () => {
    let value: unknown = 8;
    let tag: unknown = 'ok';
    let flag: unknown = true;
    const c = build({ globalBatchSize: () => value, perfTag: () => tag, isSaveCheckpointEnabled: () => flag, microBatchSize: () => value });
    value = 'eight';
    assertConfigError(() => c.globalBatchSize, F('globalBatchSize'), '"eight"', 'the function must return an integer');
    assertConfigError(() => c.microBatchSize, F('microBatchSize'), '"eight"', 'the function must return a non-negative integer');
    tag = ['a', 2];
    assertConfigError(() => c.perfTag, F('perfTag'), 'array of length 2', 'the function must return a string or an array of strings');
    flag = 1;
    assertConfigError(() => c.isSaveCheckpointEnabled, F('isSaveCheckpointEnabled'), '1', 'the function must return a boolean');
  });

  test('a getter whose function later throws reports the field', () => {
    let fail = false;
    const c = build({
      isLogThroughputEnabled: () => {
        if (fail) throw new Error('lost');
        return false;
      },
    });
    fail = true;
    assertConfigError(
      () => c.isLogThroughputEnabled,
      F('isLogThroughputEnabled'),
      'function isLogThroughputEnabled',
      'the function threw: lost',
    );
  });

  test('a globalBatchSize function that later answers 0 is caught at read time with the business rule', () => {
    let gbs = 8;
    const c = build({ globalBatchSize: () => gbs });
    gbs = 0;
    assertConfigError(() => c.globalBatchSize, F('globalBatchSize'), '0', 'globalBatchSize must be set to a positive value');
  });
});

describe('business rules with the reference messages (spec §10 items 3-4, §1.4)', () => {
  test('item 3: global batch size 0 (or negative, or a function answering 0) is rejected', () => {
    assertConfigError(() => build({ globalBatchSize: 0 }), F('globalBatchSize'), '0', 'globalBatchSize must be set to a positive value');
    assertConfigError(() => build({ globalBatchSize: -8 }), F('globalBatchSize'), '-8', 'globalBatchSize must be set to a positive value');
    assertConfigError(
      () => build({ globalBatchSize: () => 0 }),
      F('globalBatchSize'),
      '0',
      'globalBatchSize must be set to a positive value',
    );
  });

  test('log_every_n_train_iterations <= 0 is rejected with the verbatim message (trailing space included)', () => {
    const err = assertConfigError(
      () => build({ logEveryNTrainIterations: 0 }),
      F('logEveryNTrainIterations'),
      '0',
      'logEveryNTrainIterations must be set to a positive value',
    );
    assert.equal(err.rule, 'logEveryNTrainIterations must be set to a positive value');
    assertConfigError(
      () => build({ logEveryNTrainIterations: -1 }),
      F('logEveryNTrainIterations'),
      '-1',
      'logEveryNTrainIterations must be set to a positive value',
    );
  });

  test('item 4: throughput on without FLOPs per sample is rejected, even with targets set', () => {
    const rule = 'flopsPerSample must be set to a positive value when isLogThroughputEnabled is true';
    assertConfigError(
      () => build({ isLogThroughputEnabled: true, trainIterationsTarget: 10, trainSamplesTarget: 320 }),
      F('flopsPerSample'),
      'undefined',
      rule,
    );
    assertConfigError(() => build({ isLogThroughputEnabled: true, flopsPerSample: 0 }), F('flopsPerSample'), '0', rule);
    assertConfigError(() => build({ isLogThroughputEnabled: () => true }), F('flopsPerSample'), 'undefined', rule);
    assertConfigError(
      () => build({ isLogThroughputEnabled: true, flopsPerSample: () => undefined }),
      F('flopsPerSample'),
      'undefined',
      rule,
    );
  });

  test('throughput off needs no FLOPs per sample', () => {
    assert.equal(build({ isLogThroughputEnabled: false }).flopsPerSample, undefined);
  });

  test('type errors are reported before business rules (the reference validates types first)', () => {
    assertConfigError(() => build({ globalBatchSize: 0, perfTag: 5 }), F('perfTag'), '5', 'must be a string or an array of strings');
    assertConfigError(() => build({ globalBatchSize: 0, logEveryNTrainIterations: 0 }), F('globalBatchSize'), '0', 'globalBatchSize must');
  });
});

describe('strict types: no coercion (spec §11 W26)', () => {
  const cases: Array<[field: string, value: unknown, shown: string, rule: string]> = [
    ['globalBatchSize', '32', '"32"', 'must be an integer or a function returning one'],
    ['globalBatchSize', true, 'true', 'must be an integer or a function returning one'],
    ['globalBatchSize', 32.5, '32.5', 'must be an integer or a function returning one'],
    ['globalBatchSize', Number.NaN, 'NaN', 'must be an integer or a function returning one'],
    ['globalBatchSize', Number.POSITIVE_INFINITY, 'Infinity', 'must be an integer or a function returning one'],
    ['globalBatchSize', null, 'null', 'must be an integer or a function returning one'],
    ['perfTag', 5, '5', 'must be a string or an array of strings or a function returning one'],
    ['perfTag', ['a', 1], 'array of length 2', 'must be a string or an array of strings'],
    ['perfTag', null, 'null', 'must be a string or an array of strings'],
    ['microBatchSize', '4', '"4"', 'must be a non-negative integer or a function returning one'],
    ['microBatchSize', -1, '-1', 'must be a non-negative integer'],
    ['microBatchSize', null, 'null', 'must be a non-negative integer'],
    ['seqLength', true, 'true', 'must be a non-negative integer'],
    ['seqLength', 1.5, '1.5', 'must be a non-negative integer'],
    ['flopsPerSample', '1000', '"1000"', 'must be a non-negative integer'],
    ['trainIterationsTarget', -3, '-3', 'must be a non-negative integer'],
    ['trainSamplesTarget', 2.5, '2.5', 'must be a non-negative integer'],
    ['logEveryNTrainIterations', '10', '"10"', 'must be an integer (no function form)'],
    ['logEveryNTrainIterations', 2.5, '2.5', 'must be an integer (no function form)'],
    ['logEveryNTrainIterations', () => 10, 'function (anonymous)', 'must be an integer (no function form)'],
    ['logEveryNTrainIterations', null, 'null', 'must be an integer (no function form)'],
    ['isLogThroughputEnabled', 'true', '"true"', 'must be a boolean or a function returning one'],
    ['isTrainIterationsEnabled', 'yes', '"yes"', 'must be a boolean'],
    ['isValidationIterationsEnabled', 1, '1', 'must be a boolean'],
    ['isTestIterationsEnabled', 0, '0', 'must be a boolean'],
    ['isSaveCheckpointEnabled', null, 'null', 'must be a boolean'],
    ['saveCheckpointStrategy', 'SYNC', '"SYNC"', 'must be one of sync, async'],
    ['saveCheckpointStrategy', 'other', '"other"', 'must be one of sync, async'],
    ['saveCheckpointStrategy', 1, '1', 'must be one of sync, async'],
    ['saveCheckpointStrategy', null, 'null', 'must be one of sync, async'],
    ['customMetadata', 'k:v', '"k:v"', 'must be an object of attribute values'],
    ['customMetadata', ['k'], 'array of length 1', 'must be an object of attribute values'],
    ['customMetadata', null, 'null', 'must be an object of attribute values'],
  ];
  for (const [field, value, shown, rule] of cases) {
    test(`${field} = ${shown} is rejected`, () => {
      assertConfigError(() => build({ [field]: value }), F(field), shown, rule);
    });
  }

  test('a missing perfTag or globalBatchSize is required', () => {
    assertConfigError(
      () => new TrainingTelemetryConfig({ globalBatchSize: 8 } as unknown as TrainingTelemetryConfigInput),
      F('perfTag'),
      'undefined',
      'is required',
    );
    assertConfigError(
      () => new TrainingTelemetryConfig({ perfTag: 'p' } as unknown as TrainingTelemetryConfigInput),
      F('globalBatchSize'),
      'undefined',
      'is required',
    );
  });

  test('custom metadata: blank keys and invalid attribute values are rejected with the key named', () => {
    assertConfigError(() => build({ customMetadata: { ' ': 'x' } }), F('customMetadata'), '" "', 'keys must be non-empty strings');
    assertConfigError(() => build({ customMetadata: { n: Number.NaN } }), F('customMetadata.n'), 'NaN', 'numbers must be finite');
    assertConfigError(
      () => build({ customMetadata: { mixed: [1, 'a'] } }),
      F('customMetadata.mixed'),
      'array of length 2',
      'share one type',
    );
    assertConfigError(
      () => build({ customMetadata: { nested: { a: 1 } } }),
      F('customMetadata.nested'),
      'object',
      'value must be a string',
    );
  });

  test('the input must be a plain object', () => {
    for (const [input, shown] of [
      [null, 'null'],
      [undefined, 'undefined'],
      ['cfg', '"cfg"'],
      [[base], 'array of length 1'],
      [new Map(), 'Map instance'],
    ] as const) {
      assertConfigError(
        () => new TrainingTelemetryConfig(input as unknown as TrainingTelemetryConfigInput),
        'TrainingTelemetryConfig',
        shown,
        'must be a plain object',
      );
    }
  });
});

describe('unknown keys are rejected (spec §1.2, §11 W24)', () => {
  test('worldSize belongs to the core config (the reference silently dropped it)', () => {
    assertConfigError(() => build({ worldSize: 8 }), F('worldSize'), '8', 'worldSize belongs to the core OneLoggerConfig');
  });

  test('the Python spelling of a core key points at the core config too', () => {
    assertConfigError(() => build({ world_size_or_fn: 8 }), F('world_size_or_fn'), '8', 'worldSize belongs to the core OneLoggerConfig');
    assertConfigError(() => build({ sessionTag: 's' }), F('sessionTag'), '"s"', 'sessionTag belongs to the core OneLoggerConfig');
  });

  test('the Python spelling of a training key suggests the TS name', () => {
    assertConfigError(() => build({ perf_tag_or_fn: 'x' }), F('perf_tag_or_fn'), '"x"', 'did you mean perfTag?');
    assertConfigError(
      () => build({ log_every_n_train_iterations: 5 }),
      F('log_every_n_train_iterations'),
      '5',
      'did you mean logEveryNTrainIterations?',
    );
  });

  test('any other key lists the known options', () => {
    const err = assertConfigError(
      () => build({ appTypeOrFn: 'training' }),
      F('appTypeOrFn'),
      '"training"',
      'is not a known option (known: perfTag',
    );
    assert.ok(err.message.includes('customMetadata'));
  });
});

describe('immutability (spec §11 W15, W25)', () => {
  test('the config is frozen: no field can be reassigned or added after validation', () => {
    const c = new TrainingTelemetryConfig(base);
    assert.ok(Object.isFrozen(c));
    assert.throws(() => {
      (c as unknown as { logEveryNTrainIterations: number }).logEveryNTrainIterations = 0;
    }, TypeError);
    assert.throws(() => {
      (c as unknown as Record<string, unknown>).extra = 1;
    }, TypeError);
    assert.equal(c.logEveryNTrainIterations, 50);
  });

  test('later changes to the input objects do not reach the validated config', () => {
    const tags = ['a', 'b'];
    const meta: Record<string, string | number[]> = { team: 'nlp', ids: [1, 2] };
    const c = new TrainingTelemetryConfig({ ...base, perfTag: tags, customMetadata: meta });
    tags.push('c');
    meta.team = 'cv';
    (meta.ids as number[]).push(3);
    assert.deepEqual(c.perfTag, ['a', 'b']);
    assert.deepEqual(c.customMetadata, { team: 'nlp', ids: [1, 2] });
  });

  test('values read from the config cannot be mutated', () => {
    const c = new TrainingTelemetryConfig({ ...base, perfTag: ['a'], customMetadata: { ids: [1] } });
    assert.ok(Object.isFrozen(c.perfTag));
    assert.ok(Object.isFrozen(c.customMetadata));
    assert.ok(Object.isFrozen(c.customMetadata?.ids));
    assert.throws(() => {
      (c.customMetadata as Record<string, unknown>).x = 1;
    }, TypeError);
  });
});

describe('from() and toInput()', () => {
  test('from() returns a validated config unchanged and validates an input object', () => {
    const c = new TrainingTelemetryConfig(base);
    assert.equal(TrainingTelemetryConfig.from(c), c);
    const d = TrainingTelemetryConfig.from({ ...base, logEveryNTrainIterations: 7 });
    assert.ok(d instanceof TrainingTelemetryConfig);
    assert.equal(d.logEveryNTrainIterations, 7);
    assertConfigError(
      () => TrainingTelemetryConfig.from({ ...base, globalBatchSize: 0 }),
      F('globalBatchSize'),
      '0',
      'globalBatchSize must',
    );
  });

  test('toInput() gives the input form (functions kept, defaults filled in); it round-trips', () => {
    const gbs = (): number => 16;
    const c = new TrainingTelemetryConfig({ ...base, globalBatchSize: gbs, seqLength: 128, customMetadata: { k: 'v' } });
    const input = c.toInput();
    assert.equal(input.globalBatchSize, gbs);
    assert.deepEqual(
      { ...input, globalBatchSize: 'fn' },
      {
        perfTag: 'test_perf',
        globalBatchSize: 'fn',
        seqLength: 128,
        logEveryNTrainIterations: 50,
        isLogThroughputEnabled: false,
        isTrainIterationsEnabled: true,
        isValidationIterationsEnabled: true,
        isTestIterationsEnabled: true,
        isSaveCheckpointEnabled: true,
        saveCheckpointStrategy: 'sync',
        customMetadata: { k: 'v' },
      },
    );
    const again = new TrainingTelemetryConfig({ ...input, logEveryNTrainIterations: 100 });
    assert.equal(again.globalBatchSize, 16);
    assert.equal(again.logEveryNTrainIterations, 100);
    assert.equal(again.seqLength, 128);
  });
});
