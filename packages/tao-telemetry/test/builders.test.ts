import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { incrementMetric, MetricBuilder } from '../src/builders/base.js';
import { ComprehensiveMetricsBuilder } from '../src/builders/comprehensive.js';
import { LegacyMetricsBuilder } from '../src/builders/legacy.js';
import { TimeMetricsBuilder } from '../src/builders/time.js';
import { MetricsStateError, TelemetryInputError } from '../src/errors.js';
import { METRIC_ATTRIBUTES, metricAttribute } from '../src/registry.js';
import { AttributeType, type BuildContext, type Metrics, type TelemetryData } from '../src/types.js';

const resnetTrain: TelemetryData = {
  version: '5_3_0',
  action: 'train',
  network: 'resnet50',
  success: true,
  gpus: ['nvidia_a100'],
  user_error: false,
  time_lapsed: 0,
};

describe('MetricBuilder (upstream TestMetricBuilderInterface)', () => {
  test('the abstract base cannot be instantiated', () => {
    const Abstract = MetricBuilder as unknown as new () => MetricBuilder;
    assert.throws(
      () => new Abstract(),
      (e: unknown) => e instanceof TypeError && e.message === "Can't instantiate abstract class MetricBuilder",
    );
  });

  test('a subclass without build() cannot be instantiated', () => {
    const Incomplete = class IncompleteBuilder extends (MetricBuilder as unknown as new () => object) {};
    assert.throws(
      () => new Incomplete(),
      (e: unknown) => e instanceof TypeError && e.message === "Can't instantiate IncompleteBuilder: it does not implement build()",
    );
  });

  test('a subclass with build() works', () => {
    class Counting extends MetricBuilder {
      build(metrics: Metrics, _data: TelemetryData, _context: BuildContext): void {
        incrementMetric(metrics, 'custom', 1);
      }
    }
    const metrics: Metrics = {};
    new Counting().build(metrics, {}, {});
    assert.deepEqual(metrics, { custom: 1 });
  });
});

describe('incrementMetric', () => {
  test('starts at 0, adds to numbers and Python-style to booleans', () => {
    const m: Metrics = { a: 2, b: true };
    incrementMetric(m, 'a', 3);
    incrementMetric(m, 'b', 1);
    incrementMetric(m, 'c', 1.5);
    assert.deepEqual(m, { a: 5, b: 2, c: 1.5 });
  });

  test('a stored non-number is a clear error instead of string concatenation', () => {
    const m: Metrics = { total_action_train_pass: '5', gone: null };
    assert.throws(
      () => incrementMetric(m, 'total_action_train_pass', 1),
      (e: unknown) =>
        e instanceof MetricsStateError &&
        e.key === 'total_action_train_pass' &&
        e.message === 'metrics["total_action_train_pass"]: must be a number to be incremented (got "5")',
    );
    assert.throws(() => incrementMetric(m, 'gone', 1), /got null/);
    assert.equal(m['total_action_train_pass'], '5');
  });
});

describe('LegacyMetricsBuilder (spec D.6, upstream TestLegacyMetricsBuilder)', () => {
  test('pass metrics', () => {
    const metrics: Metrics = {};
    new LegacyMetricsBuilder().build(metrics, resnetTrain, {});
    assert.deepEqual(metrics, {
      total_action_train_pass: 1,
      version_5_3_0_action_train: 1,
      network_resnet50_action_train: 1,
      gpu_nvidia_a100_action_train: 1,
    });
  });

  test('fail metrics', () => {
    const metrics: Metrics = {};
    new LegacyMetricsBuilder().build(
      metrics,
      { ...resnetTrain, action: 'export', network: 'yolov4', success: false, gpus: ['nvidia_v100'] },
      {},
    );
    assert.deepEqual(metrics, {
      total_action_export_fail: 1,
      version_5_3_0_action_export: 1,
      network_yolov4_action_export: 1,
      gpu_nvidia_v100_action_export: 1,
    });
  });

  test('three builds count 3', () => {
    const metrics: Metrics = {};
    const b = new LegacyMetricsBuilder();
    for (let i = 0; i < 3; i++) b.build(metrics, resnetTrain, {});
    assert.deepEqual(metrics, {
      total_action_train_pass: 3,
      version_5_3_0_action_train: 3,
      network_resnet50_action_train: 3,
      gpu_nvidia_a100_action_train: 3,
    });
  });

  test('each GPU is counted (duplicates too), names sanitized lower-case', () => {
    const metrics: Metrics = {};
    new LegacyMetricsBuilder().build(metrics, { ...resnetTrain, gpus: ['nvidia_a100', 'NVIDIA V100', 'nvidia_a100'] }, {});
    assert.equal(metrics['gpu_nvidia_a100_action_train'], 2);
    assert.equal(metrics['gpu_nvidia_v100_action_train'], 1);
  });

  test("gpuCounting 'per-job' counts a GPU model once per job (spec D.10.5)", () => {
    const metrics: Metrics = {};
    new LegacyMetricsBuilder({ gpuCounting: 'per-job' }).build(
      metrics,
      { ...resnetTrain, gpus: ['nvidia_a100', 'nvidia_v100', 'NVIDIA-A100'] },
      {},
    );
    assert.equal(metrics['gpu_nvidia_a100_action_train'], 1);
    assert.equal(metrics['gpu_nvidia_v100_action_train'], 1);
  });

  test('success uses Python truthiness ([] and NaN)', () => {
    const metrics: Metrics = {};
    const b = new LegacyMetricsBuilder();
    b.build(metrics, { ...resnetTrain, success: [] }, {});
    b.build(metrics, { ...resnetTrain, success: Number.NaN }, {});
    b.build(metrics, { ...resnetTrain, success: 'false' }, {});
    assert.equal(metrics['total_action_train_fail'], 1);
    assert.equal(metrics['total_action_train_pass'], 2);
  });

  test('missing required fields are clear errors (Python: KeyError)', () => {
    const { action: _a, ...noAction } = resnetTrain;
    assert.throws(
      () => new LegacyMetricsBuilder().build({}, noAction, {}),
      (e: unknown) => e instanceof TelemetryInputError && e.message === 'action: is required by LegacyMetricsBuilder (got undefined)',
    );
    const { gpus: _g, ...noGpus } = resnetTrain;
    assert.throws(() => new LegacyMetricsBuilder().build({}, noGpus, {}), /gpus: is required/);
    const { success: _s, ...noSuccess } = resnetTrain;
    assert.throws(() => new LegacyMetricsBuilder().build({}, noSuccess, {}), /success: is required/);
  });
});

describe('ComprehensiveMetricsBuilder (spec D.6, upstream TestComprehensiveMetricsBuilder)', () => {
  const data: TelemetryData = { ...resnetTrain, gpus: ['NVIDIA A100', 'NVIDIA A100'] };

  test('pass key', () => {
    const metrics: Metrics = {};
    new ComprehensiveMetricsBuilder().build(metrics, data, {});
    assert.deepEqual(metrics, { network_resnet50_action_train_version_5_3_0_status_pass_gpu_2_NVIDIA_A100_2: 1 });
  });

  test('fail key', () => {
    const metrics: Metrics = {};
    new ComprehensiveMetricsBuilder().build(
      metrics,
      { version: '6_0_0', action: 'export', network: 'yolov4', success: false, user_error: true, gpus: ['NVIDIA V100'], time_lapsed: 0 },
      {},
    );
    assert.deepEqual(metrics, { network_yolov4_action_export_version_6_0_0_status_fail_gpu_1_NVIDIA_V100_1: 1 });
  });

  test('the same data twice gives one key with value 2', () => {
    const metrics: Metrics = {};
    const b = new ComprehensiveMetricsBuilder();
    b.build(metrics, data, {});
    b.build(metrics, data, {});
    assert.deepEqual(Object.entries(metrics), [['network_resnet50_action_train_version_5_3_0_status_pass_gpu_2_NVIDIA_A100_2', 2]]);
  });

  test('mixed GPUs and component order network < action < version < status < gpu', () => {
    const name = new ComprehensiveMetricsBuilder().metricName({ ...data, gpus: ['NVIDIA A100', 'NVIDIA V100', 'NVIDIA A100'] });
    assert.equal(name, 'network_resnet50_action_train_version_5_3_0_status_pass_gpu_3_NVIDIA_A100_2_NVIDIA_V100_1');
  });

  test('only present attributes are named; status is appended when no attribute has order >= 4', () => {
    const b = new ComprehensiveMetricsBuilder();
    assert.equal(b.metricName({ success: true }), 'status_pass_gpu_1_UNKNOWN_1');
    assert.equal(b.metricName({ version: 'x' }), 'version_x_status_fail_gpu_1_UNKNOWN_1');
  });

  test('an empty GPU list ends the key in gpu_0_ (kept for stored-key compatibility, spec D.6/D.10.3)', () => {
    assert.equal(
      new ComprehensiveMetricsBuilder().metricName({ ...data, gpus: [] }),
      'network_resnet50_action_train_version_5_3_0_status_pass_gpu_0_',
    );
  });

  test('a value literally named "status" no longer suppresses the status component (spec D.10.2)', () => {
    // Python gives network_status_action_train_version_5_3_0_gpu_1_NVIDIA_A100_1 (no pass/fail at all).
    assert.equal(
      new ComprehensiveMetricsBuilder().metricName({ ...data, network: 'status', gpus: ['NVIDIA A100'] }),
      'network_status_action_train_version_5_3_0_status_pass_gpu_1_NVIDIA_A100_1',
    );
  });

  test('status goes before the first included attribute of order >= 4; BOOLEAN values lower-cased', () => {
    const attributes = [
      ...METRIC_ATTRIBUTES,
      metricAttribute({ name: 'gated', rawKey: 'gated', attrType: AttributeType.BOOLEAN, default: false, metricOrder: 4 }),
      metricAttribute({ name: 'tags', rawKey: 'tags', attrType: AttributeType.LIST, default: [], metricOrder: 0 }),
    ];
    const name = new ComprehensiveMetricsBuilder({ attributes }).metricName({ ...data, gated: true, tags: ['a', 'B'] });
    assert.equal(name, "tags_['a', 'B']_network_resnet50_action_train_version_5_3_0_status_pass_gated_true_gpu_2_NVIDIA_A100_2");
  });
});

describe('TimeMetricsBuilder (spec D.6, upstream TestTimeMetricsBuilder)', () => {
  const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi);
  const build = (metrics: Metrics, t: number | boolean, context: BuildContext, b = new TimeMetricsBuilder()) => {
    b.build(metrics, { ...resnetTrain, time_lapsed: t }, context);
    return metrics['time_lapsed_today'];
  };

  test('same day accumulates: 100 + 50 = 150', () => {
    assert.equal(build({ time_lapsed_today: 100 }, 50, { now: at(2025, 1, 15, 14, 30), oldNow: at(2025, 1, 15, 10) }), 150);
  });

  test('a new day resets: 23:00 → 01:00 next day with 1000 stored gives 50', () => {
    assert.equal(build({ time_lapsed_today: 1000 }, 50, { now: at(2025, 1, 16, 1), oldNow: at(2025, 1, 15, 23) }), 50);
  });

  test('first entry, zero time, empty context', () => {
    assert.equal(build({}, 100, { now: at(2025, 1, 15, 14, 30), oldNow: at(2025, 1, 15, 10) }), 100);
    assert.equal(build({}, 0, { now: at(2025, 1, 15, 14, 30), oldNow: at(2025, 1, 15, 10) }), 0);
    assert.equal(build({}, 100, {}), 100);
  });

  test('the same day of another month resets (Python compares only the day of the month, spec D.10.1)', () => {
    assert.equal(build({ time_lapsed_today: 500 }, 50, { now: at(2025, 2, 15, 9), oldNow: at(2025, 1, 15, 9) }), 50);
    assert.equal(build({ time_lapsed_today: 500 }, 50, { now: at(2026, 1, 15, 9), oldNow: at(2025, 1, 15, 9) }), 50);
  });

  test("day boundaries follow the process's local zone by default, or UTC", () => {
    const saved = process.env['TZ'];
    process.env['TZ'] = 'Asia/Tokyo';
    try {
      const oldNow = new Date(Date.UTC(2025, 0, 15, 14)); // 23:00 in Tokyo
      const now = new Date(Date.UTC(2025, 0, 15, 16)); // 01:00 next day in Tokyo, same UTC day
      assert.equal(build({ time_lapsed_today: 1000 }, 50, { now, oldNow }), 50);
      assert.equal(build({ time_lapsed_today: 1000 }, 50, { now, oldNow }, new TimeMetricsBuilder({ timeZone: 'utc' })), 1050);
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });

  test('ISO strings are accepted in the context; bad timestamps are clear errors', () => {
    assert.equal(build({ time_lapsed_today: 7 }, 3, { now: '2025-01-15T14:30:00' as never, oldNow: '2025-01-15T10:00:00' as never }), 10);
    assert.throws(
      () => build({}, 1, { now: new Date(Number.NaN) }),
      (e: unknown) => e instanceof TelemetryInputError && e.message === 'context.now: must be a valid Date (got Date(invalid))',
    );
    assert.throws(
      () => build({}, 1, { oldNow: 'yesterday' as never }),
      /context\.oldNow: must be a Date or an ISO 8601 date-time string \(got "yesterday"\)/,
    );
  });

  test('a boolean time counts as 0/1 (Python bool arithmetic); a string is an error', () => {
    assert.equal(build({ time_lapsed_today: 5 }, true, {}), 6);
    assert.throws(() => new TimeMetricsBuilder().build({}, { time_lapsed: '5' as never }, {}), /time_lapsed: must be a number \(got "5"\)/);
  });
});
