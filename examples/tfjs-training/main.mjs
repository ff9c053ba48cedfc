// A real TensorFlow.js training job instrumented with @nv-one-logger/tfjs: a small MLP (2 hidden Dense layers)
// classifies points of a generated 3-class dataset, trained with model.fit, validated every epoch, with periodic
// checkpoints (model.json + weights.bin) written to runs/<session>/checkpoints/step-<globalStep>/. Telemetry goes
// to runs/<session>/telemetry.jsonl; at the end the job runs `one-logger summarize` on it and writes
// runs/<session>/report.html.
//
//   node examples/tfjs-training/main.mjs [--epochs 15] [--batch-size 32] [--checkpoint-every 3]
//        [--async-checkpoints] [--session tfjs-demo] [--out runs] [--resume] [--prometheus-port 9464]
//
// --prometheus-port serves the live training metrics (iterations, samples/s, iteration time, checkpoint saves,
// loss and accuracy, ...) for Prometheus at http://127.0.0.1:<port>/metrics while the job trains; watch them with
// `curl -s localhost:<port>/metrics | grep one_logger_` or scrape the port from Prometheus (see
// packages/prometheus/README.md).
// With WANDB_API_KEY set, the run also goes to Weights & Biases through @nv-one-logger/wandb (WANDB_ENTITY,
// WANDB_PROJECT, WANDB_BASE_URL and WANDB_NAME apply; the run is named after the session otherwise): the loss,
// accuracy and val_* curves on the global step, the job's timings, and the training config as the run config.
// --resume loads the newest checkpoint of the session, continues the global step from it (initialGlobalStep)
// for --epochs more epochs, and appends to the same telemetry file, so the summary shows both sessions.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FileExporter } from '@nv-one-logger/core';
import { PrometheusExporter } from '@nv-one-logger/prometheus';
import {
  configFromModel,
  fileSystemLoadHandler,
  fileSystemSaveHandler,
  instrumentSaveHandler,
  loadCheckpoint,
  OneLoggerTfjsCallback,
  tfjsBaseConfig,
  withApplication,
  withDataloaderInit,
  withModelInit,
  withOptimizerInit,
} from '@nv-one-logger/tfjs';
import { CheckpointStrategy, TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';
import { WandBExporterAsync } from '@nv-one-logger/wandb';
import * as tf from '@tensorflow/tfjs';

tf.enableProdMode();

const USAGE = `Usage: node examples/tfjs-training/main.mjs [options]

Trains a small TF.js MLP with model.fit and writes <out>/<session>/: telemetry.jsonl, checkpoints/, report.html.

Options:
  --epochs <n>              epochs to train (default 15)
  --batch-size <n>          batch size (default 32)
  --checkpoint-every <n>    save a checkpoint every n epochs (default 3)
  --async-checkpoints       write checkpoints in the background
  --session <name>          session tag and folder name (default tfjs-demo)
  --out <dir>               output folder (default runs)
  --resume                  continue from the newest checkpoint of the session
  --prometheus-port <port>  serve live training metrics for Prometheus on this port (0 picks a free one)
  -h, --help                this help

With WANDB_API_KEY set, the run also goes to Weights & Biases.
`;
let values;
try {
  ({ values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '15' },
      'batch-size': { type: 'string', default: '32' },
      'checkpoint-every': { type: 'string', default: '3' },
      'async-checkpoints': { type: 'boolean', default: false },
      session: { type: 'string', default: 'tfjs-demo' },
      out: { type: 'string', default: 'runs' },
      resume: { type: 'boolean', default: false },
      'prometheus-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  // A usage error is one line and the usage, never a stack trace.
  console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const epochs = Number(values.epochs);
const batchSize = Number(values['batch-size']);
const checkpointEveryEpochs = Number(values['checkpoint-every']);
for (const [name, v] of [
  ['--epochs', epochs],
  ['--batch-size', batchSize],
  ['--checkpoint-every', checkpointEveryEpochs],
]) {
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`${name} must be a positive integer`);
    process.exit(2);
  }
}
const prometheusPort = values['prometheus-port'] === undefined ? undefined : Number(values['prometheus-port']);
if (prometheusPort !== undefined && !(Number.isInteger(prometheusPort) && prometheusPort >= 0 && prometheusPort <= 65535)) {
  console.error('--prometheus-port must be a port number (0-65535; 0 picks a free one)');
  process.exit(2);
}
const session = values.session;
const resume = values.resume;
const runDir = resolve(values.out, session);
const checkpointDir = join(runDir, 'checkpoints');
const telemetryPath = join(runDir, 'telemetry.jsonl');
const reportPath = join(runDir, 'report.html');
const cli = new URL('../../packages/cli/bin/one-logger.js', import.meta.url).pathname;

const FEATURES = 8;
const CLASSES = 3;
const TRAIN_SIZE = 2048;
const VAL_SIZE = 512;
const stepsPerEpoch = Math.ceil(TRAIN_SIZE / batchSize);

/** The newest checkpoint of the session: the `step-<N>` directory with the largest N that has a model.json. */
function latestCheckpoint() {
  if (!existsSync(checkpointDir)) return undefined;
  const steps = readdirSync(checkpointDir)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m) => m !== null && existsSync(join(checkpointDir, m[0], 'model.json')))
    .map((m) => Number(m[1]));
  if (steps.length === 0) return undefined;
  const step = Math.max(...steps);
  return { step, dir: join(checkpointDir, `step-${step}`) };
}

let resumeFrom;
if (resume) {
  resumeFrom = latestCheckpoint();
  if (resumeFrom === undefined) {
    console.error(`--resume: no checkpoint in ${checkpointDir}; run once without --resume first`);
    process.exit(2);
  }
  if (resumeFrom.step % stepsPerEpoch !== 0) {
    console.error(`--resume: checkpoint step ${resumeFrom.step} is not an epoch boundary for --batch-size ${batchSize}`);
    process.exit(2);
  }
} else {
  // A fresh run starts from an empty directory (the exporter appends; resumed runs append on purpose).
  rmSync(runDir, { recursive: true, force: true });
}
const initialEpoch = resumeFrom === undefined ? 0 : resumeFrom.step / stepsPerEpoch;
const totalEpochs = initialEpoch + epochs;

/**
 * Deterministic data: three Gaussian blobs in FEATURES dimensions whose class also depends non-linearly on the
 * first two coordinates (a ring), so a linear model is not enough.
 */
function makeData(n, seed) {
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const xs = new Float32Array(n * FEATURES);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = random() * 3;
    const angle = random() * 2 * Math.PI;
    const label = r < 1 ? 0 : r < 2 ? 1 : 2;
    labels[i] = label;
    xs[i * FEATURES] = r * Math.cos(angle);
    xs[i * FEATURES + 1] = r * Math.sin(angle);
    for (let j = 2; j < FEATURES; j++) xs[i * FEATURES + j] = gauss() * 0.5 + (j % CLASSES === label ? 0.3 : 0);
  }
  return { xs: tf.tensor2d(xs, [n, FEATURES]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat() };
}

function buildModel() {
  const model = tf.sequential({ name: 'mlp_classifier' });
  model.add(
    tf.layers.dense({
      inputShape: [FEATURES],
      units: 64,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return model;
}

function compile(model) {
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
}

// The telemetry config is derived from the architecture (FLOPs per sample, targets); a resumed job's targets
// cover the whole job, from step 0 to the end of this run.
const skeleton = buildModel();
const prometheus = prometheusPort === undefined ? undefined : new PrometheusExporter({ port: prometheusPort, host: '127.0.0.1' });
const telemetryProvider = TrainingTelemetryProvider.instance()
  .withBaseConfig({
    ...tfjsBaseConfig({ applicationName: 'tfjs_training', sessionTag: session, rank0Only: true }),
    telemetryConfig: configFromModel(skeleton, {
      batchSize,
      epochs: totalEpochs,
      stepsPerEpoch,
      logEveryNTrainIterations: 16,
      saveCheckpointStrategy: values['async-checkpoints'] ? CheckpointStrategy.ASYNC : CheckpointStrategy.SYNC,
    }),
  })
  .withExporter(new FileExporter({ filePath: telemetryPath }));
if (prometheus !== undefined) telemetryProvider.withExporter(prometheus);
// W&B only when a key is configured; everything else about the run comes from the WANDB_* variables.
const wandb = process.env.WANDB_API_KEY?.trim() ? new WandBExporterAsync(process.env.WANDB_NAME ? {} : { runName: session }) : undefined;
if (wandb !== undefined) telemetryProvider.withExporter(wandb);
telemetryProvider.configureProvider();
skeleton.dispose();
if (prometheus !== undefined) {
  const address = await prometheus.address;
  if (address !== undefined) console.log(`prometheus metrics at http://127.0.0.1:${address.port}/metrics while the job trains`);
}

const started = performance.now();
console.log(
  resumeFrom === undefined
    ? `tfjs-training: session ${session}, ${epochs} epochs of ${stepsPerEpoch} batches of ${batchSize} (backend ${tf.getBackend()})`
    : `tfjs-training: resuming session ${session} from ${resumeFrom.dir} (global step ${resumeFrom.step}, epoch ${initialEpoch}), ${epochs} more epochs`,
);

const result = await withApplication(async () => {
  const { train, val } = await withDataloaderInit(() => ({ train: makeData(TRAIN_SIZE, 7), val: makeData(VAL_SIZE, 99) }));
  let model;
  if (resumeFrom === undefined) {
    model = withModelInit(() => buildModel());
  } else {
    model = await loadCheckpoint(fileSystemLoadHandler(resumeFrom.dir));
  }
  withOptimizerInit(() => compile(model));

  const telemetry = new OneLoggerTfjsCallback({
    initialGlobalStep: resumeFrom?.step ?? 0,
    checkpointEvery: {
      epochs: checkpointEveryEpochs,
      url: (step) => fileSystemSaveHandler(join(checkpointDir, `step-${step}`)),
    },
  });
  let lastSavedStep = resumeFrom?.step;
  let last;
  await telemetry.fit(model, train.xs, train.ys, {
    epochs: totalEpochs,
    initialEpoch,
    batchSize,
    shuffle: true,
    validationData: [val.xs, val.ys],
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        last = logs;
        if ((epoch + 1) % checkpointEveryEpochs === 0) lastSavedStep = telemetry.globalStep;
        console.log(
          `epoch ${String(epoch + 1).padStart(2)}/${totalEpochs}: loss ${logs.loss.toFixed(4)}, acc ${logs.acc.toFixed(3)}, ` +
            `val loss ${logs.val_loss.toFixed(4)}, val acc ${logs.val_acc.toFixed(3)} (step ${telemetry.globalStep})`,
        );
      },
    },
  });
  // Always leave a checkpoint of the final weights, so --resume continues exactly where this run stopped.
  if (lastSavedStep !== telemetry.globalStep) {
    const finalSave = instrumentSaveHandler(
      fileSystemSaveHandler(join(checkpointDir, `step-${telemetry.globalStep}`)),
      () => telemetry.globalStep,
    );
    await model.save(finalSave);
  }
  tf.dispose([train.xs, train.ys, val.xs, val.ys]);
  return { step: telemetry.globalStep, last };
}); // waits for background checkpoint writes, then ends the application (flushes and closes the exporter)

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `trained to global step ${result.step} in ${seconds} s; final val loss ${result.last.val_loss.toFixed(4)}, val acc ${result.last.val_acc.toFixed(3)}`,
);
console.log(`checkpoints in ${checkpointDir}`);
console.log(`telemetry written to ${telemetryPath}`);
if (wandb !== undefined) {
  const { entity, project, runId } = wandb.run;
  const { sent, dropped } = wandb.stats;
  console.log(`W&B run ${entity ?? '?'}/${project}/${runId}: ${sent} rows sent, ${dropped} dropped`);
}

// Turn the telemetry into answers: the terminal summary, then the HTML report.
console.log('');
const summarized = spawnSync(process.execPath, [cli, 'summarize', telemetryPath], { stdio: 'inherit' });
const report = spawnSync(process.execPath, [cli, 'report', telemetryPath, '-o', reportPath], { stdio: 'inherit' });
if (summarized.status !== 0 || report.status !== 0) process.exitCode = 1;
else console.log(`open it in a browser: ${pathToFileURL(reportPath).href}`);
