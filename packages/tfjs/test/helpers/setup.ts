// Shared test setup: a configured provider with a real FileExporter in a temp dir, tiny real TF.js models and
// generated data, and record queries. Every record read back is validated against the JSON Schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorHandlingStrategy, ExportCustomizationMode, FileExporter, internalLogger } from '@nv-one-logger/core';
import { type TrainingTelemetryConfigInput, TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { type Rec, readRecords } from '../../../core/test/helpers/records.js';

tf.enableProdMode();

export type { Rec };

export interface Setup {
  dir: string;
  file: string;
  records(): Rec[];
  cleanup(): void;
}

export interface SetupOptions {
  telemetry?: Partial<TrainingTelemetryConfigInput> | null;
  /** Export training_single_iteration spans too (to count them). */
  exportAll?: boolean;
  quiet?: boolean;
  enableForCurrentRank?: boolean;
  file?: string;
  dir?: string;
}

/** Configures the provider from scratch (singleton reset) with a FileExporter writing to a fresh temp dir. */
export function setup(options: SetupOptions = {}): Setup {
  TrainingTelemetryProvider.resetForTests();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ol-tfjs-'));
  const file = join(dir, options.file ?? 'telemetry.jsonl');
  const telemetry =
    options.telemetry === null
      ? undefined
      : { perfTag: 'tfjs-test', globalBatchSize: 8, logEveryNTrainIterations: 5, ...options.telemetry };
  const provider = TrainingTelemetryProvider.instance().withBaseConfig({
    applicationName: 'tfjs-test',
    sessionTag: 'test',
    worldSize: 1,
    ...(telemetry !== undefined ? { telemetryConfig: telemetry as TrainingTelemetryConfigInput } : {}),
    ...(options.quiet ? { errorHandlingStrategy: ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR } : {}),
    ...(options.enableForCurrentRank === false ? { enableForCurrentRank: false } : {}),
    loggerConfig: { logLevel: 'CRITICAL' },
  });
  if (options.exportAll) provider.withExportCustomization(ExportCustomizationMode.EXPORT_ALL_SPANS);
  provider.withExporter(new FileExporter({ filePath: file })).configureProvider();
  return {
    dir,
    file,
    records: () => readRecords(file),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export { internalLogger };

// ------------------------------------------------------------------ models and data

/** Dense(4 → 8, relu) → Dense(1), SGD, MSE. */
export function mlp(): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tf.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  return model;
}

/** `n` samples of 4 features with a linear target (deterministic). */
export function data(n: number, seed = 1): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const xs = tf.randomNormal([n, 4], 0, 1, 'float32', seed) as tf.Tensor2D;
  const ys = tf.tidy(() => xs.matMul(tf.tensor2d([[0.5], [-1], [2], [0.25]])).add(0.1)) as tf.Tensor2D;
  return { xs, ys };
}

/** The same data as a tf.data dataset of batches. */
export function dataset(n: number, batchSize: number, seed = 1): tf.data.Dataset<tf.TensorContainer> {
  const { xs, ys } = data(n, seed);
  return tf.data
    .zip({ xs: tf.data.array(xs.arraySync() as number[][]), ys: tf.data.array(ys.arraySync() as number[][]) })
    .map((v) => {
      const o = v as { xs: number[]; ys: number[] };
      return { xs: tf.tensor1d(o.xs), ys: tf.tensor1d(o.ys) };
    })
    .batch(batchSize) as unknown as tf.data.Dataset<tf.TensorContainer>;
}

// ------------------------------------------------------------------ record queries

/** `type:name` of every record (events by event name). */
export function labels(recs: Rec[]): string[] {
  return recs.map((r) => {
    if (r.type === 'event' || r.type === 'application_error') return `${r.type}:${r.event.name}`;
    if (r.type === 'telemetry_data_error') return 'telemetry_data_error';
    return `${r.type}:${r.name}`;
  });
}

/** Span records (start or complete) named `name`, i.e. one per span. */
export function spansNamed(recs: Rec[], name: string): Rec[] {
  return recs.filter((r) => (r.type === 'start' || r.type === 'complete') && r.name === name);
}

/** The stop (or complete) record of span `id`. */
export function stopOf(recs: Rec[], id: string): Rec | undefined {
  return recs.find((r) => (r.type === 'stop' || r.type === 'complete') && r.id === id);
}

export function eventsNamed(recs: Rec[], name: string): Rec[] {
  return recs.filter((r) => r.type === 'event' && r.event.name === name);
}

export function errorsOf(recs: Rec[]): Rec[] {
  return recs.filter((r) => r.type === 'application_error');
}

/** Index of the first record matching `pred` (for order assertions). */
export function indexOf(recs: Rec[], pred: (r: Rec) => boolean): number {
  return recs.findIndex(pred);
}
