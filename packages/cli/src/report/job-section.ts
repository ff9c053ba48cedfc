// The job view in the report: for each job of several ranks, its stragglers, the ranks sorted by slowness, the
// per-rank curves overlaid on shared axes (iteration time, throughput, model metrics) and the rank × time heatmap.
import type { Bucket } from '../job/bucket-series.js';
import type { JobSeries, JobView } from '../job/job-types.js';
import { fmtDuration, fmtInt, fmtNum, fmtPercent, fmtSeconds } from './format.js';
import { el, type Html, join } from './html.js';
import { iterationHeatmapFigure } from './job-heatmap.js';
import { rankOverlayFigure } from './job-overlay.js';
import { ranksTable } from './job-ranks-table.js';
import { timeAxisFor } from './time-axis.js';

/** Model metrics charted per job (the first logged); each rank keeps at most 6 (rank-recorder.ts). */
export const MAX_JOB_METRIC_CHARTS = 4;

export interface ReportJob {
  view: JobView;
  series: JobSeries;
}

export function jobTitle(job: JobView): string {
  const name = [job.sessionTag === undefined ? undefined : `session ${job.sessionTag}`, job.applicationName]
    .filter((x) => x !== undefined)
    .join(' · ');
  const size = job.worldSize === undefined ? '' : ` of world size ${fmtInt(job.worldSize)}`;
  return `Job ${name || (job.files[0] ?? '')}: ${fmtInt(job.ranks.length)} ranks${size}`;
}

export function jobAnchor(i: number): string {
  return `job-${i + 1}`;
}

export function jobSection(job: ReportJob, i: number): Html {
  const { view, series } = job;
  const axis = timeAxisFor([series.startMs, series.endMs].filter((t): t is number => t !== undefined));
  const parts: Html[] = [stragglerNote(view)];
  if (view.missingRanks.length > 0) {
    parts.push(
      el(
        'p',
        { class: 'note', 'data-note': 'missing-ranks' },
        `No file for ranks ${view.missingRanks.join(', ')} of world size ${view.worldSize}.`,
      ),
    );
  }
  if (view.duplicateRanks.length > 0) {
    parts.push(
      el(
        'p',
        { class: 'note', 'data-note': 'duplicate-ranks' },
        `Ranks recorded by two processes at the same time: ${view.duplicateRanks.join(', ')}.`,
      ),
    );
  }
  parts.push(el('h3', {}, 'Ranks by median iteration time, slowest first'), ranksTable(view));
  if (axis !== undefined) {
    const source = [...new Set(view.ranks.map((r) => r.iterationTimeSource).filter((s) => s !== undefined))].join(' and ');
    const iteration = rankOverlayFigure({
      chart: 'job-iteration-time',
      title: 'Iteration time per rank',
      yLabel: '↑ seconds per iteration',
      series: series.ranks.map((r) => ({ rank: r, runs: r.iterationTimeSec })),
      axis,
      format: fmtSeconds,
      robust: true,
      caption: `Iteration times from ${source || 'the ranks'}${source === 'metric updates' ? ' (the mean of each reporting interval)' : ''}.`,
    });
    if (iteration !== undefined) parts.push(iteration);
    const throughput = rankOverlayFigure({
      chart: 'job-throughput',
      title: 'Throughput per GPU per rank',
      yLabel: '↑ TFLOP/s per GPU',
      series: series.ranks.map((r) => ({ rank: r, runs: r.throughputTflops })),
      axis,
      format: (v) => `${fmtNum(v)} TFLOP/s`,
      robust: false,
      caption: 'Each rank’s logged train_throughput_per_gpu (its job average so far).',
    });
    if (throughput !== undefined) parts.push(throughput);
    for (const name of metricNames(series).slice(0, MAX_JOB_METRIC_CHARTS)) {
      const chart = rankOverlayFigure({
        chart: 'job-model-metric',
        title: `${name} per rank`,
        yLabel: `↑ ${name}`,
        series: series.ranks.map((r) => ({ rank: r, runs: r.modelMetrics.get(name) ?? ([] as Bucket[][]) })),
        axis,
        format: fmtNum,
        robust: false,
        caption: `The model metric ${name} as each rank logged it (logMetrics).`,
      });
      if (chart !== undefined) parts.push(chart);
    }
    const heatmap = iterationHeatmapFigure(series.ranks, axis, fmtSeconds);
    if (heatmap !== undefined) parts.push(heatmap);
  }
  return el(
    'section',
    { id: jobAnchor(i), class: 'job', 'data-job': view.sessionTag ?? view.files[0] ?? '' },
    el('h2', {}, jobTitle(view)),
    join(parts),
  );
}

function stragglerNote(view: JobView): Html {
  const threshold = fmtPercent(view.stragglerThreshold);
  if (view.jobMedianIterationTimeSec === undefined) {
    return el('p', { class: 'note', 'data-note': 'stragglers' }, 'No rank logged iteration times, so stragglers cannot be found.');
  }
  if (view.stragglers.length === 0) {
    return el(
      'p',
      { class: 'note ok', 'data-note': 'stragglers' },
      `No stragglers: every rank's median iteration time is within ${threshold} of the job median ${fmtSeconds(view.jobMedianIterationTimeSec)}.`,
    );
  }
  const items = view.stragglers.map((s) =>
    el(
      'li',
      { 'data-straggler-rank': s.rank ?? '' },
      `rank ${s.rank ?? '?'}: median ${fmtSeconds(s.medianIterationTimeSec)}, ${fmtPercent(s.excess)} above the job median; cost ${fmtDuration(s.costMs)} over ${fmtInt(s.iterations)} iterations`,
    ),
  );
  return el(
    'div',
    { class: 'note warn', 'data-note': 'stragglers' },
    el(
      'strong',
      {},
      `Stragglers (median iteration time more than ${threshold} above the job median ${fmtSeconds(view.jobMedianIterationTimeSec)}):`,
    ),
    el('ul', {}, join(items)),
    `The job waited about ${fmtDuration(view.stragglerCostMs)} for its slowest rank (cost = (rank median − job median) × its iterations).`,
  );
}

function metricNames(series: JobSeries): string[] {
  const names: string[] = [];
  for (const r of series.ranks) for (const name of r.modelMetrics.keys()) if (!names.includes(name)) names.push(name);
  return names;
}
