// How each per-rank figure is spread across ranks: one rule per field (what it reads and its unit), so adding a
// figure is one line here. Every row gives min, median and max and the ranks holding the extremes.

import type { RankView, SpreadRow } from './job-types.js';
import { median } from './straggler.js';

interface SpreadRule {
  key: string;
  label: string;
  unit: SpreadRow['unit'];
  value: (r: RankView) => number | undefined;
}

export const SPREAD_RULES: readonly SpreadRule[] = [
  { key: 'iterationTimeMedianSec', label: 'iteration time, median', unit: 's', value: (r) => r.iterationTimeSec.median },
  { key: 'iterationTimeP90Sec', label: 'iteration time, p90', unit: 's', value: (r) => r.iterationTimeSec.p90 },
  { key: 'iterationTimeMaxSec', label: 'iteration time, max', unit: 's', value: (r) => r.iterationTimeSec.max },
  { key: 'throughputPerGpuTflops', label: 'throughput per GPU', unit: 'TFLOP/s', value: (r) => r.throughputPerGpuTflops },
  { key: 'samplesPerSec', label: 'samples/s', unit: 'samples/s', value: (r) => r.samplesPerSec },
  {
    key: 'checkpointSaveTotalMs',
    label: 'checkpoint save time',
    unit: 'ms',
    value: (r) => (r.checkpointSaveMs.total > 0 ? r.checkpointSaveMs.total : undefined),
  },
  { key: 'durationMs', label: 'duration', unit: 'ms', value: (r) => r.durationMs },
  { key: 'trainingShare', label: 'training share of time', unit: 'share', value: (r) => r.timeBreakdown?.training },
];

export function spreadRows(ranks: readonly RankView[]): SpreadRow[] {
  const rows: SpreadRow[] = [];
  for (const rule of SPREAD_RULES) {
    let min: { v: number; rank: number | undefined } | undefined;
    let max: { v: number; rank: number | undefined } | undefined;
    const values: number[] = [];
    for (const r of ranks) {
      const v = rule.value(r);
      if (v === undefined || !Number.isFinite(v)) continue;
      values.push(v);
      if (min === undefined || v < min.v) min = { v, rank: r.rank };
      if (max === undefined || v > max.v) max = { v, rank: r.rank };
    }
    if (values.length === 0) continue;
    rows.push({
      key: rule.key,
      label: rule.label,
      unit: rule.unit,
      ranks: values.length,
      min: min?.v,
      minRank: min?.rank,
      median: median(values),
      max: max?.v,
      maxRank: max?.rank,
    });
  }
  return rows;
}
