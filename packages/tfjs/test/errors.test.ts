// Errors inside a batch: the error still reaches the caller (fit rejects with the same error object), it is
// recorded as an application_error, and the iteration / validation / training loop spans are ended.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { OneLoggerError } from '@nv-one-logger/core';
import { onAppEnd, onAppStart, TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { OneLoggerTfjsCallback } from '../src/callback.js';
import { withApplication } from '../src/phases.js';
import { data, errorsOf, eventsNamed, mlp, type Rec, type Setup, setup, spansNamed, stopOf } from './helpers/setup.js';

let env: Setup | undefined;
afterEach(() => {
  env?.cleanup();
  env = undefined;
});

const N = 50;
const BATCH = 8;
const PER_EPOCH = 7;

/** A NaN guard as users write it: throws from onBatchEnd at (epoch, batch). */
function nanGuard(atEpoch: number, atBatch: number, error: Error): tf.CustomCallbackArgs {
  let epoch = 0;
  return {
    onEpochBegin: async (e) => {
      epoch = e;
    },
    onBatchEnd: async (batch, logs) => {
      if (epoch === atEpoch && batch === atBatch) throw error;
      if (Number.isNaN(logs?.loss)) throw new Error('NaN loss');
    },
  };
}

describe('an error inside a batch', () => {
  test('a throwing onBatchEnd (NaN guard): fit rejects with it; application_error on the training loop; loop ended', async () => {
    env = setup({ exportAll: true });
    const { xs, ys } = data(N);
    const cb = new OneLoggerTfjsCallback();
    const nan = new Error('loss is NaN at epoch 1 batch 3');
    await assert.rejects(
      cb.fit(mlp(), xs, ys, { epochs: 3, batchSize: BATCH, verbose: 0, callbacks: nanGuard(1, 3, nan) }),
      (e) => e === nan,
    );
    // The failing batch had finished its step: it is counted.
    assert.equal(cb.globalStep, PER_EPOCH + 4);
    await onAppEnd();

    const recs = env.records();
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    const [error, ...more] = errorsOf(recs);
    assert.equal(more.length, 0);
    assert.equal(error?.span_id, loop.id);
    assert.equal(error?.event.attributes.error_message, 'Error in training_loop: ');
    assert.equal(error?.event.attributes.exception_type, 'Error');
    assert.equal(error?.event.attributes.exception_message, 'loss is NaN at epoch 1 batch 3');
    assert.ok(String(error?.event.attributes.exception_traceback).includes('errors.test.ts'));
    assert.ok(stopOf(recs, loop.id), 'training loop stopped');
    assert.ok(recs.indexOf(error as Rec) < recs.indexOf(stopOf(recs, loop.id) as Rec), 'error recorded before the loop stops');
    const iterations = spansNamed(recs, 'training_single_iteration');
    assert.equal(iterations.length, PER_EPOCH + 4);
    for (const it of iterations) assert.ok(stopOf(recs, it.id));
    // The iterations after the last update are reported when the loop ends (11 = 2 × 5 + 1).
    assert.equal(eventsNamed(recs, 'training_metrics_update').at(-1)?.event.attributes.current_iteration, PER_EPOCH + 3);
  });

  test('a throwing onBatchBegin after the telemetry one: the open iteration is ended, the loop too', async () => {
    env = setup({ exportAll: true });
    const { xs, ys } = data(N);
    const cb = new OneLoggerTfjsCallback();
    const boom = new Error('data pipeline broke');
    await assert.rejects(
      cb.fit(mlp(), xs, ys, {
        epochs: 1,
        batchSize: BATCH,
        verbose: 0,
        callbacks: {
          onBatchBegin: async (batch) => {
            if (batch === 2) throw boom;
          },
        },
      }),
      (e) => e === boom,
    );
    assert.equal(cb.globalStep, 3);
    await onAppEnd();
    const recs = env.records();
    const iterations = spansNamed(recs, 'training_single_iteration');
    assert.equal(iterations.length, 3);
    for (const it of iterations) assert.ok(stopOf(recs, it.id), 'no iteration left open');
    assert.equal(errorsOf(recs).length, 1);
    // Nothing was left for onAppEnd to close: no timer auto-stop error events.
    assert.equal(eventsNamed(recs, 'error').length, 0);
  });

  test('an error during validation ends the validation loop and the training loop', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    const boom = new Error('validation exploded');
    // Fail inside fit's validation (the test function of the last batch).
    const original = (model as unknown as { model: { makeTestFunction(): void; testFunction: unknown } }).model;
    const make = original.makeTestFunction.bind(original);
    original.makeTestFunction = () => {
      make();
      original.testFunction = () => {
        throw boom;
      };
    };
    const val = data(16, 3);
    await assert.rejects(
      cb.fit(model, xs, ys, { epochs: 2, batchSize: BATCH, verbose: 0, validationData: [val.xs, val.ys] }),
      (e) => e === boom,
    );
    await onAppEnd();
    const recs = env.records();
    const validation = spansNamed(recs, 'validation_loop')[0] as Rec;
    assert.ok(stopOf(recs, validation.id), 'validation loop stopped');
    assert.ok(stopOf(recs, (spansNamed(recs, 'training_loop')[0] as Rec).id));
    assert.equal(cb.globalStep, PER_EPOCH);
    assert.equal(errorsOf(recs).length, 1);
    assert.equal(Object.hasOwn((model as unknown as { model: object }).model, 'testLoop'), false, 'validation hooks removed');
  });

  test('model.fit called directly: withApplication records the error on the application span; onAppEnd closes the loop', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const boom = new Error('user bug');
    await assert.rejects(
      withApplication(async () => {
        const cb = new OneLoggerTfjsCallback();
        const guard = new tf.CustomCallback(nanGuard(0, 4, boom));
        await mlp().fit(xs, ys, { epochs: 2, batchSize: BATCH, callbacks: [cb, guard], verbose: 0 });
      }),
      (e) => e === boom,
    );
    const recs = env.records();
    const app = spansNamed(recs, 'application')[0] as Rec;
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    assert.deepEqual(
      errorsOf(recs).map((e) => [e.span_id, e.event.attributes.exception_message]),
      [[app.id, 'user bug']],
    );
    assert.ok(stopOf(recs, loop.id), 'onAppEnd stopped the training loop');
  });

  test('model.fit called directly and failing: the next fit closes the abandoned loop and continues the global step', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const model = mlp();
    const cb = new OneLoggerTfjsCallback();
    const boom = new Error('transient');
    await assert.rejects(
      model.fit(xs, ys, { epochs: 1, batchSize: BATCH, callbacks: [cb, new tf.CustomCallback(nanGuard(0, 1, boom))], verbose: 0 }),
      (e) => e === boom,
    );
    await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, callbacks: [cb], verbose: 0 });
    assert.equal(cb.globalStep, 2 + PER_EPOCH);
    await onAppEnd();
    const recs = env.records();
    const [first, second] = spansNamed(recs, 'training_loop') as [Rec, Rec];
    assert.equal(second.attributes.train_iterations_start, 2);
    assert.ok(recs.indexOf(stopOf(recs, first.id) as Rec) < recs.indexOf(second));
    const [error] = errorsOf(recs);
    assert.equal(error?.span_id, first.id);
    assert.match(String(error?.event.attributes.error_message), /previous fit ended without onTrainEnd/);
  });

  test('model.fit called directly and failing, then a new callback instance: its fit closes the abandoned loop and records normally', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const model = mlp();
    const boom = new Error('transient');
    await assert.rejects(
      model.fit(xs, ys, {
        epochs: 1,
        batchSize: BATCH,
        callbacks: [new OneLoggerTfjsCallback(), new tf.CustomCallback(nanGuard(0, 1, boom))],
        verbose: 0,
      }),
      (e) => e === boom,
    );
    const retry = new OneLoggerTfjsCallback({ callOnAppStart: false });
    await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, callbacks: [retry], verbose: 0 });
    await onAppEnd();
    const recs = env.records();
    const [first, second] = spansNamed(recs, 'training_loop') as [Rec, Rec];
    assert.ok(first && second, 'two training loops');
    assert.ok(recs.indexOf(stopOf(recs, first.id) as Rec) < recs.indexOf(second), 'the abandoned loop ends before the new one starts');
    const [error, ...more] = errorsOf(recs);
    assert.equal(more.length, 0);
    assert.equal(error?.span_id, first.id);
    assert.match(String(error?.event.attributes.error_message), /previous fit ended without onTrainEnd/);
    const updates = eventsNamed(recs, 'training_metrics_update').filter((e) => e.span_id === second.id);
    assert.ok(updates.length > 0, 'the retried fit records its training updates');
    assert.equal(recs.filter((r) => r.type === 'telemetry_data_error').length, 0);
  });

  test('two fits with telemetry at the same time: the second is refused with a clear error, the first records normally', async () => {
    env = setup();
    const { xs, ys } = data(N);
    const first = new OneLoggerTfjsCallback();
    const second = new OneLoggerTfjsCallback({ callOnAppStart: false });
    let refused: unknown;
    // The second fit starts while the first is at the end of its first epoch (TF.js waits for the hook).
    const startSecond = async (epoch: number) => {
      if (epoch !== 0) return;
      refused = await second.fit(mlp(), xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 }).then(
        () => undefined,
        (e: unknown) => e,
      );
    };
    await first.fit(mlp(), xs, ys, { epochs: 2, batchSize: BATCH, verbose: 0, callbacks: { onEpochEnd: startSecond } });
    assert.ok(refused instanceof OneLoggerError, `the second fit is refused (got ${String(refused)})`);
    assert.match(refused.message, /another fit with telemetry is still running in this process/);
    assert.equal(first.globalStep, 2 * PER_EPOCH);
    await onAppEnd();
    const recs = env.records();
    const loops = spansNamed(recs, 'training_loop');
    assert.equal(loops.length, 1);
    const last = eventsNamed(recs, 'training_metrics_update').at(-1);
    assert.equal(last?.event.attributes.num_iterations, 2 * PER_EPOCH);
  });

  test('no training config (propagate strategy): fit rejects with the library’s clear error', async () => {
    env = setup({ telemetry: null });
    const { xs, ys } = data(N);
    const cb = new OneLoggerTfjsCallback();
    await assert.rejects(
      cb.fit(mlp(), xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 }),
      (e) => e instanceof OneLoggerError && /Training telemetry config must be set/.test(e.message),
    );
    await onAppEnd();
  });

  test('no training config (quiet strategy): fit completes, the library disables itself and reports it', async () => {
    env = setup({ telemetry: null, quiet: true });
    const { xs, ys } = data(N);
    const cb = new OneLoggerTfjsCallback();
    await cb.fit(mlp(), xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
    assert.equal(cb.globalStep, PER_EPOCH);
    await onAppEnd();
    const recs = env.records();
    assert.equal(recs.filter((r) => r.type === 'telemetry_data_error').length, 1);
    assert.equal(spansNamed(recs, 'training_loop').length, 0);
  });

  test('a failure before training starts (bad fit arguments) is recorded on the application span', async () => {
    env = setup();
    onAppStart();
    const cb = new OneLoggerTfjsCallback({ callOnAppStart: false });
    const { xs } = data(N);
    const wrongYs = tf.zeros([N + 1, 1]);
    await assert.rejects(cb.fit(mlp(), xs, wrongYs, { epochs: 1, batchSize: BATCH, verbose: 0 }));
    await onAppEnd();
    const recs = env.records();
    assert.equal(spansNamed(recs, 'training_loop').length, 0);
    assert.equal(errorsOf(recs)[0]?.event.attributes.error_message, 'Error in fit: ');
    assert.equal(TrainingTelemetryProvider.instance().recorder.closed, true);
  });
});
