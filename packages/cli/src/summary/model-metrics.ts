// The model's own metrics in a summary: per metric its last value, minimum and maximum with the steps where they
// occurred, split into training and validation metrics; merged across ranks and resumed runs. Also the
// samples/s and iterations/s figures derived from the training updates.
import type { JobSummary, ModelMetricStats } from '../model/types.js';
import { type Attrs, num } from '../records/raw-record.js';

/** Bound on distinct metric names per summary (a program could invent names without end). */
export const MAX_MODEL_METRICS = 200;

const VALIDATION_PREFIXES = ['val_', 'val/', 'validation_', 'validation/'] as const;

/** A validation metric: by name (`val_loss`, `validation/acc`) or because it was logged in a validation loop. */
export function isValidationMetric(name: string, inValidationLoop: boolean): boolean {
  return inValidationLoop || VALIDATION_PREFIXES.some((p) => name.startsWith(p));
}

/** The training name a validation metric is the twin of (`val_loss` → `loss`), or undefined. */
export function trainingTwinOf(name: string): string | undefined {
  for (const p of VALIDATION_PREFIXES) if (name.startsWith(p) && name.length > p.length) return name.slice(p.length);
  return undefined;
}

/** Attributes of a model_metrics event that are not metrics. */
const NOT_METRICS: ReadonlySet<string> = new Set(['global_step', 'timestamp_msec']);

/** Folds `model_metrics` events into per-metric statistics (in first-logged order). */
export class ModelMetricsAccumulator {
  private readonly training = new Map<string, ModelMetricStats>();
  private readonly validation = new Map<string, ModelMetricStats>();
  /** Metric names not kept because of MAX_MODEL_METRICS. */
  dropped = 0;

  add(a: Attrs, inValidationLoop: boolean): void {
    const step = num(a.global_step);
    const timeMs = num(a.timestamp_msec);
    for (const name of Object.keys(a)) {
      if (NOT_METRICS.has(name)) continue;
      const value = num(a[name]);
      if (value === undefined) continue;
      const target = isValidationMetric(name, inValidationLoop) ? this.validation : this.training;
      let s = target.get(name);
      if (s === undefined) {
        if (this.training.size + this.validation.size >= MAX_MODEL_METRICS) {
          this.dropped++;
          continue;
        }
        s = { name, count: 0, last: value, lastStep: step, lastTimeMs: timeMs, min: value, minStep: step, max: value, maxStep: step };
        target.set(name, s);
      }
      s.count++;
      s.last = value;
      s.lastStep = step;
      s.lastTimeMs = timeMs;
      if (value < s.min) {
        s.min = value;
        s.minStep = step;
      }
      if (value > s.max) {
        s.max = value;
        s.maxStep = step;
      }
    }
  }

  finish(): JobSummary['modelMetrics'] {
    return { training: [...this.training.values()], validation: [...this.validation.values()] };
  }
}

/** Two summaries' metrics as one: min and max over both, the later last value (by time, else the second's). */
export function mergeModelMetrics(x: JobSummary['modelMetrics'], y: JobSummary['modelMetrics']): JobSummary['modelMetrics'] {
  return { training: mergeLists(x.training, y.training), validation: mergeLists(x.validation, y.validation) };
}

function mergeLists(a: readonly ModelMetricStats[], b: readonly ModelMetricStats[]): ModelMetricStats[] {
  const out = new Map<string, ModelMetricStats>();
  for (const s of a) out.set(s.name, { ...s });
  for (const s of b) {
    const t = out.get(s.name);
    if (t === undefined) {
      out.set(s.name, { ...s });
      continue;
    }
    t.count += s.count;
    if ((s.lastTimeMs ?? Number.POSITIVE_INFINITY) >= (t.lastTimeMs ?? Number.NEGATIVE_INFINITY)) {
      t.last = s.last;
      t.lastStep = s.lastStep;
      t.lastTimeMs = s.lastTimeMs;
    }
    if (s.min < t.min) {
      t.min = s.min;
      t.minStep = s.minStep;
    }
    if (s.max > t.max) {
      t.max = s.max;
      t.maxStep = s.maxStep;
    }
  }
  return [...out.values()];
}

/**
 * Samples/s and iterations/s over the training-iteration time: one iteration takes `avgIterationTimeSec`, and
 * carries `samplesJob / iterationsJob` samples (the global batch, all ranks).
 */
export function trainingRates(t: Pick<JobSummary['training'], 'avgIterationTimeSec' | 'samplesJob' | 'iterationsJob'>): {
  samplesPerSec: number | undefined;
  iterationsPerSec: number | undefined;
} {
  const avg = t.avgIterationTimeSec;
  if (avg === undefined || !(avg > 0)) return { samplesPerSec: undefined, iterationsPerSec: undefined };
  const iterationsPerSec = 1 / avg;
  const perIteration =
    t.samplesJob !== undefined && t.iterationsJob !== undefined && t.iterationsJob > 0 ? t.samplesJob / t.iterationsJob : undefined;
  return { iterationsPerSec, samplesPerSec: perIteration === undefined ? undefined : perIteration * iterationsPerSec };
}

/** The `backend` entry of flattened custom metadata (`["backend:cpu", ...]`), if any. */
export function backendOf(customMetadata: unknown): string | undefined {
  if (!Array.isArray(customMetadata)) return undefined;
  for (const entry of customMetadata) {
    if (typeof entry === 'string' && entry.startsWith('backend:') && entry.length > 8) return entry.slice(8);
  }
  return undefined;
}

/** Backends whose throughput is not per GPU (TF.js's CPU and WebAssembly backends). */
const NON_GPU_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm']);

/** "TFLOP/s per GPU", or "TFLOP/s per rank (cpu)" when the recorded backend is not a GPU. */
export function throughputLabel(backend: string | undefined): string {
  return backend !== undefined && NON_GPU_BACKENDS.has(backend.toLowerCase()) ? `TFLOP/s per rank (${backend})` : 'TFLOP/s per GPU';
}
