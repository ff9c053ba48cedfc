// One TF.js benchmark case per process: `node --expose-gc bench/tfjs-cases.mjs <case>` prints one JSON line.
//
// fit_overhead: the same small model is fit repeatedly in one process, alternately without and with the telemetry
//   callback (pairs, order alternating to cancel drift). "Without" passes `new tf.CustomCallback({})`, exactly the
//   callback fit creates by default (the telemetry callback replaces it, as an instance-only callbacks list).
//   Reported: the medians of both, the overhead of the medians, the median of the per-pair overheads, the overhead
//   of the fastest fit of each kind, and the time spent inside the batch hooks of each callback (their synchronous
//   part, measured in-process, so it does not depend on what else the machine is doing). A third kind of fit uses
//   a callback whose hooks do nothing: its hook time is the floor (TF.js calling a hook, and the measurement), and
//   the telemetry callback's own time per batch is its hook time minus that floor, fit by fit. A fourth kind uses
//   the floor callback (FloorCallback below: the least a per-record telemetry callback can do), measured the same
//   way, as the yardstick of that own time. Each kind is fit WARM_FITS times before measuring (the first telemetry
//   fit is reported as the cold figure).
// epoch_interleaved: one long fit whose epochs rotate between the telemetry callback and TF.js's default callback
//   (twice, as an A/A control): adjacent epochs see the same machine load, and the A/A figure is the noise floor.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
// The module's binding: the global `performance` is an accessor that runs on every read.
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { FileExporter } from '../packages/core/dist/index.js';
import { configFromModel, OneLoggerTfjsCallback, tfjsBaseConfig } from '../packages/tfjs/dist/index.js';
import {
  onAppEnd,
  onAppStart,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  TrainingTelemetryProvider,
} from '../packages/training-telemetry/dist/index.js';

tf.enableProdMode();
const dir = mkdtempSync(join(os.tmpdir(), 'olbench-tfjs-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const PAIRS = Number(process.env.BENCH_TFJS_PAIRS ?? 4);
const BLOCKS = Number(process.env.BENCH_TFJS_BLOCKS ?? 18);
const SAMPLES = 4096;
const BATCH = 32;
const EPOCHS = 2;
const FEATURES = 32;
const VALIDATION_SPLIT = 0.1;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function buildModel() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [FEATURES], units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.001), loss: 'meanSquaredError' });
  return model;
}

// Batch metrics and training updates every LOG_EVERY iterations: 10 by default (a conservative setup), 50 (the
// config's default) in the fit_overhead_n50 case.
let LOG_EVERY = 10;

function configure(model, file, epochs, samples) {
  TrainingTelemetryProvider.instance()
    .withBaseConfig({
      ...tfjsBaseConfig({ applicationName: 'bench-tfjs', sessionTag: 'bench' }),
      // Throughput on (FLOPs estimated from the layers).
      telemetryConfig: { ...configFromModel(model, { batchSize: BATCH, epochs, samples }), logEveryNTrainIterations: LOG_EVERY },
    })
    .withExporter(new FileExporter({ filePath: join(dir, file) }))
    .configureProvider();
}

/**
 * Adds up the synchronous time spent in the batch hooks (everything up to their first await: on the cpu backend
 * the telemetry callback's batch hooks do all their work synchronously), and keeps each batch end's time, split
 * by whether the telemetry callback logged at that step.
 */
function measured(Base) {
  return class extends Base {
    hookMs = 0;
    beginUs = [];
    plainEndUs = [];
    loggedEndUs = [];
    onBatchBegin(batch, logs) {
      const t = performance.now();
      const p = super.onBatchBegin(batch, logs);
      const dt = performance.now() - t;
      this.hookMs += dt;
      this.beginUs.push(dt * 1000);
      return p;
    }
    onBatchEnd(batch, logs) {
      const before = this.globalStep;
      const t = performance.now();
      const p = super.onBatchEnd(batch, logs);
      const dt = performance.now() - t;
      this.hookMs += dt;
      if (before !== undefined) {
        // The step this batch completes: the iteration has ended in the hook, or it ends after an await (a yield
        // or checkpoint batch), or it ended before the hook (fit validated inside the batch).
        const step = this.globalStep !== before ? this.globalStep : this.iterationOpen ? before + 1 : before;
        (step % LOG_EVERY === 0 ? this.loggedEndUs : this.plainEndUs).push(dt * 1000);
      } else {
        this.plainEndUs.push(dt * 1000);
      }
      return p;
    }
  };
}
/** A callback whose batch hooks do nothing: what calling any callback's hooks costs, measured the same way. */
class EmptyCallback extends tf.Callback {
  async onBatchBegin() {}
  async onBatchEnd() {}
}
const SETTLED = Promise.resolve();
// Read once: `performance.timeOrigin` is a getter that calls into the runtime (the library reads it once too).
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The least a per-record telemetry callback can do, in the same hooks: two clock reads per batch and the running
 * statistics of the iteration times; every LOG_EVERY batches it reads the loss with dataSync() and writes the two
 * lines the telemetry callback writes then (model_metrics and training_metrics_update, same keys, values from its
 * statistics), each built by one template literal and written by one writeSync, to a file of its own. Whatever the
 * telemetry callback does in a batch costs at least this. Its hooks return one settled promise, as the telemetry
 * callback's do. `globalStep` as the telemetry callback counts it, so the batch-end split below applies.
 */
class FloorCallback extends tf.Callback {
  globalStep = 0;
  iterationOpen = false;
  startMs = 0;
  firstEndSec = 0;
  stats = { count: 0, totalSec: 0, minSec: Number.POSITIVE_INFINITY, maxSec: 0 };
  fd = openSync(join(dir, 'floor-callback.jsonl'), 'a');
  records = 0;
  onBatchBegin() {
    this.startMs = performance.now();
    return SETTLED;
  }
  onBatchEnd(_batch, logs) {
    this.endBatch(logs);
    return SETTLED;
  }
  endBatch(logs) {
    const endMs = performance.now();
    const sec = (endMs - this.startMs) / 1000;
    const s = this.stats;
    s.count += 1;
    s.totalSec += sec;
    if (sec < s.minSec) s.minSec = sec;
    if (sec > s.maxSec) s.maxSec = sec;
    const step = ++this.globalStep;
    const endSec = (TIME_ORIGIN + endMs) / 1000;
    if (this.firstEndSec === 0) this.firstEndSec = endSec;
    if (step % LOG_EVERY !== 0) return;
    const loss = logs.loss.dataSync()[0];
    const ms = Math.trunc(endSec * 1000);
    const head = '{"type":"event","span_id":"6929bfc5-31ea-4d54-aeec-fec39c000001","event":{"name":';
    writeSync(
      this.fd,
      `${head}"model_metrics","attributes":{"loss":${loss},"global_step":${step},"timestamp_msec":${ms}}},"count":${++this.records},"pid":${process.pid}}\n`,
    );
    const flops = 37248 * 32 * 3 * step;
    const tput = flops / (s.totalSec * 1e12);
    writeSync(
      this.fd,
      `${head}"training_metrics_update","attributes":{"train_iterations_start":0,"current_iteration":${step - 1},"num_iterations":${s.count},"train_samples_start":0,"num_train_samples":${s.count * BATCH},"interval":${LOG_EVERY},"avg_iteration_time_sec":${s.totalSec / s.count},"min_iteration_time_sec":${s.minSec},"max_iteration_time_sec":${s.maxSec},"total_iteration_time_sec":${s.totalSec},"latest_loss":${loss},"completed_floating_point_operations_overall":${flops},"total_flops":${flops},"train_throughput_per_gpu":${tput},"train_throughput_per_gpu_max":${tput},"train_throughput_per_gpu_min":${tput / 2},"first_logged_train_iterations_finish_timestamp_sec":${this.firstEndSec},"last_logged_train_iterations_finish_timestamp_sec":${endSec},"timestamp_msec":${ms}}},"count":${++this.records},"pid":${process.pid}}\n`,
    );
  }
  async onTrainEnd() {
    closeSync(this.fd);
  }
}
const MeasuredTelemetry = measured(OneLoggerTfjsCallback);
const MeasuredFloor = measured(FloorCallback);
const MeasuredDefault = measured(tf.CustomCallback);
const MeasuredEmpty = measured(EmptyCallback);
// Fits of each kind before the measured ones: the hooks run a few hundred times per fit, and V8 optimises them
// only after a few fits; a training job runs thousands of batches.
const WARM_FITS = Number(process.env.BENCH_TFJS_WARM_FITS ?? 3);
// The longer job: 30 more fits of 232 batches (6,960 batches; 120 of them log at N = 50, as each fit's callback
// counts its steps from 0) before measuring.
const LONG_WARM_FITS = Number(process.env.BENCH_TFJS_LONG_WARM_FITS ?? 30);

async function timedFit(model, xs, ys, callback) {
  const t0 = performance.now();
  await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, validationSplit: VALIDATION_SPLIT, verbose: 0, callbacks: [callback] });
  return { ms: performance.now() - t0, hookMs: callback.hookMs, callback };
}

/**
 * `longWarmFits`: telemetry fits run after the warm-up and before measuring, for the figure of a longer job
 * (V8 optimises code that runs once per batch, and more so once per logged batch, only after thousands of calls).
 */
async function fitOverheadCase(logEvery, longWarmFits = 0) {
  LOG_EVERY = logEvery;
  const xs = tf.randomNormal([SAMPLES, FEATURES], 0, 1, 'float32', 1);
  const ys = tf.randomNormal([SAMPLES, 1], 0, 1, 'float32', 2);
  const model = buildModel();
  const trainSamples = Math.floor(SAMPLES * (1 - VALIDATION_SPLIT));
  const batchesPerFit = EPOCHS * Math.ceil(trainSamples / BATCH);
  configure(model, 'fit.jsonl', EPOCHS * (WARM_FITS + longWarmFits + PAIRS), trainSamples);
  const telemetry = () => new MeasuredTelemetry({ callOnAppStart: false });
  const fallback = () => new MeasuredDefault({});
  const empty = () => new MeasuredEmpty();
  const floor = () => new MeasuredFloor();
  new OneLoggerTfjsCallback(); // onAppStart

  // Warm-up: JIT and kernels, every path. The first telemetry fit is kept as the cold figure.
  let firstWith;
  for (let i = 0; i < WARM_FITS; i++) {
    await timedFit(model, xs, ys, fallback());
    const r = await timedFit(model, xs, ys, telemetry());
    firstWith ??= r;
    await timedFit(model, xs, ys, empty());
    await timedFit(model, xs, ys, floor());
  }
  for (let i = 0; i < longWarmFits; i++) await timedFit(model, xs, ys, telemetry());

  const without = [];
  const withCb = [];
  const emptyCb = [];
  const floorCb = [];
  const kinds = [
    [without, fallback],
    [withCb, telemetry],
    [emptyCb, empty],
    [floorCb, floor],
  ];
  for (let i = 0; i < PAIRS; i++) {
    globalThis.gc?.();
    // The order rotates, so that no kind always follows another.
    for (let j = 0; j < kinds.length; j++) {
      const [runs, make] = kinds[(i + j) % kinds.length];
      runs.push(await timedFit(model, xs, ys, make()));
    }
  }
  await onAppEnd();
  const mWithout = median(without.map((r) => r.ms));
  const mWith = median(withCb.map((r) => r.ms));
  const minWithout = Math.min(...without.map((r) => r.ms));
  const minWith = Math.min(...withCb.map((r) => r.ms));
  // Hook time as a share of its own fit, per fit; the net figure is what replacing the default callback adds.
  const hookPct = (runs) => median(runs.map((r) => (r.hookMs / r.ms) * 100));
  return {
    fit_ms_without: mWithout,
    fit_ms_with: mWith,
    overhead_pct: ((mWith - mWithout) / mWithout) * 100,
    pair_overhead_pct: median(without.map((w, i) => ((withCb[i].ms - w.ms) / w.ms) * 100)),
    min_overhead_pct: ((minWith - minWithout) / minWithout) * 100,
    hook_pct_with: hookPct(withCb),
    hook_pct_without: hookPct(without),
    hook_net_pct: hookPct(withCb) - hookPct(without),
    hook_us_per_batch_with: median(withCb.map((r) => (r.hookMs * 1000) / batchesPerFit)),
    hook_us_per_batch_without: median(without.map((r) => (r.hookMs * 1000) / batchesPerFit)),
    hook_us_per_batch_empty: median(emptyCb.map((r) => (r.hookMs * 1000) / batchesPerFit)),
    // The telemetry callback's own time: its hooks minus an empty callback's, fit by fit of the same round.
    hook_us_per_batch_own: median(withCb.map((r, i) => ((r.hookMs - emptyCb[i].hookMs) * 1000) / batchesPerFit)),
    hook_us_per_batch_first_fit: (firstWith.hookMs * 1000) / batchesPerFit,
    // The floor callback's own time, the same way; and the telemetry callback's own time as a multiple of it.
    hook_us_per_batch_floor_own: median(floorCb.map((r, i) => ((r.hookMs - emptyCb[i].hookMs) * 1000) / batchesPerFit)),
    own_to_floor: median(withCb.map((r, i) => (r.hookMs - emptyCb[i].hookMs) / (floorCb[i].hookMs - emptyCb[i].hookMs))),
    floor_us_begin: median(floorCb.flatMap((r) => r.callback.beginUs)),
    floor_us_end_plain: median(floorCb.flatMap((r) => r.callback.plainEndUs)),
    floor_us_end_logged: median(floorCb.flatMap((r) => r.callback.loggedEndUs)),
    // Split of the telemetry callback's batch hooks over the measured fits: begin, an end that only ends the
    // iteration, an end that also logs the batch metrics and writes the training update (every LOG_EVERY steps).
    hook_us_begin: median(withCb.flatMap((r) => r.callback.beginUs)),
    hook_us_end_plain: median(withCb.flatMap((r) => r.callback.plainEndUs)),
    hook_us_end_logged: median(withCb.flatMap((r) => r.callback.loggedEndUs)),
    log_every: LOG_EVERY,
    long_warm_fits: longWarmFits,
    batch_ms: mWithout / batchesPerFit,
    batches_per_fit: batchesPerFit,
  };
}

/**
 * Forwards fit's hooks to one of several callbacks, chosen per epoch, and times every epoch. onTrainBegin/End go to
 * all of them (the telemetry callback keeps its training loop open across the fit).
 */
class EpochSwitch extends tf.Callback {
  constructor(callbacks, pick) {
    super();
    this.callbacks = callbacks;
    this.pick = pick;
    this.active = callbacks[0];
    this.times = [];
  }
  setParams(params) {
    super.setParams(params);
    for (const c of this.callbacks) c.setParams(params);
  }
  setModel(model) {
    super.setModel(model);
    for (const c of this.callbacks) c.setModel(model);
  }
  async onTrainBegin(logs) {
    for (const c of this.callbacks) await c.onTrainBegin(logs);
  }
  async onEpochBegin(epoch, logs) {
    this.kind = this.pick(epoch);
    this.active = this.callbacks[this.kind];
    this.t0 = performance.now();
    await this.active.onEpochBegin(epoch, logs);
  }
  async onBatchBegin(batch, logs) {
    await this.active.onBatchBegin(batch, logs);
  }
  async onBatchEnd(batch, logs) {
    await this.active.onBatchEnd(batch, logs);
  }
  async onEpochEnd(epoch, logs) {
    await this.active.onEpochEnd(epoch, logs);
    this.times.push({ epoch, kind: this.kind, ms: performance.now() - this.t0 });
  }
  async onTrainEnd(logs) {
    for (const c of this.callbacks) await c.onTrainEnd(logs);
  }
}

// Blocks of 3 epochs; the order of (telemetry, default, default again) rotates through all 6 permutations.
const ORDERS = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
  [0, 2, 1],
  [2, 1, 0],
  [1, 0, 2],
];
const WARM_EPOCHS = 6;

async function epochInterleavedCase() {
  const samples = 1024; // 32 batches of 32 per epoch
  const xs = tf.randomNormal([samples, FEATURES], 0, 1, 'float32', 1);
  const ys = tf.randomNormal([samples, 1], 0, 1, 'float32', 2);
  const model = buildModel();
  const epochs = 3 * BLOCKS + WARM_EPOCHS;
  configure(model, 'epochs.jsonl', epochs, samples);
  const telemetry = new OneLoggerTfjsCallback();
  const pick = (epoch) => (epoch < WARM_EPOCHS ? epoch % 3 : ORDERS[Math.floor(epoch / 3) % ORDERS.length][epoch % 3]);
  const sw = new EpochSwitch([telemetry, new tf.CustomCallback({}), new tf.CustomCallback({})], pick);
  await model.fit(xs, ys, { epochs, batchSize: BATCH, verbose: 0, callbacks: [sw] });
  await onAppEnd();
  const measuredEpochs = sw.times.filter((t) => t.epoch >= WARM_EPOCHS);
  const withTelemetry = [];
  const aa = [];
  for (let b = 0; b < measuredEpochs.length; b += 3) {
    const block = measuredEpochs.slice(b, b + 3);
    const ms = (k) => block.find((t) => t.kind === k).ms;
    withTelemetry.push(((ms(0) - ms(1)) / ms(1)) * 100);
    aa.push(((ms(2) - ms(1)) / ms(1)) * 100);
  }
  const epochMs = (k) => median(measuredEpochs.filter((t) => t.kind === k).map((t) => t.ms));
  return {
    epoch_ms_without: epochMs(1),
    epoch_ms_with: epochMs(0),
    overhead_pct: ((epochMs(0) - epochMs(1)) / epochMs(1)) * 100,
    aa_noise_pct: ((epochMs(2) - epochMs(1)) / epochMs(1)) * 100,
    pair_overhead_pct: median(withTelemetry),
    aa_pair_noise_pct: median(aa),
    blocks: withTelemetry.length,
  };
}

/**
 * What single operations cost inside a batch hook of a fit (TF.js kernels run between hooks, so the caches are
 * cold), each the first of its kind in the hook and again right after: a clock read; a fixed piece of JavaScript
 * (every 10th batch, also timed in a plain loop before the fits: the cost of any code in this context); a write(2) of a 250-byte
 * line to a file, every 10th batch like the callback's records at N = 10 (what the per-record FileExporter does
 * per record); reading the loss with `data()` (its synchronous part) and with `dataSync()`, in alternating order.
 * Measured in WARM_FITS fits after as many warm-up fits ("early") and again after LONG_WARM_FITS more ("late"):
 * the figures the telemetry callback's hook times are made of, measured on this machine.
 */
async function hookContextCase() {
  const xs = tf.randomNormal([SAMPLES, FEATURES], 0, 1, 'float32', 1);
  const ys = tf.randomNormal([SAMPLES, 1], 0, 1, 'float32', 2);
  const model = buildModel();
  const fd = openSync(join(dir, 'context.jsonl'), 'w');
  const line = `${'x'.repeat(249)}\n`;
  const fresh = () => ({ clock1: [], clock2: [], write1: [], write2: [], data: [], dataSync: [], work1: [], work2: [] });
  // A fixed piece of pure JavaScript (a training-update-sized line of 14 numbers from an object of statistics),
  // timed in a plain loop (warm) and in the hook, first and right again: what the hook context does to any code.
  const stats = { n: 0, sum: 0.25, min: 0.0021, max: 0.062, loss: 1.2896473407745361 };
  const fixedWork = () => {
    stats.n += 1;
    stats.sum += 0.0031;
    return `{"num_iterations":${stats.n},"avg":${stats.sum / stats.n},"min":${stats.min},"max":${stats.max},"total":${stats.sum},"loss":${stats.loss},"a":${stats.n * 32},"b":${stats.sum * 3},"c":${stats.min * 7},"d":${stats.max * 11},"e":${stats.loss / 3},"f":${stats.n / 7},"g":${stats.sum / 9},"h":${performance.now()}}`
      .length;
  };
  const warmWork = [];
  for (let i = 0; i < 20_000; i++) {
    const w0 = performance.now();
    fixedWork();
    warmWork.push(performance.now() - w0);
  }
  let t;
  class Probe extends tf.Callback {
    onBatchEnd(batch, logs) {
      const t0 = performance.now();
      const t1 = performance.now();
      const t2 = performance.now();
      let read;
      let dataUs;
      let dataSyncUs;
      if (batch % 2 === 0) {
        read = logs.loss.data();
        const t3 = performance.now();
        logs.loss.dataSync();
        dataUs = t3 - t2;
        dataSyncUs = performance.now() - t3;
      } else {
        logs.loss.dataSync();
        const t3 = performance.now();
        read = logs.loss.data();
        dataSyncUs = t3 - t2;
        dataUs = performance.now() - t3;
      }
      if (t !== undefined) {
        t.clock1.push(t1 - t0);
        t.clock2.push(t2 - t1);
        t.data.push(dataUs);
        t.dataSync.push(dataSyncUs);
      }
      if ((batch + 1) % 10 === 5) {
        const f0 = performance.now();
        fixedWork();
        const f1 = performance.now();
        fixedWork();
        const f2 = performance.now();
        if (t !== undefined) {
          t.work1.push(f1 - f0);
          t.work2.push(f2 - f1);
        }
      }
      if ((batch + 1) % 10 === 0) {
        const w0 = performance.now();
        writeSync(fd, line);
        const w1 = performance.now();
        writeSync(fd, line);
        const w2 = performance.now();
        if (t !== undefined) {
          t.write1.push(w1 - w0);
          t.write2.push(w2 - w1);
        }
      }
      return read;
    }
  }
  const fit = () => model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, verbose: 0, callbacks: [new Probe()] });
  const us = (values) => median(values) * 1000;
  const figures = (label) => ({
    [`clock_first_us_${label}`]: us(t.clock1),
    [`clock_second_us_${label}`]: us(t.clock2),
    [`write_first_us_${label}`]: us(t.write1),
    [`write_second_us_${label}`]: us(t.write2),
    [`data_us_${label}`]: us(t.data),
    [`data_sync_us_${label}`]: us(t.dataSync),
    [`fixed_work_first_us_${label}`]: us(t.work1),
    [`fixed_work_second_us_${label}`]: us(t.work2),
  });
  for (let i = 0; i < WARM_FITS; i++) await fit();
  t = fresh();
  for (let i = 0; i < WARM_FITS; i++) await fit();
  const early = figures('early');
  t = undefined;
  for (let i = 0; i < LONG_WARM_FITS; i++) await fit();
  t = fresh();
  for (let i = 0; i < WARM_FITS; i++) await fit();
  const late = figures('late');
  closeSync(fd);
  return { fixed_work_warm_us: us(warmWork.slice(10_000)), ...early, ...late };
}

/**
 * Where the time of a batch that writes a training update goes: the training callbacks called straight from a plain
 * TF.js callback (no OneLoggerTfjsCallback), metrics every 50 iterations, with no exporter (the update is built and
 * recorded only), a buffered file (serialised too) or the per-record file (written too). Medians of the begin hook,
 * of a plain end and of an end that records the update, over MEASURED_FITS fits after WARM_FITS. The three cases side
 * by side split the cost of that one end into building, serialising and writing, in the cold context of a fit.
 */
async function recorderInFitCase(exporter) {
  const every = 50;
  const xs = tf.randomNormal([SAMPLES, FEATURES], 0, 1, 'float32', 1);
  const ys = tf.randomNormal([SAMPLES, 1], 0, 1, 'float32', 2);
  const model = buildModel();
  const exporters = {
    none: [],
    buffered: [new FileExporter({ filePath: join(dir, 'recorder-buffered.jsonl'), buffered: true })],
    per_record: [new FileExporter({ filePath: join(dir, 'recorder-per-record.jsonl') })],
  }[exporter];
  const builder = TrainingTelemetryProvider.instance().withBaseConfig({
    ...tfjsBaseConfig({ applicationName: 'bench-tfjs', sessionTag: 'bench' }),
    telemetryConfig: { ...configFromModel(model, { batchSize: BATCH, epochs: EPOCHS, samples: SAMPLES }), logEveryNTrainIterations: every },
  });
  for (const e of exporters) builder.withExporter(e);
  builder.configureProvider();
  onAppStart();
  onTrainStart({ trainIterationsStart: 0 });
  const MEASURED_FITS = 6;
  const t = { begin: [], plain: [], logged: [] };
  let measuring = false;
  let step = 0;
  class Direct extends tf.Callback {
    onBatchBegin() {
      const t0 = performance.now();
      onTrainingSingleIterationStart();
      const dt = performance.now() - t0;
      if (measuring) t.begin.push(dt * 1000);
    }
    onBatchEnd() {
      const t0 = performance.now();
      onTrainingSingleIterationEnd();
      const dt = performance.now() - t0;
      step += 1;
      if (measuring) (step % every === 0 ? t.logged : t.plain).push(dt * 1000);
    }
  }
  const fit = () => model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, verbose: 0, callbacks: [new Direct()] });
  for (let i = 0; i < WARM_FITS; i++) await fit();
  measuring = true;
  for (let i = 0; i < MEASURED_FITS; i++) await fit();
  await onAppEnd();
  return { begin_us: median(t.begin), end_plain_us: median(t.plain), end_logged_us: median(t.logged), logged_ends: t.logged.length };
}

const cases = {
  fit_overhead: () => fitOverheadCase(10),
  fit_overhead_n50: () => fitOverheadCase(50),
  fit_overhead_n50_long: () => fitOverheadCase(50, LONG_WARM_FITS),
  epoch_interleaved: epochInterleavedCase,
  hook_context: hookContextCase,
  recorder_in_fit_none: () => recorderInFitCase('none'),
  recorder_in_fit_buffered: () => recorderInFitCase('buffered'),
  recorder_in_fit_per_record: () => recorderInFitCase('per_record'),
};
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
