// Dispatches `one-logger <command>`; turns usage errors into exit code 2 and any unexpected failure into one
// line on stderr (the stack only with ONE_LOGGER_DEBUG=1), never a bare stack trace.
import { cliVersion } from '../summary/json-document.js';
import { UsageError } from './args.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';
import { summarizeCommand } from './commands/summarize.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, MAIN_HELP, REPLAY_HELP, REPORT_HELP, SUMMARIZE_HELP, VALIDATE_HELP } from './help.js';
import { type CliIo, diagnostic } from './io.js';
import { suggestName } from './suggest.js';

const COMMANDS: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; help: string }> = {
  summarize: { run: summarizeCommand, help: SUMMARIZE_HELP },
  validate: { run: validateCommand, help: VALIDATE_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
  replay: { run: replayCommand, help: REPLAY_HELP },
};

function unknownCommand(name: string): string {
  const suggestion = suggestName(name, Object.keys(COMMANDS));
  return `unknown command "${name}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      io.stderr.write(MAIN_HELP);
      return EXIT.USAGE;
    }
    if (first === '-h' || first === '--help') {
      io.stdout.write(MAIN_HELP);
      return EXIT.OK;
    }
    if (first === '-v' || first === '--version') {
      io.stdout.write(`${cliVersion()}\n`);
      return EXIT.OK;
    }
    if (first === 'help') {
      const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
      if (rest[0] !== undefined && topic === undefined) throw new UsageError(unknownCommand(rest[0]));
      io.stdout.write(topic?.help ?? MAIN_HELP);
      return EXIT.OK;
    }
    const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (command === undefined) {
      throw new UsageError(first.startsWith('-') ? `unknown option "${first}" (a command comes first)` : unknownCommand(first));
    }
    // `--version` works after any command too (before a `--` that ends the options).
    const optionsEnd = rest.indexOf('--');
    if ((optionsEnd < 0 ? rest : rest.slice(0, optionsEnd)).includes('--version')) {
      io.stdout.write(`${cliVersion()}\n`);
      return EXIT.OK;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const topic = first !== undefined && Object.hasOwn(COMMANDS, first) ? `one-logger ${first} --help` : 'one-logger --help';
      diagnostic(io, `one-logger: ${e.message}\nRun "${topic}" for usage.`);
      return EXIT.USAGE;
    }
    const detail = process.env.ONE_LOGGER_DEBUG === '1' && e instanceof Error ? `\n${e.stack}` : '';
    diagnostic(io, `one-logger: internal error: ${e instanceof Error ? e.message : String(e)}${detail}`);
    return EXIT.PROBLEMS;
  }
}
