// model.fit / model.fitDataset with OneLoggerTfjsCallback on real tiny models (pure JS CPU backend): one iteration
// per batch, metrics at the right global steps, validation loops per epoch, resume across fit calls and
// processes, instrumentedEvaluate, the yield/sync options and disabled ranks.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { internalLogger } from '@nv-one-logger/core';
import { onAppEnd, onAppStart, TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { OneLoggerTfjsCallback, syncBatchLogs } from '../src/callback.js';
import { instrumentSaveHandler } from '../src/checkpoint-save.js';
import { instrumentedEvaluate, instrumentedEvaluateDataset } from '../src/evaluate.js';
import { fileSystemSaveHandler } from '../src/file-system-handlers.js';
import { loadCheckpoint, withApplication } from '../src/phases.js';
import { data, dataset, eventsNamed, labels, mlp, type Rec, type Setup, setup, spansNamed, stopOf } from './helpers/setup.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

let env: Setup | undefined;
const cleanups: Setup[] = [];
afterEach(() => {
  env?.cleanup();
  env = undefined;
  for (const e of cleanups.splice(0)) e.cleanup();
});

// 50 samples, batch 8: 6 full batches + one of 2 = 7 batches per epoch.
const N = 50;
const BATCH = 8;
const PER_EPOCH = 7;

describe('fit', () => {
  test('one training loop, one iteration per batch (short last batch included), metrics every N global steps', async () => {
    env = setup({ exportAll: true });
    const { xs, ys } = data(N);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    await model.fit(xs, ys, { epochs: 3, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    assert.equal(cb.globalStep, 3 * PER_EPOCH);
    await onAppEnd();

    const recs = env.records();
    const [loop, ...otherLoops] = spansNamed(recs, 'training_loop');
    assert.ok(loop);
    assert.equal(otherLoops.length, 0);
    assert.deepEqual(loop.attributes, {
      train_iterations_start: 0,
      train_samples_start: 0,
      train_iterations_target: 21, // derived from fit's params: no target in the config
      train_samples_target: 21 * BATCH,
    });
    const iterations = spansNamed(recs, 'training_single_iteration');
    assert.equal(iterations.length, 3 * PER_EPOCH);
    for (const it of iterations) {
      assert.equal(it.parent_id, loop.id);
      assert.ok(stopOf(recs, it.id), 'iteration stopped');
    }
    assert.ok(stopOf(recs, loop.id), 'training loop stopped');

    // logEveryNTrainIterations = 5: completed counts 5, 10, 15, 20, then the remaining one when the loop ends.
    const metrics = eventsNamed(recs, 'training_metrics_update').map((r) => r.event.attributes as Rec);
    assert.deepEqual(
      metrics.map((m) => [m.current_iteration, m.num_iterations, m.interval, m.num_train_samples]),
      [
        [4, 5, 5, 40],
        [9, 10, 5, 80],
        [14, 15, 5, 120],
        [19, 20, 5, 160],
        [20, 21, 1, 168],
      ],
    );
    for (const r of eventsNamed(recs, 'training_metrics_update')) assert.equal(r.span_id, loop.id);
    const last = metrics.at(-1) as Rec;
    assert.ok(last.total_iteration_time_sec > 0);
    assert.ok(last.min_iteration_time_sec <= last.avg_iteration_time_sec && last.avg_iteration_time_sec <= last.max_iteration_time_sec);
    assert.equal(spansNamed(recs, 'validation_loop').length, 0, 'no validation without validation data');
  });

  test('validation data: one validation loop per epoch, after that epoch’s last iteration, with validation iterations', async () => {
    env = setup({ exportAll: true });
    const { xs, ys } = data(N);
    const val = data(20, 7);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    const history = await model.fit(xs, ys, { epochs: 3, batchSize: BATCH, validationData: [val.xs, val.ys], callbacks: [cb], verbose: 0 });
    assert.equal(history.history.val_loss?.length, 3);
    await onAppEnd();

    const recs = env.records();
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    const validations = spansNamed(recs, 'validation_loop');
    assert.equal(validations.length, 3);
    // Validation does not add training iterations (fit validates inside the last batch; that iteration ends first).
    assert.equal(spansNamed(recs, 'training_single_iteration').length, 3 * PER_EPOCH);
    assert.equal(cb.globalStep, 3 * PER_EPOCH);

    const iterationEnds = spansNamed(recs, 'training_single_iteration').map((r) => r.count as number);
    validations.forEach((v, epoch) => {
      assert.equal(v.parent_id, loop.id);
      // After the epoch's last iteration record and before the next epoch's first one.
      assert.ok((v.count as number) > (iterationEnds[PER_EPOCH * (epoch + 1) - 1] as number));
      const next = iterationEnds[PER_EPOCH * (epoch + 1)];
      if (next !== undefined) assert.ok((v.count as number) < next);
      const stop = stopOf(recs, v.id) as Rec;
      assert.ok(stop.stop_event.attributes.timestamp_msec >= v.start_event.attributes.timestamp_msec);
    });
    // 20 validation samples at batch 8 = 3 validation batches per epoch, each a validation iteration.
    const valIterations = spansNamed(recs, 'validation_single_iteration');
    assert.equal(valIterations.length, 9);
    for (const [i, it] of valIterations.entries()) assert.equal(it.parent_id, (validations[Math.floor(i / 3)] as Rec).id);

    const updates = eventsNamed(recs, 'validation_metrics_update').map((r) => r.event.attributes as Rec);
    assert.deepEqual(
      updates.map((u) => [u.current_iteration, u.interval]),
      [
        [6, 7],
        [13, 7],
        [20, 7],
      ],
    );
    for (const u of updates) {
      assert.ok(u.total_iteration_time_sec >= 0);
      assert.ok('avg_iteration_time_sec' in u && 'min_iteration_time_sec' in u && 'max_iteration_time_sec' in u);
    }
    // The validation hooks are gone after fit (they sit on the model fit trains: a Sequential's inner model).
    const inner = (model as unknown as { model: object }).model;
    assert.equal(Object.hasOwn(inner, 'testLoop'), false);
    assert.equal(Object.hasOwn(inner, 'evaluateDataset'), false);
  });

  test('validationSplit also gives one validation loop per epoch; logs stay usable by later callbacks', async () => {
    env = setup();
    const { xs, ys } = data(60);
    const model = mlp();
    const seen: number[] = [];
    const cb = new OneLoggerTfjsCallback();
    const user = new tf.CustomCallback({
      onBatchEnd: async (_b, logs) => {
        seen.push(logs?.loss as number);
      },
    });
    await model.fit(xs, ys, { epochs: 2, batchSize: 16, validationSplit: 0.2, callbacks: [cb, user], verbose: 0 });
    await onAppEnd();
    // 48 training samples at batch 16 = 3 batches per epoch.
    assert.equal(cb.globalStep, 6);
    assert.equal(seen.length, 6);
    for (const v of seen) assert.equal(typeof v, 'number');
    const recs = env.records();
    assert.equal(spansNamed(recs, 'validation_loop').length, 2);
    assert.equal(eventsNamed(recs, 'validation_metrics_update').length, 2);
  });

  test("a user evaluating a test set in onEpochEnd during a fit that validates: only the fit's own validation is recorded", async () => {
    env = setup();
    const { xs, ys } = data(60);
    const test = data(24);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    let evaluated = 0;
    const user = new tf.CustomCallback({
      onEpochEnd: async () => {
        tf.dispose(model.evaluate(test.xs, test.ys, { batchSize: 8 }));
        evaluated++;
      },
    });
    await model.fit(xs, ys, { epochs: 2, batchSize: 16, validationSplit: 0.2, callbacks: [cb, user], verbose: 0 });
    await cb.fitDataset(model, dataset(48, 16), { epochs: 2, validationData: dataset(12, 12, 5), callbacks: user, verbose: 0 });
    await onAppEnd();
    assert.equal(evaluated, 4);
    const recs = env.records();
    // One validation loop per epoch (2 + 2), each with its own batches: 12 samples at 16 and 12 at 12 = one each.
    const loops = spansNamed(recs, 'validation_loop');
    assert.equal(loops.length, 4);
    const updates = eventsNamed(recs, 'validation_metrics_update').map((u) => u.event.attributes);
    assert.equal(updates.length, 4);
    // fit's validation is one batch of 12 per epoch: one validation iteration each, two in all; the user's
    // evaluations (three batches each) add none, and fitDataset's dataset validation is not split into iterations.
    const [first, second, , last] = updates as [
      Rec['event']['attributes'],
      Rec['event']['attributes'],
      unknown,
      Rec['event']['attributes'],
    ];
    assert.equal(first.total_iteration_time_sec, first.avg_iteration_time_sec);
    assert.ok(Math.abs(second.total_iteration_time_sec - 2 * second.avg_iteration_time_sec) < 1e-12, 'two validation iterations');
    assert.equal(last.total_iteration_time_sec, second.total_iteration_time_sec);
  });

  test('syncPerBatch reads the loss back (asynchronous backends); disposed tensors and numbers are skipped', async () => {
    const loss = tf.scalar(0.5);
    let reads = 0;
    const data = loss.data.bind(loss);
    loss.data = (() => {
      reads++;
      return data();
    }) as typeof loss.data;
    await syncBatchLogs({ batch: 0, size: 8, loss });
    assert.equal(reads, 1);
    await syncBatchLogs({ loss: 0.5 });
    await syncBatchLogs(undefined);
    loss.dispose();
    await syncBatchLogs({ loss });
    assert.equal(reads, 1);
  });

  test('callback.fit wraps plain hook objects and keeps their order after the telemetry callback', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback({ syncPerBatch: false, yieldEvery: 'never' });
    const order: string[] = [];
    await cb.fit(model, xs, ys, {
      epochs: 1,
      batchSize: BATCH,
      verbose: 0,
      callbacks: [{ onTrainBegin: async () => void order.push('a') }, { onTrainBegin: async () => void order.push('b') }],
    });
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(cb.globalStep, PER_EPOCH);
    await onAppEnd();
    const recs = env.records();
    assert.deepEqual(labels(recs).slice(0, 4), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
    ]);
  });

  test('yields to the event loop during fit (timers run), which fit stops doing when only callback instances are given', async () => {
    env = setup();
    const { xs, ys } = data(400);
    const ticksDuringFit = async (yieldEvery: number | 'never'): Promise<number> => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await mlp().fit(xs, ys, { epochs: 1, batchSize: 8, callbacks: [new OneLoggerTfjsCallback({ yieldEvery })], verbose: 0 });
      clearInterval(timer);
      return ticks;
    };
    assert.equal(await ticksDuringFit('never'), 0, 'TF.js itself does not yield when given only callback instances');
    assert.ok((await ticksDuringFit(0)) > 0, 'timers ran during fit');
    await onAppEnd();
  });

  test('withApplication + callOnAppStart: one application span; the application ends after fit', async () => {
    env = setup();
    const { xs, ys } = data(N);
    await withApplication(async () => {
      const cb = new OneLoggerTfjsCallback(); // the application is already running: no second onAppStart
      await cb.fit(mlp(), xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
    });
    const recs = env.records();
    assert.equal(spansNamed(recs, 'application').length, 1);
    assert.equal(recs.filter((r) => r.type === 'telemetry_data_error').length, 0);
    assert.equal(labels(recs).at(-1), 'stop:application');
  });

  test('a disabled rank records nothing and fit is unaffected', async () => {
    env = setup({ enableForCurrentRank: false });
    const { xs, ys } = data(N);
    // The checkpoints the callback takes are the application's, so they still happen (without telemetry).
    const saves: number[] = [];
    const cb2 = new OneLoggerTfjsCallback({
      checkpointEvery: {
        batches: 3,
        url: tf.io.withSaveHandler(async () => {
          saves.push(1);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      },
    });
    await mlp().fit(xs, ys, { epochs: 1, batchSize: BATCH, callbacks: [cb2], verbose: 0 });
    assert.equal(cb2.globalStep, PER_EPOCH);
    assert.equal(saves.length, 2, 'checkpoints are still taken');
    await onAppEnd();
    assert.equal(TrainingTelemetryProvider.instance().config.enableForCurrentRank, false);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(env.file), false, 'no records written');
  });
});

describe('fitDataset', () => {
  test('one iteration per dataset batch; dataset validation is one validation loop per epoch', async () => {
    env = setup({ exportAll: true });
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    await cb.fitDataset(model, dataset(50, 8), { epochs: 2, validationData: dataset(20, 8, 5), verbose: 0 });
    assert.equal(cb.globalStep, 14);
    await onAppEnd();

    const recs = env.records();
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    // fitDataset knows the batches per epoch from the dataset size: the target is derived.
    assert.equal(loop.attributes.train_iterations_target, 14);
    assert.equal(spansNamed(recs, 'training_single_iteration').length, 14);
    const validations = spansNamed(recs, 'validation_loop');
    assert.equal(validations.length, 2);
    for (const v of validations) assert.ok(stopOf(recs, v.id));
    const updates = eventsNamed(recs, 'validation_metrics_update').map((r) => r.event.attributes as Rec);
    assert.deepEqual(
      updates.map((u) => [u.current_iteration, u.interval]),
      [
        [6, 7],
        [13, 7],
      ],
    );
    // evaluateDataset has no per-batch hook: no validation iterations, so no timing keys.
    assert.equal('avg_iteration_time_sec' in (updates[0] as Rec), false);
  });

  test('tensor validation data in fitDataset goes through evaluate: validation iterations are recorded', async () => {
    env = setup();
    const val = data(20, 5);
    const cb = new OneLoggerTfjsCallback();
    await cb.fitDataset(mlp(), dataset(50, 8), { epochs: 2, validationData: [val.xs, val.ys], validationBatchSize: 8, verbose: 0 });
    await onAppEnd();
    const recs = env.records();
    assert.equal(spansNamed(recs, 'validation_loop').length, 2);
    for (const r of eventsNamed(recs, 'validation_metrics_update')) assert.ok(r.event.attributes.total_iteration_time_sec >= 0);
  });

  test('batchesPerEpoch with a repeated dataset', async () => {
    env = setup();
    const cb = new OneLoggerTfjsCallback();
    await cb.fitDataset(mlp(), dataset(50, 8).repeat(), { epochs: 3, batchesPerEpoch: 4, verbose: 0 });
    assert.equal(cb.globalStep, 12);
    await onAppEnd();
    const recs = env.records();
    assert.equal((spansNamed(recs, 'training_loop')[0] as Rec).attributes.train_iterations_target, 12);
    assert.equal(spansNamed(recs, 'validation_loop').length, 0);
    assert.equal(eventsNamed(recs, 'training_metrics_update').at(-1)?.event.attributes.current_iteration, 11);
  });
});

describe('instrumentedEvaluate', () => {
  test('testing loop by default; validation loop with one validation iteration per batch', async () => {
    env = setup();
    onAppStart();
    const model = mlp();
    const { xs, ys } = data(40);
    const testing = await instrumentedEvaluate(model, xs, ys, { batchSize: 16 });
    assert.equal(Array.isArray(testing), false);
    await instrumentedEvaluate(model, xs, ys, { batchSize: 16 }, { as: 'validation' });
    await instrumentedEvaluateDataset(model, dataset(40, 16), {}, { as: 'validation' });
    await instrumentedEvaluateDataset(model, dataset(40, 16));
    await onAppEnd();
    const recs = env.records();
    assert.equal(spansNamed(recs, 'testing_loop').length, 2);
    assert.equal(spansNamed(recs, 'validation_loop').length, 2);
    const [withIterations, withoutIterations] = eventsNamed(recs, 'validation_metrics_update').map((r) => r.event.attributes as Rec);
    assert.ok(withIterations && 'avg_iteration_time_sec' in withIterations, '40 samples at 16 = 3 validation iterations');
    // Validation statistics are cumulative over the process (reference semantics): the second event keeps them.
    assert.ok(withoutIterations && withoutIterations.total_iteration_time_sec === withIterations.total_iteration_time_sec);
    assert.equal(Object.hasOwn((model as unknown as { model: object }).model, 'testLoop'), false);
  });
});

function metricSteps(recs: Rec[], loopId: string): number[] {
  return eventsNamed(recs, 'training_metrics_update')
    .filter((r) => r.span_id === loopId)
    .map((r) => r.event.attributes.current_iteration as number);
}

describe('resume', () => {
  test('two fit calls on one callback: two training loops, the global step continues', async () => {
    const env = setup();
    cleanups.push(env);
    const { xs, ys } = data(N);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    assert.equal(cb.globalStep, 14);
    await model.fit(xs, ys, { epochs: 4, initialEpoch: 2, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    assert.equal(cb.globalStep, 28);
    await onAppEnd();

    const recs = env.records();
    const [first, second] = spansNamed(recs, 'training_loop') as [Rec, Rec];
    assert.equal(first.attributes.train_iterations_start, 0);
    assert.equal(first.attributes.train_iterations_target, 14);
    assert.deepEqual(second.attributes, {
      train_iterations_start: 14,
      train_samples_start: 14 * BATCH,
      train_iterations_target: 28,
      train_samples_target: 28 * BATCH,
    });
    // N = 5 on the global step: 5, 10, then 14 at the end of the first loop; 15, 20, 25, then 28.
    assert.deepEqual(metricSteps(recs, first.id), [4, 9, 13]);
    assert.deepEqual(metricSteps(recs, second.id), [14, 19, 24, 27]);
    const lastOfSecond = eventsNamed(recs, 'training_metrics_update').at(-1)?.event.attributes as Rec;
    assert.equal(lastOfSecond.train_iterations_start, 14);
    // Job counters are per process (the recorder never resets them), not per training loop.
    assert.equal(lastOfSecond.num_iterations, 28);
    assert.equal(lastOfSecond.num_train_samples, 28 * BATCH);
  });

  test('a new process resumes from a checkpoint with initialGlobalStep', async () => {
    const { xs, ys } = data(N);
    // Run 1: train 2 epochs, save the final checkpoint.
    const run1 = setup({ file: 'run1.jsonl' });
    cleanups.push(run1);
    const ckpt = join(run1.dir, 'ckpt');
    let savedStep = 0;
    await withApplication(async () => {
      const model = mlp();
      const cb = new OneLoggerTfjsCallback();
      await cb.fit(model, xs, ys, { epochs: 2, batchSize: BATCH, verbose: 0 });
      savedStep = cb.globalStep;
      await model.save(instrumentSaveHandler(fileSystemSaveHandler(ckpt), () => cb.globalStep));
    });
    assert.equal(savedStep, 2 * PER_EPOCH);

    // Run 2 (a fresh provider and file, as in a new process): load, then continue from the saved step.
    const run2 = setup({ dir: run1.dir, file: 'run2.jsonl' });
    await withApplication(async () => {
      const model = (await loadCheckpoint(`file://${ckpt}`)) as tf.LayersModel;
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const cb = new OneLoggerTfjsCallback({ initialGlobalStep: savedStep });
      await cb.fit(model, xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
      assert.equal(cb.globalStep, savedStep + PER_EPOCH);
    });
    const recs = run2.records();
    assert.equal(spansNamed(recs, 'checkpoint_load').length, 1);
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    assert.equal(loop.attributes.train_iterations_start, 14);
    assert.equal(loop.attributes.train_samples_start, 14 * BATCH);
    // Aligned on the global step: 15 and 20 are multiples of 5, then the final 21.
    assert.deepEqual(metricSteps(recs, loop.id), [14, 19, 20]);
    const first = eventsNamed(recs, 'training_metrics_update')[0]?.event.attributes as Rec;
    assert.equal(first.num_iterations, 1);
    assert.equal(first.interval, 1);
  });

  test('without initialGlobalStep, fit’s initialEpoch × batches per epoch is the first step', async () => {
    const env = setup();
    cleanups.push(env);
    const { xs, ys } = data(N);
    const cb = new OneLoggerTfjsCallback();
    await mlp().fit(xs, ys, { epochs: 3, initialEpoch: 2, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    assert.equal(cb.globalStep, 3 * PER_EPOCH);
    await onAppEnd();
    const loop = spansNamed(env.records(), 'training_loop')[0] as Rec;
    assert.equal(loop.attributes.train_iterations_start, 2 * PER_EPOCH);
    assert.equal(loop.attributes.train_iterations_target, 3 * PER_EPOCH);
  });
});
