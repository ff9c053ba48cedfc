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
class Noop extends tf.Callback {}
const cb = new OneLoggerTfjsCallback({ callOnAppStart: false });
const variants = (process.argv[2] ?? 'none,custom,noop,cb').split(',');
const mk = { none: () => undefined, custom: () => [new tf.CustomCallback({})], noop: () => [new Noop()], cb: () => [cb], customNever: () => [new tf.CustomCallback({}, 'never')], cbNever: () => [new OneLoggerTfjsCallback({ callOnAppStart: false, yieldEvery: 'never' })] };
const res = {};
const vs = process.argv[3] === 'noval' ? {} : { validationSplit: 0.1 };
for (let round = 0; round < 7; round++) for (const k of variants) {
  const c = mk[k]();
  const t0 = performance.now();
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, ...vs, ...(c ? { callbacks: c } : {}) });
  if (round > 0) (res[k] ??= []).push(Math.round(performance.now() - t0));
}
const med = (v) => { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; };
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(12), 'median', med(v), 'min', Math.min(...v), JSON.stringify(v));
