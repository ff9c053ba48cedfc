// Model metrics in the summary (model_metrics events written by the real training-telemetry library with a fake
// clock): last/min/max with their steps, split into training and validation, merged across resumed runs;
// samples/s and iterations/s; the TFLOP/s wording per backend; the application name of core-only jobs; and the
// `summarize` command's text and --json output as a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DefaultRecorder, FileExporter, OneLoggerProvider, setClock, timedSpan } from '@nv-one-logger/core';
import { logMetrics, onTrainEnd, onTrainStart, onValidationEnd, onValidationStart } from '@nv-one-logger/training-telemetry';
import { analyzeFile, summarize } from '../src/summary/summarize.js';
import { clock, iteration, runJob, T0 } from './helpers/jobs.js';

const BIN = fileURLToPath(new URL('../bin/one-logger.js', import.meta.url));
let dir: string;
const paths = { metrics: '', resumed: '', cpu: '', noFlops: '', core: '' };

// Training loss per step (logged at steps 2, 4, 6, 8); the minimum is at step 6, the maximum at step 2.
const LOSS: [number, number][] = [
  [2, 1.2],
  [4, 0.5],
  [6, 0.25],
  [8, 0.3],
];

/** 8 iterations of 1 s (global batch 32), loss and accuracy every 2 steps, a validation loop at steps 4 and 8. */
async function writeMetricsJob(path: string, options: { sessionTag: string; startWallMs?: number; start?: number; lossScale?: number }) {
  const start = options.start ?? 0;
  await runJob(
    {
      path,
      sessionTag: options.sessionTag,
      ...(options.startWallMs !== undefined ? { startWallMs: options.startWallMs } : {}),
      telemetry: { globalBatchSize: 32, logEveryNTrainIterations: 4 },
    },
    () => {
      onTrainStart({ trainIterationsStart: start });
      for (const [step, loss] of LOSS) {
        iteration(1000);
        iteration(1000);
        logMetrics({ loss: loss * (options.lossScale ?? 1), accuracy: step / 10 });
        if (step % 4 === 0) {
          onValidationStart();
          clock.advance(100);
          // val_loss by name; top5 because it is logged inside the validation loop.
          logMetrics({ val_loss: loss + 0.1, top5: 0.9 - step / 100 });
          onValidationEnd();
        }
      }
      onTrainEnd();
    },
  );
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-model-metrics-'));
  for (const k of Object.keys(paths) as (keyof typeof paths)[]) paths[k] = join(dir, `${k}.jsonl`);
  await writeMetricsJob(paths.metrics, { sessionTag: 'metrics' });
  // Two runs of one session in one file: the second resumes at step 8 with smaller losses.
  await writeMetricsJob(paths.resumed, { sessionTag: 'resumed' });
  await writeMetricsJob(paths.resumed, { sessionTag: 'resumed', startWallMs: T0 + 3_600_000, start: 8, lossScale: 0.5 });
  await runJob(
    {
      path: paths.cpu,
      sessionTag: 'cpu',
      telemetry: {
        globalBatchSize: 16,
        flopsPerSample: 1e9,
        isLogThroughputEnabled: true,
        trainIterationsTarget: 10,
        trainSamplesTarget: 160,
        logEveryNTrainIterations: 2,
        customMetadata: { backend: 'cpu' },
      },
    },
    () => {
      onTrainStart({ trainIterationsStart: 0 });
      for (let i = 0; i < 4; i++) iteration(500);
      onTrainEnd();
    },
  );
  await runJob({ path: paths.noFlops, sessionTag: 'no_flops', telemetry: { globalBatchSize: 16, logEveryNTrainIterations: 2 } }, () => {
    onTrainStart({ trainIterationsStart: 0 });
    for (let i = 0; i < 4; i++) iteration(250);
    onTrainEnd();
  });
  // A core-only job: no training telemetry, so no initialization event; its root span names it.
  clock.install(T0);
  OneLoggerProvider.instance().configure(
    { applicationName: 'nightly_etl', sessionTag: 'etl', worldSize: 1 },
    new DefaultRecorder({ exporters: [new FileExporter({ filePath: paths.core })] }),
  );
  await timedSpan('nightly_etl', async () => {
    clock.advance(10);
    await timedSpan('extract', () => clock.advance(5));
  });
  await OneLoggerProvider.instance().shutdown();
  OneLoggerProvider.resetForTests();
  setClock(undefined);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ONE_LOGGER_DEBUG: '' } });
}

describe('model metrics in the summary', () => {
  test('per metric: last, min and max with their steps; training and validation apart (by name or by validation loop)', async () => {
    const s = (await analyzeFile(paths.metrics)).summary;
    assert.deepStrictEqual(s.modelMetrics.training, [
      { name: 'loss', count: 4, last: 0.3, lastStep: 8, lastTimeMs: T0 + 8100, min: 0.25, minStep: 6, max: 1.2, maxStep: 2 },
      { name: 'accuracy', count: 4, last: 0.8, lastStep: 8, lastTimeMs: T0 + 8100, min: 0.2, minStep: 2, max: 0.8, maxStep: 8 },
    ]);
    assert.deepStrictEqual(s.modelMetrics.validation, [
      { name: 'val_loss', count: 2, last: 0.4, lastStep: 8, lastTimeMs: T0 + 8200, min: 0.4, minStep: 8, max: 0.6, maxStep: 4 },
      {
        name: 'top5',
        count: 2,
        last: 0.9 - 8 / 100,
        lastStep: 8,
        lastTimeMs: T0 + 8200,
        min: 0.9 - 8 / 100,
        minStep: 8,
        max: 0.86,
        maxStep: 4,
      },
    ]);
    // 32 samples per 1 s iteration.
    assert.equal(s.training.iterationsPerSec, 1);
    assert.equal(s.training.samplesPerSec, 32);
    assert.equal(s.application.name, 'cli_test_app');
  });

  test('a resumed run: min/max over both runs, the last value from the later run, counts added', async () => {
    const { perSession } = await summarize([paths.resumed]);
    const loss = perSession[0]?.modelMetrics.training.find((m) => m.name === 'loss');
    assert.deepStrictEqual(loss, {
      name: 'loss',
      count: 8,
      last: 0.15,
      lastStep: 16,
      lastTimeMs: T0 + 3_600_000 + 8100,
      min: 0.125,
      minStep: 14,
      max: 1.2,
      maxStep: 2,
    });
  });

  test('a core-only job is named by its root span; a training job without application_name stays unnamed', async () => {
    assert.equal((await analyzeFile(paths.core)).summary.application.name, 'nightly_etl');
    const python = fileURLToPath(new URL('./fixtures/python-reference.jsonl', import.meta.url));
    assert.equal((await analyzeFile(python)).summary.application.name, undefined);
  });

  test('backend from custom metadata; no model metrics when none were logged', async () => {
    const s = (await analyzeFile(paths.cpu)).summary;
    assert.equal(s.application.backend, 'cpu');
    assert.deepStrictEqual(s.modelMetrics, { training: [], validation: [] });
    assert.equal(s.training.iterationsPerSec, 2);
    assert.equal(s.training.samplesPerSec, 32);
  });
});

describe('one-logger summarize output', () => {
  test('text: model metric sections with steps, samples/s and iterations/s', () => {
    const r = run(['summarize', paths.metrics]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const section = (title: string) => lines.slice(lines.indexOf(title) + 1, lines.indexOf(title) + 3);
    assert.deepEqual(section('Model metrics (training)'), [
      '  loss                      last 0.3 (step 8), min 0.25 (step 6), max 1.2 (step 2)',
      '  accuracy                  last 0.8 (step 8), min 0.2 (step 2), max 0.8 (step 8)',
    ]);
    assert.deepEqual(section('Model metrics (validation)'), [
      '  val_loss                  last 0.4 (step 8), min 0.4 (step 8), max 0.6 (step 4)',
      '  top5                      last 0.82 (step 8), min 0.82 (step 8), max 0.86 (step 4)',
    ]);
    assert.ok(lines.includes('  samples/s                 32 (all ranks, over iteration time)'), r.stdout);
    assert.ok(lines.includes('  iterations/s              1'), r.stdout);
    // No flopsPerSample: no TFLOP/s row at all.
    assert.doesNotMatch(r.stdout, /TFLOP\/s/);
  });

  test('text: the CPU backend is not called a GPU; throughput rows sit together', () => {
    const r = run(['summarize', paths.cpu]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}backend {19}cpu$/m);
    assert.doesNotMatch(r.stdout, /GPU/);
    const lines = r.stdout.split('\n');
    const tflops = lines.findIndex((l) => l.startsWith('  TFLOP/s per rank (cpu)    latest '));
    assert.ok(tflops > 0, r.stdout);
    assert.deepEqual(lines.slice(tflops + 1, tflops + 3), [
      '  samples/s                 32 (all ranks, over iteration time)',
      '  iterations/s              2',
    ]);
    assert.doesNotMatch(r.stdout, /Model metrics/);
  });

  test('--json: modelMetrics and the rates in every file and session summary', () => {
    const r = run(['summarize', '--json', paths.metrics, paths.noFlops]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const [metrics, noFlops] = doc.files;
    assert.deepEqual(
      metrics.modelMetrics.training.map((m: { name: string; last: number; minStep: number }) => [m.name, m.last, m.minStep]),
      [
        ['loss', 0.3, 6],
        ['accuracy', 0.8, 2],
      ],
    );
    assert.deepEqual(Object.keys(metrics.modelMetrics.validation[0]), [
      'name',
      'count',
      'last',
      'lastStep',
      'lastTimeMs',
      'min',
      'minStep',
      'max',
      'maxStep',
    ]);
    assert.equal(metrics.training.samplesPerSec, 32);
    assert.equal(noFlops.training.iterationsPerSec, 4);
    assert.equal(noFlops.training.samplesPerSec, 64);
    assert.deepEqual(noFlops.training.throughputPerGpuTflops, { latest: null, min: null, max: null });
    assert.deepEqual(doc.sessions[0].modelMetrics, metrics.modelMetrics);
  });
});
