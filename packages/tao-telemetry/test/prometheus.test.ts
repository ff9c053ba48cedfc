import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { MetricProcessor } from '../src/processor.js';
import { escapeLabelValue, parseLabeledKey, toPrometheusText } from '../src/prometheus.js';
import type { Metrics } from '../src/types.js';

const jobLabels = {
  tao_action: 'train',
  tao_automl_triggered: 'false',
  tao_client_type: 'container',
  tao_gpu_count: '2',
  tao_network: 'resnet_50',
  tao_primary_gpu: 'A100',
  tao_status: 'pass',
  tao_user_error: 'false',
  tao_version: '5_3_0',
};

function processed(): Metrics {
  const p = new MetricProcessor();
  const metrics: Metrics = {};
  p.process(metrics, {
    action: 'train',
    network: 'ResNet-50',
    version: '5.3.0',
    success: true,
    gpu: ['NVIDIA A100', 'NVIDIA A100'],
    time_lapsed: 3600,
  });
  p.process(metrics, {
    action: 'train',
    network: 'ResNet-50',
    version: '5.3.0',
    success: true,
    gpu: ['NVIDIA A100', 'NVIDIA A100'],
    time_lapsed: 1800,
  });
  p.process(metrics, { action: 'export', success: false, gpu: ['Tesla V100-SXM2-16GB'] });
  return metrics;
}

describe('toPrometheusText', () => {
  test('the default import of the CommonJS parser is the parse function', () => {
    assert.equal(typeof parsePrometheusTextFormat, 'function');
  });

  test('families with HELP/TYPE, names, labels and values survive a real text-format parser', () => {
    const text = toPrometheusText(processed());
    const families = parsePrometheusTextFormat(text);
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.help]),
      [
        ['tao_job_total', 'COUNTER', 'TAO jobs reported, by job attributes.'],
        ['tao_job_duration_sum', 'COUNTER', 'Sum of the reported job durations in seconds, by job attributes.'],
        ['tao_job_gpu_time_sum', 'COUNTER', 'Sum of GPU-seconds (GPU count x duration) of the reported jobs, by job attributes.'],
        ['tao_job_gpu_total', 'COUNTER', 'GPUs used by the reported jobs, by GPU type.'],
      ],
    );
    assert.deepEqual(families[0]!.metrics, [
      { value: '2', labels: jobLabels },
      {
        value: '1',
        labels: {
          tao_action: 'export',
          tao_automl_triggered: 'false',
          tao_client_type: 'container',
          tao_gpu_count: '1',
          tao_network: 'unknown',
          tao_primary_gpu: 'V100',
          tao_status: 'fail',
          tao_user_error: 'false',
          tao_version: 'unknown',
        },
      },
    ]);
    assert.deepEqual(families[1]!.metrics, [{ value: '5400', labels: jobLabels }]);
    assert.deepEqual(families[2]!.metrics, [{ value: '10800', labels: jobLabels }]);
    assert.deepEqual(families[3]!.metrics, [
      { value: '4', labels: { tao_gpu_type: 'A100' } },
      { value: '1', labels: { tao_gpu_type: 'V100' } },
    ]);
  });

  test('rendering is stable from scrape to scrape (series are memoized per key)', () => {
    const metrics = processed();
    const first = toPrometheusText(metrics);
    metrics['tao_job_gpu_total{tao_gpu_type="A100"}'] = 5;
    const second = toPrometheusText(metrics);
    assert.equal(second, first.replace('tao_job_gpu_total{tao_gpu_type="A100"} 4', 'tao_job_gpu_total{tao_gpu_type="A100"} 5'));
    assert.notEqual(second, first);
  });

  test('legacy, comprehensive and last_updated keys are not exposed; text ends with a newline', () => {
    const text = toPrometheusText(processed());
    assert.equal(text.endsWith('\n'), true);
    assert.equal(text.includes('total_action_'), false);
    assert.equal(text.includes('last_updated'), false);
    assert.equal(text.includes('time_lapsed_today'), false);
    assert.equal(text.split('\n').filter((l) => l.startsWith('# TYPE')).length, 4);
  });

  test('label values with quotes, backslashes and newlines are escaped and parse back intact', () => {
    const metrics = new MetricProcessor().process({}, { user_error: 'say "hi"\nC:\\dir, a=b {x}', gpu: ['a"b', 'c\\d'] });
    const text = toPrometheusText(metrics);
    assert.equal(
      text.split('\n').find((l) => l.startsWith('tao_job_total{')),
      'tao_job_total{tao_action="unknown",tao_automl_triggered="false",tao_client_type="container",tao_gpu_count="2",tao_network="unknown",tao_primary_gpu="C\\\\D",tao_status="fail",tao_user_error="say \\"hi\\"\\nc:\\\\dir, a=b {x}",tao_version="unknown"} 1',
    );
    const families = parsePrometheusTextFormat(text);
    assert.equal(families[0]!.metrics[0]!.labels!['tao_user_error'], 'say "hi"\nc:\\dir, a=b {x}');
    assert.equal(families[0]!.metrics[0]!.labels!['tao_primary_gpu'], 'C\\D');
    assert.deepEqual(
      families[1]!.metrics.map((m) => [m.labels!['tao_gpu_type'], m.value]),
      [
        ['A"B', '1'],
        ['C\\D', '1'],
      ],
    );
  });

  test('non-numeric values are skipped; NaN and infinities use the text-format spelling', () => {
    const text = toPrometheusText({
      'tao_job_total{tao_status="pass"}': Number.NaN,
      'tao_job_total{tao_status="fail"}': Number.POSITIVE_INFINITY,
      'tao_job_duration_sum{tao_status="pass"}': '5',
      'tao_job_gpu_total{tao_gpu_type="A100"}': Number.NEGATIVE_INFINITY,
    });
    assert.equal(
      text,
      [
        '# HELP tao_job_total TAO jobs reported, by job attributes.',
        '# TYPE tao_job_total counter',
        'tao_job_total{tao_status="pass"} NaN',
        'tao_job_total{tao_status="fail"} +Inf',
        '# HELP tao_job_gpu_total GPUs used by the reported jobs, by GPU type.',
        '# TYPE tao_job_gpu_total counter',
        'tao_job_gpu_total{tao_gpu_type="A100"} -Inf',
        '',
      ].join('\n'),
    );
  });

  test('an empty map gives empty text', () => {
    assert.equal(toPrometheusText({}), '');
    assert.deepEqual(parsePrometheusTextFormat(toPrometheusText({ last_updated: 'x' })), []);
  });

  test('label names outside [a-zA-Z0-9_] are mapped so the output stays valid', () => {
    const text = toPrometheusText({ 'tao_job_total{tao_2nd-try="x",tao_status="pass"}': 1 });
    assert.equal(text.split('\n')[2], 'tao_job_total{tao_2nd_try="x",tao_status="pass"} 1');
  });
});

describe('parseLabeledKey', () => {
  test('splits a stored key, values unescaped', () => {
    assert.deepEqual(parseLabeledKey('tao_job_gpu_total{tao_gpu_type="A100"}'), {
      name: 'tao_job_gpu_total',
      labels: [['tao_gpu_type', 'A100']],
    });
    assert.deepEqual(parseLabeledKey('tao_job_total'), { name: 'tao_job_total', labels: [] });
    assert.deepEqual(parseLabeledKey('tao_job_total{a="",b="x"}'), {
      name: 'tao_job_total',
      labels: [
        ['a', ''],
        ['b', 'x'],
      ],
    });
  });

  test('values may contain quotes, commas, = and braces; the next label must sort after the current one', () => {
    assert.deepEqual(parseLabeledKey('m{tao_a="x",tao_b="1"",tao_c="}{",tao_d="a"b"}')?.labels, [
      ['tao_a', 'x'],
      ['tao_b', '1"'],
      ['tao_c', '}{'],
      ['tao_d', 'a"b'],
    ]);
    assert.deepEqual(parseLabeledKey('m{tao_b="x",tao_a="y"}')?.labels, [['tao_b', 'x",tao_a="y']]);
  });

  test('other shapes are not labeled keys', () => {
    assert.equal(parseLabeledKey('m{tao_a="x"'), undefined);
    assert.equal(parseLabeledKey('m{oops}'), undefined);
    assert.equal(parseLabeledKey('m{tao_a="x}'), undefined);
  });

  test('escapeLabelValue', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(escapeLabelValue('plain'), 'plain');
  });
});
