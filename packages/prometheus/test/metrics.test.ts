// The record -> metric table, in process: a real TrainingRecorder writes JSONL and feeds the exporter; the
// exposition text (parsed with the shared text-format parser) must say what the JSONL says.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { FileExporter, internalLogger } from '@nv-one-logger/core';
import {
  logMetrics,
  onAppEnd,
  onAppStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { type Rec, readRecords } from '../../core/test/helpers/records.js';
import { MetricName, modelMetricName, PrometheusExporter, type PrometheusExporterOptions } from '../src/index.js';
import { expectedFromRecords, jobLabelsFromRecords, sampleFor, textSamples } from './helpers/expected.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

let dir = '';
before(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'prom-metrics-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => TrainingTelemetryProvider.resetForTests());

let jobNo = 0;
/** A configured training job: FileExporter + PrometheusExporter (not serving). Times are explicit (ms). */
function job(options: PrometheusExporterOptions = {}, strategy: 'sync' | 'async' = 'sync') {
  const file = join(dir, `job-${++jobNo}.jsonl`);
  const exporter = new PrometheusExporter({ serve: false, ...options });
  TrainingTelemetryProvider.instance()
    .withBaseConfig({
      applicationName: 'table_job',
      sessionTag: 'run "7" \\ a\nb',
      worldSize: 4,
      telemetryConfig: {
        perfTag: ['tag_a', 'tag_b'],
        globalBatchSize: 16,
        seqLength: 128,
        flopsPerSample: 2_000_000,
        isLogThroughputEnabled: true,
        logEveryNTrainIterations: 5,
        trainIterationsTarget: 100,
        trainSamplesTarget: 1600,
        isSaveCheckpointEnabled: true,
        saveCheckpointStrategy: strategy,
      },
    })
    .withExporter(new FileExporter({ filePath: file }))
    .withExporter(exporter)
    .configureProvider();
  return { file, exporter };
}

/** 12 iterations of 40-60 ms, a checkpoint at step 10 (250 ms), a validation loop (90 ms), model metrics. */
function train(t0: number): number {
  let t = t0;
  onAppStart({ startTimeMsec: t });
  onTrainStart({ trainIterationsStart: 0, startTimeMsec: t });
  for (let i = 0; i < 12; i++) {
    onTrainingSingleIterationStart({ startTimeMsec: t });
    t += 40 + (i % 3) * 10;
    onTrainingSingleIterationEnd({ finishTimeMsec: t });
    if ((i + 1) % 5 === 0) logMetrics({ loss: 2 / (i + 1), 'acc/top1': 0.5 + i / 100 });
    if (i + 1 === 10) {
      onSaveCheckpointStart({ globalStep: 10, startTimeMsec: t });
      onSaveCheckpointSuccess({ globalStep: 10, timeMsec: t + 200 });
      t += 250;
      onSaveCheckpointEnd({ finishTimeMsec: t });
    }
  }
  onTrainEnd({ finishTimeMsec: t });
  onValidationStart({ startTimeMsec: t });
  t += 90;
  logMetrics({ val_loss: 0.75 });
  onValidationEnd({ finishTimeMsec: t });
  return t;
}

function familyTypes(text: string): Map<string, string> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f.type]));
}

describe('metrics from the training records', () => {
  it('every series says what the JSONL says, with the job labels on every series', async () => {
    const { file, exporter } = job();
    const t = train(Date.now() - 5000);
    const text = await exporter.metricsText();
    await onAppEnd({ finishTimeMsec: t });
    const records: Rec[] = readRecords(file);
    const expected = expectedFromRecords(records);
    assert.ok(expected.size >= 20, `the JSONL yields the whole table (${expected.size})`);
    const samples = textSamples(text);
    for (const [key, value] of expected) {
      const found = sampleFor(samples, key);
      assert.equal(found.length, 1, `${key}: one series, got ${JSON.stringify(found)}`);
      assert.equal(found[0]?.value, value, key);
    }
    const labels = jobLabelsFromRecords(records);
    assert.deepEqual(labels, {
      application: 'table_job',
      session: 'run "7" \\ a\nb',
      perf_tag: 'tag_a,tag_b',
      rank: '0',
      world_size: '4',
    });
    for (const s of samples) {
      for (const [k, v] of Object.entries(labels)) assert.equal(s.labels[k], v, `${s.name} label ${k}`);
    }
    // Types by family, read with the shared parser.
    const types = familyTypes(text);
    assert.equal(types.get(MetricName.TRAIN_ITERATIONS), 'COUNTER');
    assert.equal(types.get(MetricName.TRAIN_ITERATION_DURATION), 'SUMMARY');
    assert.equal(types.get(MetricName.CHECKPOINT_SAVE_DURATION), 'HISTOGRAM');
    assert.equal(types.get(MetricName.TRAIN_TFLOPS_PER_GPU), 'GAUGE');
    assert.equal(types.get('one_logger_model_acc_top1'), 'GAUGE');
    // The checkpoint of 250 ms falls in the buckets from 0.5 s on.
    const buckets = samples.filter((s) => s.name === `${MetricName.CHECKPOINT_SAVE_DURATION}_bucket`);
    assert.deepEqual(
      buckets.map((b) => [b.labels.le, b.value]),
      [
        ['0.1', 0],
        ['0.5', 1],
        ['1', 1],
        ['2.5', 1],
        ['5', 1],
        ['10', 1],
        ['30', 1],
        ['60', 1],
        ['120', 1],
        ['300', 1],
        ['600', 1],
        ['1800', 1],
        ['+Inf', 1],
      ],
    );
    // The last, partial interval (iterations 11-12) is included: 12 iterations, 192 samples, tokens 192 x 128.
    assert.equal(expected.get(MetricName.TRAIN_ITERATIONS), 12);
    assert.equal(sampleFor(samples, MetricName.TRAIN_SAMPLES)[0]?.value, 192);
    assert.equal(sampleFor(samples, MetricName.TRAIN_TOKENS)[0]?.value, 192 * 128);
  });

  it('an async checkpoint strategy is labelled async', async () => {
    const { exporter } = job({}, 'async');
    train(Date.now() - 5000);
    const samples = textSamples(await exporter.metricsText());
    assert.equal(sampleFor(samples, `${MetricName.CHECKPOINT_SAVES}{strategy="async"}`)[0]?.value, 1);
    assert.equal(sampleFor(samples, `${MetricName.CHECKPOINT_SAVE_DURATION}_count{strategy="async"}`)[0]?.value, 1);
    assert.equal(sampleFor(samples, `${MetricName.CHECKPOINT_SAVES}{strategy="sync"}`).length, 0);
  });

  it('a family appears once measured: before training only the job labels are known, nothing reads 0', async () => {
    const { exporter } = job({ labels: { cluster: 'eu-1' } });
    onAppStart();
    assert.equal((await exporter.metricsText()).trim(), '');
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 4; i++) {
      onTrainingSingleIterationStart();
      onTrainingSingleIterationEnd();
    }
    // N = 5: no training_metrics_update yet, so no training series.
    assert.equal((await exporter.metricsText()).trim(), '');
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
    const samples = textSamples(await exporter.metricsText());
    assert.equal(sampleFor(samples, MetricName.TRAIN_ITERATIONS)[0]?.value, 5);
    assert.equal(sampleFor(samples, MetricName.TRAIN_ITERATIONS)[0]?.labels.cluster, 'eu-1');
    assert.equal(sampleFor(samples, MetricName.PRODUCTIVE_TRAIN_SECONDS).length, 0, 'no checkpoint yet: no productive-time series');
  });

  it('telemetry-data and application errors are counted', async () => {
    const { exporter } = job();
    const app = onAppStart();
    const { getRecorder } = await import('@nv-one-logger/core');
    getRecorder().error(app, 'data loader crashed');
    getRecorder().telemetryDataError('lost a batch of records');
    const samples = textSamples(await exporter.metricsText());
    assert.equal(sampleFor(samples, MetricName.APPLICATION_ERRORS)[0]?.value, 1);
    assert.equal(sampleFor(samples, MetricName.TELEMETRY_ERRORS)[0]?.value, 1);
  });
});

describe('model metrics become gauges by name', () => {
  it('names map to one_logger_model_<name>, characters outside [a-zA-Z0-9_] becoming _', () => {
    assert.equal(modelMetricName('loss'), 'one_logger_model_loss');
    assert.equal(modelMetricName('val/acc.top-5'), 'one_logger_model_val_acc_top_5');
  });

  it('a second name mapping to the same gauge is left out and recorded once', async () => {
    const { file, exporter } = job();
    onAppStart();
    logMetrics({ 'acc.top1': 0.5 }, { step: 1 });
    logMetrics({ acc_top1: 0.9, loss: 1.5 }, { step: 2 });
    await new Promise((r) => setImmediate(r));
    const samples = textSamples(await exporter.metricsText());
    assert.equal(sampleFor(samples, 'one_logger_model_acc_top1')[0]?.value, 0.5, 'the first name keeps the gauge');
    assert.equal(sampleFor(samples, 'one_logger_model_loss')[0]?.value, 1.5);
    assert.equal(sampleFor(samples, MetricName.MODEL_GLOBAL_STEP)[0]?.value, 2);
    await onAppEnd();
    const errors = readRecords(file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.error.attributes.error_message,
      'PrometheusExporter: model metric "acc_top1" maps to the Prometheus name one_logger_model_acc_top1, already used by "acc.top1"; it is left out of the Prometheus metrics',
    );
  });

  it('at most maxModelMetrics gauges; the next name is left out and recorded', async () => {
    const { file, exporter } = job({ maxModelMetrics: 2 });
    onAppStart();
    logMetrics({ a: 1, b: 2, c: 3 }, { step: 7 });
    await new Promise((r) => setImmediate(r));
    const names = textSamples(await exporter.metricsText()).map((s) => s.name);
    assert.deepEqual(
      names.filter((n) => n.startsWith('one_logger_model_')),
      ['one_logger_model_a', 'one_logger_model_b', 'one_logger_model_global_step'],
    );
    await onAppEnd();
    const errors = readRecords(file).filter((r) => r.type === 'telemetry_data_error');
    assert.equal(
      errors[0]?.error.attributes.error_message,
      'PrometheusExporter: model metric "c" is left out of the Prometheus metrics: at most 2 model metrics become gauges (maxModelMetrics)',
    );
  });
});
