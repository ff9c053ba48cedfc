// `one-logger summarize <files...> [--json]`: the summaries on stdout, problems of the input on stderr.
import type { JobSummary } from '../../model/types.js';
import { stringifyDocument, toSummaryDocument } from '../../summary/json-document.js';
import { summarize } from '../../summary/summarize.js';
import { flag, parseCommandArgs, UsageError } from '../args.js';
import { formatRanks, plural } from '../format.js';
import { EXIT, SUMMARIZE_HELP } from '../help.js';
import { type CliIo, diagnostic } from '../io.js';
import { streamSink } from '../output.js';
import { ProgressLine } from '../progress.js';
import { formatFinding, renderSummary } from '../render-summary.js';

export async function summarizeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(values, 'help')) {
    io.stdout.write(SUMMARIZE_HELP);
    return EXIT.OK;
  }
  if (positionals.length === 0) throw new UsageError('summarize needs at least one file');
  const progress = new ProgressLine(io.stderr, !flag(values, 'no-progress') && io.stderr.isTTY === true);
  const result = await summarize(positionals, { onProgress: (p) => progress.update(p) });
  progress.done();
  for (const s of result.perFile) for (const f of s.findings) diagnostic(io, formatFinding(f));
  const failed = result.perFile.some(hasErrors);
  const out = streamSink(io.stdout);
  if (failed) {
    const bad = result.perFile.filter(hasErrors).length;
    diagnostic(io, `one-logger: ${plural(bad, 'input')} with problems (listed above)`);
  }
  if (flag(values, 'json')) {
    await out.write(stringifyDocument(toSummaryDocument(result)));
    return failed ? EXIT.PROBLEMS : EXIT.OK;
  }
  const render = { bar: io.stdout.isTTY ? '█' : '#', width: Math.min(io.stdout.columns ?? 78, 100) };
  const sections: string[] = [];
  for (const s of result.perFile) {
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
