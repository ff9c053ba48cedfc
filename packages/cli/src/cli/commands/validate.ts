// `one-logger validate <files...>`: findings on stdout as they are found, then a tally; exit 1 on any error.
import { printable } from '../../model/printable.js';
import type { Finding } from '../../model/types.js';
import { validateFiles } from '../../validate/validate.js';
import { flag, parseCommandArgs, positiveInt, UsageError } from '../args.js';
import { plural } from '../format.js';
import { EXIT, VALIDATE_HELP } from '../help.js';
import { type CliIo, diagnostic } from '../io.js';
import { streamSink } from '../output.js';
import { ProgressLine } from '../progress.js';
import { formatFinding } from '../render-summary.js';

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    'max-findings': { type: 'string' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(values, 'help')) {
    io.stdout.write(VALIDATE_HELP);
    return EXIT.OK;
  }
  const maxFindings = positiveInt(values, 'max-findings');
  if (positionals.length === 0) throw new UsageError('validate needs at least one file');
  const out = streamSink(io.stdout);
  const progress = new ProgressLine(io.stderr, !flag(values, 'no-progress') && io.stderr.isTTY === true);
  let currentFile: string | undefined;
  let shown = 0;
  let hidden = 0;
  const flushHidden = async () => {
    if (hidden > 0 && currentFile !== undefined)
      await out.write(`${printable(currentFile)}: … ${plural(hidden, 'more finding')} not shown (--max-findings ${maxFindings})\n`);
    hidden = 0;
  };
  const onFinding = async (f: Finding) => {
    if (f.file !== currentFile) {
      await flushHidden();
      currentFile = f.file;
      shown = 0;
    }
    if (maxFindings !== undefined && shown >= maxFindings) {
      hidden++;
      return;
    }
    shown++;
    progress.done();
    await out.write(`${formatFinding(f)}\n`);
  };
  const result = await validateFiles(positionals, { onFinding, onProgress: (p) => progress.update(p) });
  await flushHidden();
  progress.done();
  if (result.schemaUnavailable !== undefined) diagnostic(io, `one-logger: schema checks skipped: ${result.schemaUnavailable}`);
  const clean = result.errors === 0;
  await out.write(
    `${clean ? 'valid' : 'invalid'}: ${plural(result.files.length, 'file')}, ${plural(result.records, 'record')}, ` +
      `${plural(result.errors, 'error')}, ${plural(result.warnings, 'warning')}\n`,
  );
  return clean ? EXIT.OK : EXIT.PROBLEMS;
}
