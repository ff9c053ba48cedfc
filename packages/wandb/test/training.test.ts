// A training job end to end through the fake W&B server: both exporters and both naming strategies; the
// model's metrics (`model_metrics` events) as their own curves on the training step; the job's config in the
// run config; the live rows equal to what replaying the job's JSONL gives; resume of a run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Event, ExportError, FileExporter, internalLogger, Span } from '@nv-one-logger/core';
import {
  logMetrics,
  onAppEnd,
  onAppStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { readRecords } from '../../core/test/helpers/records.js';
import { replayToWandb } from '../src/index.js';
import type { FakeWandbServer } from './helpers/fake-wandb-server.js';
import { API_KEY, MODES, newExporter, optionsFor, startServer } from './helpers/setup.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

let dir = '';
let server: FakeWandbServer;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'wandb-train-'));
  server = await startServer();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => TrainingTelemetryProvider.resetForTests());

const ITERATIONS = 30;
const lossAt = (step: number): number => 2 / (1 + step);

/** 30 iterations, throughput every 10, the loss logged every 10 iterations and a validation loss at the end. */
async function trainingJob(exporter: ReturnType<typeof newExporter>, file: string): Promise<void> {
  TrainingTelemetryProvider.instance()
    .withBaseConfig({
      applicationName: 'wandb_train',
      sessionTag: 'sess_1',
      worldSize: 2,
      telemetryConfig: {
        perfTag: 'perf_a',
        globalBatchSize: 16,
        flopsPerSample: 1000,
        isLogThroughputEnabled: true,
        trainIterationsTarget: ITERATIONS,
        trainSamplesTarget: 16 * ITERATIONS,
        logEveryNTrainIterations: 10,
      },
    })
    .withExporter(new FileExporter({ filePath: file }))
    .withExporter(exporter)
    .configureProvider();
  onAppStart();
  onTrainStart({ trainIterationsStart: 0 });
  for (let i = 1; i <= ITERATIONS; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
    if (i % 10 === 0) logMetrics({ loss: lossAt(i), accuracy: i / 40 });
    await Promise.resolve();
  }
  logMetrics({ val_loss: 0.5 }, { step: ITERATIONS });
  onTrainEnd();
  await onAppEnd();
}

const withoutLogTime = (rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> =>
  rows.map(({ app_last_log_time, ...rest }) => rest);

for (const mode of MODES) {
  for (const naming of ['hierarchical', 'flat'] as const) {
    describe(`training job, ${mode}, ${naming}`, () => {
      it('model metrics are curves on the training step; spans and events follow the naming; config, summary, finish', async () => {
        const options = optionsFor(server, { metricNaming: naming });
        const exporter = newExporter(mode, options);
        const file = join(dir, `${mode}-${naming}.jsonl`);
        await trainingJob(exporter, file);
        const run = server.run(options.runId as string);

        // The loss under its own name, at _step = global_step (not training_loop.model_metrics.loss).
        const lossRows = run.history.filter((r) => 'loss' in r);
        assert.deepEqual(
          lossRows.map((r) => [r._step, r.loss, r.global_step]),
          [10, 20, 30].map((s) => [s, lossAt(s), s]),
        );
        assert.deepEqual(
          run.history.filter((r) => 'val_loss' in r).map((r) => [r._step, r.val_loss]),
          [[30, 0.5]],
        );
        assert.ok(!run.history.some((r) => Object.keys(r).some((k) => k.includes('model_metrics'))));
        // Steps never decrease; every row is one export call.
        const steps = run.history.map((r) => r._step as number);
        assert.ok(
          steps.every((s, i) => i === 0 || s >= (steps[i - 1] as number)),
          `steps ${steps.join(',')}`,
        );
        const keys = run.history.flatMap((r) => Object.keys(r));
        if (naming === 'hierarchical') {
          assert.ok(keys.includes('training_loop.span_start.timestamp_msec'));
          assert.ok(keys.includes('training_loop.train_iterations_start'));
          assert.ok(keys.includes('application.duration_msec'));
          assert.ok(keys.some((k) => k.startsWith('training_loop.training_metrics_update.')));
        } else {
          assert.ok(keys.includes('train_iterations_start'));
          assert.ok(!keys.some((k) => k.startsWith('training_loop.')));
        }
        // The job's configuration, in W&B's {value} form.
        const config = Object.fromEntries(Object.entries(run.config).map(([k, v]) => [k, v.value]));
        assert.deepEqual(
          [
            config.application_name,
            config.session_tag,
            config.world_size,
            config.perf_tag,
            config.global_batch_size,
            config.log_every_n_train_iterations,
          ],
          ['wandb_train', 'sess_1', 2, 'perf_a', 16, 10],
        );
        assert.deepEqual(config._wandb, { t: {} });
        // Summary: the last value of every key.
        assert.equal(run.summary.loss, lossAt(30));
        assert.equal(run.summary.val_loss, 0.5);
        assert.equal(run.summary._step, steps.at(-1));
        assert.deepEqual([run.complete, run.exitcode], [true, 0]);
        assert.deepEqual(exporter.stats.dropped, 0);

        // Replaying the job's JSONL gives the same rows (the log time aside: live rows have the time of the call).
        const replayed = await replayToWandb(readRecords(file), {
          host: server.url,
          apiKey: API_KEY,
          entity: 'team',
          project: 'replayed',
          metricNaming: naming,
        });
        assert.equal(replayed.runs.length, 1);
        const replayRun = server.run(replayed.runs[0]?.runId as string);
        assert.deepEqual(withoutLogTime(server.rows(replayRun.name)), withoutLogTime(server.rows(run.name)));
        assert.deepEqual(
          replayRun.history.map((r) => r._step),
          steps,
        );
        assert.equal(replayRun.displayName, 'sess_1');
        assert.equal(replayRun.config.session_tag?.value, 'sess_1');
      });
    });
  }
}

describe('resume', () => {
  async function logRun(extra: Parameters<typeof optionsFor>[1], values: number[]): Promise<ReturnType<typeof newExporter>> {
    const exporter = newExporter('sync', optionsFor(server, extra));
    exporter.initialize();
    const span = Span.create('phase');
    for (const v of values) exporter.exportEvent(Event.create('m', { v }), span);
    await exporter.close();
    return exporter;
  }

  it('resume "allow" of an existing run: lines are appended, _step and _runtime continue, summary and config are kept', async () => {
    const runId = 'resume01';
    await logRun({ runId, runName: 'first' }, [1, 2, 3]);
    const first = server.run(runId);
    const firstRuntime = first.history.at(-1)?._runtime as number;
    first.config.lr = { value: 0.1 };
    await logRun({ runId, resume: 'allow' }, [4, 5]);
    const run = server.run(runId);
    assert.deepEqual(
      run.history.map((r) => [r._step, r['phase.m.v']]),
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 5],
      ],
    );
    assert.ok((run.history[3]?._runtime as number) >= firstRuntime);
    assert.equal(run.config.lr?.value, 0.1, 'the old config is merged into the new one');
    assert.equal(run.summary['phase.m.v'], 5);
    assert.equal(server.requestsTo('graphql', 'RunResumeStatus').filter((r) => r.rawBody.includes(runId)).length, 1);
    assert.equal(run.upsertVariables[1]?.id, run.storageId, 'the resumed upsert names the storage ID');
  });

  it('resume "must" of a missing run and "never" of an existing one: the run is refused, export calls say why', async () => {
    for (const [runId, resume, reason] of [
      ['missing01', 'must', 'run missing01 does not exist and resume is "must"'],
      ['resume01', 'never', 'run resume01 already exists and resume is "never"'],
    ] as const) {
      const exporter = newExporter('sync', optionsFor(server, { runId, resume }));
      exporter.initialize();
      const span = Span.create('phase');
      exporter.exportStart(span);
      await exporter.flush();
      assert.throws(
        () => exporter.exportEvent(Event.create('m', { v: 1 }), span),
        (e: unknown) => e instanceof ExportError && e.message === `W&B run ${runId} cannot take data: ${reason}`,
      );
      await exporter.close();
      assert.equal(exporter.stats.dropped, 1);
    }
  });

  it('the same run ID without resume: new lines go after the existing ones (historyLineCount), _step restarts', async () => {
    const runId = 'reuse01';
    await logRun({ runId }, [1, 2]);
    await logRun({ runId }, [3]);
    assert.deepEqual(
      server.run(runId).history.map((r) => [r._step, r['phase.m.v']]),
      [
        [0, 1],
        [1, 2],
        [0, 3],
      ],
    );
  });
});
