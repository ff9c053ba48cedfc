import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ComprehensiveMetricsBuilder } from '../src/builders/comprehensive.js';
import { LabeledMetricsBuilder } from '../src/builders/labeled.js';
import { RegistryError } from '../src/errors.js';
import { MetricProcessor } from '../src/processor.js';
import { getAttributeMap, getRawKeyMap, METRIC_ATTRIBUTES, metricAttribute, RegistryCache, validateRegistry } from '../src/registry.js';
import { AttributeType, type MetricAttribute } from '../src/types.js';
import { extractTelemetryData } from '../src/utils.js';

describe('METRIC_ATTRIBUTES (spec D.2, upstream test_config.py / test_types.py)', () => {
  test('the nine attributes in order, with types, defaults, orders and comprehensive flags', () => {
    assert.deepEqual(
      METRIC_ATTRIBUTES.map((a) => [a.name, a.rawKey, a.attrType, a.default, a.metricOrder, a.includeInComprehensive]),
      [
        ['version', 'version', 'string', 'unknown', 3, true],
        ['action', 'action', 'string', 'unknown', 2, true],
        ['network', 'network', 'string', 'unknown', 1, true],
        ['success', 'success', 'boolean', false, 4, false],
        ['user_error', 'user_error', 'boolean', false, 5, false],
        ['time_lapsed', 'time_lapsed', 'integer', 0, 100, false],
        ['gpus', 'gpu', 'list', ['unknown'], 100, false],
        ['client_type', 'client_type', 'string', 'container', 6, false],
        ['automl_triggered', 'automl_triggered', 'boolean', false, 100, false],
      ],
    );
  });

  test('AttributeType values', () => {
    assert.deepEqual(AttributeType, { STRING: 'string', BOOLEAN: 'boolean', INTEGER: 'integer', LIST: 'list' });
  });

  test('metricAttribute defaults: included in comprehensive, order 100; entries are frozen', () => {
    const a = metricAttribute({ name: 'test_attr', rawKey: 'test', attrType: AttributeType.STRING, default: 'default_value' });
    assert.deepEqual(a, {
      name: 'test_attr',
      rawKey: 'test',
      attrType: 'string',
      default: 'default_value',
      includeInComprehensive: true,
      metricOrder: 100,
    });
    assert.equal(Object.isFrozen(a), true);
    const custom = metricAttribute({
      name: 'custom',
      rawKey: 'custom_key',
      attrType: AttributeType.BOOLEAN,
      default: false,
      includeInComprehensive: false,
      metricOrder: 5,
    });
    assert.equal(custom.includeInComprehensive, false);
    assert.equal(custom.metricOrder, 5);
  });

  test('defaults match their types, names and raw keys are unique, orders are non-negative integers', () => {
    const jsType = { string: 'string', boolean: 'boolean', integer: 'number' } as const;
    for (const a of METRIC_ATTRIBUTES) {
      if (a.attrType === AttributeType.LIST) assert.equal(Array.isArray(a.default), true, a.name);
      else assert.equal(typeof a.default, jsType[a.attrType], a.name);
      assert.equal(Number.isInteger(a.metricOrder) && a.metricOrder >= 0, true, a.name);
    }
    assert.equal(new Set(METRIC_ATTRIBUTES.map((a) => a.name)).size, 9);
    assert.equal(new Set(METRIC_ATTRIBUTES.map((a) => a.rawKey)).size, 9);
    assert.doesNotThrow(() => validateRegistry(METRIC_ATTRIBUTES));
  });

  test('lookup maps: by name and by raw key (gpu → gpus)', () => {
    const byName = getAttributeMap();
    const byRawKey = getRawKeyMap();
    assert.deepEqual(
      [...byName.keys()],
      ['version', 'action', 'network', 'success', 'user_error', 'time_lapsed', 'gpus', 'client_type', 'automl_triggered'],
    );
    assert.deepEqual(
      [...byRawKey.keys()],
      ['version', 'action', 'network', 'success', 'user_error', 'time_lapsed', 'gpu', 'client_type', 'automl_triggered'],
    );
    assert.equal(byRawKey.get('gpu')!.name, 'gpus');
    assert.equal(byName.get('gpus')!.rawKey, 'gpu');
    assert.equal(byName.get('version'), METRIC_ATTRIBUTES[0]);
  });

  test('validateRegistry names the bad entry', () => {
    const dup = [...METRIC_ATTRIBUTES, metricAttribute({ name: 'version', rawKey: 'v2', attrType: AttributeType.STRING, default: '' })];
    assert.throws(
      () => validateRegistry(dup),
      (e: unknown) => e instanceof RegistryError && e.message === 'attributes[9].name: duplicate attribute name "version"',
    );
    const dupRaw = [...METRIC_ATTRIBUTES, metricAttribute({ name: 'gpu2', rawKey: 'gpu', attrType: AttributeType.LIST, default: [] })];
    assert.throws(() => validateRegistry(dupRaw), /attributes\[9\]\.rawKey: duplicate raw key "gpu"/);
    const badType = [{ ...METRIC_ATTRIBUTES[0]!, attrType: 'float' as AttributeType }];
    assert.throws(
      () => validateRegistry(badType),
      /attributes\[0\]\.attrType: must be one of string, boolean, integer, list \(got float\)/,
    );
    const badOrder = [{ ...METRIC_ATTRIBUTES[0]!, metricOrder: Number.NaN }];
    assert.throws(() => validateRegistry(badOrder), /attributes\[0\]\.metricOrder: must be a finite number/);
  });

  test('RegistryCache rebuilds when the array or an unfrozen entry changes', () => {
    let builds = 0;
    const cache = new RegistryCache((attrs) => {
      builds++;
      return attrs.map((a) => a.metricOrder).join(',');
    });
    const attrs: MetricAttribute[] = [{ ...METRIC_ATTRIBUTES[0]! }];
    assert.equal(cache.get(attrs), '3');
    assert.equal(cache.get(attrs), '3');
    assert.equal(builds, 1);
    (attrs[0] as { metricOrder: number }).metricOrder = 7;
    assert.equal(cache.get(attrs), '7');
    attrs.push(METRIC_ATTRIBUTES[1]!);
    assert.equal(cache.get(attrs), '7,2');
    assert.equal(builds, 3);
  });
});

describe('adding an attribute is one registry entry (seed 004 promise)', () => {
  const framework = metricAttribute({
    name: 'framework',
    rawKey: 'framework',
    attrType: AttributeType.STRING,
    default: 'pytorch',
    metricOrder: 6,
  });
  const epochs = metricAttribute({
    name: 'epochs',
    rawKey: 'num_epochs',
    attrType: AttributeType.INTEGER,
    default: 0,
    includeInComprehensive: false,
  });
  const report = {
    action: 'train',
    network: 'ResNet-50',
    version: '5.3.0',
    success: true,
    gpu: ['NVIDIA A100'],
    framework: 'TensorFlow-2',
    num_epochs: 10,
    time_lapsed: 60,
  };
  // Expected keys computed by the Python module with the same two entries appended to its METRIC_ATTRIBUTES.
  const comprehensive = 'network_resnet_50_action_train_version_5_3_0_status_pass_framework_tensorflow_2_gpu_1_NVIDIA_A100_1';
  const labels =
    'tao_action="train",tao_automl_triggered="false",tao_client_type="container",tao_epochs="10",tao_framework="tensorflow_2",tao_gpu_count="1",tao_network="resnet_50",tao_primary_gpu="A100",tao_status="pass",tao_user_error="false",tao_version="5_3_0"';

  test('pushed onto METRIC_ATTRIBUTES, it flows into extraction, the comprehensive key and the labels', () => {
    const processor = new MetricProcessor({ lastUpdatedFormat: 'naive', timeZone: 'utc' });
    const before = processor.process({}, report, { now: '2025-01-15T12:00:00' });
    assert.equal(
      Object.keys(before).some((k) => k.includes('framework')),
      false,
    );
    METRIC_ATTRIBUTES.push(framework, epochs);
    try {
      assert.equal(extractTelemetryData(report)['framework'], 'tensorflow_2');
      assert.equal(extractTelemetryData(report)['epochs'], 10);
      const metrics = processor.process({}, report, { now: '2025-01-15T12:00:00' });
      assert.deepEqual(Object.entries(metrics), [
        ['total_action_train_pass', 1],
        ['version_5_3_0_action_train', 1],
        ['network_resnet_50_action_train', 1],
        ['gpu_nvidia_a100_action_train', 1],
        [comprehensive, 1],
        ['time_lapsed_today', 60],
        [`tao_job_total{${labels}}`, 1],
        [`tao_job_duration_sum{${labels}}`, 60],
        [`tao_job_gpu_time_sum{${labels}}`, 60],
        ['tao_job_gpu_total{tao_gpu_type="A100"}', 1],
        ['last_updated', '2025-01-15T12:00:00'],
      ]);
      const defaults = processor.process({}, { action: 'train' }, { now: '2025-01-15T12:00:00' });
      assert.equal(defaults['network_unknown_action_train_version_unknown_status_fail_framework_pytorch_gpu_1_UNKNOWN_1'], 1);
    } finally {
      METRIC_ATTRIBUTES.splice(METRIC_ATTRIBUTES.indexOf(framework), 2);
    }
    assert.equal(METRIC_ATTRIBUTES.length, 9);
    const after = processor.process({}, report, { now: '2025-01-15T12:00:00' });
    assert.deepEqual(Object.keys(after), Object.keys(before));
  });

  test('or passed as a custom registry, leaving the global one alone', () => {
    const attributes = [...METRIC_ATTRIBUTES, framework, epochs];
    const processor = new MetricProcessor({ attributes });
    const metrics = processor.process({}, report, { now: new Date(Date.UTC(2025, 0, 15, 12)) });
    assert.equal(metrics[comprehensive], 1);
    assert.equal(metrics[`tao_job_total{${labels}}`], 1);
    assert.equal(new ComprehensiveMetricsBuilder({ attributes }).metricName(extractTelemetryData(report, { attributes })), comprehensive);
    assert.equal(
      new LabeledMetricsBuilder({ attributes }).buildLabels(extractTelemetryData(report, { attributes })).get('tao_framework'),
      'tensorflow_2',
    );
    assert.equal(
      new ComprehensiveMetricsBuilder().metricName(extractTelemetryData(report)),
      'network_resnet_50_action_train_version_5_3_0_status_pass_gpu_1_NVIDIA_A100_1',
    );
  });

  test('replacing an entry in place takes effect on the next report, even when every label value is unchanged', () => {
    const attributes = [...METRIC_ATTRIBUTES];
    const processor = new MetricProcessor({ attributes });
    const report = { action: 'train', gpu: ['NVIDIA A100'] };
    const now = new Date(Date.UTC(2025, 0, 15, 12));
    const first = processor.process({}, report, { now });
    assert.equal(Object.keys(first).filter((k) => k.includes('tao_client_type="container"')).length, 1);
    attributes[7] = metricAttribute({
      name: 'client_kind',
      rawKey: 'client_type',
      attrType: AttributeType.STRING,
      default: 'container',
      metricOrder: 6,
      includeInComprehensive: false,
    });
    const second = processor.process({}, report, { now });
    assert.equal(Object.keys(second).filter((k) => k.includes('tao_client_type=')).length, 0);
    assert.equal(
      second[
        'tao_job_total{tao_action="train",tao_automl_triggered="false",tao_client_kind="container",tao_gpu_count="1",tao_network="unknown",tao_primary_gpu="A100",tao_status="fail",tao_user_error="false",tao_version="unknown"}'
      ],
      1,
    );
  });
});
