// A TypeScript application type-checked against the installed packages' declarations (NodeNext and Bundler
// resolution both check this file; see the test).

import { type JobSummary, summarize } from '@nv-one-logger/cli';
import { type AttributesInput, DefaultRecorder, FileExporter, OneLoggerProvider, timedSpan } from '@nv-one-logger/core';
import { CheckpointStrategy, type TrainingTelemetryConfigInput } from '@nv-one-logger/training-telemetry';

const attributes: AttributesInput = { shard: 'a', rows: 10 };
const training: TrainingTelemetryConfigInput = {
  perfTag: 'typed_perf',
  globalBatchSize: 8,
  saveCheckpointStrategy: CheckpointStrategy.SYNC,
};
OneLoggerProvider.instance().configure(
  { applicationName: 'typed', sessionTag: 'typed', worldSize: 1 },
  new DefaultRecorder({ exporters: [new FileExporter({ filePath: 'typed.jsonl' })] }),
);
const rows: number = await timedSpan('work', async () => 10, { spanAttributes: attributes });
await OneLoggerProvider.instance().shutdown();
const { perFile } = await summarize(['typed.jsonl']);
const first: JobSummary | undefined = perFile[0];
console.log(rows, training.globalBatchSize, first?.application.sessionTag);
