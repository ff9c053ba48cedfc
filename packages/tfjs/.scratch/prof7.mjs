import * as tf from '@tensorflow/tfjs';
import { FileExporter } from '../../core/dist/index.js';
import { OneLoggerTfjsCallback, configFromModel, tfjsBaseConfig } from '../dist/index.js';
import { TrainingTelemetryProvider, onAppStart } from '../../training-telemetry/dist/index.js';
tf.enableProdMode();
const xs = tf.randomNormal([4096, 32], 0, 1, 'float32', 1);
const ys = tf.randomNormal([4096, 1], 0, 1, 'float32', 2);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.sgd(0.001), loss: 'meanSquaredError' });
TrainingTelemetryProvider.instance().withBaseConfig({ ...tfjsBaseConfig({ applicationName: 'b', sessionTag: 'b' }), telemetryConfig: { ...configFromModel(model, { batchSize: 32, epochs: 1000, samples: 4096 }), logEveryNTrainIterations: 50 } }).withExporter(new FileExporter({ filePath: '/tmp/tfx/p.jsonl' })).configureProvider();
onAppStart();
const cb = new (class extends OneLoggerTfjsCallback {
  s = []; ep = [];
  onBatchBegin(b, l) { const t = performance.now(); const p = super.onBatchBegin(b, l); this.s.push(performance.now() - t); return p; }
  onBatchEnd(b, l) { const t = performance.now(); const p = super.onBatchEnd(b, l); this.s.push(performance.now() - t); return p; }
  async onEpochEnd(e, l) { await super.onEpochEnd(e, l); const s = this.s.sort((a, b) => a - b); this.s = []; console.log('epoch', e, 'p50 per hook µs', (s[s.length >> 1] * 1000).toFixed(2), 'mean', (s.reduce((a, b) => a + b, 0) / s.length * 1000).toFixed(2)); }
})({ callOnAppStart: false, yieldEvery: 'never' });
const t0 = performance.now();
await model.fit(xs, ys, { epochs: 12, batchSize: 32, verbose: 0, callbacks: [cb] });
console.log('per batch ms', ((performance.now() - t0) / (12 * 128)).toFixed(2));
