import { onValidationEnd, onValidationStart, testingLoop, validationLoop } from '@nv-one-logger/training-telemetry';
import * as tf from '@tensorflow/tfjs';
import { quietly } from './telemetry.js';
import { internalsOf } from './tfjs-internals.js';
import { interceptValidation } from './validation-interceptor.js';

// model.evaluate / evaluateDataset take no callbacks: these wrappers report them as a testing loop (default) or
// a validation loop. The loop ends once the results are read back, so it covers the device work too.

export interface InstrumentedEvaluateOptions {
  /** Report as `testing_loop` (default) or `validation_loop`. */
  as?: 'testing' | 'validation';
}

type EvaluateX = Parameters<tf.LayersModel['evaluate']>[0];
type EvaluateY = Parameters<tf.LayersModel['evaluate']>[1];
type EvaluateArgs = Parameters<tf.LayersModel['evaluate']>[2];

/** The LayersModel that actually runs (a Sequential delegates to an inner functional model). */
function runningModelOf(model: tf.LayersModel): tf.LayersModel {
  const inner = (model as unknown as { model?: unknown }).model;
  return inner instanceof tf.LayersModel ? inner : model;
}

async function settle(out: tf.Scalar | tf.Scalar[]): Promise<tf.Scalar | tf.Scalar[]> {
  await Promise.all((Array.isArray(out) ? out : [out]).map((t) => t.data()));
  return out;
}

/**
 * `model.evaluate` as a testing or validation loop. As a validation loop, each evaluation batch is also a
 * validation iteration (the validation timing statistics of the `validation_metrics_update` event).
 */
export async function instrumentedEvaluate(
  model: tf.LayersModel,
  x: EvaluateX,
  y: EvaluateY,
  args?: EvaluateArgs,
  options: InstrumentedEvaluateOptions = {},
): Promise<tf.Scalar | tf.Scalar[]> {
  if (options.as !== 'validation') return testingLoop(() => settle(model.evaluate(x, y, args)));
  const running = runningModelOf(model);
  // Without the internal hook (another TF.js version) the whole call is the validation loop, without iterations.
  if (typeof internalsOf(running).testLoop !== 'function') return validationLoop(() => settle(model.evaluate(x, y, args)));
  let active = true;
  let open = false;
  const remove = interceptValidation(running, {
    shouldRecord: () => active && !open,
    begin: () => {
      onValidationStart();
      open = true;
    },
    end: (failed) => {
      active = false;
      if (!failed) return; // ended below, once the results are read back
      open = false;
      quietly('onValidationEnd', () => onValidationEnd());
    },
  });
  let out: tf.Scalar | tf.Scalar[];
  try {
    out = await settle(model.evaluate(x, y, args));
  } catch (e) {
    if (open) quietly('onValidationEnd', () => onValidationEnd());
    throw e;
  } finally {
    active = false;
    remove();
  }
  if (open) onValidationEnd();
  return out;
}

/** `model.evaluateDataset` as a testing or validation loop (without per-batch iterations). */
export function instrumentedEvaluateDataset<T extends tf.TensorContainer>(
  model: tf.LayersModel,
  dataset: tf.data.Dataset<T>,
  args?: Parameters<tf.LayersModel['evaluateDataset']>[1],
  options: InstrumentedEvaluateOptions = {},
): Promise<tf.Scalar | tf.Scalar[]> {
  const run = async () => settle(await model.evaluateDataset(dataset as unknown as tf.data.Dataset<{}>, args));
  return options.as === 'validation' ? validationLoop(run) : testingLoop(run);
}
