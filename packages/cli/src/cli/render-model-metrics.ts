// Terminal rows for the model's own metrics and the training rates of a JobSummary.
import type { JobSummary, ModelMetricStats } from '../model/types.js';
import { formatCount, NONE } from './format.js';

/** A metric value with up to 6 significant digits (losses and accuracies span many magnitudes). */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return NONE;
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toPrecision(4);
  return String(Number(v.toPrecision(6)));
}

/** Samples or iterations per second: 3 significant digits below 100, whole numbers (grouped) above. */
export function formatRate(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return NONE;
  return Math.abs(v) >= 100 ? formatCount(Math.round(v)) : String(Number(v.toPrecision(3)));
}

function at(step: number | undefined): string {
  return step === undefined ? '' : ` (step ${formatCount(step)})`;
}

/** `last 0.4213 (step 120), min 0.3912 (step 100), max 2.31 (step 1)`. */
export function metricLine(s: ModelMetricStats): string {
  return `last ${formatMetric(s.last)}${at(s.lastStep)}, min ${formatMetric(s.min)}${at(s.minStep)}, max ${formatMetric(s.max)}${at(s.maxStep)}`;
}

/** The rows of the model-metrics sections: `[label, value]` per metric, training first. */
export function modelMetricSections(m: JobSummary['modelMetrics']): { title: string; rows: [string, string][] }[] {
  const out: { title: string; rows: [string, string][] }[] = [];
  if (m.training.length > 0) out.push({ title: 'Model metrics (training)', rows: m.training.map((s) => [s.name, metricLine(s)]) });
  if (m.validation.length > 0) out.push({ title: 'Model metrics (validation)', rows: m.validation.map((s) => [s.name, metricLine(s)]) });
  return out;
}
