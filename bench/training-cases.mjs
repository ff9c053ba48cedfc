// One training benchmark case per process: `node --expose-gc bench/training-cases.mjs <case>` prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FileExporter } from '../packages/core/dist/index.js';
import {
  onAppEnd,
  onAppStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  TrainingTelemetryProvider,
  trainingIteration,
} from '../packages/training-telemetry/dist/index.js';

const dir = mkdtempSync(join(os.tmpdir(), 'olbench-training-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const ITERATIONS = 1_000_000;

function setUp() {
  TrainingTelemetryProvider.instance()
    .withBaseConfig({
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
        trainIterationsTarget: 2 * ITERATIONS,
        trainSamplesTarget: 64 * ITERATIONS,
      },
    })
    .withExporter(new FileExporter({ filePath: join(dir, 'training.jsonl') }))
    .configureProvider();
  onAppStart();
  onTrainStart({ trainIterationsStart: 0 });
}

async function tearDown() {
  onTrainEnd();
  await onAppEnd();
}

/** ns per iteration (start + end callbacks), metrics every 50 iterations written by the FileExporter. */
async function callbacksCase() {
  setUp();
  for (let i = 0; i < 50_000; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
  }
  const t0 = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
  }
  const ns = ((performance.now() - t0) * 1e6) / ITERATIONS;
  await tearDown();
  return { ns_per_iteration: ns };
}

const noop = () => undefined;

/** ns per iteration through the `trainingIteration(fn)` helper around a no-op synchronous body. */
async function helperCase() {
  setUp();
  for (let i = 0; i < 50_000; i++) trainingIteration(noop);
  const t0 = performance.now();
  for (let i = 0; i < ITERATIONS; i++) trainingIteration(noop);
  const ns = ((performance.now() - t0) * 1e6) / ITERATIONS;
  await tearDown();
  return { ns_per_iteration: ns };
}

/** Heap growth (after GC) over 1M iterations. */
async function memoryCase() {
  setUp();
  for (let i = 0; i < 50_000; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
  }
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < ITERATIONS; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
  }
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  await tearDown();
  return { heap_growth_mb: (after - before) / 2 ** 20 };
}

const cases = { iteration_callbacks: callbacksCase, iteration_helper: helperCase, memory_1m_iterations: memoryCase };
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
