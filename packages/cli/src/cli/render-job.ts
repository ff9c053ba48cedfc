// The terminal form of a job view: stragglers first (the question people ask of multi-rank telemetry), then the
// spread of each per-rank figure across ranks, then the ranks sorted by slowness.
import type { JobView, SpreadRow } from '../job/job-types.js';
import { bySlowness } from '../job/rank-order.js';
import { printable } from '../model/printable.js';
import { formatCount, formatDuration, formatPercent, formatRanks, formatSeconds, formatTflops, NONE, plural } from './format.js';

/** Ranks listed in the slowness table; the rest are counted (all are in --json). */
export const MAX_RANK_ROWS = 16;

export function renderJob(job: JobView, width = 78): string {
  const out: string[] = [];
  const name = [job.sessionTag === undefined ? undefined : `session ${job.sessionTag}`, job.applicationName]
    .filter((x) => x !== undefined)
    .join(' · ');
  const size = job.worldSize === undefined ? '' : ` of world size ${formatCount(job.worldSize)}`;
  out.push(printable(`${`== job ${name || job.files[0] || ''}: ${plural(job.ranks.length, 'rank')}${size} `.padEnd(width, '=')}`));
  const threshold = formatPercent(job.stragglerThreshold);
  const jobMedian = formatSeconds(job.jobMedianIterationTimeSec);
  if (job.jobMedianIterationTimeSec === undefined) {
    out.push('', 'Stragglers: unknown (no rank logged iteration times)');
  } else if (job.stragglers.length === 0) {
    out.push('', `Stragglers: none (every rank's median iteration time is within ${threshold} of the job median ${jobMedian})`);
  } else {
    out.push(
      '',
      `Stragglers: ${plural(job.stragglers.length, 'rank')} with a median iteration time more than ${threshold} above the job median ${jobMedian}`,
    );
    for (const s of job.stragglers) {
      const file = job.ranks.find((r) => r.rank === s.rank)?.files.join(', ') ?? '';
      out.push(
        printable(
          `  rank ${s.rank ?? '?'}  median ${formatSeconds(s.medianIterationTimeSec)} (+${formatPercent(s.excess)})  ` +
            `cost ${formatDuration(s.costMs)} over ${plural(s.iterations, 'iteration')}  ${file}`,
        ),
      );
    }
    out.push(
      `  The job waited about ${formatDuration(job.stragglerCostMs)} for its slowest rank (cost = (rank median − job median) × iterations).`,
    );
  }
  if (job.missingRanks.length > 0) out.push(`  Missing ranks (no file): ${formatRanks(job.missingRanks)}`);
  if (job.duplicateRanks.length > 0) out.push(`  Ranks recorded by two processes at once: ${formatRanks(job.duplicateRanks)}`);

  if (job.spread.length > 0) {
    out.push('', 'Across ranks'.padEnd(28) + 'min'.padEnd(22) + 'median'.padEnd(12) + 'max');
    for (const row of job.spread) {
      out.push(
        `  ${row.label.padEnd(26)}${extreme(row, row.min, row.minRank).padEnd(22)}${value(row, row.median).padEnd(12)}${extreme(row, row.max, row.maxRank)}`,
      );
    }
  }

  const sorted = [...job.ranks].sort(bySlowness);
  const shown = sorted.slice(0, MAX_RANK_ROWS);
  out.push(
    '',
    `Ranks by median iteration time, slowest first${sorted.length > shown.length ? ` (${shown.length} of ${sorted.length})` : ''}`,
  );
  const cols = ['rank', 'median', 'p90', 'max', 'vs job', 'iterations', 'TFLOP/s', 'ckpt save', 'file'];
  const widths = [8, 10, 10, 10, 9, 11, 10, 10];
  out.push(`  ${cols.map((c, i) => (i < widths.length ? c.padEnd(widths[i] as number) : c)).join('')}`);
  for (const r of shown) {
    const cells = [
      `${r.rank ?? '?'}${r.straggler ? ' *' : ''}`,
      formatSeconds(r.iterationTimeSec.median),
      formatSeconds(r.iterationTimeSec.p90),
      formatSeconds(r.iterationTimeSec.max),
      r.vsJobMedian === undefined ? NONE : `${r.vsJobMedian >= 0 ? '+' : ''}${formatPercent(r.vsJobMedian)}`,
      formatCount(r.iterations),
      formatTflops(r.throughputPerGpuTflops),
      r.checkpointSaveMs.total > 0 ? formatDuration(r.checkpointSaveMs.total) : NONE,
      r.files.join(', '),
    ];
    out.push(printable(`  ${cells.map((c, i) => (i < widths.length ? `${c} `.padEnd(widths[i] as number) : c)).join('')}`));
  }
  if (job.stragglers.length > 0) out.push('  * straggler');
  const sources = [...new Set(job.ranks.map((r) => r.iterationTimeSource).filter((s) => s !== undefined))];
  if (sources.length > 0) out.push(`  Iteration times from ${sources.join(' and ')}.`);
  return `${out.join('\n')}\n`;
}

function value(row: SpreadRow, v: number | undefined): string {
  if (v === undefined) return NONE;
  switch (row.unit) {
    case 's':
      return formatSeconds(v);
    case 'ms':
      return formatDuration(v);
    case 'TFLOP/s':
      return formatTflops(v);
    case 'samples/s':
      return formatCount(v);
    case 'share':
      return formatPercent(v);
  }
}

function extreme(row: SpreadRow, v: number | undefined, rank: number | undefined): string {
  return `${value(row, v)}${rank === undefined ? '' : ` (rank ${rank})`}`;
}
