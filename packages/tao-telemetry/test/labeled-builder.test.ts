import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { buildMetricKey, LabeledMetricsBuilder } from '../src/builders/labeled.js';
import { countGpuTypes, extractGpuType, extractPrimaryGpu, GPU_PRIORITY } from '../src/gpu-type.js';
import { MetricProcessor } from '../src/processor.js';
import type { Metrics, TelemetryData } from '../src/types.js';

const golden = JSON.parse(readFileSync(new URL('./fixtures/python-golden.json', import.meta.url), 'utf8')) as {
  gpuType: Array<[unknown, string]>;
  primaryGpu: Array<[unknown[], string]>;
};

const base: TelemetryData = {
  version: '5_3_0',
  action: 'train',
  network: 'resnet50',
  success: true,
  user_error: false,
  gpus: ['NVIDIA_A100', 'NVIDIA_A100'],
  time_lapsed: 3600,
  client_type: 'container',
  automl_triggered: false,
};
const labels = (count: number, extra: Record<string, string> = {}) => {
  const l: Record<string, string> = {
    tao_action: 'train',
    tao_automl_triggered: 'false',
    tao_client_type: 'container',
    tao_gpu_count: String(count),
    tao_network: 'resnet50',
    tao_primary_gpu: 'A100',
    tao_status: 'pass',
    tao_user_error: 'false',
    tao_version: '5_3_0',
    ...extra,
  };
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
};
function build(data: TelemetryData, metrics: Metrics = {}): Metrics {
  new LabeledMetricsBuilder().build(metrics, data, {});
  return metrics;
}

describe('LabeledMetricsBuilder (spec D.6 current release, upstream test_labeled_builder.py)', () => {
  test('job total, duration sum, GPU-time sum and GPU totals with tao_ labels sorted by name', () => {
    assert.deepEqual(Object.entries(build(base)), [
      [`tao_job_total{${labels(2)}}`, 1],
      [`tao_job_duration_sum{${labels(2)}}`, 3600],
      [`tao_job_gpu_time_sum{${labels(2)}}`, 7200],
      ['tao_job_gpu_total{tao_gpu_type="A100"}', 2],
    ]);
  });

  test('sums accumulate across jobs with the same labels; job total increments', () => {
    const metrics = build({ ...base, gpus: ['NVIDIA_A100'] });
    build({ ...base, gpus: ['NVIDIA_A100'], time_lapsed: 1800 }, metrics);
    assert.equal(metrics[`tao_job_duration_sum{${labels(1)}}`], 5400);
    assert.equal(metrics[`tao_job_gpu_time_sum{${labels(1)}}`], 5400);
    assert.equal(metrics[`tao_job_total{${labels(1)}}`], 2);
    assert.equal((metrics[`tao_job_duration_sum{${labels(1)}}`] as number) / (metrics[`tao_job_total{${labels(1)}}`] as number), 2700);
  });

  test('three incremental builds', () => {
    const metrics: Metrics = {};
    for (let i = 0; i < 3; i++) build({ ...base, gpus: ['NVIDIA_A100'], time_lapsed: 1800 }, metrics);
    assert.equal(metrics[`tao_job_total{${labels(1)}}`], 3);
    assert.equal(metrics[`tao_job_duration_sum{${labels(1)}}`], 5400);
  });

  test('no duration or GPU-time keys when time_lapsed is 0 (or negative)', () => {
    assert.deepEqual(Object.keys(build({ ...base, time_lapsed: 0 })), [
      `tao_job_total{${labels(2)}}`,
      'tao_job_gpu_total{tao_gpu_type="A100"}',
    ]);
    assert.deepEqual(Object.keys(build({ ...base, time_lapsed: -5 })), [
      `tao_job_total{${labels(2)}}`,
      'tao_job_gpu_total{tao_gpu_type="A100"}',
    ]);
  });

  test('status from success; user_error, client_type and automl_triggered as labels', () => {
    const metrics = build({
      ...base,
      success: false,
      user_error: true,
      client_type: 'cli',
      automl_triggered: true,
      gpus: ['NVIDIA_H100'],
      time_lapsed: 0,
    });
    assert.deepEqual(Object.keys(metrics), [
      `tao_job_total{${labels(1, { tao_automl_triggered: 'true', tao_client_type: 'cli', tao_primary_gpu: 'H100', tao_status: 'fail', tao_user_error: 'true' })}}`,
      'tao_job_gpu_total{tao_gpu_type="H100"}',
    ]);
  });

  test('4 GPUs → gpu_count "4"; 3 GPUs × 3600 s → 10800 GPU-seconds', () => {
    assert.equal(build({ ...base, gpus: new Array(4).fill('NVIDIA_A100'), time_lapsed: 0 })[`tao_job_total{${labels(4)}}`], 1);
    assert.equal(build({ ...base, gpus: new Array(3).fill('NVIDIA_A100') })[`tao_job_gpu_time_sum{${labels(3)}}`], 10800);
  });

  test('mixed GPUs: newest is primary, every type is counted', () => {
    const metrics = build({ ...base, gpus: ['NVIDIA_A100', 'NVIDIA_A100', 'NVIDIA_V100'] });
    assert.equal(metrics[`tao_job_total{${labels(3)}}`], 1);
    assert.equal(metrics[`tao_job_gpu_time_sum{${labels(3)}}`], 10800);
    assert.equal(metrics['tao_job_gpu_total{tao_gpu_type="A100"}'], 2);
    assert.equal(metrics['tao_job_gpu_total{tao_gpu_type="V100"}'], 1);
  });

  test('different GPU jobs get separate series', () => {
    const metrics = build({ ...base, time_lapsed: 0 });
    build({ ...base, gpus: ['NVIDIA_V100'], time_lapsed: 0 }, metrics);
    assert.equal(metrics[`tao_job_total{${labels(2)}}`], 1);
    assert.equal(metrics[`tao_job_total{${labels(1, { tao_primary_gpu: 'V100' })}}`], 1);
    assert.equal(metrics['tao_job_gpu_total{tao_gpu_type="A100"}'], 2);
    assert.equal(metrics['tao_job_gpu_total{tao_gpu_type="V100"}'], 1);
  });

  test('empty GPU list: primary "unknown", count "0", GPU-time 0, no GPU totals (spec D.6)', () => {
    const metrics = build({ ...base, gpus: [], time_lapsed: 30 });
    const l = labels(0, { tao_primary_gpu: 'unknown' });
    assert.deepEqual(Object.entries(metrics), [
      [`tao_job_total{${l}}`, 1],
      [`tao_job_duration_sum{${l}}`, 30],
      [`tao_job_gpu_time_sum{${l}}`, 0],
    ]);
  });

  test('None vs missing and Python lower(): null → "none", a missing field → no label, "İ" → "i̇"', () => {
    const metrics = build({ ...base, user_error: null, automl_triggered: 'İ', time_lapsed: 0, gpus: [] });
    assert.deepEqual(Object.keys(metrics), [
      `tao_job_total{${labels(0, { tao_automl_triggered: 'i\u0307', tao_primary_gpu: 'unknown', tao_user_error: 'none' })}}`,
    ]);
    const partial = build({ gpus: ['NVIDIA_A100'] });
    assert.deepEqual(Object.keys(partial), [
      'tao_job_total{tao_gpu_count="1",tao_primary_gpu="A100",tao_status="fail"}',
      'tao_job_gpu_total{tao_gpu_type="A100"}',
    ]);
  });

  test('label values are stored unescaped, exactly as Python writes them', () => {
    const metrics = build({ user_error: 'say "hi"\nbye', gpus: ['a"b', 'a\\\\b'] });
    assert.deepEqual(Object.keys(metrics), [
      'tao_job_total{tao_gpu_count="2",tao_primary_gpu="A\\\\B",tao_status="fail",tao_user_error="say "hi"\nbye"}',
      'tao_job_gpu_total{tao_gpu_type="A"B"}',
      'tao_job_gpu_total{tao_gpu_type="A\\\\B"}',
    ]);
  });

  test('buildLabels and buildMetricKey', () => {
    assert.deepEqual(
      [...new LabeledMetricsBuilder().buildLabels(base)],
      [
        ['tao_action', 'train'],
        ['tao_automl_triggered', 'false'],
        ['tao_client_type', 'container'],
        ['tao_gpu_count', '2'],
        ['tao_network', 'resnet50'],
        ['tao_primary_gpu', 'A100'],
        ['tao_status', 'pass'],
        ['tao_user_error', 'false'],
        ['tao_version', '5_3_0'],
      ],
    );
    assert.equal(
      buildMetricKey('tao_job_total', [
        ['tao_network', 'resnet50'],
        ['tao_action', 'train'],
      ]),
      'tao_job_total{tao_action="train",tao_network="resnet50"}',
    );
    assert.equal(buildMetricKey('tao_job_total', []), 'tao_job_total');
  });

  test('a time_lapsed that is not a number is a clear error', () => {
    assert.throws(() => build({ ...base, time_lapsed: 'x' as never }), /time_lapsed: must be a number \(got "x"\)/);
  });

  test('with the processor: all four builder families are produced (upstream TestIntegrationWithOtherBuilders)', () => {
    const result = new MetricProcessor().process(
      {},
      {
        version: '5.3.0',
        network: 'ResNet-50',
        action: 'train',
        success: true,
        user_error: false,
        time_lapsed: 3600,
        gpu: ['NVIDIA A100', 'NVIDIA A100'],
      },
      { now: new Date(2025, 0, 15, 12) },
    );
    assert.equal(result['total_action_train_pass'], 1);
    assert.equal(result['version_5_3_0_action_train'], 1);
    assert.equal(result['network_resnet_50_action_train_version_5_3_0_status_pass_gpu_2_NVIDIA_A100_2'], 1);
    assert.equal(result[`tao_job_total{${labels(2, { tao_network: 'resnet_50' })}}`], 1);
    assert.equal(result['time_lapsed_today'], 3600);
    assert.equal(typeof result['last_updated'], 'string');
  });
});

describe('GPU type extraction (upstream test_extract_gpu_type)', () => {
  const cases: Array<[string, string]> = [
    ['NVIDIA_A100_40GB', 'A100'],
    ['NVIDIA_A100', 'A100'],
    ['nvidia_v100', 'V100'],
    ['H100', 'H100'],
    ['NVIDIA_V100_32GB', 'V100'],
    ['NVIDIA H200 80GB', 'H200'],
    ['NVIDIA_H100_80GB', 'H100'],
    ['NVIDIA_A40', 'A40'],
    ['NVIDIA_A30', 'A30'],
    ['NVIDIA GB200', 'GB200'],
    ['NVIDIA GB300', 'GB300'],
    ['NVIDIA GH200', 'GH200'],
    ['GeForce RTX 4090', 'RTX4090'],
    ['GeForce RTX 5090', 'RTX5090'],
    ['NVIDIA RTX 3080 Ti', 'RTX3080'],
    ['NVIDIA RTX A6000', 'RTXA6000'],
    ['NVIDIA-RTX-A6000', 'RTXA6000'],
    ['NVIDIA RTX 6000 Ada', 'RTX6000'],
    ['NVIDIA-RTX-6000-Ada', 'RTX6000'],
    ['NVIDIA L40S', 'L40S'],
    ['NVIDIA L40', 'L40'],
    ['NVIDIA L4', 'L4'],
    ['Jetson AGX Orin', 'ORIN'],
    ['Jetson Orin Nano', 'ORIN'],
    ['NVIDIA T4', 'T4'],
    ['Tesla P100', 'P100'],
  ];
  for (const [name, type] of cases) test(`${name} → ${type}`, () => assert.equal(extractGpuType(name), type));

  test('quirks kept because they are stored label values (checked against Python)', () => {
    assert.equal(extractGpuType('GeForce GTX 1080'), 'GTX');
    assert.equal(extractGpuType('Quadro RTX 8000'), 'RTX8000');
    assert.equal(extractGpuType('NVIDIA TITAN V'), 'TITAN');
    assert.equal(extractGpuType('NVIDIA RTX TITAN'), 'RTXTAN');
    assert.equal(extractGpuType('DGX Spark'), 'SPARK');
    assert.equal(extractGpuType('Jetson AGX Thor'), 'THOR');
    assert.equal(extractGpuType('Jetson T5000'), 'T5000');
    assert.equal(extractGpuType('Tesla K40m'), 'K40M');
    assert.equal(extractGpuType('NVIDIA'), 'NVIDIA');
    assert.equal(extractGpuType(''), '');
    assert.equal(extractGpuType('RTX_'), 'RTX');
  });

  test('Python Unicode semantics: upper() of ß and ligatures, isdigit() of ², non-string names', () => {
    assert.equal(extractGpuType('straße a100'), 'A100');
    assert.equal(extractGpuType('NVIDIA ﬁ'), 'FI');
    assert.equal(extractGpuType('Jetson T²'), 'T²');
    assert.equal(extractGpuType('ΣΑΣ x9'), 'X9');
    assert.equal(extractGpuType(null), 'NONE');
    assert.equal(extractGpuType(5), '5');
    assert.equal(extractGpuType(true), 'TRUE');
    assert.equal(extractGpuType(['x']), "['X']");
  });

  test(`matches Python for the ${golden.gpuType.length} fixture names`, () => {
    assert.deepEqual(
      golden.gpuType.filter(([g, t]) => extractGpuType(g) !== t),
      [],
    );
  });
});

describe('primary GPU (upstream test_extract_primary_gpu_*)', () => {
  test('homogeneous jobs', () => {
    assert.equal(extractPrimaryGpu(['NVIDIA_A100', 'NVIDIA_A100', 'NVIDIA_A100']), 'A100');
    assert.equal(extractPrimaryGpu(['NVIDIA_V100']), 'V100');
    assert.equal(extractPrimaryGpu([]), 'unknown');
  });

  test('newer beats more common', () => {
    assert.equal(extractPrimaryGpu(['NVIDIA_A100', 'NVIDIA_V100', 'NVIDIA_V100']), 'A100');
    assert.equal(extractPrimaryGpu(['NVIDIA_V100', 'NVIDIA_A100', 'NVIDIA_H100']), 'H100');
    assert.equal(extractPrimaryGpu(['NVIDIA_A100', 'NVIDIA_A100', 'NVIDIA_A100', 'NVIDIA_H100']), 'H100');
  });

  test('priority order pairs', () => {
    const pairs: Array<[string[], string]> = [
      [['NVIDIA_GB200', 'NVIDIA_GH200'], 'GB200'],
      [['NVIDIA_GH200', 'NVIDIA_H200'], 'GH200'],
      [['NVIDIA_H200', 'NVIDIA_H100'], 'H200'],
      [['NVIDIA_H100', 'NVIDIA_L40S'], 'H100'],
      [['NVIDIA_L40S', 'NVIDIA_A100'], 'L40S'],
      [['NVIDIA_A100', 'NVIDIA_V100'], 'A100'],
      [['NVIDIA_A100', 'NVIDIA_A30'], 'A100'],
      [['GeForce_RTX_5090', 'GeForce_RTX_4090'], 'RTX5090'],
      [['GeForce_RTX_4090', 'GeForce_RTX_3090'], 'RTX4090'],
    ];
    assert.deepEqual(
      pairs.map(([g]) => extractPrimaryGpu(g)),
      pairs.map(([, p]) => p),
    );
  });

  test('outside the priority list: most frequent, ties to the greatest name by code point (Python max)', () => {
    assert.equal(extractPrimaryGpu(['X1 foo', 'Y2 bar']), 'Y2');
    assert.equal(extractPrimaryGpu(['ZZZ', 'AAA', 'AAA']), 'AAA');
    assert.equal(extractPrimaryGpu(['\uffffB1', '𐀀B1']), '𐀀B1');
    assert.deepEqual(
      [...countGpuTypes(['X1 a', 'Y2', 'X1 b'])],
      [
        ['X1', 2],
        ['Y2', 1],
      ],
    );
  });

  test('more than 8 distinct types (the tally switches from a scan to a Map) count and rank the same', () => {
    const gpus = Array.from({ length: 40 }, (_, i) => `Z${i % 13} card`);
    assert.deepEqual(
      [...countGpuTypes(gpus)],
      Array.from({ length: 13 }, (_, i) => [`Z${i}`, i < 1 ? 4 : 3]),
    );
    assert.equal(extractPrimaryGpu(gpus), 'Z0');
    assert.equal(extractPrimaryGpu([...gpus, 'Z9', 'NVIDIA A100']), 'A100');
    assert.equal(extractPrimaryGpu([...gpus, 'Z9 card']), 'Z9');
  });

  test('the priority list is the upstream one (73 entries, RTX5090 first, M40 last)', () => {
    assert.equal(GPU_PRIORITY.length, 73);
    assert.equal(GPU_PRIORITY[0], 'RTX5090');
    assert.equal(GPU_PRIORITY.at(-1), 'M40');
    assert.equal(GPU_PRIORITY.indexOf('H100') < GPU_PRIORITY.indexOf('L40S'), true);
  });

  test(`matches Python for the ${golden.primaryGpu.length} fixture lists`, () => {
    assert.deepEqual(
      golden.primaryGpu.filter(([g, p]) => extractPrimaryGpu(g) !== p),
      [],
    );
  });
});
