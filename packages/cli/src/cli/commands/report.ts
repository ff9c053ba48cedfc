// `one-logger report <files...> -o out.html`: summaries + span forests + metric series → renderReport → file.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JobSeries } from '../../job/job-types.js';
import { summarizeJobs } from '../../job/summarize-jobs.js';
import { printable } from '../../model/printable.js';
import { errorText } from '../../records/open-input.js';
import { detailedFiles, MAX_FILE_SECTIONS } from '../../report/detailed-files.js';
import { summarize } from '../../summary/summarize.js';
import { flag, parseCommandArgs, stragglerThreshold, UsageError } from '../args.js';
import { formatBytes } from '../format.js';
import { EXIT, REPORT_HELP } from '../help.js';
import { expandInputs } from '../input-files.js';
import { type CliIo, diagnostic } from '../io.js';
import { ProgressLine } from '../progress.js';
import { formatFinding } from '../render-summary.js';

/** Spans kept over the files drawn in detail (each gets its share). */
export const REPORT_SPAN_BUDGET = 100_000;
/** Training-metric points kept over the files drawn in detail (each gets its share). */
export const REPORT_POINT_BUDGET = 50_000;

/** Without `-o`: report.html next to the first input (in the working directory for standard input). */
export function defaultReportPath(firstInput: string): string {
  return firstInput === '-' ? 'report.html' : join(dirname(firstInput), 'report.html');
}

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    'straggler-threshold': { type: 'string' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(values, 'help')) {
    io.stdout.write(REPORT_HELP);
    return EXIT.OK;
  }
  if (positionals.length === 0) throw new UsageError('report needs at least one file');
  if (values.output === '') throw new UsageError('-o needs a file name');
  const threshold = stragglerThreshold(values);
  const inputs = await expandInputs(positionals);
  for (const p of inputs.problems) diagnostic(io, p);
  const output = typeof values.output === 'string' ? values.output : defaultReportPath(inputs.files[0] ?? (positionals[0] as string));
  const progress = new ProgressLine(io.stderr, !flag(values, 'no-progress') && io.stderr.isTTY === true);
  // Span forests and metric series are kept only for the files drawn in detail (at most MAX_FILE_SECTIONS) and
  // within a total budget, so hundreds of rank files fit in bounded memory. With more files, a first pass reads
  // every file for the summaries and the job view; a second reads the chosen ones for their details.
  const many = inputs.files.length > MAX_FILE_SECTIONS;
  const drawn = Math.max(1, Math.min(inputs.files.length, MAX_FILE_SECTIONS));
  const detail = {
    spans: true,
    metrics: true,
    // One file keeps the defaults (200,000 spans, 10,000 points); several share the budgets.
    spanTree: { maxSpans: drawn === 1 ? 200_000 : Math.floor(REPORT_SPAN_BUDGET / drawn) },
    maxMetricPoints: drawn === 1 ? 10_000 : Math.floor(REPORT_POINT_BUDGET / drawn),
  };
  const result = await summarizeJobs(inputs.files, {
    ...(many ? {} : detail),
    onProgress: (p) => progress.update(p),
    ...(threshold === undefined ? {} : { stragglerThreshold: threshold }),
  });
  if (many) {
    const chosen = detailedFiles(inputs.files, result.jobs).map((i) => inputs.files[i] as string);
    const second = await summarize(chosen, detail);
    const byFile = new Map(second.details.map((d) => [d.file, d]));
    result.details = result.details.map((d) => byFile.get(d.file) ?? d);
  }
  progress.done();
  for (const s of result.perFile) for (const f of s.findings) diagnostic(io, formatFinding(f));
  // Loaded only here: the chart and DOM libraries are not needed by the other commands.
  const { renderReport } = await import('../../report/index.js');
  const jobs = result.jobs.map((view, i) => ({ view, series: result.jobSeries[i] as JobSeries }));
  const html = renderReport({ summaries: result.perSession, perFile: result.details, jobs });
  try {
    await writeFile(output, html);
  } catch (e) {
    diagnostic(io, `one-logger: cannot write ${printable(output)}: ${errorText(e)}`);
    return EXIT.PROBLEMS;
  }
  io.stdout.write(`report written to ${printable(output)} (${formatBytes(Buffer.byteLength(html))})\n`);
  const failed = inputs.problems.length > 0 || result.perFile.some((s) => s.findings.some((f) => f.severity === 'error'));
  return failed ? EXIT.PROBLEMS : EXIT.OK;
}
