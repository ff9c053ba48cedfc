import { onValidationSingleIterationEnd, onValidationSingleIterationStart } from '@nv-one-logger/training-telemetry';
import type * as tf from '@tensorflow/tfjs';
import { internalsOf, type LayersModelInternals, type TestFunction } from './tfjs-internals.js';

// TF.js has no validation hooks. `fit` validates synchronously *inside* the last batch of an epoch (its
// `testLoop`, between onBatchBegin and onBatchEnd); `fitDataset` validates between the last onBatchEnd and
// onEpochEnd (`evaluate` → `testLoop`, or `evaluateDataset`). While a fit runs, these two methods are shadowed
// on the model instance so the validation loop gets its real start and end, and — for `testLoop` — one
// validation iteration per validation batch. Outside a fit the wrappers pass straight through.

export interface ValidationHooks {
  /** Whether this call is the fit's validation (and should be recorded). */
  shouldRecord(): boolean;
  /** Validation starts: end the training iteration it interrupts, start the validation loop. */
  begin(): void;
  /** Validation ended; `failed` when it threw (then the hook must not throw over that error). */
  end(failed: boolean): void;
}

type Restorer = () => void;

function shadow<K extends keyof LayersModelInternals>(
  internals: LayersModelInternals,
  key: K,
  make: (original: NonNullable<LayersModelInternals[K]>) => NonNullable<LayersModelInternals[K]>,
): Restorer | undefined {
  const original = internals[key];
  if (typeof original !== 'function') return undefined;
  const hadOwn = Object.hasOwn(internals, key);
  const wrapper = make(original as NonNullable<LayersModelInternals[K]>);
  internals[key] = wrapper;
  return () => {
    if (internals[key] !== wrapper) return; // someone replaced it after us: leave theirs alone
    if (hadOwn) internals[key] = original;
    else delete internals[key];
  };
}

/** Wraps a test function so each validation batch is a validation iteration. */
function timedTestFunction(f: TestFunction): TestFunction {
  return (data) => {
    onValidationSingleIterationStart();
    let out: tf.Scalar[];
    try {
      out = f(data);
    } catch (e) {
      try {
        onValidationSingleIterationEnd();
      } catch {
        // The validation error wins.
      }
      throw e;
    }
    onValidationSingleIterationEnd();
    return out;
  };
}

/** Installs the validation wrappers on `model`; returns a function that removes them. */
export function interceptValidation(model: tf.LayersModel, hooks: ValidationHooks): () => void {
  const internals = internalsOf(model);
  const restorers: Restorer[] = [];

  const testLoop = shadow(
    internals,
    'testLoop',
    (original) =>
      function (this: unknown, f, ins, ...rest) {
        if (!hooks.shouldRecord()) return original.call(this, f, ins, ...rest);
        hooks.begin();
        let out: tf.Scalar[];
        try {
          out = original.call(this, timedTestFunction(f), ins, ...rest);
        } catch (e) {
          hooks.end(true);
          throw e;
        }
        hooks.end(false);
        return out;
      },
  );
  if (testLoop !== undefined) restorers.push(testLoop);

  const evaluateDataset = shadow(
    internals,
    'evaluateDataset',
    (original) =>
      async function (this: unknown, dataset, args) {
        if (!hooks.shouldRecord()) return original.call(this, dataset, args);
        hooks.begin();
        let out: tf.Scalar | tf.Scalar[];
        try {
          out = await original.call(this, dataset, args);
        } catch (e) {
          hooks.end(true);
          throw e;
        }
        hooks.end(false);
        return out;
      },
  );
  if (evaluateDataset !== undefined) restorers.push(evaluateDataset);

  return () => {
    for (const restore of restorers.reverse()) restore();
  };
}
