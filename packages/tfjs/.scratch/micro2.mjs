import { FileExporter } from '../../core/dist/index.js';
import { TrainingTelemetryProvider, onAppStart, onTrainStart, onTrainingSingleIterationStart, onTrainingSingleIterationEnd } from '../../training-telemetry/dist/index.js';
const thr = process.argv[2] === 'thr';
TrainingTelemetryProvider.instance().withBaseConfig({ applicationName: 'b', sessionTag: 'b', worldSize: 1, telemetryConfig: { perfTag: 'x', globalBatchSize: 32, logEveryNTrainIterations: 50, ...(thr ? { flopsPerSample: 1000, isLogThroughputEnabled: true, trainIterationsTarget: 1e9, trainSamplesTarget: 1e10 } : {}) } }).withExporter(new FileExporter({ filePath: '/tmp/tfx/m2.jsonl' })).configureProvider();
onAppStart(); onTrainStart({ trainIterationsStart: 0 });
for (const n of [100, 1000, 100000]) {
  const t = performance.now();
  for (let i = 0; i < n; i++) { onTrainingSingleIterationStart(); onTrainingSingleIterationEnd(); }
  console.log(thr ? 'throughput' : 'plain', n, ((performance.now() - t) * 1000 / n).toFixed(2), 'µs/iter');
}
