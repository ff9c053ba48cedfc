import type * as tf from '@tensorflow/tfjs';

// Members of tfjs-layers 4.x that are not in its public typings but that the integration relies on. Each use
// checks that the member exists and falls back to public behaviour if it does not.

/** Batch logs as a `tf.Callback` subclass receives them: scalars are still tensors. */
export type UnresolvedLogs = { [key: string]: number | tf.Scalar };

/** The test function that `testLoop` runs once per batch. */
export type TestFunction = (data: tf.Tensor[]) => tf.Scalar[];

/** The parts of a `tf.LayersModel` instance that fit/fitDataset use internally. */
export interface LayersModelInternals {
  /** True while `fit`/`fitDataset` runs (reset in their `finally`). */
  isTraining?: boolean;
  /** Synchronous validation loop that `fit` runs inside the last batch of an epoch (and `evaluate` uses). */
  testLoop?: (f: TestFunction, ins: tf.Tensor[], batchSize?: number, verbose?: number, steps?: number) => tf.Scalar[];
  /** Dataset evaluation that `fitDataset` runs between the last batch and `onEpochEnd`. */
  evaluateDataset?: (dataset: unknown, args?: unknown) => Promise<tf.Scalar | tf.Scalar[]>;
}

export function internalsOf(model: tf.LayersModel): LayersModelInternals {
  return model as unknown as LayersModelInternals;
}

/** The `params` that fit/fitDataset hand to callbacks (`tf.Callback.params`). */
export interface FitParams {
  epochs: number | undefined;
  initialEpoch: number | undefined;
  /** Training samples per epoch (fit only). */
  samples: number | undefined;
  /** Batches per epoch (fitDataset only, when known). */
  steps: number | undefined;
  batchSize: number | undefined;
  doValidation: boolean;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function fitParamsOf(params: unknown): FitParams {
  const p = (params ?? {}) as Record<string, unknown>;
  return {
    epochs: finiteNumber(p.epochs),
    initialEpoch: finiteNumber(p.initialEpoch),
    samples: finiteNumber(p.samples),
    steps: finiteNumber(p.steps),
    batchSize: finiteNumber(p.batchSize),
    doValidation: p.doValidation === true,
  };
}

/** Batches per epoch: `steps` (fitDataset) or ⌈samples / batchSize⌉ (fit); undefined when unknown. */
export function stepsPerEpochOf(p: FitParams): number | undefined {
  if (p.steps !== undefined && p.steps > 0) return p.steps;
  if (p.samples !== undefined && p.batchSize !== undefined && p.batchSize > 0) return Math.ceil(p.samples / p.batchSize);
  return undefined;
}
