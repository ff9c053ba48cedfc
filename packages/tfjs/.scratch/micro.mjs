import * as tf from '@tensorflow/tfjs';
import { FileExporter } from '../../core/dist/index.js';
import { OneLoggerTfjsCallback, tfjsBaseConfig } from '../dist/index.js';
import { TrainingTelemetryProvider, onAppStart, onTrainStart } from '../../training-telemetry/dist/index.js';
tf.enableProdMode();
TrainingTelemetryProvider.instance().withBaseConfig({ ...tfjsBaseConfig({ applicationName: 'b', sessionTag: 'b' }), telemetryConfig: { perfTag: 'x', globalBatchSize: 32, logEveryNTrainIterations: 10 } }).withExporter(new FileExporter({ filePath: '/tmp/tfx/m.jsonl' })).configureProvider();
onAppStart();
const s = tf.scalar(1.5);
const N = 20000;
async function bench(name, f) { for (let i = 0; i < 2000; i++) await f(); const t = performance.now(); for (let i = 0; i < N; i++) await f(); console.log(name, ((performance.now() - t) * 1000 / N).toFixed(2), 'µs'); }
await bench('await s.data()', () => s.data());
await bench('s.dataSync()', async () => { s.dataSync(); });
await bench('empty async', async () => {});
for (const opts of [{ syncPerBatch: false, yieldEvery: 'never' }, { syncPerBatch: true, yieldEvery: 'never' }]) {
  const cb = new OneLoggerTfjsCallback({ callOnAppStart: false, ...opts });
  cb.setParams({ epochs: 1, samples: 100, batchSize: 32, doValidation: false });
  await cb.onTrainBegin();
  const logs = { loss: s };
  await bench(`batch begin+end ${JSON.stringify(opts)}`, async () => { await cb.onBatchBegin(0, {}); await cb.onBatchEnd(0, logs); });
  await cb.onTrainEnd();
}
import { onTrainingSingleIterationStart, onTrainingSingleIterationEnd, onTrainEnd } from '../../training-telemetry/dist/index.js';
import { telemetryRuntime, wallNowMs } from '../../core/dist/index.js';
console.log('enabled', telemetryRuntime.enabled);
onTrainStart({ trainIterationsStart: 0 });
await bench('raw start+end', async () => { onTrainingSingleIterationStart(); onTrainingSingleIterationEnd(); });
await bench('wallNowMs', async () => { wallNowMs(); });
await bench('nextFrame', () => tf.nextFrame());
onTrainEnd();
