// The terminal rows of the per-span-name statistics, and the test for which layout a summary gets: a job
// without training records (a core-only job) is shown by its spans instead of the empty training sections.
import type { JobSummary } from '../model/types.js';
import { formatDuration, formatPercent, plural } from './format.js';

/** A summary with anything of the training telemetry in it: loops, iterations, phases, checkpoints, metrics. */
export function hasTrainingRecords(s: JobSummary): boolean {
  const p = s.phases;
  return (
    s.training.loops > 0 ||
    s.training.iterationsOverall !== undefined ||
    s.validation.loops > 0 ||
    s.testing.loops > 0 ||
    s.checkpoints.saves > 0 ||
    s.checkpoints.successes > 0 ||
    s.modelMetrics.training.length > 0 ||
    s.modelMetrics.validation.length > 0 ||
    [p.distributedInitMs, p.modelInitMs, p.optimizerInitMs, p.dataloaderInitMs, p.checkpointLoadMs].some((v) => v !== undefined)
  );
}

/**
 * `[label, value]` rows for the first `limit` span names (largest total first): total time, share of the
 * application time, count, mean and max. Names longer than `labelWidth` are shortened with an ellipsis.
 */
export function spanStatsRows(stats: JobSummary['spanStats'], limit: number, labelWidth: number): [string, string][] {
  const label = (name: string) => (name.length > labelWidth - 2 ? `${name.slice(0, labelWidth - 3)}…` : name);
  const value = (totalMs: number, share: number | undefined, count: number, maxMs: number | undefined) =>
    `${formatDuration(totalMs).padStart(9)}  ${formatPercent(share).padStart(6)}  ${plural(count, 'span')}, mean ${formatDuration(
      count === 0 ? undefined : totalMs / count,
    )}, max ${formatDuration(maxMs)}`;
  const rows: [string, string][] = stats.byName
    .slice(0, limit)
    .map((r) => [label(r.name), value(r.totalMs, r.shareOfApplication, r.count, r.maxMs)]);
  const hidden = stats.byName.length - limit;
  if (hidden > 0) rows.push(['', `… ${plural(hidden, 'more name')} (see --json)`]);
  const o = stats.other;
  if (o.count > 0) rows.push(['(other names)', value(o.totalMs, o.shareOfApplication, o.count, o.maxMs)]);
  if (stats.byName.slice(0, limit).some((r) => (r.shareOfApplication ?? 0) > 1)) {
    rows.push(['', 'over 100%: spans of that name ran concurrently']);
  }
  return rows;
}
