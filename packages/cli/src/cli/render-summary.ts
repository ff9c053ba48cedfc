// The terminal form of a JobSummary: titled sections of aligned `label  value` rows.
import { printable } from '../model/printable.js';
import type { Finding, JobSummary } from '../model/types.js';
import { throughputLabel } from '../summary/model-metrics.js';
import {
  formatCount,
  formatDuration,
  formatPercent,
  formatRanks,
  formatSeconds,
  formatTflops,
  formatTime,
  NONE,
  plural,
} from './format.js';
import { formatRate, modelMetricSections } from './render-model-metrics.js';
import { hasTrainingRecords, spanStatsRows } from './render-span-stats.js';

const LABEL_WIDTH = 26;
const BAR_WIDTH = 40;
/** Findings listed per summary in the terminal (all of them are in --json). */
const MAX_FINDINGS_SHOWN = 20;
const MAX_ERRORS_SHOWN = 20;
/** Span names listed for a job without training records, and under a training job's sections. */
const MAX_SPAN_NAMES_SHOWN = 20;
const MAX_TOP_SPANS_SHOWN = 5;

export interface RenderOptions {
  /** Bar character for the time breakdown (a block on terminals, `#` in pipes). */
  bar?: string;
  width?: number;
  /** Input problems: listed (default), only counted (when they are printed elsewhere), or left out. */
  findings?: 'list' | 'tally' | 'none';
}

export function renderSummary(title: string, s: JobSummary, options: RenderOptions = {}): string {
  const out: string[] = [];
  const width = options.width ?? 78;
  out.push(`${`== ${title} `.padEnd(width, '=')}`);
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(LABEL_WIDTH)}${value}`);
  const section = (name: string) => out.push('', name);

  const a = s.application;
  section('Application');
  row('name', a.name ?? '(not recorded)');
  row('session tag', a.sessionTag ?? NONE);
  row('perf tag', Array.isArray(a.perfTag) ? a.perfTag.join(', ') : (a.perfTag ?? NONE));
  row('ranks', `${formatRanks(a.ranks)}${a.worldSize === undefined ? '' : ` (world size ${a.worldSize})`}`);
  if (a.backend !== undefined) row('backend', a.backend);
  row('start', formatTime(a.startMs));
  row('end', formatTime(a.endMs));
  row('duration', formatDuration(a.durationMs));
  row('ended cleanly', a.startMs === undefined ? NONE : a.endedCleanly ? 'yes' : 'no (no application stop record)');
  row('records', formatCount(s.records));

  if (!hasTrainingRecords(s)) {
    // A job without training telemetry (core only): where its time went, by span name.
    section('Spans (by total time: total, share of application time, count, mean, max)');
    const rows = spanStatsRows(s.spanStats, MAX_SPAN_NAMES_SHOWN, LABEL_WIDTH);
    if (rows.length === 0) row('', 'none recorded (only the application span)');
    for (const [label, value] of rows) row(label, value);
  } else {
    section('Phases');
    row('distributed init', formatDuration(s.phases.distributedInitMs));
    row('model init', formatDuration(s.phases.modelInitMs));
    row('optimizer init', formatDuration(s.phases.optimizerInitMs));
    row('dataloader init', formatDuration(s.phases.dataloaderInitMs));
    row('checkpoint load', formatDuration(s.phases.checkpointLoadMs));

    const t = s.training;
    section('Training');
    if (t.loops === 0 && t.iterationsOverall === undefined) {
      row('training loops', 'none recorded');
    } else {
      row('training loops', formatCount(t.loops));
      row('iterations', `${formatCount(t.iterationsJob)} this job, ${formatCount(t.iterationsOverall)} overall`);
      row('samples', `${formatCount(t.samplesJob)} this job, ${formatCount(t.samplesOverall)} overall`);
      row('tokens (this job)', formatCount(t.tokensJob));
      row(
        'iteration time',
        `avg ${formatSeconds(t.avgIterationTimeSec)}, min ${formatSeconds(t.minIterationTimeSec)}, max ${formatSeconds(t.maxIterationTimeSec)}`,
      );
      const tp = t.throughputPerGpuTflops;
      // Without flopsPerSample there is no TFLOP/s figure: the row is left out rather than shown empty.
      if (tp.latest !== undefined) {
        row(throughputLabel(a.backend), `latest ${formatTflops(tp.latest)}, min ${formatTflops(tp.min)}, max ${formatTflops(tp.max)}`);
      }
      row('samples/s', t.samplesPerSec === undefined ? NONE : `${formatRate(t.samplesPerSec)} (all ranks, over iteration time)`);
      row('iterations/s', formatRate(t.iterationsPerSec));
      row(
        'first iteration done',
        t.timeToFirstIterationMs === undefined ? NONE : `${formatDuration(t.timeToFirstIterationMs)} after start`,
      );
    }

    for (const m of modelMetricSections(s.modelMetrics)) {
      section(m.title);
      for (const [label, value] of m.rows) row(label, value);
    }

    section('Validation and testing');
    row('validation', s.validation.loops === 0 ? 'none' : loopLine(s.validation.loops, s.validation.iterations, s.validation.timeMs));
    row('testing', s.testing.loops === 0 ? 'none' : loopLine(s.testing.loops, undefined, s.testing.timeMs));

    const c = s.checkpoints;
    section('Checkpoints');
    if (c.saves === 0 && c.successes === 0) {
      row('saves', 'none');
    } else {
      row(
        'saves',
        `${formatCount(c.saves)} (${formatCount(c.syncSaves)} sync, ${formatCount(c.asyncSaves)} async), ${formatCount(c.successes)} successful`,
      );
      row(
        'save time',
        `total ${formatDuration(c.saveTimeTotalMs)}, min ${formatDuration(c.saveTimeMinMs)}, max ${formatDuration(c.saveTimeMaxMs)}`,
      );
      row(
        'last successful save',
        c.lastSuccessfulStep === undefined
          ? NONE
          : `step ${formatCount(c.lastSuccessfulStep)}: ${plural(c.productiveIterations ?? 0, 'iteration')}, ${plural(c.productiveSamples ?? 0, 'sample')}, ${formatSeconds(c.productiveTrainTimeSec)} of training saved`,
      );
    }
    row(
      'since last checkpoint',
      c.iterationsSinceLastCheckpoint === undefined
        ? NONE
        : `${plural(c.iterationsSinceLastCheckpoint, 'iteration')} (lost if the job died at its end)`,
    );

    section('Time breakdown (share of application time)');
    const b = s.timeBreakdown;
    if (b === undefined) {
      row('', 'unknown (no application time)');
    } else {
      const bar = options.bar ?? '#';
      const share = (label: string, v: number) => row(label, `${formatPercent(v).padStart(6)}  ${bar.repeat(Math.round(v * BAR_WIDTH))}`);
      share('initialization', b.initialization);
      share('training iterations', b.training);
      share('validation', b.validation);
      share('checkpoint saving', b.checkpointSaving);
      share('other', b.other);
      // Resumed runs: the time between them counts, so the shares add up to the duration above.
      if (b.betweenRuns > 0) share('between runs (idle)', b.betweenRuns);
    }

    if (s.spanStats.byName.length > 0) {
      section('Top spans (by total time: total, share of application time, count, mean, max)');
      for (const [label, value] of spanStatsRows(s.spanStats, MAX_TOP_SPANS_SHOWN, LABEL_WIDTH)) row(label, value);
    }
  }

  section(s.errors.length === 0 ? 'Errors: none' : `Errors (${s.errors.length})`);
  for (const e of s.errors.slice(0, MAX_ERRORS_SHOWN)) {
    const type = e.exceptionType === undefined ? '' : `${e.exceptionType}: `;
    out.push(`  ${formatTime(e.timeMs)}  [${e.spanName ?? 'unknown span'}] ${type}${oneLine(e.message)}`);
  }
  if (s.errors.length > MAX_ERRORS_SHOWN) out.push(`  … ${s.errors.length - MAX_ERRORS_SHOWN} more (see --json)`);

  const tde = s.telemetryDataErrors;
  section(tde.length === 0 ? 'Telemetry-data errors: none' : `Telemetry-data errors (${tde.length})`);
  for (const e of tde.slice(0, MAX_ERRORS_SHOWN))
    out.push(`  ${formatTime(e.timeMs)}  [${e.type ?? 'unknown type'}] ${oneLine(e.message)}`);
  if (tde.length > MAX_ERRORS_SHOWN) out.push(`  … ${tde.length - MAX_ERRORS_SHOWN} more (see --json)`);

  const findingsMode = options.findings ?? 'list';
  if (s.findings.length > 0 && findingsMode === 'tally') {
    section(`Problems in the input: ${findingTally(s.findings)} (listed on stderr)`);
  } else if (s.findings.length > 0 && findingsMode === 'list') {
    section(`Problems in the input (${findingTally(s.findings)})`);
    for (const f of s.findings.slice(0, MAX_FINDINGS_SHOWN)) out.push(`  ${formatFinding(f)}`);
    if (s.findings.length > MAX_FINDINGS_SHOWN)
      out.push(`  … ${s.findings.length - MAX_FINDINGS_SHOWN} more (see --json or one-logger validate)`);
  }
  // Each entry is one line: a line break or any other control character inside it came from the input.
  return `${out.map(printable).join('\n')}\n`;
}

function loopLine(loops: number, iterations: number | undefined, timeMs: number): string {
  const its = iterations === undefined ? '' : `, ${plural(iterations, 'iteration')}`;
  return `${plural(loops, 'loop')}${its}, ${formatDuration(timeMs)}`;
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** `file:line: severity: message` (`file: severity: message` for whole-file problems), control characters escaped. */
export function formatFinding(f: Finding): string {
  return `${printable(f.file)}${f.line > 0 ? `:${f.line}` : ''}: ${f.severity}: ${printable(f.message)}`;
}

export function findingTally(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return `${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}`;
}
