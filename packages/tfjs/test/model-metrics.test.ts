// The TF.js logs as model_metrics events: batch logs every N global steps (the config's logEveryNTrainIterations,
// or logMetricsEvery: 1 = every batch, 'never' = none), epoch-end logs (val_* included) at every epoch, with the
// values TF.js computed (compared with what a later callback and the History receive), and latest_loss.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ConfigError } from '@nv-one-logger/core';
import { onAppEnd } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { OneLoggerTfjsCallback } from '../src/callback.js';
import { metricsFromLogs, metricsFromLogsNow } from '../src/log-metrics.js';
import { data, eventsNamed, mlp, type Rec, type Setup, setup, spansNamed } from './helpers/setup.js';

let env: Setup | undefined;
afterEach(() => {
  env?.cleanup();
  env = undefined;
});

// 50 samples, batch 8: 7 batches per epoch; 3 epochs = 21 global steps.
const N = 50;
const BATCH = 8;
const PER_EPOCH = 7;

interface Seen {
  batchLoss: Map<number, number>;
  epochLogs: Record<string, number>[];
}

/** A callback after the telemetry one that keeps the (resolved) logs TF.js gives it, by global step. */
function observer(cb: OneLoggerTfjsCallback, seen: Seen): tf.CustomCallback {
  return new tf.CustomCallback({
    onBatchEnd: async (_batch, logs) => {
      seen.batchLoss.set(cb.globalStep, logs?.loss as number);
    },
    onEpochEnd: async (_epoch, logs) => {
      seen.epochLogs.push({ ...(logs as Record<string, number>) });
    },
  });
}

async function fitWithValidation(options: ConstructorParameters<typeof OneLoggerTfjsCallback>[0] = {}): Promise<{
  recs: Rec[];
  seen: Seen;
  history: tf.History;
}> {
  const { xs, ys } = data(N);
  const val = data(20, 7);
  const model = mlp();
  const cb = new OneLoggerTfjsCallback(options);
  const seen: Seen = { batchLoss: new Map(), epochLogs: [] };
  const history = await model.fit(xs, ys, {
    epochs: 3,
    batchSize: BATCH,
    validationData: [val.xs, val.ys],
    callbacks: [cb, observer(cb, seen)],
    verbose: 0,
  });
  await onAppEnd();
  return { recs: (env as Setup).records(), seen, history };
}

function metricEvents(recs: Rec[]): Rec[] {
  return eventsNamed(recs, 'model_metrics').map((r) => ({ span: r.span_id, ...r.event.attributes }) as Rec);
}

describe('OneLoggerTfjsCallback model metrics', () => {
  test('batch loss every logEveryNTrainIterations steps and the epoch-end logs (with val_loss) at every epoch, as TF.js computed them', async () => {
    env = setup(); // logEveryNTrainIterations: 5
    const { recs, seen, history } = await fitWithValidation();
    const loop = spansNamed(recs, 'training_loop')[0] as Rec;
    const events = metricEvents(recs);
    for (const e of events) assert.equal(e.span, loop.id);
    const batch = events.filter((e) => !('val_loss' in e));
    const epoch = events.filter((e) => 'val_loss' in e);
    assert.deepEqual(
      batch.map((e) => [e.global_step, Object.keys(e)]),
      [5, 10, 15, 20].map((s) => [s, ['span', 'loss', 'global_step', 'timestamp_msec']]),
    );
    for (const e of batch) assert.equal(e.loss, seen.batchLoss.get(e.global_step), `loss at step ${e.global_step}`);
    assert.deepEqual(
      epoch.map((e) => [e.global_step, Object.keys(e).filter((k) => k !== 'span')]),
      [1, 2, 3].map((n) => [n * PER_EPOCH, ['val_loss', 'loss', 'global_step', 'timestamp_msec']]),
    );
    epoch.forEach((e, i) => {
      assert.equal(e.loss, history.history.loss?.[i]);
      assert.equal(e.val_loss, history.history.val_loss?.[i]);
      assert.equal(e.loss, seen.epochLogs[i]?.loss);
    });
    // The losses are real: finite, positive, and the epoch loss falls over training on this easy target.
    for (const e of events) assert.ok(Number.isFinite(e.loss ?? e.val_loss) && (e.loss ?? e.val_loss) > 0);
    // latest_loss of each training update: the last training loss logged before it.
    const updates = eventsNamed(recs, 'training_metrics_update').map((r) => r.event.attributes as Rec);
    assert.deepEqual(
      updates.map((u) => u.latest_loss),
      [seen.batchLoss.get(5), seen.batchLoss.get(10), seen.batchLoss.get(15), seen.batchLoss.get(20), epoch[2]?.loss],
    );
  });

  test('logMetricsEvery: 1 logs every batch; "never" only the epochs; logEpochMetrics: false only the batches', async () => {
    env = setup();
    let events = metricEvents((await fitWithValidation({ logMetricsEvery: 1 })).recs);
    assert.equal(events.filter((e) => !('val_loss' in e)).length, 3 * PER_EPOCH);
    assert.deepEqual(
      events.filter((e) => !('val_loss' in e)).map((e) => e.global_step),
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
    env.cleanup();

    env = setup();
    events = metricEvents((await fitWithValidation({ logMetricsEvery: 'never' })).recs);
    assert.deepEqual(
      events.map((e) => e.global_step),
      [7, 14, 21],
    );
    env.cleanup();

    env = setup();
    events = metricEvents((await fitWithValidation({ logEpochMetrics: false, logMetricsEvery: 7 })).recs);
    assert.deepEqual(
      events.map((e) => [e.global_step, 'val_loss' in e]),
      [
        [7, false],
        [14, false],
        [21, false],
      ],
    );
  });

  test('compiled metrics (acc) are logged with the loss, and val_acc at epoch end', async () => {
    env = setup();
    const { xs } = data(N);
    const ys = tf.tidy(() =>
      tf
        .oneHot(
          tf.tensor1d(
            Array.from({ length: N }, (_, i) => i % 2),
            'int32',
          ),
          2,
        )
        .toFloat(),
    );
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const cb = new OneLoggerTfjsCallback({ logMetricsEvery: 7 });
    const history = await model.fit(xs, ys, { epochs: 2, batchSize: BATCH, validationSplit: 0.2, callbacks: [cb], verbose: 0 });
    await onAppEnd();
    const events = metricEvents(env.records());
    const epochEnds = events.filter((e) => 'val_loss' in e);
    assert.equal(epochEnds.length, 2);
    epochEnds.forEach((e, i) => {
      assert.equal(e.acc, history.history.acc?.[i]);
      assert.equal(e.val_acc, history.history.val_acc?.[i]);
    });
    const batchEvents = events.filter((e) => !('val_loss' in e));
    assert.ok(batchEvents.length > 0);
    for (const e of batchEvents) {
      assert.deepEqual(Object.keys(e), ['span', 'loss', 'acc', 'global_step', 'timestamp_msec']);
      assert.ok(e.acc >= 0 && e.acc <= 1);
    }
  });

  test('on the cpu backend a logged batch is recorded inside its onBatchEnd (tensors read with dataSync); on a backend not known to be synchronous, after data() resolves', async () => {
    // The records of a batch that logs, as they stand when onBatchEnd has returned but before its promise is awaited.
    const loggedWhenReturned = async (): Promise<{ steps: number[]; losses: Map<number, number> }> => {
      env = setup(); // logEveryNTrainIterations: 5
      const { xs, ys } = data(N);
      const model = mlp();
      const cb = new OneLoggerTfjsCallback({ yieldEvery: 'never' });
      const steps: number[] = [];
      const onBatchEnd = cb.onBatchEnd.bind(cb);
      cb.onBatchEnd = (batch, logs) => {
        const step = cb.globalStep + 1; // the step this batch completes
        const p = onBatchEnd(batch, logs);
        const written = metricEvents((env as Setup).records()).filter((e) => e.global_step === step);
        if (written.length > 0) steps.push(step);
        return p;
      };
      const seen: Seen = { batchLoss: new Map(), epochLogs: [] };
      await model.fit(xs, ys, { epochs: 3, batchSize: BATCH, callbacks: [cb, observer(cb, seen)], verbose: 0, validationSplit: 0 });
      await onAppEnd();
      const recs = (env as Setup).records();
      const events = metricEvents(recs).filter((e) => e.global_step % 5 === 0 && e.global_step % PER_EPOCH !== 0);
      for (const e of events) assert.equal(e.loss, seen.batchLoss.get(e.global_step), `loss at step ${e.global_step}`);
      assert.deepEqual(
        events.map((e) => e.global_step),
        [5, 10, 15, 20],
      );
      // The batch's loss is logged before its iteration ends, so the training update due at that step carries it.
      const updates = eventsNamed(recs, 'training_metrics_update').map((r) => r.event.attributes as Rec);
      assert.deepEqual(
        updates.slice(0, 4).map((u) => u.latest_loss),
        [5, 10, 15, 20].map((step) => seen.batchLoss.get(step)),
      );
      env.cleanup();
      env = undefined;
      return { steps, losses: seen.batchLoss };
    };
    assert.deepEqual((await loggedWhenReturned()).steps, [5, 10, 15, 20]);

    // The cpu kernels under another backend name: the callback cannot know they are synchronous.
    const previous = tf.getBackend();
    const cpu = tf.findBackend('cpu') as tf.KernelBackend;
    const kernels = tf.getKernelsForBackend('cpu');
    try {
      for (const k of kernels) tf.registerKernel({ ...k, backendName: 'cpu-unknown' });
      tf.registerBackend('cpu-unknown', () => new (cpu.constructor as new () => tf.KernelBackend)());
      await tf.setBackend('cpu-unknown');
      assert.deepEqual((await loggedWhenReturned()).steps, []);
    } finally {
      await tf.setBackend(previous);
      tf.removeBackend('cpu-unknown');
      for (const k of kernels) tf.unregisterKernel(k.kernelName, 'cpu-unknown');
    }
  });

  test('the logs read synchronously and asynchronously give the same metrics: numbers and live scalars, without batch, size and disposed tensors', async () => {
    const loss = tf.scalar(0.25);
    const acc = tf.scalar(0.5);
    const gone = tf.scalar(1);
    gone.dispose();
    const logs = { batch: 3, size: 8, loss, acc, gone, lr: 0.01 };
    const expected = { loss: 0.25, acc: 0.5, lr: 0.01 };
    assert.deepEqual(metricsFromLogsNow(logs), expected);
    assert.deepEqual(await metricsFromLogs(logs), expected);
    assert.deepEqual(Object.keys(metricsFromLogsNow(logs) ?? {}), ['loss', 'acc', 'lr']);
    for (const none of [undefined, {}, { batch: 1, size: 2 }, { gone }]) {
      assert.equal(metricsFromLogsNow(none), undefined);
      assert.equal(await metricsFromLogs(none), undefined);
    }
    // A read that fails is an error of the reader: the callback catches it and warns (never fails the fit).
    const broken = tf.scalar(2);
    broken.dataSync = () => {
      throw new Error('device lost');
    };
    broken.data = () => Promise.reject(new Error('device lost'));
    assert.throws(() => metricsFromLogsNow({ broken }), /device lost/);
    await assert.rejects(metricsFromLogs({ broken }), /device lost/);
    tf.dispose([loss, acc, broken]);
  });

  test('bad options are rejected with the field, the value and the rule', () => {
    assert.throws(
      () => new OneLoggerTfjsCallback({ logMetricsEvery: 0, callOnAppStart: false }),
      (e: unknown) =>
        e instanceof ConfigError && /logMetricsEvery/.test(e.message) && /0/.test(e.message) && /positive integer/.test(e.message),
    );
    assert.throws(
      () => new OneLoggerTfjsCallback({ logEpochMetrics: 'yes' as unknown as boolean, callOnAppStart: false }),
      (e: unknown) => e instanceof ConfigError && /logEpochMetrics/.test(e.message) && /must be a boolean/.test(e.message),
    );
  });
});
