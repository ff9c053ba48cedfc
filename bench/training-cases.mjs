// One training benchmark case per process: `node --expose-gc bench/training-cases.mjs <case>` prints one JSON line.
import { mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FileExporter } from '../packages/core/dist/index.js';
import {
  logMetrics,
  onAppEnd,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  TrainingTelemetryProvider,
  trainingIteration,
} from '../packages/training-telemetry/dist/index.js';
import { ExporterLikeBuffer, interleaved } from './lib.mjs';
import { startTrainingJob } from './training-job.mjs';

const dir = mkdtempSync(join(os.tmpdir(), 'olbench-training-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const ITERATIONS = 1_000_000;
// BENCH_LOG_EVERY overrides the period of training_metrics_update (bench/training.mjs uses it to time the iteration alone).
const LOG_EVERY = Number(process.env.BENCH_LOG_EVERY ?? 50);

// BENCH_FILE_BUFFERED=1 gives the iteration case a buffered FileExporter (bench/training.mjs runs it both ways).
const ITERATION_FILE_BUFFERED = process.env.BENCH_FILE_BUFFERED === '1';

// The same training job as the exporter suites (bench/training-job.mjs), with the file exporter under test.
function setUp(buffered = false) {
  startTrainingJob([new FileExporter({ filePath: join(dir, 'training.jsonl'), buffered })], ITERATIONS, {
    logEveryNTrainIterations: LOG_EVERY,
  });
}

async function tearDown() {
  onTrainEnd();
  await onAppEnd();
}

// The floor of a training iteration on this machine: two clock reads and the statistics the iteration timer
// keeps (count, total, min, max), nothing else. Its state lives in an object, like a recorder's, so the JIT
// cannot keep it in registers or drop the work.
const floorStats = { count: 0, totalSec: 0, minSec: Number.POSITIVE_INFINITY, maxSec: 0 };
/** One floor iteration (small enough for the JIT to inline into the loops below). */
function floorIteration(s) {
  const start = performance.now();
  const end = performance.now();
  const sec = (end - start) / 1000;
  s.count += 1;
  s.totalSec += sec;
  if (sec < s.minSec) s.minSec = sec;
  if (sec > s.maxSec) s.maxSec = sec;
}
function floorChunk(n) {
  for (let i = 0; i < n; i++) floorIteration(floorStats);
}

// The floor of per-record writing: the floor loop plus, every N iterations, one bare writeSync of a line as long as
// the training_metrics_update record the library writes then (to a file of its own).
const METRICS_LINE_CHARS = 900;
let floorFd;
let floorIterations = 0;
function floorWithWritesChunk(n) {
  floorFd ??= openSync(join(dir, 'floor.jsonl'), 'a');
  for (let i = 0; i < n; i++) {
    floorIteration(floorStats);
    if (++floorIterations % LOG_EVERY === 0) writeSync(floorFd, `${'x'.repeat(METRICS_LINE_CHARS - 12)}${floorIterations}\n`);
  }
}

// The floor of per-record updates: the floor loop plus, every N iterations, the training_metrics_update line the
// library writes in this job (same keys, values from the floor's statistics and counters; it keeps no per-iteration
// throughput summary, so the current throughput stands for its max and min) built by one template literal and
// written by one writeSync, to a file of its own: what a per-record telemetry writes, in the plainest way.
const SPAN_ID = 'd3c9e0d9-0aa8-4cca-8d24-12b20c000002';
const FLOPS_PER_ITERATION = 1e9 * 32;
let updatesFd;
let updateIterations = 0;
let updateRecords = 0;
let firstEndSec = 0;
function floorUpdateLine(s, iterations) {
  const endMs = performance.timeOrigin + performance.now();
  const endSec = endMs / 1000;
  if (firstEndSec === 0) firstEndSec = endSec;
  const flops = FLOPS_PER_ITERATION * iterations;
  const throughput = flops / (s.totalSec * 1e12 * 8);
  return `{"type":"event","span_id":"${SPAN_ID}","event":{"name":"training_metrics_update","attributes":{"train_iterations_start":0,"current_iteration":${iterations - 1},"num_iterations":${iterations},"train_samples_start":0,"num_train_samples":${iterations * 32},"interval":${LOG_EVERY},"avg_iteration_time_sec":${s.totalSec / s.count},"min_iteration_time_sec":${s.minSec},"max_iteration_time_sec":${s.maxSec},"total_iteration_time_sec":${s.totalSec},"train_tokens":${iterations * 32 * 1024},"completed_floating_point_operations_overall":${flops},"total_flops":${flops},"train_throughput_per_gpu":${throughput},"train_throughput_per_gpu_max":${throughput},"train_throughput_per_gpu_min":${throughput},"first_logged_train_iterations_finish_timestamp_sec":${firstEndSec},"last_logged_train_iterations_finish_timestamp_sec":${endSec},"timestamp_msec":${Math.trunc(endMs)}}},"count":${++updateRecords},"pid":${process.pid}}\n`;
}
function floorWithUpdatesChunk(n) {
  updatesFd ??= openSync(join(dir, 'floor-updates.jsonl'), 'a');
  for (let i = 0; i < n; i++) {
    floorIteration(floorStats);
    if (++updateIterations % LOG_EVERY === 0) writeSync(updatesFd, floorUpdateLine(floorStats, updateIterations));
  }
}
// The same update lines buffered the way the buffered FileExporter buffers (no write call per update): the floor
// of a training iteration whose telemetry writes its updates at all, with no system call on the iteration path.
let bufferedUpdates;
let bufferedUpdateIterations = 0;
function floorWithBufferedUpdatesChunk(n) {
  bufferedUpdates ??= new ExporterLikeBuffer(join(dir, 'floor-buffered-updates.jsonl'));
  for (let i = 0; i < n; i++) {
    floorIteration(floorStats);
    if (++bufferedUpdateIterations % LOG_EVERY === 0) bufferedUpdates.append(floorUpdateLine(floorStats, bufferedUpdateIterations));
  }
}

function callbacksChunk(n) {
  for (let i = 0; i < n; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
  }
}

const noop = () => undefined;
function helperChunk(n) {
  for (let i = 0; i < n; i++) trainingIteration(noop);
}

/**
 * ns per iteration (start + end callbacks, metrics every 50 iterations written by the FileExporter, one write
 * per record unless BENCH_FILE_BUFFERED) and through `trainingIteration(fn)`, each next to the floor loop and its
 * variants measured in the same process.
 */
async function callbacksCase() {
  setUp(ITERATION_FILE_BUFFERED);
  const m = await interleaved(
    {
      floor: floorChunk,
      floorWithWrites: floorWithWritesChunk,
      floorWithUpdates: floorWithUpdatesChunk,
      floorWithBufferedUpdates: floorWithBufferedUpdatesChunk,
      callbacks: callbacksChunk,
      helper: helperChunk,
    },
    [
      ['callbacks', 'floor'],
      ['callbacks', 'floorWithWrites'],
      ['floorWithUpdates', 'floor'],
      ['callbacks', 'floorWithUpdates'],
      ['floorWithBufferedUpdates', 'floor'],
      ['callbacks', 'floorWithBufferedUpdates'],
      ['helper', 'callbacks'],
    ],
    // Rounds of 10,000 iterations each, no macrotask turn in between (the iteration path has no timers).
    { rounds: 60, n: 10_000, warmup: 5, tick: false },
  );
  await tearDown();
  return {
    ns_per_iteration: m.callbacks,
    floor_ns_per_iteration: m.floor,
    ratio_to_floor: m['callbacks/floor'],
    floor_with_writes_ns_per_iteration: m.floorWithWrites,
    ratio_to_floor_with_writes: m['callbacks/floorWithWrites'],
    floor_with_updates_ns_per_iteration: m.floorWithUpdates,
    floor_with_updates_to_floor: m['floorWithUpdates/floor'],
    ratio_to_floor_with_updates: m['callbacks/floorWithUpdates'],
    floor_with_buffered_updates_ns_per_iteration: m.floorWithBufferedUpdates,
    floor_with_buffered_updates_to_floor: m['floorWithBufferedUpdates/floor'],
    ratio_to_floor_with_buffered_updates: m['callbacks/floorWithBufferedUpdates'],
    helper_ns_per_iteration: m.helper,
    helper_ratio_to_callbacks: m['helper/callbacks'],
  };
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

// The floor of logMetrics: the same model_metrics line built by one template literal from the same values (the
// bench knows the span id, pid and keys; the values are formatted as the exporter does: integers by String,
// fractions by JSON.stringify), buffered the way the exporter buffers (lines appended to a string, encoded every
// 4 KiB, written every 64 KiB) into a file of its own. Whatever a logMetrics call does costs at least this.
const floorMetrics = { loss: 0, accuracy: 0 };
let floorLine = { head: '', count: 0, out: undefined };
/** The floor's line for call i. */
function floorLineAt(i) {
  const f = floorLine;
  floorMetrics.loss = 1 / (i + 1);
  floorMetrics.accuracy = i / (i + 1);
  const ms = Math.trunc(performance.timeOrigin + performance.now());
  return `${f.head}${JSON.stringify(floorMetrics.loss)},"accuracy":${JSON.stringify(floorMetrics.accuracy)},"global_step":0,"timestamp_msec":${ms}}},"count":${++f.count},"pid":${process.pid}}\n`;
}
function floorChunkOf(from, n) {
  for (let i = from; i < from + n; i++) floorLine.out.append(floorLineAt(i));
}
// Parts of the floor, timed in the same rounds: the two metric values formatted alone, and the floor's line built
// but not buffered (its length kept, so the work is not dropped). The rest of the floor is encoding and buffering.
let _floorSink = 0;
function floorValuesChunkOf(from, n) {
  for (let i = from; i < from + n; i++) _floorSink += JSON.stringify(1 / (i + 1)).length + JSON.stringify(i / (i + 1)).length;
}
function floorLineChunkOf(from, n) {
  for (let i = from; i < from + n; i++) _floorSink += floorLineAt(i).length;
}

/** ns per logMetrics call (two metrics, one record written per call) and per call of its floor, interleaved. */
async function logMetricsCase() {
  setUp(true);
  const recorder = TrainingTelemetryProvider.instance().recorder;
  const spanId = recorder.activeStandardSpan('training_loop').id;
  floorLine = {
    head: `{"type":"event","span_id":"${spanId}","event":{"name":"model_metrics","attributes":{"loss":`,
    count: 0,
    out: new ExporterLikeBuffer(join(dir, 'log-metrics-floor.jsonl')),
  };
  let next = 0;
  const at = (chunk) => (n) => {
    chunk(next, n);
    next += n;
  };
  // Rounds of 100 chunks of 256 calls, a macrotask turn after each chunk (the buffered file's timer runs).
  const chunks = { library: at(logChunk), floor: at(floorChunkOf), values: at(floorValuesChunkOf), line: at(floorLineChunkOf) };
  const m = await interleaved(chunks, [['library', 'floor']], {
    rounds: 40,
    n: 256,
    perRound: 100,
    warmup: 200,
  });
  await tearDown();
  return {
    ns_per_call: m.library,
    floor_ns_per_call: m.floor,
    ratio_to_floor: m['library/floor'],
    floor_values_ns_per_call: m.values,
    floor_line_ns_per_call: m.line,
  };
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
