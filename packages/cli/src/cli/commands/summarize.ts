// `one-logger summarize <files...> [--json]`: the summaries on stdout, problems of the input on stderr.
import { summarizeJobs } from '../../job/summarize-jobs.js';
import type { JobSummary } from '../../model/types.js';
import { stringifyDocument, toSummaryDocument } from '../../summary/json-document.js';
import { flag, parseCommandArgs, stragglerThreshold, UsageError } from '../args.js';
import { formatRanks, plural } from '../format.js';
import { EXIT, SUMMARIZE_HELP } from '../help.js';
import { expandInputs } from '../input-files.js';
import { type CliIo, diagnostic } from '../io.js';
import { streamSink } from '../output.js';
import { ProgressLine } from '../progress.js';
import { renderJob } from '../render-job.js';
import { formatFinding, renderSummary } from '../render-summary.js';

/** Above this many files the per-file summaries are left out of the text (the job view covers the ranks). */
export const MAX_FILE_SECTIONS = 16;

export async function summarizeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    'straggler-threshold': { type: 'string' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(values, 'help')) {
    io.stdout.write(SUMMARIZE_HELP);
    return EXIT.OK;
  }
  if (positionals.length === 0) throw new UsageError('summarize needs at least one file');
  const threshold = stragglerThreshold(values);
  const inputs = await expandInputs(positionals);
  for (const p of inputs.problems) diagnostic(io, p);
  const progress = new ProgressLine(io.stderr, !flag(values, 'no-progress') && io.stderr.isTTY === true);
  const result = await summarizeJobs(inputs.files, {
    onProgress: (p) => progress.update(p),
    ...(threshold === undefined ? {} : { stragglerThreshold: threshold }),
  });
  progress.done();
  for (const s of result.perFile) for (const f of s.findings) diagnostic(io, formatFinding(f));
  const bad = result.perFile.filter(hasErrors).length + inputs.problems.length;
  const failed = bad > 0;
  const out = streamSink(io.stdout);
  if (failed) diagnostic(io, `one-logger: ${plural(bad, 'input')} with problems (listed above)`);
  if (flag(values, 'json')) {
    await out.write(stringifyDocument({ ...toSummaryDocument(result), jobs: result.jobs }));
    return failed ? EXIT.PROBLEMS : EXIT.OK;
  }
  const render = { bar: io.stdout.isTTY ? '█' : '#', width: Math.min(io.stdout.columns ?? 78, 100) };
  const sections: string[] = [];
  // Jobs of several ranks first: their stragglers are the first thing to know.
  for (const job of result.jobs) if (job.ranks.length > 1) sections.push(renderJob(job, render.width));
  const withRecords = result.perFile.filter((s) => s.records > 0);
  if (withRecords.length > MAX_FILE_SECTIONS) {
    sections.push(`(${plural(withRecords.length, 'file')}: the per-file summaries are left out; --json has them all)\n`);
  }
  for (const s of withRecords.length > MAX_FILE_SECTIONS ? [] : result.perFile) {
    if (s.records === 0) continue;
    sections.push(renderSummary(s.files[0] ?? '', s, { ...render, findings: 'tally' }));
  }
  // A combined view only adds something when a session spans several files (ranks, resumed jobs).
  for (const s of result.perSession.filter((x) => x.files.length > 1)) {
    const title = `session ${s.application.sessionTag} (${plural(s.files.length, 'file')}, ranks ${formatRanks(s.application.ranks)})`;
    sections.push(renderSummary(title, s, { ...render, findings: 'none' }));
  }
  if (sections.length > 0) await out.write(sections.join('\n'));
  return failed ? EXIT.PROBLEMS : EXIT.OK;
}

function hasErrors(s: JobSummary): boolean {
  return s.findings.some((f) => f.severity === 'error');
}
