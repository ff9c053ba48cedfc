// Checkpoint saves through TF.js IO handlers: sync (span covers the write, success inside it), async (span covers
// only the launch, success later on the application span), failures (no success, error recorded, error kept),
// the callback's checkpointEvery, instrumentModelSave, and the file-system handlers (reload → same predictions).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { onAppEnd, onAppStart } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { OneLoggerTfjsCallback } from '../src/callback.js';
import { instrumentModelSave, instrumentSaveHandler } from '../src/checkpoint-save.js';
import { fileSystemLoadHandler, fileSystemSaveHandler } from '../src/file-system-handlers.js';
import { loadCheckpoint, withApplication } from '../src/phases.js';
import { data, errorsOf, eventsNamed, mlp, type Rec, type Setup, setup, spansNamed, stopOf } from './helpers/setup.js';

let env: Setup | undefined;
afterEach(() => {
  env?.cleanup();
  env = undefined;
});

const N = 50;
const BATCH = 8;

function startMs(span: Rec): number {
  return span.start_event.attributes.timestamp_msec;
}
function stopMs(recs: Rec[], span: Rec): number {
  return (stopOf(recs, span.id) as Rec).stop_event.attributes.timestamp_msec;
}

/** A file-system save handler whose write takes `ms` longer. */
function slowHandler(dir: string, ms: number): tf.io.IOHandler {
  const inner = fileSystemSaveHandler(dir);
  return tf.io.withSaveHandler(async (artifacts) => {
    await sleep(ms);
    return (inner.save as NonNullable<tf.io.IOHandler['save']>)(artifacts);
  });
}

function failingHandler(error: unknown, delayMs = 0): tf.io.IOHandler {
  return tf.io.withSaveHandler(async () => {
    if (delayMs > 0) await sleep(delayMs);
    throw error;
  });
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  return (await tf.max(tf.abs(tf.sub(a, b))).data())[0] as number;
}

describe('sync checkpoints', () => {
  test('checkpointEvery batches: one checkpoint_save_sync span per save, success inside it, then the timing event', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const model = mlp();
    const dir = env.dir;
    const cb = new OneLoggerTfjsCallback({
      checkpointEvery: { batches: 5, url: (step) => fileSystemSaveHandler(join(dir, `step-${step}`)) },
    });
    await model.fit(xs, ys, { epochs: 3, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    await onAppEnd();

    const recs = env.records();
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    const saves = spansNamed(recs, 'checkpoint_save_sync');
    assert.deepEqual(
      saves.map((s) => s.attributes),
      [5, 10, 15, 20].map((step, i) => ({ checkpoint_strategy: 'sync', current_iteration: step, save_checkpoint_attempt_count: i + 1 })),
    );
    const successes = eventsNamed(recs, 'save_checkpoint_success');
    assert.equal(successes.length, 4);
    saves.forEach((save, i) => {
      assert.equal(save.parent_id, loop.id);
      const success = successes[i] as Rec;
      assert.equal(success.span_id, save.id, 'success is on the sync save span');
      const a = success.event.attributes;
      assert.equal(a.current_iteration, save.attributes.current_iteration);
      assert.equal(a.productive_train_iterations, save.attributes.current_iteration);
      assert.equal(a.productive_train_samples, save.attributes.current_iteration * BATCH);
      assert.equal(a.save_checkpoint_success_count, i + 1);
      assert.ok(a.productive_train_iterations_sec > 0);
      const timing = eventsNamed(recs, 'sync_checkpoint_metrics_update').filter((r) => r.span_id === save.id);
      assert.equal(timing.length, 1);
      assert.ok(stopMs(recs, save) >= startMs(save));
      assert.ok(existsSync(join(dir, `step-${save.attributes.current_iteration}`, 'model.json')));
      assert.ok(existsSync(join(dir, `step-${save.attributes.current_iteration}`, 'weights.bin')));
    });
    // The record order of one save: start, success, timing, stop.
    const order = recs
      .filter((r) => r.id === saves[0]?.id || r.span_id === saves[0]?.id)
      .map((r) => (r.type === 'event' ? r.event.name : r.type));
    assert.deepEqual(order, ['start', 'save_checkpoint_success', 'sync_checkpoint_metrics_update', 'stop']);
  });

  test('checkpointEvery epochs, and a save at the same step from batches is not repeated', async () => {
    env = setup();
    const { xs, ys } = data(56); // 7 full batches per epoch
    const steps: number[] = [];
    const handler = (step: number) =>
      tf.io.withSaveHandler(async () => {
        steps.push(step);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      });
    const cb = new OneLoggerTfjsCallback({ checkpointEvery: { batches: 7, epochs: 1, url: handler } });
    await mlp().fit(xs, ys, { epochs: 2, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    await onAppEnd();
    assert.deepEqual(steps, [7, 14]);
    assert.equal(spansNamed(env.records(), 'checkpoint_save_sync').length, 2);
  });

  test('instrumentSaveHandler + fileSystemSaveHandler: recorded save; loadCheckpoint reloads identical predictions', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    const dir = join(env.dir, 'final');
    const handler = instrumentSaveHandler(fileSystemSaveHandler(dir), () => cb.globalStep);
    const result = await model.save(handler);
    assert.equal(handler.lastSave?.status, 'succeeded');
    assert.equal(handler.lastSave?.globalStep, 14);
    assert.equal(handler.lastSave?.checkpointDirectory, dir);
    const info = result.modelArtifactsInfo;
    assert.equal(
      handler.lastSave?.checkpointSize,
      (info.modelTopologyBytes ?? 0) + (info.weightSpecsBytes ?? 0) + (info.weightDataBytes ?? 0),
    );
    assert.equal(info.weightDataBytes, (4 * 8 + 8 + 8 * 1 + 1) * 4);

    const reloaded = await loadCheckpoint(`file://${dir}`);
    const viaHandler = await tf.loadLayersModel(fileSystemLoadHandler(dir));
    const expected = model.predict(xs) as tf.Tensor;
    assert.equal(await maxAbsDiff(reloaded.predict(xs) as tf.Tensor, expected), 0);
    assert.equal(await maxAbsDiff(viaHandler.predict(xs) as tf.Tensor, expected), 0);
    await onAppEnd();

    const recs = env.records();
    const save = spansNamed(recs, 'checkpoint_save_sync')[0] as Rec;
    assert.equal(save.attributes.current_iteration, 14);
    const success = eventsNamed(recs, 'save_checkpoint_success')[0] as Rec;
    assert.equal(success.span_id, save.id);
    // The two keys the Python library defines but never fills.
    assert.equal(success.event.attributes.checkpoint_size, handler.lastSave?.checkpointSize);
    assert.equal(success.event.attributes.checkpoint_directory, dir);
    assert.equal(spansNamed(recs, 'checkpoint_load').length, 1);
  });

  test('instrumentModelSave: every model.save is recorded (file:// without tfjs-node) until restored', async () => {
    env = setup();
    onAppStart();
    const model = mlp();
    let step = 3;
    const restore = instrumentModelSave(model, () => step);
    assert.equal(
      instrumentModelSave(model, () => 99),
      restore,
      'no double wrapping',
    );
    await model.save(`file://${join(env.dir, 'a')}`);
    step = 4;
    await model.save(fileSystemSaveHandler(join(env.dir, 'b')));
    // An instrumented handler reports by itself: not twice.
    await model.save(instrumentSaveHandler(fileSystemSaveHandler(join(env.dir, 'c')), () => 5));
    restore();
    assert.equal(Object.hasOwn(model, 'save'), false);
    await model.save(fileSystemSaveHandler(join(env.dir, 'd')));
    await onAppEnd();
    const recs = env.records();
    assert.deepEqual(
      spansNamed(recs, 'checkpoint_save_sync').map((s) => s.attributes.current_iteration),
      [3, 4, 5],
    );
    assert.equal(eventsNamed(recs, 'save_checkpoint_success').length, 3);
    for (const d of ['a', 'b', 'c', 'd']) assert.ok(existsSync(join(env.dir, d, 'model.json')));
  });
});

describe('async checkpoints', () => {
  test('span covers only the launch; success arrives on the application span once the write has completed', async () => {
    env = setup({ telemetry: { saveCheckpointStrategy: 'async' } });
    onAppStart();
    const model = mlp();
    const handler = instrumentSaveHandler(slowHandler(join(env.dir, 'slow'), 60), () => 7);
    const t0 = performance.now();
    const pending = model.save(handler);
    await sleep(0);
    assert.equal(handler.lastSave?.status, 'pending');
    await pending;
    assert.ok(performance.now() - t0 >= 55);
    assert.equal(handler.lastSave?.status, 'succeeded');
    assert.ok(existsSync(join(env.dir, 'slow', 'model.json')));
    await onAppEnd();

    const recs = env.records();
    const app = spansNamed(recs, 'application')[0] as Rec;
    const save = spansNamed(recs, 'checkpoint_save_async')[0] as Rec;
    assert.deepEqual(save.attributes, { checkpoint_strategy: 'async', current_iteration: 7, save_checkpoint_attempt_count: 1 });
    const success = eventsNamed(recs, 'save_checkpoint_success')[0] as Rec;
    assert.equal(success.span_id, app.id, 'async success is on the application span');
    assert.equal(success.event.attributes.checkpoint_strategy, 'async');
    assert.ok(recs.indexOf(success) > recs.indexOf(stopOf(recs, save.id) as Rec), 'success after the save span ended');
    assert.ok(stopMs(recs, save) - startMs(save) < 50, 'the span does not include the write');
    assert.ok(success.event.attributes.timestamp_msec - startMs(save) >= 55, 'success only after the write');
  });

  test('checkpointEvery with async: training continues during the writes; withApplication waits for the successes', async () => {
    env = setup({ telemetry: { saveCheckpointStrategy: 'async' } });
    const { xs, ys } = data(N);
    const dir = env.dir;
    let fitEnded = 0;
    await withApplication(async () => {
      const cb = new OneLoggerTfjsCallback({ checkpointEvery: { epochs: 1, url: (step) => slowHandler(join(dir, `e-${step}`), 40) } });
      await cb.fit(mlp(), xs, ys, { epochs: 3, batchSize: BATCH, verbose: 0 });
      fitEnded = Date.now();
    });
    const recs = env.records();
    const app = spansNamed(recs, 'application')[0] as Rec;
    const saves = spansNamed(recs, 'checkpoint_save_async');
    assert.deepEqual(
      saves.map((s) => s.attributes.current_iteration),
      [7, 14, 21],
    );
    const successes = eventsNamed(recs, 'save_checkpoint_success');
    // Background writes may finish out of order under load; a success older than a reported one is dropped by
    // design (training-telemetry W12), so the reported steps increase and always include the last save.
    const steps = successes.map((s) => s.event.attributes.current_iteration as number);
    assert.ok(
      steps.length >= 1 && steps.every((st, i) => [7, 14, 21].includes(st) && (i === 0 || st > (steps[i - 1] as number))),
      `${steps}`,
    );
    assert.equal(steps.at(-1), 21);
    assert.deepEqual(
      successes.map((s) => s.event.attributes.save_checkpoint_success_count),
      steps.map((_, i) => i + 1),
    );
    for (const s of successes) assert.equal(s.span_id, app.id);
    // At least the last write completed after fit had returned: fit did not wait for it.
    assert.ok((successes.at(-1) as Rec).event.attributes.timestamp_msec >= fitEnded - 1);
    for (const step of [7, 14, 21]) assert.ok(existsSync(join(dir, `e-${step}`, 'model.json')));
    assert.equal(errorsOf(recs).length, 0);
  });
});

describe('failed saves', () => {
  test('sync: the error reaches the caller, is recorded on the save span, no success; the next save works', async () => {
    env = setup();
    onAppStart();
    const model = mlp();
    const boom = new Error('disk full');
    const bad = instrumentSaveHandler(failingHandler(boom), () => 1);
    await assert.rejects(model.save(bad), (e) => e === boom);
    assert.equal(bad.lastSave?.status, 'failed');
    // A SaveResult with errors is a failure too (model.save resolves with it).
    const withErrors = instrumentSaveHandler(
      tf.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' }, errors: ['quota'] })),
      () => 2,
    );
    const result = await model.save(withErrors);
    assert.deepEqual(result.errors, ['quota']);
    assert.equal(withErrors.lastSave?.status, 'failed');
    // No handler for the URL: failed before anything was written.
    await assert.rejects(model.save(instrumentSaveHandler('nosuchscheme://x', () => 3)), /Cannot find any save handlers/);
    await model.save(instrumentSaveHandler(fileSystemSaveHandler(join(env.dir, 'ok')), () => 4));
    await onAppEnd();

    const recs = env.records();
    const saves = spansNamed(recs, 'checkpoint_save_sync');
    assert.deepEqual(
      saves.map((s) => s.attributes.current_iteration),
      [1, 2, 3, 4],
    );
    for (const s of saves) assert.ok(stopOf(recs, s.id), 'every save span is stopped');
    const errors = errorsOf(recs);
    assert.deepEqual(
      errors.map((e) => [saves.findIndex((s) => s.id === e.span_id), e.event.attributes.exception_message]),
      [
        [0, 'disk full'],
        [1, 'The save handler reported errors: quota'],
        [2, "Cannot find any save handlers for URL 'nosuchscheme://x'"],
      ],
    );
    assert.deepEqual(
      eventsNamed(recs, 'save_checkpoint_success').map((e) => e.event.attributes.current_iteration),
      [4],
    );
  });

  test('async: the failure is recorded on the application span, no success; the caller’s await rejects', async () => {
    env = setup({ telemetry: { saveCheckpointStrategy: 'async' } });
    onAppStart();
    const boom = new Error('network down');
    const handler = instrumentSaveHandler(failingHandler(boom, 20), () => 9);
    await assert.rejects(mlp().save(handler), (e) => e === boom);
    await onAppEnd();
    const recs = env.records();
    const app = spansNamed(recs, 'application')[0] as Rec;
    const save = spansNamed(recs, 'checkpoint_save_async')[0] as Rec;
    assert.ok(stopOf(recs, save.id));
    const [error] = errorsOf(recs);
    assert.equal(error?.span_id, app.id);
    assert.equal(error?.event.attributes.exception_message, 'network down');
    assert.equal(eventsNamed(recs, 'save_checkpoint_success').length, 0);
  });

  test('a failing sync checkpoint taken by the callback fails the fit with the same error', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const boom = new Error('read-only file system');
    const cb = new OneLoggerTfjsCallback({ checkpointEvery: { batches: 3, url: failingHandler(boom) } });
    await assert.rejects(cb.fit(mlp(), xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 }), (e) => e === boom);
    await onAppEnd();
    const recs = env.records();
    const save = spansNamed(recs, 'checkpoint_save_sync')[0] as Rec;
    assert.ok(stopOf(recs, save.id));
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    assert.ok(stopOf(recs, loop.id));
    // Recorded once, on the save span (not again on the training loop).
    assert.deepEqual(
      errorsOf(recs).map((e) => e.span_id),
      [save.id],
    );
    assert.equal(eventsNamed(recs, 'save_checkpoint_success').length, 0);
  });
});
