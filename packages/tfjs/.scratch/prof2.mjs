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
const cb = new OneLoggerTfjsCallback({ callOnAppStart: false });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function run(cbs) { const w0 = performance.now(), c0 = cpu(); await model.fit(xs, ys, { epochs: 1, batchSize: 32, validationSplit: 0.1, verbose: 0, ...(cbs ? { callbacks: cbs } : {}) }); return [performance.now() - w0, cpu() - c0]; }
await run(); await run([cb]);
const W = [], C = [], Wr = [], Cr = [];
for (let i = 0; i < 12; i++) {
  const a = i % 2 ? await run([cb]) : await run();
  const b = i % 2 ? await run() : await run([cb]);
  const [without, withc] = i % 2 ? [b, a] : [a, b];
  Wr.push((withc[0] - without[0]) / without[0] * 100); Cr.push((withc[1] - without[1]) / without[1] * 100);
  W.push([Math.round(without[0]), Math.round(withc[0])]); C.push([Math.round(without[1]), Math.round(withc[1])]);
}
const med = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
console.log('wall pairs', JSON.stringify(W)); console.log('cpu pairs', JSON.stringify(C));
console.log('median wall ratio %', med(Wr).toFixed(2), 'median cpu ratio %', med(Cr).toFixed(2));
console.log('ratio of medians wall', ((med(W.map(p=>p[1]))/med(W.map(p=>p[0]))-1)*100).toFixed(2), 'cpu', ((med(C.map(p=>p[1]))/med(C.map(p=>p[0]))-1)*100).toFixed(2));
