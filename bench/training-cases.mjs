// One training benchmark case per process: `node --expose-gc bench/training-cases.mjs <case>` prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FileExporter } from '../packages/core/dist/index.js';
import {
  logMetrics,
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

function setUp(buffered = false) {
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
    .withExporter(new FileExporter({ filePath: join(dir, 'training.jsonl'), buffered }))
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

// logMetrics with two metrics: every call writes one model_metrics record through a buffered FileExporter (one
// write syscall per record costs ~3 µs on its own, see the core suite's write floor). The metrics object is reused
// with new values, so what the allocation case counts is the library's allocation, not the caller's literal.
const metrics = { loss: 0, accuracy: 0 };
function logTwo(i) {
  metrics.loss = 1 / (i + 1);
  metrics.accuracy = i / (i + 1);
  logMetrics(metrics);
}
function logChunk(from, n) {
  for (let i = from; i < from + n; i++) logTwo(i);
}

/** ns per logMetrics call (two metrics, one record written per call), in chunks with a macrotask turn between them. */
async function logMetricsCase() {
  setUp(true);
  const tick = () => new Promise((r) => setImmediate(r));
  for (let c = 0; c < 200; c++) {
    logChunk(c * 256, 256);
    await tick();
  }
  const chunks = 4000;
  const t0 = performance.now();
  for (let c = 0; c < chunks; c++) {
    logChunk(c * 256, 256);
    await tick();
  }
  const ns = ((performance.now() - t0) * 1e6) / (chunks * 256);
  await tearDown();
  return { ns_per_call: ns };
}

/**
 * Bytes allocated per logMetrics call: heap growth over 20 000 calls without a collection in between (run with
 * a young generation large enough to hold them; a collection during the window is detected and fails the case).
 * What remains is the record itself: the event, its attribute map, its timestamp and its JSON line.
 */
async function logMetricsAllocationCase() {
  setUp(true);
  logChunk(0, 100_000);
  const { PerformanceObserver } = await import('node:perf_hooks');
  let collections = 0;
  const obs = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  globalThis.gc();
  obs.observe({ entryTypes: ['gc'] });
  const n = 20_000;
  const before = process.memoryUsage().heapUsed;
  logChunk(100_000, n);
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  if (collections > 0) throw new Error(`a garbage collection ran during the measurement (${collections}); enlarge the young generation`);
  globalThis.gc();
  const retainedBefore = process.memoryUsage().heapUsed;
  logChunk(200_000, 1_000_000);
  globalThis.gc();
  const retained = process.memoryUsage().heapUsed - retainedBefore;
  await tearDown();
  return { bytes_per_call: (after - before) / n, heap_growth_mb_1m_calls: retained / 2 ** 20 };
}

const cases = {
  iteration_callbacks: callbacksCase,
  iteration_helper: helperCase,
  memory_1m_iterations: memoryCase,
  log_metrics: logMetricsCase,
  log_metrics_allocation: logMetricsAllocationCase,
};
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
