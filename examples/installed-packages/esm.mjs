// An application that installed the packages from the registry (no workspace links): an ES module using the core
// and the training telemetry. Usage: node esm.mjs <telemetry.jsonl>
import { FileExporter, timedSpan } from '@nv-one-logger/core';
import {
  onAppEnd,
  onAppStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';

const filePath = process.argv[2] ?? 'telemetry.jsonl';
TrainingTelemetryProvider.instance()
  .withBaseConfig({ applicationName: 'installed_esm', sessionTag: 'installed', worldSize: 1 })
  .withExporter(new FileExporter({ filePath }))
  .configureProvider();
onAppStart();
TrainingTelemetryProvider.instance().setTrainingTelemetryConfig({
  perfTag: 'installed_perf',
  globalBatchSize: 4,
  logEveryNTrainIterations: 2,
});
await timedSpan('load_data', () => new Promise((resolve) => setTimeout(resolve, 1)));
onTrainStart({ trainIterationsStart: 0 });
for (let i = 0; i < 4; i++) {
  onTrainingSingleIterationStart();
  onTrainingSingleIterationEnd();
}
onTrainEnd();
await onAppEnd();
console.log(`telemetry written to ${filePath}`);
