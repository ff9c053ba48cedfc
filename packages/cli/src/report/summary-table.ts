// Summary tables: one column per summary (session or file), one table per group of rows (application, phases, ...).

import type { JobSummary } from '../model/types.js';
import { throughputLabel } from '../summary/model-metrics.js';
import { fmtDuration, fmtInt, fmtNum, fmtPercent, fmtSeconds, fmtTime, MISSING } from './format.js';
import { el, type Html, join } from './html.js';

export interface SummaryColumn {
  heading: string;
  /** Full text for the heading's tooltip (e.g. the untruncated path). */
  title?: string;
  summary: JobSummary;
}

interface Row {
  label: string;
  value: (s: JobSummary) => string;
  /** Marks a cell as worth attention (e.g. errors > 0). */
  warn?: (s: JobSummary) => boolean;
}

const GROUPS: readonly { name: string; rows: readonly Row[] }[] = [
  {
    name: 'Application',
    rows: [
      { label: 'Name', value: (s) => s.application.name ?? MISSING },
      { label: 'Session', value: (s) => s.application.sessionTag ?? MISSING },
      { label: 'Perf tag', value: (s) => perfTag(s.application.perfTag) },
      { label: 'Ranks', value: (s) => ranks(s.application.ranks) },
      { label: 'World size', value: (s) => fmtInt(s.application.worldSize) },
      { label: 'Backend', value: (s) => s.application.backend ?? MISSING },
      { label: 'Start', value: (s) => fmtTime(s.application.startMs) },
      { label: 'End', value: (s) => fmtTime(s.application.endMs) },
      { label: 'Duration', value: (s) => fmtDuration(s.application.durationMs) },
      { label: 'Ended cleanly', value: (s) => (s.application.endedCleanly ? 'yes' : 'no'), warn: (s) => !s.application.endedCleanly },
      { label: 'Files', value: (s) => fmtInt(s.files.length) },
      { label: 'Records', value: (s) => fmtInt(s.records) },
    ],
  },
  {
    name: 'Initialization phases',
    rows: [
      { label: 'Distributed init', value: (s) => fmtDuration(s.phases.distributedInitMs) },
      { label: 'Model init', value: (s) => fmtDuration(s.phases.modelInitMs) },
      { label: 'Optimizer init', value: (s) => fmtDuration(s.phases.optimizerInitMs) },
      { label: 'Data loader init', value: (s) => fmtDuration(s.phases.dataloaderInitMs) },
      { label: 'Checkpoint load', value: (s) => fmtDuration(s.phases.checkpointLoadMs) },
    ],
  },
  {
    name: 'Training',
    rows: [
      { label: 'Training loops', value: (s) => fmtInt(s.training.loops) },
      { label: 'Iterations (job / overall)', value: (s) => pair(fmtInt(s.training.iterationsJob), fmtInt(s.training.iterationsOverall)) },
      { label: 'Samples (job / overall)', value: (s) => pair(fmtInt(s.training.samplesJob), fmtInt(s.training.samplesOverall)) },
      { label: 'Tokens (job)', value: (s) => fmtInt(s.training.tokensJob) },
      {
        label: 'Iteration time mean (min – max)',
        value: (s) =>
          range(
            fmtSeconds(s.training.avgIterationTimeSec),
            fmtSeconds(s.training.minIterationTimeSec),
            fmtSeconds(s.training.maxIterationTimeSec),
          ),
      },
      {
        // The unit goes with the value: per GPU, or per rank when the recorded backend is the CPU.
        label: 'TFLOP/s latest (min – max)',
        value: (s) => {
          const t = s.training.throughputPerGpuTflops;
          if (t.latest === undefined) return MISSING;
          return `${range(fmtNum(t.latest), fmtNum(t.min), fmtNum(t.max))} ${throughputLabel(s.application.backend).replace('TFLOP/s ', '')}`;
        },
      },
      { label: 'Samples/s (all ranks)', value: (s) => fmtNum(s.training.samplesPerSec) },
      { label: 'Iterations/s', value: (s) => fmtNum(s.training.iterationsPerSec) },
      { label: 'Time to first iteration', value: (s) => fmtDuration(s.training.timeToFirstIterationMs) },
    ],
  },
  {
    name: 'Validation and testing',
    rows: [
      { label: 'Validation loops', value: (s) => fmtInt(s.validation.loops) },
      { label: 'Validation iterations', value: (s) => fmtInt(s.validation.iterations) },
      { label: 'Validation time', value: (s) => fmtDuration(s.validation.timeMs) },
      { label: 'Testing loops', value: (s) => fmtInt(s.testing.loops) },
      { label: 'Testing time', value: (s) => fmtDuration(s.testing.timeMs) },
    ],
  },
  {
    name: 'Checkpoints',
    rows: [
      {
        label: 'Saves (sync / async)',
        value: (s) => `${fmtInt(s.checkpoints.saves)} (${fmtInt(s.checkpoints.syncSaves)} / ${fmtInt(s.checkpoints.asyncSaves)})`,
      },
      {
        label: 'Successful saves',
        value: (s) => fmtInt(s.checkpoints.successes),
        warn: (s) => s.checkpoints.successes < s.checkpoints.saves,
      },
      {
        label: 'Save time total (min – max)',
        value: (s) =>
          range(
            fmtDuration(s.checkpoints.saveTimeTotalMs),
            fmtDuration(s.checkpoints.saveTimeMinMs),
            fmtDuration(s.checkpoints.saveTimeMaxMs),
          ),
      },
      { label: 'Last successful step', value: (s) => fmtInt(s.checkpoints.lastSuccessfulStep) },
      { label: 'Productive iterations', value: (s) => fmtInt(s.checkpoints.productiveIterations) },
      { label: 'Productive samples', value: (s) => fmtInt(s.checkpoints.productiveSamples) },
      { label: 'Productive training time', value: (s) => fmtSeconds(s.checkpoints.productiveTrainTimeSec) },
      {
        label: 'Iterations since last checkpoint',
        value: (s) => fmtInt(s.checkpoints.iterationsSinceLastCheckpoint),
        warn: (s) => (s.checkpoints.iterationsSinceLastCheckpoint ?? 0) > 0,
      },
    ],
  },
  {
    name: 'Time breakdown',
    rows: [
      { label: 'Initialization', value: (s) => fmtPercent(s.timeBreakdown?.initialization) },
      { label: 'Training', value: (s) => fmtPercent(s.timeBreakdown?.training) },
      { label: 'Validation', value: (s) => fmtPercent(s.timeBreakdown?.validation) },
      { label: 'Checkpoint saving', value: (s) => fmtPercent(s.timeBreakdown?.checkpointSaving) },
      { label: 'Other', value: (s) => fmtPercent(s.timeBreakdown?.other) },
      { label: 'Between runs (idle)', value: (s) => fmtPercent(s.timeBreakdown?.betweenRuns) },
    ],
  },
  {
    name: 'Problems',
    rows: [
      { label: 'Errors', value: (s) => fmtInt(s.errors.length), warn: (s) => s.errors.length > 0 },
      { label: 'Telemetry data errors', value: (s) => fmtInt(s.telemetryDataErrors.length), warn: (s) => s.telemetryDataErrors.length > 0 },
      { label: 'Input findings', value: (s) => fmtInt(s.findings.length), warn: (s) => s.findings.length > 0 },
    ],
  },
];

/**
 * One small table per group, laid out as a responsive grid of cards when there are one or two columns (three or
 * two cards side by side on a desktop) and stacked full-width otherwise; each table scrolls horizontally on its own when too wide.
 */
export function summaryTable(kind: 'sessions' | 'files', columns: readonly SummaryColumn[]): Html {
  const tables = GROUPS.map((g) =>
    el(
      'div',
      { class: 'scroll card' },
      el(
        'table',
        { class: 'summary' },
        el(
          'thead',
          {},
          el('tr', {}, el('th', { scope: 'col' }, g.name), join(columns.map((c) => el('th', { scope: 'col', title: c.title }, c.heading)))),
        ),
        el(
          'tbody',
          {},
          join(
            g.rows.map((r) =>
              el(
                'tr',
                {},
                el('th', { scope: 'row' }, r.label),
                join(columns.map((c) => el('td', { class: r.warn?.(c.summary) ? 'warn' : undefined }, r.value(c.summary)))),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  const layout = columns.length <= 2 ? `summary-groups cards cols-${columns.length}` : 'summary-groups';
  return el('div', { class: layout, 'data-table': kind }, join(tables));
}

function pair(a: string, b: string): string {
  return a === MISSING && b === MISSING ? MISSING : `${a} / ${b}`;
}

function range(main: string, min: string, max: string): string {
  if (main === MISSING && min === MISSING && max === MISSING) return MISSING;
  return min === MISSING && max === MISSING ? main : `${main} (${min} – ${max})`;
}

function perfTag(tag: string | string[] | undefined): string {
  if (tag === undefined) return MISSING;
  return Array.isArray(tag) ? tag.join(', ') : tag;
}

/** `0–7`, `0, 2, 5`, or the first ten and a count. */
function ranks(list: readonly number[]): string {
  if (list.length === 0) return MISSING;
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  const contiguous = sorted.every((r, i) => i === 0 || r === sorted[i - 1]! + 1);
  if (contiguous && sorted.length > 2) return `${sorted[0]}–${sorted[sorted.length - 1]}`;
  const head = sorted.slice(0, 10).join(', ');
  return sorted.length > 10 ? `${head} … (${sorted.length})` : head;
}
