import type { UnresolvedLogs } from './tfjs-internals.js';

// The logs TF.js hands to callbacks, as model metrics: numbers as they are, scalar tensors read back. fit adds
// `batch` and `size` (the batch index and its sample count) to batch logs: bookkeeping, not metrics.

const NOT_METRICS: ReadonlySet<string> = new Set(['batch', 'size']);

/** The metrics in `logs` (insertion order), or undefined when there are none. A disposed tensor is skipped. */
export async function metricsFromLogs(logs: UnresolvedLogs | undefined): Promise<Record<string, number> | undefined> {
  if (logs === undefined || logs === null) return undefined;
  let out: Record<string, number> | undefined;
  for (const key in logs) {
    if (NOT_METRICS.has(key)) continue;
    const value = logs[key];
    let n: number | undefined;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'object' && value !== null && !value.isDisposed) n = (await value.data())[0];
    if (n === undefined) continue;
    out ??= {};
    out[key] = n;
  }
  return out;
}
