import type * as tf from '@tensorflow/tfjs';
import type { UnresolvedLogs } from './tfjs-internals.js';

// The logs TF.js hands to callbacks, as model metrics: numbers as they are, scalar tensors read back. fit adds
// `batch` and `size` (the batch index and its sample count) to batch logs: bookkeeping, not metrics.

const NOT_METRICS: ReadonlySet<string> = new Set(['batch', 'size']);

function isLiveTensor(value: number | tf.Scalar | undefined): value is tf.Scalar {
  return typeof value === 'object' && value !== null && !value.isDisposed;
}

/** The metrics in `logs` in insertion order (undefined when none), reading each tensor with `read`. */
function collect(logs: UnresolvedLogs, read: (tensor: tf.Scalar) => number | undefined): Record<string, number> | undefined {
  let out: Record<string, number> | undefined;
  for (const key in logs) {
    if (NOT_METRICS.has(key)) continue;
    const value = logs[key];
    const n = typeof value === 'number' ? value : typeof value === 'object' && value !== null ? read(value) : undefined;
    if (n === undefined) continue;
    out ??= {};
    out[key] = n;
  }
  return out;
}

/**
 * The metrics in `logs`, tensors read with `dataSync()`. For backends whose kernels have completed when a hook
 * runs (cpu, wasm, tensorflow): there the read is a copy, and the hook needs no promise and no turn of the
 * microtask queue, where `data()` is TF.js's asynchronous read (measured in a batch hook: several times the cost
 * of `dataSync()`, see the tfjs bench's hook_context case). A disposed tensor is skipped.
 */
export function metricsFromLogsNow(logs: UnresolvedLogs | undefined): Record<string, number> | undefined {
  if (logs === undefined || logs === null) return undefined;
  return collect(logs, (tensor) => (tensor.isDisposed ? undefined : tensor.dataSync()[0]));
}

/** As `metricsFromLogsNow`, tensors read with `await data()`: for backends that run kernels asynchronously. */
export async function metricsFromLogs(logs: UnresolvedLogs | undefined): Promise<Record<string, number> | undefined> {
  if (logs === undefined || logs === null) return undefined;
  const values = new Map<tf.Scalar, number>();
  for (const key in logs) {
    const value = logs[key];
    if (NOT_METRICS.has(key) || !isLiveTensor(value)) continue;
    const n = (await value.data())[0];
    if (n !== undefined) values.set(value, n);
  }
  return collect(logs, (tensor) => values.get(tensor));
}
