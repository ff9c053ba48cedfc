// A plain TypeScript training loop (no ML framework) instrumented with the training-telemetry context helpers:
// linear regression trained by mini-batch SGD on generated data, validated every epoch, with asynchronous
// checkpoints written by a background task that reports success when the file is on disk.
//
//   node --import tsx examples/custom-loop/main.ts [--epochs 5] [--out runs/custom-loop]
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FileExporter } from '@nv-one-logger/core';
import {
  application,
  CheckpointStrategy,
  checkpointSave,
  dataloaderInit,
  modelInit,
  onSaveCheckpointSuccess,
  optimizerInit,
  TrainingTelemetryProvider,
  trainingIteration,
  trainingLoop,
  validationIteration,
  validationLoop,
} from '@nv-one-logger/training-telemetry';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    'batch-size': { type: 'string', default: '32' },
    'checkpoint-every': { type: 'string', default: '40' },
    out: { type: 'string', default: 'runs/custom-loop' },
  },
});
const epochs = Number(values.epochs);
const batchSize = Number(values['batch-size']);
const checkpointEvery = Number(values['checkpoint-every']);
const outDir = resolve(values.out);
const FEATURES = 3;
const TRUE_WEIGHTS = [3, -2, 0.5];
const TRUE_BIAS = 1;

// Deterministic data: y = w·x + b + noise.
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
function makeData(n: number): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: FEATURES }, () => random() * 2 - 1);
    x.push(row);
    y.push(row.reduce((s, v, j) => s + v * (TRUE_WEIGHTS[j] as number), TRUE_BIAS) + (random() - 0.5) * 0.1);
  }
  return { x, y };
}

interface Model {
  w: number[];
  b: number;
}

function predict(m: Model, row: number[]): number {
  return row.reduce((s, v, j) => s + v * (m.w[j] as number), m.b);
}

const trainSize = 1280;
const valSize = 256;
const globalBatchSize = batchSize;
const iterationsPerEpoch = Math.ceil(trainSize / batchSize);

TrainingTelemetryProvider.instance()
  .withBaseConfig({
    applicationName: 'custom_loop',
    sessionTag: 'custom-loop-demo',
    worldSize: 1,
    telemetryConfig: {
      perfTag: 'sgd-linear-v1',
      globalBatchSize,
      flopsPerSample: 2 * FEATURES * 3, // forward + backward of a linear model, per sample
      isLogThroughputEnabled: true,
      logEveryNTrainIterations: 10,
      trainIterationsTarget: epochs * iterationsPerEpoch,
      trainSamplesTarget: epochs * iterationsPerEpoch * globalBatchSize,
      saveCheckpointStrategy: CheckpointStrategy.ASYNC,
    },
  })
  .withExporter(new FileExporter({ filePath: join(outDir, 'telemetry.jsonl') }))
  .configureProvider();

// Saves run one after another, in step order, as a checkpointer writing to one place does: a success is never
// reported before the success of an older save (the recorder does not record a success older than one it has
// recorded: that checkpoint is superseded).
let saves: Promise<void> = Promise.resolve();

/** Writes the weights in the background, after the saves before it; reports success once the file is on disk. */
function saveInBackground(model: Model, step: number): void {
  const snapshot = JSON.stringify({ step, w: [...model.w], b: model.b });
  saves = saves
    .then(async () => {
      await new Promise((r) => setTimeout(r, 20)); // the slow part of a real save
      await mkdir(join(outDir, 'checkpoints'), { recursive: true });
      await writeFile(join(outDir, 'checkpoints', `step-${step}.json`), snapshot);
      onSaveCheckpointSuccess({ globalStep: step });
    })
    .catch((e: unknown) => {
      // A failed save reports no success (the telemetry shows the gap); the next saves still run.
      console.error(`checkpoint of step ${step} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
}

const result = await application(async () => {
  const { train, val } = await dataloaderInit(() => ({ train: makeData(trainSize), val: makeData(valSize) }));
  const model = await modelInit((): Model => ({ w: new Array(FEATURES).fill(0), b: 0 }));
  const lr = await optimizerInit(() => 0.1);
  let step = 0;
  let valLoss = Number.NaN;
  await trainingLoop({ trainIterationsStart: 0 }, async () => {
    for (let epoch = 0; epoch < epochs; epoch++) {
      let epochLoss = 0;
      for (let start = 0; start < trainSize; start += batchSize) {
        epochLoss += trainingIteration(() => {
          // One SGD step on the mini-batch: gradient of the mean squared error.
          const gw = new Array(FEATURES).fill(0);
          let gb = 0;
          let loss = 0;
          const end = Math.min(start + batchSize, trainSize);
          for (let i = start; i < end; i++) {
            const row = train.x[i] as number[];
            const err = predict(model, row) - (train.y[i] as number);
            loss += err * err;
            for (let j = 0; j < FEATURES; j++) gw[j] += (2 * err * (row[j] as number)) / (end - start);
            gb += (2 * err) / (end - start);
          }
          for (let j = 0; j < FEATURES; j++) model.w[j] = (model.w[j] as number) - lr * (gw[j] as number);
          model.b -= lr * gb;
          return loss / (end - start);
        });
        step++;
        if (step % checkpointEvery === 0) {
          // Async strategy: the span covers only scheduling the save; success is reported by the background task.
          checkpointSave({ globalStep: step }, () => saveInBackground(model, step));
        }
        await new Promise<void>((r) => setImmediate(r)); // let background saves progress
      }
      valLoss = validationLoop(() => {
        let sum = 0;
        for (let i = 0; i < valSize; i += batchSize) {
          sum += validationIteration(() => {
            let s = 0;
            for (let k = i; k < Math.min(i + batchSize, valSize); k++)
              s += (predict(model, val.x[k] as number[]) - (val.y[k] as number)) ** 2;
            return s;
          });
        }
        return sum / valSize;
      });
      console.log(
        `epoch ${epoch + 1}/${epochs}: train loss ${(epochLoss / iterationsPerEpoch).toFixed(5)}, validation loss ${valLoss.toFixed(5)}`,
      );
    }
    // Background saves must finish (and report success) before the application ends.
    await saves;
  });
  return { model, valLoss, step };
});

console.log(
  `trained ${result.step} iterations; weights ${result.model.w.map((w) => w.toFixed(3)).join(', ')}, bias ${result.model.b.toFixed(3)}`,
);
console.log(`checkpoints in ${join(outDir, 'checkpoints')}, telemetry in ${join(outDir, 'telemetry.jsonl')}`);
