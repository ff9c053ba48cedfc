// The training-telemetry quick-start program from the README: the callbacks of one short training job.
// Run after `npm run build`; it writes out/training.jsonl in the working directory.
import { resolve } from 'node:path';
import { FileExporter } from '@nv-one-logger/core';
import {
  CheckpointStrategy,
  onAppEnd,
  onAppStart,
  onDataloaderInitEnd,
  onDataloaderInitStart,
  onModelInitEnd,
  onModelInitStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';

TrainingTelemetryProvider.instance()
  .withBaseConfig({ applicationName: 'demo_app', sessionTag: 'demo_session', worldSize: 8 })
  .withExporter(new FileExporter({ filePath: 'out/training.jsonl' }))
  .configureProvider();
onAppStart();
TrainingTelemetryProvider.instance().setTrainingTelemetryConfig({
  perfTag: 'demo_perf',
  globalBatchSize: 32,
  logEveryNTrainIterations: 2,
  flopsPerSample: 100,
  isLogThroughputEnabled: true,
  trainIterationsTarget: 5,
  trainSamplesTarget: 160,
  saveCheckpointStrategy: CheckpointStrategy.SYNC,
});
onModelInitStart();
onModelInitEnd();
onDataloaderInitStart();
onDataloaderInitEnd();
onTrainStart({ trainIterationsStart: 0, trainSamplesStart: 0 });
for (let i = 0; i < 5; i++) {
  onTrainingSingleIterationStart();
  onTrainingSingleIterationEnd();
}
onValidationStart();
for (let i = 0; i < 3; i++) {
  onValidationSingleIterationStart();
  onValidationSingleIterationEnd();
}
onValidationEnd();
onSaveCheckpointStart({ globalStep: 5 });
onSaveCheckpointSuccess({ globalStep: 5 });
onSaveCheckpointEnd();
onTrainEnd();
await onAppEnd(); // resolves once every exporter has flushed
console.log(`telemetry written to ${resolve('out/training.jsonl')} (summarize it: npx one-logger summarize out/training.jsonl)`);
