import * as tf from '@tensorflow/tfjs';
import { FileExporter } from '../../core/dist/index.js';
import { OneLoggerTfjsCallback, configFromModel, tfjsBaseConfig } from '../dist/index.js';
import { TrainingTelemetryProvider, onAppStart } from '../../training-telemetry/dist/index.js';
tf.enableProdMode();
const xs = tf.randomNormal([4096, 32], 0, 1, 'float32', 1);
const ys = tf.randomNormal([4096, 1], 0, 1, 'float32', 2);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.sgd(0.001), loss: 'meanSquaredError' });
TrainingTelemetryProvider.instance().withBaseConfig({ ...tfjsBaseConfig({ applicationName: 'b', sessionTag: 'b' }), telemetryConfig: { ...configFromModel(model, { batchSize: 32, epochs: 1000, samples: 3687 }), logEveryNTrainIterations: 10 } }).withExporter(new FileExporter({ filePath: '/tmp/tfx/p.jsonl' })).configureProvider();
onAppStart();
function timed(cb) {
  const acc = { total: 0, calls: 0, by: {} };
  for (const m of ['onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd']) {
    const orig = cb[m].bind(cb);
    cb[m] = async (...a) => { const t = performance.now(); try { return await orig(...a); } finally { const d = performance.now() - t; acc.total += d; acc.calls++; acc.by[m] = (acc.by[m] ?? 0) + d; } };
  }
  return acc;
}
for (const opts of [{}, { syncPerBatch: false }, {}, { syncPerBatch: false }]) {
  const cb = new OneLoggerTfjsCallback({ callOnAppStart: false, ...opts });
  const acc = timed(cb);
  const cust = new tf.CustomCallback({}); const acc2 = timed(cust);
  const t0 = performance.now();
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, validationSplit: 0.1, verbose: 0, callbacks: [cb, cust] });
  const fit = performance.now() - t0;
  console.log(JSON.stringify(opts), 'fit', fit.toFixed(0), 'ours', acc.total.toFixed(2), 'ms', (acc.total / fit * 100).toFixed(3), '%', 'calls', acc.calls, 'per batch µs', (acc.total*1000/116).toFixed(1), '| default CustomCallback', acc2.total.toFixed(2), 'ms', JSON.stringify(acc.by));
}
