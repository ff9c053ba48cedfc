import { ConfigError, type ValueOrFn } from '@nv-one-logger/core';
import type { TrainingTelemetryConfigInput } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { estimateFlopsPerSample } from './flops.js';

/** What the model and the fit arguments tell; any training config field given here wins over the derived one. */
export interface ConfigFromModelOptions extends Partial<TrainingTelemetryConfigInput> {
  /** The `batchSize` given to fit on each rank. */
  batchSize: number;
  /** Ranks training together (data parallel). Default 1. */
  worldSize?: number;
  /** Epochs of the whole job (for the targets). */
  epochs?: number;
  /** Batches per epoch; or give `samples`. */
  stepsPerEpoch?: number;
  /** Training samples per epoch on each rank (batches per epoch = ⌈samples / batchSize⌉). */
  samples?: number;
}

const WHERE = 'configFromModel';
const OWN_KEYS = new Set(['batchSize', 'worldSize', 'epochs', 'stepsPerEpoch', 'samples']);

function positiveInt(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${WHERE}.${field}`, value, 'must be a positive integer');
  }
  return value;
}

function optionalPositiveInt(field: string, value: unknown): number | undefined {
  return value === undefined ? undefined : positiveInt(field, value);
}

/**
 * A training telemetry config derived from the model and the fit arguments:
 * `globalBatchSize = batchSize × worldSize`, `flopsPerSample` = `estimateFlopsPerSample(model)` (training FLOPs),
 * `trainIterationsTarget = epochs × stepsPerEpoch`, `trainSamplesTarget = trainIterationsTarget × globalBatchSize`,
 * throughput logging on when a FLOPs figure and both targets are known, `perfTag` = the model's name, and a
 * `backend` custom-metadata entry (`tf.getBackend()`, e.g. `cpu`), which tells the CLI summary whether the
 * throughput is per GPU.
 */
export function configFromModel(model: tf.LayersModel, options: ConfigFromModelOptions): TrainingTelemetryConfigInput {
  const batchSize = positiveInt('batchSize', options.batchSize);
  const worldSize = optionalPositiveInt('worldSize', options.worldSize) ?? 1;
  const epochs = optionalPositiveInt('epochs', options.epochs);
  const samples = optionalPositiveInt('samples', options.samples);
  const stepsPerEpoch =
    optionalPositiveInt('stepsPerEpoch', options.stepsPerEpoch) ?? (samples !== undefined ? Math.ceil(samples / batchSize) : undefined);

  const overrides: Partial<TrainingTelemetryConfigInput> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!OWN_KEYS.has(key) && value !== undefined) (overrides as Record<string, unknown>)[key] = value;
  }

  const globalBatchSize: ValueOrFn<number> = overrides.globalBatchSize ?? batchSize * worldSize;
  let flopsPerSample: ValueOrFn<number> | undefined = overrides.flopsPerSample;
  if (flopsPerSample === undefined) {
    const estimate = estimateFlopsPerSample(model);
    if (estimate > 0) flopsPerSample = estimate;
  }
  let trainIterationsTarget = overrides.trainIterationsTarget;
  if (trainIterationsTarget === undefined && epochs !== undefined && stepsPerEpoch !== undefined)
    trainIterationsTarget = epochs * stepsPerEpoch;
  let trainSamplesTarget = overrides.trainSamplesTarget;
  if (trainSamplesTarget === undefined && typeof trainIterationsTarget === 'number' && typeof globalBatchSize === 'number') {
    trainSamplesTarget = trainIterationsTarget * globalBatchSize;
  }
  const throughputPossible = flopsPerSample !== undefined && trainIterationsTarget !== undefined && trainSamplesTarget !== undefined;

  const config: TrainingTelemetryConfigInput = {
    ...overrides,
    perfTag: overrides.perfTag ?? model.name,
    globalBatchSize,
    customMetadata: { backend: tf.getBackend(), ...overrides.customMetadata },
    isLogThroughputEnabled: overrides.isLogThroughputEnabled ?? throughputPossible,
  };
  if (flopsPerSample !== undefined) config.flopsPerSample = flopsPerSample;
  if (trainIterationsTarget !== undefined) config.trainIterationsTarget = trainIterationsTarget;
  if (trainSamplesTarget !== undefined) config.trainSamplesTarget = trainSamplesTarget;
  return config;
}
