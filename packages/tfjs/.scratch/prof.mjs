import * as tf from '@tensorflow/tfjs';
import { FileExporter } from '../../core/dist/index.js';
import { OneLoggerTfjsCallback, configFromModel, tfjsBaseConfig } from '../dist/index.js';
import { TrainingTelemetryProvider } from '../../training-telemetry/dist/index.js';
tf.enableProdMode();
const xs = tf.randomNormal([4096, 32], 0, 1, 'float32', 1);
const ys = tf.randomNormal([4096, 1], 0, 1, 'float32', 2);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.sgd(0.001), loss: 'meanSquaredError' });
TrainingTelemetryProvider.instance().withBaseConfig({ ...tfjsBaseConfig({ applicationName: 'b', sessionTag: 'b' }), telemetryConfig: { ...configFromModel(model, { batchSize: 32, epochs: 1000, samples: 3687 }), logEveryNTrainIterations: 10 } }).withExporter(new FileExporter({ filePath: '/tmp/tfx/p.jsonl' })).configureProvider();
class Noop extends tf.Callback {}
const variants = {
  none: undefined,
  noop: () => [new Noop()],
  cb: () => [new OneLoggerTfjsCallback({ callOnAppStart: false })],
  cbNoSync: () => [new OneLoggerTfjsCallback({ callOnAppStart: false, syncPerBatch: false })],
  cbNoYield: () => [new OneLoggerTfjsCallback({ callOnAppStart: false, yieldEvery: 'never' })],
  custom: () => [new tf.CustomCallback({})],
};
import('../../training-telemetry/dist/index.js').then(m => m.onAppStart());
const res = {};
for (let round = 0; round < 3; round++) for (const [k, v] of Object.entries(variants)) {
  const t0 = performance.now();
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, validationSplit: 0.1, verbose: 0, ...(v ? { callbacks: v() } : {}) });
  (res[k] ??= []).push(Math.round(performance.now() - t0));
}
console.log(res);
