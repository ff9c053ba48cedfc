// `one-logger report`: renders summaries, span timelines and training charts into one self-contained HTML file
// (inline CSS and SVG, no scripts, no network; a Content-Security-Policy forbids both even if markup slipped in).

import type { JobSummary, ModelMetricSeriesData, SpanNode, TrainingMetricPoint } from '../model/types.js';
import { detailedFiles } from './detailed-files.js';
import { fmtDuration, fmtInt, fmtTime } from './format.js';
import { el, type Html, join, raw } from './html.js';
import { jobAnchor, jobSection, jobTitle, type ReportJob } from './job-section.js';
import { collectMarkers } from './markers.js';
import { iterationTimeFigure, loggedUpdates, throughputFigure } from './metric-charts.js';
import { groupMetricSeries, modelMetricFigure, samplesPerSecondFigure } from './model-metric-charts.js';
import { PAGE_CSS } from './page-style.js';
import { problemsSection } from './problems.js';
import { runGaps } from './run-gaps.js';
import { indexSpans } from './span-index.js';
import { type SummaryColumn, summaryTable } from './summary-table.js';
import { fileTimes, timeAxisFor } from './time-axis.js';
import { timeBreakdownFigure } from './time-breakdown.js';
import { planTimeline, timelineFigure } from './timeline.js';

export interface ReportFile {
  file: string;
  spans: SpanNode[];
  metrics: TrainingMetricPoint[];
  /** The model's own metrics (model_metrics events), one series per metric. */
  modelMetrics?: ModelMetricSeriesData[];
  summary: JobSummary;
}

export interface ReportInput {
  /** One summary per session (the files of ranks / resumed jobs of one run). */
  summaries: JobSummary[];
  perFile: ReportFile[];
  /** The job view (summarizeJobs): jobs of several ranks get their own section, first. */
  jobs?: ReportJob[];
}

export { MAX_FILE_SECTIONS } from './detailed-files.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderReport(input: ReportInput): string {
  const { summaries, perFile } = input;
  const apps = unique([...summaries, ...perFile.map((f) => f.summary)].map((s) => s.application.name));
  const title = 'one-logger report' + (apps.length > 0 ? ' — ' + apps.join(', ') : '');

  const body: Html[] = [];
  const jobs = (input.jobs ?? []).filter((j) => j.view.ranks.length > 1);
  const detailed = detailedFiles(
    perFile.map((f) => f.file),
    jobs.map((j) => j.view),
  );
  body.push(...jobs.map(jobSection));
  if (summaries.length === 0 && perFile.length === 0) {
    body.push(el('p', { class: 'note', 'data-note': 'empty' }, 'No telemetry to report: the input contained no sessions and no files.'));
  } else {
    body.push(sessionsSection(summaries));
    if (showFilesTable(summaries, perFile)) body.push(filesSection(perFile));
    body.push(
      el(
        'section',
        { id: 'problems' },
        el('h2', {}, 'Errors and problems'),
        problemsSection(perFile.length > 0 ? perFile : summaries.map((s) => ({ file: s.files.join(', '), summary: s }))),
      ),
    );
    if (detailed.length < perFile.length) {
      body.push(
        note(
          'file-sections',
          `Per-file sections are shown for ${fmtInt(detailed.length)} of ${fmtInt(perFile.length)} files (stragglers first, then in input order); the job view covers every rank.`,
        ),
      );
    }
    body.push(...detailed.map((i) => fileSection(perFile[i] as ReportFile, i)));
  }

  // Recorded errors and problems of the input are counted apart: a corrupt file never reads "0 errors".
  const shown = perFile.length > 0 ? perFile.map((f) => f.summary) : summaries;
  const errorCount = sum(shown.map((s) => s.errors.length));
  const inputErrors = sum(shown.map((s) => s.findings.filter((f) => f.severity === 'error').length));
  const inputWarnings = sum(shown.map((s) => s.findings.filter((f) => f.severity !== 'error').length));
  const subtitle = [
    plural(perFile.length, 'file'),
    plural(summaries.length, 'session'),
    plural(errorCount, 'recorded error'),
    plural(inputErrors, 'input error'),
    inputWarnings > 0 ? plural(inputWarnings, 'input warning') : undefined,
  ]
    .filter((x): x is string => x !== undefined)
    .join(' · ');

  const nav: Html[] = jobs.map((j, i) => link('#' + jobAnchor(i), jobTitle(j.view)));
  if (summaries.length + perFile.length > 0) nav.push(link('#sessions', 'Sessions'));
  if (showFilesTable(summaries, perFile)) nav.push(link('#files', 'Files'));
  if (summaries.length + perFile.length > 0) nav.push(link('#problems', 'Errors and problems'));
  nav.push(...detailed.map((i) => link('#' + fileAnchor(i), (perFile[i] as ReportFile).file)));

  const page = el(
    'html',
    { lang: 'en' },
    el(
      'head',
      {},
      raw('<meta charset="utf-8">'),
      raw(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`),
      raw('<meta name="viewport" content="width=device-width, initial-scale=1">'),
      raw('<meta name="color-scheme" content="light dark">'),
      el('title', {}, title),
      el('style', {}, raw(PAGE_CSS)),
    ),
    el(
      'body',
      {},
      el(
        'header',
        {},
        el('h1', {}, title),
        el('p', { class: 'sub' }, subtitle),
        nav.length > 0 ? el('nav', { 'aria-label': 'Contents' }, el('ul', {}, join(nav.map((n) => el('li', {}, n))))) : undefined,
      ),
      el('main', {}, join(body)),
      el('footer', {}, 'Generated by one-logger report (@nv-one-logger/cli). Times are UTC. Hover a chart mark for details.'),
    ),
  );
  return '<!doctype html>\n' + page.html + '\n';
}

function sessionsSection(summaries: readonly JobSummary[]): Html {
  if (summaries.length === 0) {
    return el('section', { id: 'sessions' }, el('h2', {}, 'Sessions'), el('p', { class: 'note' }, 'No session summaries were given.'));
  }
  const columns: SummaryColumn[] = summaries.map((s, i) => ({
    heading: s.application.sessionTag ?? s.application.name ?? `session ${i + 1}`,
    title: s.files.join('\n'),
    summary: s,
  }));
  return el(
    'section',
    { id: 'sessions' },
    el('h2', {}, 'Sessions'),
    summaryTable('sessions', columns),
    timeBreakdownFigure(columns.map((c) => ({ label: c.heading, summary: c.summary }))),
  );
}

function filesSection(perFile: readonly ReportFile[]): Html {
  const columns: SummaryColumn[] = perFile.map((f) => ({ heading: shortName(f.file), title: f.file, summary: f.summary }));
  return el(
    'section',
    { id: 'files' },
    el('h2', {}, 'Files'),
    summaryTable('files', columns),
    perFile.length > 1 ? timeBreakdownFigure(columns.map((c) => ({ label: c.heading, summary: c.summary }))) : undefined,
  );
}

function fileSection(f: ReportFile, i: number): Html {
  const index = indexSpans(f.spans);
  const { checkpoints, errors } = collectMarkers(index.all);
  const s = f.summary;
  const axis = timeAxisFor(fileTimes(index.all, f.metrics, [s.application.startMs, s.application.endMs]));

  const plan = planTimeline(index);
  const marginLeft = Math.max(64, plan.marginLeft);
  const parts: Html[] = [];
  const notes: Html[] = [];
  if (axis !== undefined && f.metrics.length > 0) {
    const input = { metrics: f.metrics, checkpoints, errors, axis, marginLeft, backend: s.application.backend, gaps: runGaps(index.all) };
    const iteration = iterationTimeFigure(input);
    const throughput = throughputFigure(input);
    if (iteration !== undefined) parts.push(iteration);
    else notes.push(note('no-iteration-time', 'The training metrics carry no iteration times, so there is no iteration-time chart.'));
    if (throughput !== undefined) parts.push(throughput);
    const samples = samplesPerSecondFigure(f.metrics, axis, marginLeft);
    if (samples !== undefined) parts.push(samples);
    if (throughput === undefined)
      notes.push(
        note(
          'no-throughput',
          'No throughput was logged (is_log_throughput_enabled was off or FLOPs per sample unknown), so there is no throughput chart.',
        ),
      );
  } else {
    notes.push(
      note(
        'no-training',
        join([
          'No ',
          el('code', {}, 'training_metrics_update'),
          ' events in this file (no training, or it ended before the first report), so there are no iteration-time or throughput charts.',
        ]),
      ),
    );
  }
  // The model's own metrics (loss, accuracy, ...) by step, each training metric with its validation twin.
  const groups = groupMetricSeries(f.modelMetrics ?? []);
  for (const g of groups) {
    const chart = modelMetricFigure(g, marginLeft);
    if (chart !== undefined) parts.push(chart);
  }
  if (groups.length === 0 && f.metrics.length > 0) {
    notes.push(
      note(
        'no-model-metrics',
        join(['No ', el('code', {}, 'model_metrics'), ' events (logMetrics) in this file, so there are no loss or accuracy charts.']),
      ),
    );
  }
  const timeline = axis === undefined ? undefined : timelineFigure({ plan: { ...plan, marginLeft }, checkpoints, errors, axis });
  if (timeline !== undefined) parts.push(timeline);
  else notes.push(note('no-spans', 'No spans with a start time in this file, so there is no timeline.'));

  const meta = [
    s.application.name,
    s.application.sessionTag === undefined ? undefined : 'session ' + s.application.sessionTag,
    s.application.ranks.length === 0 ? undefined : (s.application.ranks.length === 1 ? 'rank ' : 'ranks ') + s.application.ranks.join(', '),
    s.application.startMs === undefined ? undefined : 'started ' + fmtTime(s.application.startMs),
    s.application.durationMs === undefined ? undefined : 'ran ' + fmtDuration(s.application.durationMs),
    plural(index.all.length, 'span'),
    plural(loggedUpdates(f.metrics), 'metric update'),
    groups.length === 0 ? undefined : plural(groups.length, 'model metric chart'),
  ].filter((x): x is string => x !== undefined);

  return el(
    'section',
    { id: fileAnchor(i), class: 'file', 'data-file': f.file },
    el('h2', {}, `File ${i + 1}: `, el('code', {}, f.file)),
    el('p', { class: 'meta' }, meta.join(' · ')),
    join(notes),
    join(parts),
  );
}

/** A separate per-file table only adds information when files and sessions differ. */
function showFilesTable(summaries: readonly JobSummary[], perFile: readonly ReportFile[]): boolean {
  if (perFile.length === 0) return false;
  if (perFile.length > 1 || summaries.length !== 1) return true;
  const files = summaries[0]!.files;
  return !(files.length === 1 && files[0] === perFile[0]!.file);
}

function note(id: string, text: Html | string): Html {
  return el('p', { class: 'note', 'data-note': id }, text);
}

function link(href: string, text: string): Html {
  return el('a', { href }, text);
}

function fileAnchor(i: number): string {
  return `file-${i + 1}`;
}

/** The last two path segments: enough to tell `run1/rank0.jsonl` from `run2/rank0.jsonl` in a column heading. */
function shortName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts.slice(-2).join('/') || path;
}

function plural(n: number, word: string): string {
  return `${fmtInt(n)} ${word}${n === 1 ? '' : 's'}`;
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
