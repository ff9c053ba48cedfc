// One rank of the multi-rank example (started by main.mjs with RANK and WORLD_SIZE): trains y = 3x + 1 with SGD
// on synthetic data, one mini-batch per iteration, with the training-telemetry callbacks and logMetrics, and saves
// a checkpoint (the model as JSON) every 30 iterations. Each iteration also waits WORK_MS for a stand-in
// accelerator step (a wait, not a busy loop, so the timing holds when ranks share a CPU core); the slowed rank
// waits 60% longer, which makes it the job's straggler.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileExporter } from '@nv-one-logger/core';
import {
  CheckpointStrategy,
  logMetrics,
  onAppEnd,
  onAppStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  TrainingTelemetryProvider,
} from '@nv-one-logger/training-telemetry';

const rank = Number(process.env.RANK);
const worldSize = Number(process.env.WORLD_SIZE);
const slow = rank === Number(process.env.SLOW_RANK);
const ITERATIONS = Number(process.env.ITERATIONS ?? 60);
const WORK_MS = 20;
const dir = process.env.TELEMETRY_DIR ?? 'telemetry/multi-rank';
const BATCH = 16;

TrainingTelemetryProvider.instance()
  .withBaseConfig({ applicationName: 'multi_rank_example', sessionTag: process.env.SESSION_TAG ?? 'multi-rank', worldSize })
  .withExporter(new FileExporter({ filePath: join(dir, 'rank{rank}.jsonl') }))
  .configureProvider();
onAppStart();
TrainingTelemetryProvider.instance().setTrainingTelemetryConfig({
  perfTag: `multi_rank_ws${worldSize}`,
  globalBatchSize: BATCH * worldSize,
  logEveryNTrainIterations: 5,
  flopsPerSample: 4,
  isLogThroughputEnabled: true,
  trainIterationsTarget: ITERATIONS,
  trainSamplesTarget: ITERATIONS * BATCH * worldSize,
  saveCheckpointStrategy: CheckpointStrategy.SYNC,
});

// Deterministic data per rank (a shard of the data set), so runs are comparable.
let seed = 1 + rank;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
let w = 0;
let b = 0;
const learningRate = 0.1;

const waitCell = new Int32Array(new SharedArrayBuffer(4));
/** The stand-in accelerator step: a synchronous wait of `ms`. */
function acceleratorStep(ms) {
  Atomics.wait(waitCell, 0, 0, ms);
}

onTrainStart({ trainIterationsStart: 0, trainSamplesStart: 0 });
for (let it = 1; it <= ITERATIONS; it++) {
  onTrainingSingleIterationStart();
  let loss = 0;
  let gw = 0;
  let gb = 0;
  for (let i = 0; i < BATCH; i++) {
    const x = random() * 2 - 1;
    const y = 3 * x + 1 + (random() - 0.5) * 0.1;
    const err = w * x + b - y;
    loss += err * err;
    gw += 2 * err * x;
    gb += 2 * err;
  }
  w -= (learningRate * gw) / BATCH;
  b -= (learningRate * gb) / BATCH;
  acceleratorStep(slow ? WORK_MS * 1.6 : WORK_MS);
  onTrainingSingleIterationEnd();
  if (it % 5 === 0) logMetrics({ loss: loss / BATCH, weight: w });
  if (it % 30 === 0) {
    onSaveCheckpointStart({ globalStep: it });
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    writeFileSync(join(dir, 'checkpoints', `rank${rank}-step${it}.json`), JSON.stringify({ step: it, w, b }));
    onSaveCheckpointSuccess({ globalStep: it });
    onSaveCheckpointEnd();
  }
}
onTrainEnd();
await onAppEnd();
