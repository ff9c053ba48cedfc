import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { MetricBuilder, type MetricBuilderLike } from '../src/builders/base.js';
import { ComprehensiveMetricsBuilder } from '../src/builders/comprehensive.js';
import { LabeledMetricsBuilder } from '../src/builders/labeled.js';
import { LegacyMetricsBuilder } from '../src/builders/legacy.js';
import { TimeMetricsBuilder } from '../src/builders/time.js';
import { MetricsStateError, TelemetryInputError } from '../src/errors.js';
import { MetricProcessor } from '../src/processor.js';
import type { BuildContext, Metrics, TelemetryData } from '../src/types.js';

// Local-time assertions below are made in a fixed zone with a UTC offset, so UTC and local differ.
let savedTz: string | undefined;
beforeEach(() => {
  savedTz = process.env['TZ'];
  process.env['TZ'] = 'America/New_York';
});
afterEach(() => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
});

/** Records every call. */
class Spy implements MetricBuilderLike {
  calls: Array<{ metrics: Metrics; data: TelemetryData; context: BuildContext }> = [];
  build(metrics: Metrics, data: TelemetryData, context: BuildContext): void {
    this.calls.push({ metrics, data, context });
  }
}

const labels = (o: Record<string, string>) =>
  `{${Object.entries({
    tao_action: 'train',
    tao_automl_triggered: 'false',
    tao_client_type: 'container',
    tao_gpu_count: '2',
    tao_network: 'resnet_50',
    tao_primary_gpu: 'A100',
    tao_status: 'pass',
    tao_user_error: 'false',
    tao_version: '5_3_0',
    ...o,
  })
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

describe('MetricProcessor construction (upstream TestMetricProcessorInitialization / AddBuilder)', () => {
  test('default builders: Legacy, Comprehensive, Time, Labeled', () => {
    const p = new MetricProcessor();
    assert.equal(p.builders.length, 4);
    assert.ok(p.builders[0] instanceof LegacyMetricsBuilder);
    assert.ok(p.builders[1] instanceof ComprehensiveMetricsBuilder);
    assert.ok(p.builders[2] instanceof TimeMetricsBuilder);
    assert.ok(p.builders[3] instanceof LabeledMetricsBuilder);
  });

  test('a custom list is used as given, even empty', () => {
    const b = new LegacyMetricsBuilder();
    assert.deepEqual(new MetricProcessor({ builders: [b] }).builders, [b]);
    assert.equal(new MetricProcessor({ builders: [] }).builders.length, 0);
  });

  test('addBuilder appends in run order', () => {
    const p = new MetricProcessor({ builders: [] });
    const b1 = new LegacyMetricsBuilder();
    const b2 = new ComprehensiveMetricsBuilder();
    p.addBuilder(b1);
    p.addBuilder(b2);
    assert.equal(p.builders[0], b1);
    assert.equal(p.builders[1], b2);
    const d = new MetricProcessor();
    d.addBuilder(b1);
    assert.equal(d.builders.length, 5);
    assert.equal(d.builders[4], b1);
  });
});

describe('MetricProcessor.process (upstream TestMetricProcessorProcess)', () => {
  test('basic: metrics of every default builder and last_updated; returns the same object', () => {
    const metrics: Metrics = {};
    const result = new MetricProcessor().process(metrics, {
      version: '5.3.0',
      action: 'train',
      network: 'ResNet-50',
      success: true,
      user_error: false,
      time_lapsed: 3600,
      gpu: ['NVIDIA A100'],
    });
    assert.equal(result, metrics);
    assert.equal(result['total_action_train_pass'], 1);
    assert.equal(result['network_resnet_50_action_train_version_5_3_0_status_pass_gpu_1_NVIDIA_A100_1'], 1);
    assert.equal(result['time_lapsed_today'], 3600);
    assert.match(String(result['last_updated']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/);
  });

  test('existing counters increment', () => {
    const metrics = { total_action_train_pass: 5, last_updated: '2025-01-01T00:00:00' };
    new MetricProcessor().process(metrics, { action: 'train', network: 'resnet50', success: true });
    assert.equal(metrics.total_action_train_pass, 6);
  });

  test('last_updated: UTC with offset by default, Python naive wall clock on request', () => {
    const now = new Date(2025, 0, 15, 12, 0, 0);
    assert.equal(new MetricProcessor().process({}, {}, { now })['last_updated'], '2025-01-15T17:00:00+00:00');
    assert.equal(new MetricProcessor({ lastUpdatedFormat: 'naive' }).process({}, {}, { now })['last_updated'], '2025-01-15T12:00:00');
    assert.equal(
      new MetricProcessor({ lastUpdatedFormat: 'naive', timeZone: 'utc' }).process({}, {}, { now })['last_updated'],
      '2025-01-15T17:00:00',
    );
    const withMs = new Date(Date.UTC(2025, 0, 15, 12, 0, 0, 123));
    assert.equal(new MetricProcessor().process({}, {}, { now: withMs })['last_updated'], '2025-01-15T12:00:00.123000+00:00');
  });

  test('oldNow comes from the stored last_updated (naive = local, like Python), else now', () => {
    const spy = new Spy();
    const p = new MetricProcessor({ builders: [spy] });
    p.process({ last_updated: '2025-01-01T00:00:00' }, {});
    assert.equal(spy.calls[0]!.context.oldNow!.getTime(), new Date(2025, 0, 1).getTime());
    p.process({ last_updated: '2025-01-01T00:00:00+00:00' }, {});
    assert.equal(spy.calls[1]!.context.oldNow!.toISOString(), '2025-01-01T00:00:00.000Z');
    const now = new Date(2025, 5, 1);
    p.process({}, {}, { now });
    assert.equal(spy.calls[2]!.context.oldNow, now);
    assert.equal(spy.calls[2]!.context.now, now);
  });

  test('an unreadable stored last_updated counts as absent (Python raises ValueError)', () => {
    const spy = new Spy();
    const now = new Date(2025, 5, 1);
    new MetricProcessor({ builders: [spy] }).process({ last_updated: 'garbage' }, {}, { now });
    new MetricProcessor({ builders: [spy] }).process({ last_updated: 12 }, {}, { now });
    assert.equal(spy.calls[0]!.context.oldNow, now);
    assert.equal(spy.calls[1]!.context.oldNow, now);
  });

  test("the caller's context is not modified; builders get a copy with its extra keys (spec D.10.8)", () => {
    const spy = new Spy();
    const context = { now: '2025-01-15T12:00:00', tenant: 'acme' };
    new MetricProcessor({ builders: [spy] }).process({}, {}, context);
    assert.deepEqual(context, { now: '2025-01-15T12:00:00', tenant: 'acme' });
    const seen = spy.calls[0]!.context;
    assert.notEqual(seen, context);
    assert.equal(seen['tenant'], 'acme');
    assert.equal(seen.now!.getTime(), new Date(2025, 0, 15, 12).getTime());
  });

  test('an empty report still produces counters', () => {
    const result = new MetricProcessor().process({}, {});
    assert.equal(Object.keys(result).length, 9);
    assert.equal(result['total_action_unknown_fail'], 1);
  });

  test('every builder is called once, in order, with the same extracted data', () => {
    const spies = [new Spy(), new Spy(), new Spy()];
    const metrics: Metrics = {};
    new MetricProcessor({ builders: spies }).process(metrics, { action: 'train', network: 'resnet50', success: true });
    assert.deepEqual(
      spies.map((s) => s.calls.length),
      [1, 1, 1],
    );
    assert.equal(spies[0]!.calls[0]!.data, spies[1]!.calls[0]!.data);
    assert.equal(spies[0]!.calls[0]!.metrics, metrics);
    assert.deepEqual(spies[0]!.calls[0]!.data, {
      version: 'unknown',
      action: 'train',
      network: 'resnet50',
      success: true,
      user_error: false,
      time_lapsed: 0,
      gpus: ['unknown'],
      client_type: 'container',
      automl_triggered: false,
    });
  });

  test('a bad report throws before any metric changes (Python crashes halfway through)', () => {
    const metrics = { total_action_train_pass: 1, last_updated: '2025-01-01T00:00:00' };
    assert.throws(
      () => new MetricProcessor().process(metrics, { action: 'train', time_lapsed: 'soon' }),
      (e: unknown) => e instanceof TelemetryInputError && e.field === 'time_lapsed',
    );
    assert.deepEqual(metrics, { total_action_train_pass: 1, last_updated: '2025-01-01T00:00:00' });
    assert.throws(() => new MetricProcessor().process(null as never, {}), /metrics: must be a plain object/);
    assert.throws(() => new MetricProcessor().process({}, {}, { now: 'noon' }), /context\.now: must be a Date or an ISO 8601/);
  });

  test('a corrupted stored counter is a clear error naming the key', () => {
    assert.throws(
      () => new MetricProcessor().process({ time_lapsed_today: 'lots' }, { time_lapsed: 5 }),
      (e: unknown) => e instanceof MetricsStateError && e.key === 'time_lapsed_today',
    );
  });
});

describe('integration (upstream TestMetricProcessorIntegration)', () => {
  test('three events: pass/fail/evaluate counters and 6300 s today', () => {
    const p = new MetricProcessor();
    let metrics: Metrics = {};
    for (const event of [
      { version: '5.3.0', network: 'resnet50', action: 'train', success: true, gpu: ['NVIDIA A100', 'NVIDIA A100'], time_lapsed: 3600 },
      { version: '5.3.0', network: 'resnet50', action: 'train', success: false, gpu: ['NVIDIA V100'], time_lapsed: 1800 },
      { version: '5.3.0', network: 'yolov4', action: 'evaluate', success: true, gpu: ['NVIDIA A100'], time_lapsed: 900 },
    ]) {
      metrics = p.process(metrics, event, { now: new Date(2025, 0, 15, 12) });
    }
    assert.equal(metrics['total_action_train_pass'], 1);
    assert.equal(metrics['total_action_train_fail'], 1);
    assert.equal(metrics['total_action_evaluate_pass'], 1);
    assert.equal(metrics['time_lapsed_today'], 6300);
  });

  test('a custom builder (class or plain object) runs after the defaults', () => {
    class CustomCounterBuilder extends MetricBuilder {
      build(metrics: Metrics): void {
        metrics['custom_event_count'] = ((metrics['custom_event_count'] as number | undefined) ?? 0) + 1;
      }
    }
    const p = new MetricProcessor();
    p.addBuilder(new CustomCounterBuilder());
    p.addBuilder({
      build(metrics, data) {
        if (!data.success) metrics[`failure_${data.action}`] = ((metrics[`failure_${data.action}`] as number | undefined) ?? 0) + 1;
      },
    });
    const metrics: Metrics = {};
    p.process(metrics, { action: 'train', network: 'resnet50', success: true });
    p.process(metrics, { action: 'train', network: 'resnet50', success: false });
    assert.equal(metrics['custom_event_count'], 2);
    assert.equal(metrics['failure_train'], 1);
  });
});

describe('worked examples of spec D.8 (labels in the current tao_ form)', () => {
  const p = () => new MetricProcessor({ lastUpdatedFormat: 'naive' });
  const first = {
    action: 'train',
    network: 'ResNet-50',
    version: '5.3.0',
    success: true,
    gpu: ['NVIDIA A100', 'NVIDIA A100'],
    time_lapsed: 3600,
  };
  const second = {
    action: 'train',
    network: 'ResNet-50',
    version: '5.3.0',
    success: false,
    gpu: ['Tesla V100-SXM2-16GB'],
    time_lapsed: 1800,
  };

  test('1: one training job on two A100s', () => {
    const metrics = p().process({}, first, { now: new Date(2025, 0, 15, 12) });
    const l = labels({});
    assert.deepEqual(Object.entries(metrics), [
      ['total_action_train_pass', 1],
      ['version_5_3_0_action_train', 1],
      ['network_resnet_50_action_train', 1],
      ['gpu_nvidia_a100_action_train', 2],
      ['network_resnet_50_action_train_version_5_3_0_status_pass_gpu_2_NVIDIA_A100_2', 1],
      ['time_lapsed_today', 3600],
      [`tao_job_total${l}`, 1],
      [`tao_job_duration_sum${l}`, 3600],
      [`tao_job_gpu_time_sum${l}`, 7200],
      ['tao_job_gpu_total{tao_gpu_type="A100"}', 2],
      ['last_updated', '2025-01-15T12:00:00'],
    ]);
  });

  test('2 and 3: a failed V100 job the same day, then a job after midnight resets the daily counter', () => {
    const proc = p();
    const metrics = proc.process({}, first, { now: new Date(2025, 0, 15, 12) });
    proc.process(metrics, second, { now: new Date(2025, 0, 15, 18, 30) });
    const l = labels({ tao_status: 'fail', tao_primary_gpu: 'V100', tao_gpu_count: '1' });
    assert.equal(metrics['total_action_train_fail'], 1);
    assert.equal(metrics['version_5_3_0_action_train'], 2);
    assert.equal(metrics['network_resnet_50_action_train'], 2);
    assert.equal(metrics['gpu_tesla_v100_sxm2_16gb_action_train'], 1);
    assert.equal(metrics['network_resnet_50_action_train_version_5_3_0_status_fail_gpu_1_TESLA_V100_SXM2_16GB_1'], 1);
    assert.equal(metrics['time_lapsed_today'], 5400);
    assert.equal(metrics[`tao_job_total${l}`], 1);
    assert.equal(metrics[`tao_job_duration_sum${l}`], 1800);
    assert.equal(metrics[`tao_job_gpu_time_sum${l}`], 1800);
    assert.equal(metrics['tao_job_gpu_total{tao_gpu_type="V100"}'], 1);
    assert.equal(metrics['last_updated'], '2025-01-15T18:30:00');
    proc.process(metrics, { ...first, time_lapsed: 100 }, { now: new Date(2025, 0, 16, 0, 5) });
    assert.equal(metrics['time_lapsed_today'], 100);
  });

  test('4: the same day of the next month resets (Python does not: spec D.10.1)', () => {
    const metrics = { time_lapsed_today: 900, last_updated: '2025-01-15T10:00:00' };
    p().process(metrics, { time_lapsed: 60 }, { now: new Date(2025, 1, 15, 10) });
    assert.equal(metrics.time_lapsed_today, 60);
  });

  test('5: an empty report', () => {
    const metrics = p().process({}, {}, { now: new Date(2025, 0, 15, 12) });
    assert.deepEqual(Object.entries(metrics), [
      ['total_action_unknown_fail', 1],
      ['version_unknown_action_unknown', 1],
      ['network_unknown_action_unknown', 1],
      ['gpu_unknown_action_unknown', 1],
      ['network_unknown_action_unknown_version_unknown_status_fail_gpu_1_UNKNOWN_1', 1],
      ['time_lapsed_today', 0],
      [
        'tao_job_total{tao_action="unknown",tao_automl_triggered="false",tao_client_type="container",tao_gpu_count="1",tao_network="unknown",tao_primary_gpu="UNKNOWN",tao_status="fail",tao_user_error="false",tao_version="unknown"}',
        1,
      ],
      ['tao_job_gpu_total{tao_gpu_type="UNKNOWN"}', 1],
      ['last_updated', '2025-01-15T12:00:00'],
    ]);
  });

  test('6: an export on mixed GPUs', () => {
    const metrics = p().process(
      {},
      {
        action: 'Export',
        network: 'yolo_v4',
        version: '6.0.0-rc1',
        success: false,
        gpu: ['Tesla V100-SXM2-16GB', 'NVIDIA A100-SXM4-80GB'],
      },
      { now: new Date(2025, 0, 15, 12) },
    );
    assert.equal(
      metrics['network_yolo_v4_action_export_version_6_0_0_rc1_status_fail_gpu_2_NVIDIA_A100_SXM4_80GB_1_TESLA_V100_SXM2_16GB_1'],
      1,
    );
    assert.equal(metrics['total_action_export_fail'], 1);
  });
});

describe('bad input never crashes the processor', () => {
  test('missing fields, wrong types and empty GPU lists give defaults or Python-identical keys', () => {
    const metrics = new MetricProcessor({ lastUpdatedFormat: 'naive' }).process(
      {},
      { network: 42, version: null, action: ['a'], success: 'false', gpu: [], time_lapsed: null, user_error: 'Yes' },
      { now: new Date(2025, 0, 15, 12) },
    );
    assert.deepEqual(Object.keys(metrics), [
      'total_action___a___pass',
      'version_none_action___a__',
      'network_42_action___a__',
      'network_42_action___a___version_none_status_pass_gpu_0_',
      'time_lapsed_today',
      'tao_job_total{tao_action="__a__",tao_automl_triggered="false",tao_client_type="container",tao_gpu_count="0",tao_network="42",tao_primary_gpu="unknown",tao_status="pass",tao_user_error="yes",tao_version="none"}',
      'last_updated',
    ]);
    assert.equal(metrics['time_lapsed_today'], 0);
  });

  test('a GPU name given as one string is one GPU (Python counts each character)', () => {
    const metrics = new MetricProcessor().process({}, { action: 'train', gpu: 'NVIDIA A100' }, { now: new Date(2025, 0, 15, 12) });
    assert.equal(metrics['gpu_nvidia_a100_action_train'], 1);
    assert.equal(metrics['network_unknown_action_train_version_unknown_status_fail_gpu_1_NVIDIA_A100_1'], 1);
    assert.equal(metrics['tao_job_gpu_total{tao_gpu_type="A100"}'], 1);
  });

  test('a null time_lapsed counts as 0 (Python raises TypeError in the time builder)', () => {
    const metrics = new MetricProcessor().process({ time_lapsed_today: 10 }, { time_lapsed: null }, { now: new Date(2025, 0, 15, 12) });
    assert.equal(metrics['time_lapsed_today'], 10);
  });
});
