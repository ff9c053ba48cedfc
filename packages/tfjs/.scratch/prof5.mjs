import * as tf from '@tensorflow/tfjs';
import { FileExporter } from '../../core/dist/index.js';
import { OneLoggerTfjsCallback, configFromModel, tfjsBaseConfig } from '../dist/index.js';
import { TrainingTelemetryProvider, onAppStart } from '../../training-telemetry/dist/index.js';
tf.enableProdMode();
const xs = tf.randomNormal([4096, 32], 0, 1, 'float32', 1);
const ys = tf.randomNormal([4096, 1], 0, 1, 'float32', 2);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.sgd(0.001), loss: 'meanSquaredError' });
TrainingTelemetryProvider.instance().withBaseConfig({ ...tfjsBaseConfig({ applicationName: 'b', sessionTag: 'b' }), telemetryConfig: { ...configFromModel(model, { batchSize: 32, epochs: 1000, samples: 3687 }), logEveryNTrainIterations: Number(process.argv[2] ?? 10) } }).withExporter(new FileExporter({ filePath: '/tmp/tfx/p.jsonl' })).configureProvider();
onAppStart();
class Measured extends OneLoggerTfjsCallback {
  acc = 0; n = 0; samples = [];
  onBatchBegin(b, l) { const t = performance.now(); const p = super.onBatchBegin(b, l); const d = performance.now() - t; this.acc += d; this.samples.push(d); return p; }
  onBatchEnd(b, l) { const t = performance.now(); const p = super.onBatchEnd(b, l); const d = performance.now() - t; this.acc += d; this.n++; this.samples.push(d); return p; }
}
for (let r = 0; r < 3; r++) {
  const cb = new Measured({ callOnAppStart: false, yieldEvery: 'never' });
  const t0 = performance.now();
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [cb] });
  const fit = performance.now() - t0;
  const s = cb.samples.sort((a, b) => a - b);
  console.log('fit', fit.toFixed(0), 'ms; sync hook time', cb.acc.toFixed(2), 'ms =', (cb.acc / fit * 100).toFixed(3), '%; per batch', (cb.acc * 1000 / cb.n).toFixed(2), 'µs; hook call p50', (s[s.length >> 1] * 1000).toFixed(2), 'µs p99', (s[Math.floor(s.length * 0.99)] * 1000).toFixed(1), 'µs');
}
