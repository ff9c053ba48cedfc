// The training job the exporter benchmarks (otel, wandb, prometheus) attach their exporter to: the same config
// in every suite (metrics every 50 iterations, throughput on), so their figures compare.
import { onAppStart, onTrainStart, TrainingTelemetryProvider } from '../packages/training-telemetry/dist/index.js';

/** Configures the provider with `exporters`, then starts the application and the training loop. */
export function startTrainingJob(exporters, iterations, telemetryExtra = {}) {
  const builder = TrainingTelemetryProvider.instance().withBaseConfig({
    applicationName: 'bench',
    sessionTag: 'bench',
    worldSize: 8,
    telemetryConfig: {
      perfTag: 'bench',
      globalBatchSize: 32,
      seqLength: 1024,
      flopsPerSample: 1e9,
      isLogThroughputEnabled: true,
      logEveryNTrainIterations: 50,
      trainIterationsTarget: 2 * iterations,
      trainSamplesTarget: 64 * iterations,
      ...telemetryExtra,
    },
  });
  for (const e of exporters) builder.withExporter(e);
  builder.configureProvider();
  onAppStart();
  onTrainStart({ trainIterationsStart: 0 });
}
