// FLOPs estimate from layer shapes, configFromModel, the rank0Only rule, and a tiny Conv2D trained with
// throughput logging driven by the estimate.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ConfigError } from '@nv-one-logger/core';
import { onAppEnd, TrainingTelemetryConfig } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { OneLoggerTfjsCallback } from '../src/callback.js';
import { configFromModel } from '../src/config-from-model.js';
import { estimateFlops, estimateFlopsPerSample } from '../src/flops.js';
import { currentRank, isRankZero, tfjsBaseConfig } from '../src/rank.js';
import { eventsNamed, mlp, type Rec, type Setup, setup } from './helpers/setup.js';

let env: Setup | undefined;
afterEach(() => {
  env?.cleanup();
  env = undefined;
});

function convNet(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], kernelSize: 3, filters: 4, activation: 'relu' }), // → 6×6×4
      tf.layers.flatten(), // → 144
      tf.layers.dense({ units: 2 }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return model;
}

describe('estimateFlops', () => {
  test('Dense: 2·in·out forward, ×3 for training', () => {
    // Dense(4→8) + Dense(8→1) = 2·4·8 + 2·8·1 = 80.
    const model = mlp();
    assert.equal(estimateFlopsPerSample(model, { training: false }), 80);
    assert.equal(estimateFlopsPerSample(model), 240);
    const estimate = estimateFlops(model);
    assert.deepEqual(
      estimate.layers.map((l) => [l.className, l.forwardFlops]),
      [
        ['Dense', 64],
        ['Dense', 16],
      ],
    );
    assert.deepEqual(estimate.unsupportedLayers, []);
  });

  test('Conv2D: 2·kh·kw·cin·cout·outH·outW; Flatten counts nothing', () => {
    // 2·3·3·1·4·(6·6) = 2592; Dense(144→2) = 576.
    assert.equal(estimateFlopsPerSample(convNet(), { training: false }), 2592 + 576);
    assert.equal(estimateFlopsPerSample(convNet()), 3 * (2592 + 576));
  });

  test('Conv1D, DepthwiseConv2D, SeparableConv2D, Dense on a sequence, nested models, unsupported layers', () => {
    const conv1d = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [10, 3], kernelSize: 3, filters: 4 })] }); // → 8×4
    assert.equal(estimateFlops(conv1d).forwardFlopsPerSample, 2 * 3 * 3 * 4 * 8);
    const depthwise = tf.sequential({ layers: [tf.layers.depthwiseConv2d({ inputShape: [6, 6, 2], kernelSize: 3, depthMultiplier: 2 })] });
    assert.equal(estimateFlops(depthwise).forwardFlopsPerSample, 2 * 3 * 3 * 2 * 2 * 16);
    const separable = tf.sequential({ layers: [tf.layers.separableConv2d({ inputShape: [6, 6, 2], kernelSize: 3, filters: 5 })] });
    assert.equal(estimateFlops(separable).forwardFlopsPerSample, 2 * (3 * 3 * 2 + 2 * 5) * 16);
    const sequence = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5, 4], units: 3 })] });
    assert.equal(estimateFlops(sequence).forwardFlopsPerSample, 2 * 4 * 3 * 5);
    const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8 })] });
    const outer = tf.sequential({ layers: [inner, tf.layers.dense({ units: 2 })] });
    assert.equal(estimateFlops(outer).forwardFlopsPerSample, 2 * 4 * 8 + 2 * 8 * 2);
    const rnn = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [5, 4], units: 3 }), tf.layers.dense({ units: 1 })] });
    const estimate = estimateFlops(rnn);
    assert.equal(estimate.forwardFlopsPerSample, 2 * 3 * 1);
    assert.equal(estimate.unsupportedLayers.length, 1);
    assert.match(estimate.unsupportedLayers[0] as string, /\(LSTM\)$/);
  });
});

describe('configFromModel', () => {
  test('global batch size, FLOPs estimate, targets and throughput; a valid training config', () => {
    const model = mlp();
    const config = configFromModel(model, { batchSize: 8, worldSize: 2, epochs: 3, samples: 50 });
    assert.deepEqual(config, {
      perfTag: model.name,
      globalBatchSize: 16,
      customMetadata: { backend: 'cpu' },
      isLogThroughputEnabled: true,
      flopsPerSample: 240,
      trainIterationsTarget: 21,
      trainSamplesTarget: 21 * 16,
    });
    assert.doesNotThrow(() => new TrainingTelemetryConfig(config));
  });

  test('user values win; no targets → no throughput; bad input is a ConfigError', () => {
    const model = mlp();
    const config = configFromModel(model, {
      batchSize: 32,
      perfTag: 'mlp-v2',
      flopsPerSample: 1000,
      logEveryNTrainIterations: 10,
      saveCheckpointStrategy: 'async',
    });
    assert.deepEqual(config, {
      perfTag: 'mlp-v2',
      flopsPerSample: 1000,
      logEveryNTrainIterations: 10,
      saveCheckpointStrategy: 'async',
      globalBatchSize: 32,
      customMetadata: { backend: 'cpu' },
      isLogThroughputEnabled: false,
    });
    assert.doesNotThrow(() => new TrainingTelemetryConfig(config));
    assert.throws(() => configFromModel(model, { batchSize: 0 }), ConfigError);
    assert.throws(() => configFromModel(model, { batchSize: 8, epochs: 1.5 }), /configFromModel\.epochs/);
  });

  test('a tiny Conv2D trained with throughput logging from the estimate', async () => {
    const model = convNet();
    env = setup({ telemetry: configFromModel(model, { batchSize: 8, epochs: 2, samples: 32 }) });
    const xs = tf.randomNormal([32, 8, 8, 1], 0, 1, 'float32', 3);
    const ys = tf.randomNormal([32, 2], 0, 1, 'float32', 4);
    const cb = new OneLoggerTfjsCallback();
    await model.fit(xs, ys, { epochs: 2, batchSize: 8, callbacks: [cb], verbose: 0 });
    await onAppEnd();
    const last = eventsNamed(env.records(), 'training_metrics_update').at(-1)?.event.attributes as Rec;
    assert.equal(last.current_iteration, 7);
    assert.equal(last.total_flops, 8 * 8 * 9504);
    assert.equal(last.completed_floating_point_operations_overall, 8 * 8 * 9504);
    assert.ok(last.train_throughput_per_gpu > 0);
  });
});

describe('rank', () => {
  test('currentRank / isRankZero read RANK (unset and invalid count as 0)', () => {
    assert.equal(currentRank({}), 0);
    assert.equal(currentRank({ RANK: '3' }), 3);
    assert.equal(currentRank({ RANK: 'abc' }), 0);
    assert.equal(isRankZero({ RANK: '0' }), true);
    assert.equal(isRankZero({ RANK: '1' }), false);
  });

  test('tfjsBaseConfig: worldSize defaults to 1; rank0Only disables other ranks', () => {
    const saved = process.env.RANK;
    try {
      process.env.RANK = '2';
      assert.deepEqual(tfjsBaseConfig({ applicationName: 'a', sessionTag: 's', rank0Only: true }), {
        applicationName: 'a',
        sessionTag: 's',
        worldSize: 1,
        enableForCurrentRank: false,
      });
      assert.equal(tfjsBaseConfig({ applicationName: 'a', sessionTag: 's' }).enableForCurrentRank, true);
      delete process.env.RANK;
      assert.equal(tfjsBaseConfig({ applicationName: 'a', sessionTag: 's', rank0Only: true, worldSize: 4 }).enableForCurrentRank, true);
      assert.equal(
        tfjsBaseConfig({ applicationName: 'a', sessionTag: 's', rank0Only: true, enableForCurrentRank: false }).enableForCurrentRank,
        false,
      );
    } finally {
      if (saved === undefined) delete process.env.RANK;
      else process.env.RANK = saved;
    }
  });
});
