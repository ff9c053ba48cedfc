// This exporter and the TAO package's toPrometheusText follow the same exposition conventions, checked with the
// same parser (parse-prometheus-text-format) and the same rules (helpers/conventions.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { FileExporter } from '@nv-one-logger/core';
import {
  logMetrics,
  onAppStart,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { toPrometheusText } from '../../tao-telemetry/src/index.js';
import { PrometheusExporter } from '../src/index.js';
import { conventionProblems } from './helpers/conventions.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'prom-conventions-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => TrainingTelemetryProvider.resetForTests());

/** A label value with every character the text format escapes, and a few it does not. */
const AWKWARD = 'run "7" \\ a\nb, c={d}';

async function exporterText(): Promise<string> {
  const exporter = new PrometheusExporter({ serve: false, labels: { cluster: AWKWARD } });
  TrainingTelemetryProvider.instance()
    .withBaseConfig({
      applicationName: 'conv_job',
      sessionTag: AWKWARD,
      worldSize: 2,
      telemetryConfig: { perfTag: 'p', globalBatchSize: 4, logEveryNTrainIterations: 2, isSaveCheckpointEnabled: true },
    })
    .withExporter(new FileExporter({ filePath: join(dir, 'job.jsonl') }))
    .withExporter(exporter)
    .configureProvider();
  onAppStart();
  onTrainStart({ trainIterationsStart: 0 });
  for (let i = 0; i < 4; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
  }
  logMetrics({ loss: 0.5, 'val/acc': 0.25 });
  return exporter.metricsText();
}

function taoText(): string {
  return toPrometheusText({
    [`tao_job_total{tao_action="train",tao_network="${AWKWARD}"}`]: 3,
    [`tao_job_duration_sum{tao_action="train",tao_network="${AWKWARD}"}`]: 5400,
    [`tao_job_gpu_time_sum{tao_action="train",tao_network="${AWKWARD}"}`]: 10800,
    'tao_job_gpu_total{tao_gpu_type="A100"}': 4,
  });
}

describe('Prometheus text conventions shared with toPrometheusText', () => {
  it('the exporter output follows every convention; awkward label values survive the parser', async () => {
    const text = await exporterText();
    assert.deepEqual(conventionProblems(text), []);
    const families = parsePrometheusTextFormat(text);
    const iterations = families.find((f) => f.name === 'one_logger_train_iterations_total');
    assert.equal(iterations?.metrics[0]?.labels?.session, AWKWARD);
    assert.equal(iterations?.metrics[0]?.labels?.cluster, AWKWARD);
  });

  it('toPrometheusText follows the same conventions, except the two counter names fixed by the TAO wire format', () => {
    const text = taoText();
    assert.deepEqual(conventionProblems(text), [
      'tao_job_duration_sum: counter name without _total',
      'tao_job_gpu_time_sum: counter name without _total',
    ]);
    const families = parsePrometheusTextFormat(text);
    assert.equal(families[0]?.metrics[0]?.labels?.tao_network, AWKWARD);
  });

  it('the rules catch what they are meant to catch', () => {
    assert.deepEqual(conventionProblems('x_total 1'), ['text: must end with a line feed', 'x_total 1: sample before its HELP and TYPE']);
    assert.deepEqual(conventionProblems('# HELP c c\n# TYPE c counter\nc{__a="1"} 1\n'), [
      'c: counter name without _total',
      'c{__a="1"} 1: label name __a',
    ]);
    assert.deepEqual(conventionProblems('# HELP g g\n# TYPE g gauge\ng_sum 1\n'), [
      'g_sum: no HELP text',
      'g_sum: TYPE UNTYPED (expected counter, gauge, summary or histogram)',
      'g_sum 1: sample outside its family g',
    ]);
  });
});
