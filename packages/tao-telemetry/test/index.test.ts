// The package root exports the whole API (the Python package's __init__ exports nothing: spec D.10.7).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tao from '../src/index.js';

test('the package root exports the processor, builders, registry, utilities and Prometheus output', () => {
  assert.deepEqual(Object.keys(tao).sort(), [
    'AttributeType',
    'ComprehensiveMetricsBuilder',
    'DEFAULT_EXTRACTION_LIMITS',
    'GPU_PRIORITY',
    'InMemoryMetricStore',
    'LABELED_METRIC_NAMES',
    'LABEL_PREFIX',
    'LabeledMetricsBuilder',
    'LegacyMetricsBuilder',
    'METRIC_ATTRIBUTES',
    'MetricAggregator',
    'MetricBuilder',
    'MetricProcessor',
    'MetricsStateError',
    'PyStrLimitError',
    'RegistryCache',
    'RegistryError',
    'TELEMETRY_SANITIZE_PATTERN',
    'TaoTelemetryError',
    'TelemetryInputError',
    'TimeMetricsBuilder',
    'buildMetricKey',
    'compareCodePoints',
    'countGpuTypes',
    'createGpuIdentifier',
    'describeValue',
    'escapeLabelValue',
    'extractGpuType',
    'extractPrimaryGpu',
    'extractTelemetryData',
    'formatIsoDateTime',
    'getAttributeMap',
    'getRawKeyMap',
    'incrementMetric',
    'metricAttribute',
    'parseIsoDateTime',
    'parseLabeledKey',
    'pyFloatRepr',
    'pyRepr',
    'pyStr',
    'pyTruthy',
    'reprString',
    'sameCalendarDay',
    'sanitizeFieldValue',
    'timeLapsedOf',
    'toPrometheusText',
    'validateRegistry',
  ]);
});

test('the README usage works from the package root', () => {
  const p = new tao.MetricProcessor();
  const metrics: tao.Metrics = {};
  const result = p.process(
    metrics,
    { action: 'train', network: 'ResNet-50', version: '5.3.0', success: true, gpu: ['NVIDIA A100', 'NVIDIA A100'] },
    { now: new Date(Date.UTC(2025, 0, 15, 12)) },
  );
  assert.equal(result, metrics);
  assert.equal(metrics['network_resnet_50_action_train_version_5_3_0_status_pass_gpu_2_NVIDIA_A100_2'], 1);
  assert.equal(metrics['last_updated'], '2025-01-15T12:00:00+00:00');
});
