// `one-logger report <files...> -o out.html`: summaries + span forests + metric series → renderReport → file.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { printable } from '../../model/printable.js';
import { errorText } from '../../records/open-input.js';
import { summarize } from '../../summary/summarize.js';
import { flag, parseCommandArgs, UsageError } from '../args.js';
import { formatBytes } from '../format.js';
import { EXIT, REPORT_HELP } from '../help.js';
import { type CliIo, diagnostic } from '../io.js';
import { ProgressLine } from '../progress.js';
import { formatFinding } from '../render-summary.js';

/** Without `-o`: report.html next to the first input (in the working directory for standard input). */
export function defaultReportPath(firstInput: string): string {
  return firstInput === '-' ? 'report.html' : join(dirname(firstInput), 'report.html');
}

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(values, 'help')) {
    io.stdout.write(REPORT_HELP);
    return EXIT.OK;
  }
  if (positionals.length === 0) throw new UsageError('report needs at least one file');
  if (values.output === '') throw new UsageError('-o needs a file name');
  const output = typeof values.output === 'string' ? values.output : defaultReportPath(positionals[0] as string);
  const progress = new ProgressLine(io.stderr, !flag(values, 'no-progress') && io.stderr.isTTY === true);
  const result = await summarize(positionals, { spans: true, metrics: true, onProgress: (p) => progress.update(p) });
  progress.done();
  for (const s of result.perFile) for (const f of s.findings) diagnostic(io, formatFinding(f));
  // Loaded only here: the chart and DOM libraries are not needed by the other commands.
  const { renderReport } = await import('../../report/index.js');
  const html = renderReport({ summaries: result.perSession, perFile: result.details });
  try {
    await writeFile(output, html);
  } catch (e) {
    diagnostic(io, `one-logger: cannot write ${printable(output)}: ${errorText(e)}`);
    return EXIT.PROBLEMS;
  }
  io.stdout.write(`report written to ${printable(output)} (${formatBytes(Buffer.byteLength(html))})\n`);
  return result.perFile.some((s) => s.findings.some((f) => f.severity === 'error')) ? EXIT.PROBLEMS : EXIT.OK;
}
