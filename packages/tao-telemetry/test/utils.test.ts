import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { TelemetryInputError } from '../src/errors.js';
import { METRIC_ATTRIBUTES } from '../src/registry.js';
import {
  createGpuIdentifier,
  DEFAULT_EXTRACTION_LIMITS,
  extractTelemetryData,
  sanitizeFieldValue,
  TELEMETRY_SANITIZE_PATTERN,
} from '../src/utils.js';

const golden = JSON.parse(readFileSync(new URL('./fixtures/python-golden.json', import.meta.url), 'utf8')) as {
  sanitize: Array<[unknown, string, string]>;
  gpuIdentifier: Array<[unknown[], string]>;
  scenarios: Array<{ steps: Array<{ report: Record<string, unknown> }> }>;
};

function inputError(field: string, rule: RegExp) {
  return (e: unknown) => e instanceof TelemetryInputError && e.field === field && rule.test(e.message);
}

describe('sanitizeFieldValue (spec D.3, upstream test_utils.py)', () => {
  test('lower-cases by default', () => {
    assert.equal(sanitizeFieldValue('ResNet-50'), 'resnet_50');
    assert.equal(sanitizeFieldValue('YOLOv4'), 'yolov4');
    assert.equal(sanitizeFieldValue('BERT'), 'bert');
  });

  test('replaces every special character with one underscore (nothing removed or collapsed)', () => {
    assert.equal(sanitizeFieldValue('test-network'), 'test_network');
    assert.equal(sanitizeFieldValue('v5.3.0'), 'v5_3_0');
    assert.equal(sanitizeFieldValue('test@example#123'), 'test_example_123');
    assert.equal(sanitizeFieldValue('network/model'), 'network_model');
    assert.equal(sanitizeFieldValue('test---name'), 'test___name');
    assert.equal(sanitizeFieldValue('a@#$-b'), 'a____b');
  });

  test('keeps alphanumerics; empty stays empty', () => {
    assert.equal(sanitizeFieldValue('resnet50'), 'resnet50');
    assert.equal(sanitizeFieldValue('test123abc'), 'test123abc');
    assert.equal(sanitizeFieldValue(''), '');
  });

  test('uppercase option', () => {
    assert.equal(sanitizeFieldValue('nvidia-a100', { uppercase: true }), 'NVIDIA_A100');
    assert.equal(sanitizeFieldValue('v100-32gb', { uppercase: true }), 'V100_32GB');
    assert.equal(sanitizeFieldValue('test', { uppercase: true }), 'TEST');
  });

  test('non-strings go through Python str(): numbers, None, booleans, lists', () => {
    assert.equal(sanitizeFieldValue(123), '123');
    assert.equal(sanitizeFieldValue(5.3), '5_3');
    assert.equal(sanitizeFieldValue(null), 'none');
    assert.equal(sanitizeFieldValue(true), 'true');
    assert.equal(sanitizeFieldValue(1e16), '1e_16');
    assert.equal(sanitizeFieldValue(['a', 'b']), '__a____b__');
  });

  test('one underscore per code point: emoji, CJK, accents, lone surrogates (JS without /u would give two for an emoji)', () => {
    assert.equal(sanitizeFieldValue('🚀net'), '_net');
    assert.equal(sanitizeFieldValue('模型'), '__');
    assert.equal(sanitizeFieldValue('évaluer'), '_valuer');
    assert.equal(sanitizeFieldValue('\ud800x'), '_x');
    assert.equal('🚀net'.replace(/[^a-zA-Z0-9]/g, '_'), '__net');
  });

  test('the pattern constant is the Python one and a valid regex', () => {
    assert.equal(TELEMETRY_SANITIZE_PATTERN, '[^a-zA-Z0-9]');
    assert.equal(new RegExp(TELEMETRY_SANITIZE_PATTERN).test('-'), true);
  });

  test(`matches Python for the ${golden.sanitize.length} fixture values (lower and upper)`, () => {
    const mismatches = golden.sanitize.filter(
      ([v, lower, upper]) => sanitizeFieldValue(v) !== lower || sanitizeFieldValue(v, { uppercase: true }) !== upper,
    );
    assert.deepEqual(mismatches, []);
  });
});

describe('createGpuIdentifier (spec D.4)', () => {
  test('worked examples', () => {
    assert.equal(createGpuIdentifier(['NVIDIA A100']), '1_NVIDIA_A100_1');
    assert.equal(createGpuIdentifier(['NVIDIA A100', 'NVIDIA A100', 'NVIDIA A100']), '3_NVIDIA_A100_3');
    assert.equal(createGpuIdentifier(['NVIDIA A100', 'NVIDIA V100', 'NVIDIA A100']), '3_NVIDIA_A100_2_NVIDIA_V100_1');
    assert.equal(createGpuIdentifier(['nvidia-a100-40gb']), '1_NVIDIA_A100_40GB_1');
    assert.equal(createGpuIdentifier(['unknown']), '1_UNKNOWN_1');
    assert.equal(
      createGpuIdentifier(['Tesla V100-SXM2-32GB', 'NVIDIA H100 80GB HBM3']),
      '2_NVIDIA_H100_80GB_HBM3_1_TESLA_V100_SXM2_32GB_1',
    );
    assert.equal(createGpuIdentifier(['V100', 'A100', 'H100']), '3_A100_1_H100_1_V100_1');
    assert.equal(createGpuIdentifier(['A100', 'A100', 'V100']), '3_A100_2_V100_1');
  });

  test('an empty list gives "0_" (kept: stored comprehensive keys end in gpu_0_)', () => {
    assert.equal(createGpuIdentifier([]), '0_');
  });

  test(`matches Python for the ${golden.gpuIdentifier.length} fixture lists`, () => {
    const mismatches = golden.gpuIdentifier.filter(([g, id]) => createGpuIdentifier(g) !== id);
    assert.deepEqual(mismatches, []);
  });
});

describe('extractTelemetryData (spec D.5, upstream test_utils.py)', () => {
  test('an empty report gives every default, keyed by attribute name', () => {
    assert.deepEqual(extractTelemetryData({}), {
      version: 'unknown',
      action: 'unknown',
      network: 'unknown',
      success: false,
      user_error: false,
      time_lapsed: 0,
      gpus: ['unknown'],
      client_type: 'container',
      automl_triggered: false,
    });
  });

  test('strings sanitized, other types kept, gpu → gpus with the list untouched', () => {
    const gpu = ['GPU-1', 'GPU-2'];
    const data = extractTelemetryData({ version: '5.3.0', action: 'Train-Model', network: 'ResNet-50', gpu, time_lapsed: 3600 });
    assert.equal(data.version, '5_3_0');
    assert.equal(data.action, 'train_model');
    assert.equal(data.network, 'resnet_50');
    assert.equal(data.gpus, gpu);
    assert.deepEqual(data.gpus, ['GPU-1', 'GPU-2']);
    assert.equal(data.time_lapsed, 3600);
    assert.equal(data.success, false);
  });

  test('all fields of upstream test_extract_all_fields', () => {
    const data = extractTelemetryData({
      version: '5.3.0',
      action: 'train',
      network: 'ResNet-50',
      success: true,
      user_error: false,
      time_lapsed: 3600,
      gpu: ['NVIDIA A100', 'NVIDIA V100'],
    });
    assert.deepEqual(data, {
      version: '5_3_0',
      action: 'train',
      network: 'resnet_50',
      success: true,
      user_error: false,
      time_lapsed: 3600,
      gpus: ['NVIDIA A100', 'NVIDIA V100'],
      client_type: 'container',
      automl_triggered: false,
    });
  });

  test('null is a value, not a missing field: version null → "none", missing → "unknown"; booleans stay null', () => {
    const withNull = extractTelemetryData({ version: null, client_type: null, user_error: null, automl_triggered: null });
    assert.equal(withNull.version, 'none');
    assert.equal(withNull.client_type, 'none');
    assert.equal(withNull.user_error, null);
    assert.equal(withNull.automl_triggered, null);
    const missing = extractTelemetryData({});
    assert.equal(missing.version, 'unknown');
    assert.equal(missing.client_type, 'container');
    assert.equal(missing.user_error, false);
  });

  test('an undefined property counts as missing (JSON cannot carry undefined)', () => {
    assert.equal(extractTelemetryData({ version: undefined }).version, 'unknown');
  });

  test('unknown raw keys are ignored; prototype names are not raw keys', () => {
    const data = extractTelemetryData(JSON.parse('{"extra": 1, "__proto__": {"version": "x"}}'));
    assert.equal(data.version, 'unknown');
    assert.equal('extra' in data, false);
  });

  test('non-string network names follow Python str()', () => {
    assert.equal(extractTelemetryData({ network: 123 }).network, '123');
    assert.equal(extractTelemetryData({ network: 5.3 }).network, '5_3');
    assert.equal(extractTelemetryData({ network: true }).network, 'true');
    assert.equal(extractTelemetryData({ network: ['a'] }).network, '__a__');
    assert.equal(extractTelemetryData({ network: { k: 1 } }).network, '__k___1_');
  });

  test('time_lapsed: booleans and digit strings accepted, null → 0, garbage rejected (Python: TypeError later)', () => {
    assert.equal(extractTelemetryData({ time_lapsed: true }).time_lapsed, true);
    assert.equal(extractTelemetryData({ time_lapsed: ' 3600 ' }).time_lapsed, 3600);
    assert.equal(extractTelemetryData({ time_lapsed: null }).time_lapsed, 0);
    assert.equal(extractTelemetryData({ time_lapsed: -10 }).time_lapsed, -10);
    assert.equal(extractTelemetryData({ time_lapsed: 1.5 }).time_lapsed, 1.5);
    assert.throws(
      () => extractTelemetryData({ time_lapsed: 'an hour' }),
      inputError('time_lapsed', /must be a number \(or a string of digits\) \(got "an hour"\)/),
    );
    assert.throws(() => extractTelemetryData({ time_lapsed: [1] }), inputError('time_lapsed', /must be a number/));
    assert.throws(
      () => extractTelemetryData({ time_lapsed: Number.NaN }),
      inputError('time_lapsed', /must be a finite number \(got NaN\)/),
    );
    assert.throws(() => extractTelemetryData({ time_lapsed: Number.POSITIVE_INFINITY }), inputError('time_lapsed', /finite/));
  });

  test('gpu: a single string is one GPU (Python iterates its characters), null → default, other types rejected', () => {
    assert.deepEqual(extractTelemetryData({ gpu: 'NVIDIA A100' }).gpus, ['NVIDIA A100']);
    assert.deepEqual(extractTelemetryData({ gpu: null }).gpus, ['unknown']);
    assert.deepEqual(extractTelemetryData({ gpu: [] }).gpus, []);
    assert.deepEqual(extractTelemetryData({ gpu: [null, 5] }).gpus, [null, 5]);
    assert.throws(() => extractTelemetryData({ gpu: 4 }), inputError('gpu', /must be an array \(or a single string\) \(got 4\)/));
    assert.throws(() => extractTelemetryData({ gpu: { A100: 2 } }), inputError('gpu', /must be an array/));
    assert.throws(() => extractTelemetryData({ gpu: true }), inputError('gpu', /must be an array/));
  });

  test('a report that is not an object is a clear error', () => {
    for (const bad of [null, [], 'train', 42]) {
      assert.throws(() => extractTelemetryData(bad as never), inputError('report', /must be a JSON object/));
    }
  });

  test('absurdly long values are rejected with the field named; limits are configurable', () => {
    assert.deepEqual(DEFAULT_EXTRACTION_LIMITS, { maxStringLength: 1024, maxListLength: 4096 });
    const long = 'x'.repeat(1025);
    assert.throws(
      () => extractTelemetryData({ network: long }),
      inputError('network', /must be at most 1024 characters long \(got "x{77}\.\.\."\)/),
    );
    assert.throws(() => extractTelemetryData({ user_error: long }), inputError('user_error', /at most 1024/));
    assert.throws(() => extractTelemetryData({ gpu: ['ok', long] }), inputError('gpu[1]', /at most 1024/));
    assert.throws(() => extractTelemetryData({ gpu: long }), inputError('gpu', /at most 1024/));
    assert.throws(
      () => extractTelemetryData({ version: [long.slice(0, 600), long.slice(0, 600)] }),
      inputError('version', /render \(Python str\(\)\) to at most 1024/),
    );
    assert.throws(
      () => extractTelemetryData({ gpu: new Array(4097).fill('A100') }),
      inputError('gpu', /at most 4096 elements \(got an array of 4097\)/),
    );
    assert.equal(extractTelemetryData({ network: 'x'.repeat(1024) }).network, 'x'.repeat(1024));
    const relaxed = extractTelemetryData({ network: long }, { limits: { maxStringLength: Number.POSITIVE_INFINITY } });
    assert.equal(relaxed.network, long);
  });

  test('a deeply nested value is rejected instead of overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = [deep];
    assert.throws(() => extractTelemetryData({ network: deep }), inputError('network', /to at most 1024/));
  });

  test('the fast path for the shipped registry equals the generic registry-driven loop', () => {
    // Copies of the entries are not the shipped objects, so they take the generic path.
    const generic = METRIC_ATTRIBUTES.map((a) => ({ ...a }));
    const reports = golden.scenarios.flatMap((s) => s.steps.map((step) => step.report));
    assert.equal(reports.length, 169);
    for (const report of reports) assert.deepEqual(extractTelemetryData(report, { attributes: generic }), extractTelemetryData(report));
  });
});
