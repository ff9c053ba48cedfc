import * as tf from '@tensorflow/tfjs';
import { FileExporter } from '../../core/dist/index.js';
import { OneLoggerTfjsCallback, configFromModel, tfjsBaseConfig } from '../dist/index.js';
import { TrainingTelemetryProvider, onAppStart } from '../../training-telemetry/dist/index.js';
tf.enableProdMode();
const xs = tf.randomNormal([4096, 32], 0, 1, 'float32', 1);
const ys = tf.randomNormal([4096, 1], 0, 1, 'float32', 2);
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [32], units: 64, activation: 'relu' }), tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.sgd(0.001), loss: 'meanSquaredError' });
TrainingTelemetryProvider.instance().withBaseConfig({ ...tfjsBaseConfig({ applicationName: 'b', sessionTag: 'b' }), telemetryConfig: { ...configFromModel(model, { batchSize: 32, epochs: 1000, samples: 3687 }), logEveryNTrainIterations: 50 } }).withExporter(new FileExporter({ filePath: '/tmp/tfx/p.jsonl' })).configureProvider();
onAppStart();
function measured(Base, ...args) {
  return new (class extends Base {
    samples = [];
    onBatchBegin(b, l) { const t = performance.now(); const p = super.onBatchBegin(b, l); this.samples.push(performance.now() - t); return p; }
    onBatchEnd(b, l) { const t = performance.now(); const p = super.onBatchEnd(b, l); this.samples.push(performance.now() - t); return p; }
  })(...args);
}
class Noop extends tf.Callback {}
const p50 = (s) => { s = [...s].sort((a, b) => a - b); return (s[s.length >> 1] * 1000).toFixed(2); };
for (let r = 0; r < 4; r++) {
  const ours = measured(OneLoggerTfjsCallback, { callOnAppStart: false, yieldEvery: 'never' });
  const noop = measured(Noop);
  const dflt = measured(tf.CustomCallback, {}, 'never');
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [noop, ours, dflt] });
  console.log('p50 per hook call µs: noop', p50(noop.samples), 'ours', p50(ours.samples), 'default CustomCallback', p50(dflt.samples));
}
import { onTrainingSingleIterationStart, onTrainingSingleIterationEnd, onTrainStart, onTrainEnd } from '../../training-telemetry/dist/index.js';
import { wallNowMs, TracingTimestamp } from '../../core/dist/index.js';
class Raw extends tf.Callback {
  s1 = []; s2 = []; s3 = [];
  async onTrainBegin() { onTrainStart({ trainIterationsStart: 0 }); }
  async onTrainEnd() { onTrainEnd(); }
  async onBatchBegin() { let t = performance.now(); onTrainingSingleIterationStart(); this.s1.push(performance.now() - t); t = performance.now(); TracingTimestamp.now(); this.s3.push(performance.now() - t); }
  async onBatchEnd() { const t = performance.now(); onTrainingSingleIterationEnd(); this.s2.push(performance.now() - t); }
}
for (let r = 0; r < 3; r++) {
  const raw = new Raw();
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [raw] });
  console.log('raw p50 µs: iterStart', p50(raw.s1), 'iterEnd', p50(raw.s2), 'TracingTimestamp.now', p50(raw.s3));
}
