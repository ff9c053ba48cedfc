// Help texts of the `one-logger` command and its subcommands.

export const EXIT = { OK: 0, PROBLEMS: 1, USAGE: 2 } as const;

const EXIT_CODES = `Exit codes:
  0  success (warnings, e.g. NaN tokens or a torn last line, do not fail)
  1  problems: unreadable, foreign or corrupt input (summarize, report) or validation errors (validate)
  2  usage error (unknown command or option, missing argument)`;

export const MAIN_HELP = `one-logger — summaries, HTML reports and validation of nv-one-logger JSONL telemetry
(files written by @nv-one-logger/core's FileExporter or by the Python nv-one-logger).

Usage:
  one-logger <command> [options] <files...>

Commands:
  summarize <files...>          terminal summary of each file and of each session (--json for a document)
  report <files...> -o <html>   self-contained HTML report with timelines and charts
  validate <files...>           check every record against the schema and the semantic rules

Options:
  -h, --help       help (also: one-logger <command> --help)
  -v, --version    version

Files may be gzip-compressed; "-" reads standard input.

${EXIT_CODES}
`;

export const SUMMARIZE_HELP = `Usage: one-logger summarize [options] <files...>

Summarizes each JSONL file (application, phases, training, validation and testing, checkpoints, time breakdown,
errors) and, for files that share a session tag (ranks of one job, resumed jobs), a combined view per session.

Options:
  --json           print the summary document as JSON on stdout (see the package README for every field)
  --no-progress    never show the progress line (it is only shown on a terminal anyway)
  -h, --help       this help

Problems in the input (non-JSON lines, NaN tokens, a torn last line, …) are listed under each file.

${EXIT_CODES}
`;

export const VALIDATE_HELP = `Usage: one-logger validate [options] <files...>

Checks every line against the records JSON Schema of @nv-one-logger/core and the semantic rules: a stop has a
matching start, "count" increases per pid, parents and the spans of events are running, timestamps are plausible.
Prints "file:line: severity: problem" for each finding and a final tally.

Options:
  --max-findings <n>   print at most n findings per file (all are still counted)
  --no-progress        never show the progress line (it is only shown on a terminal anyway)
  -h, --help           this help

A torn last line (a writer killed mid-write) and NaN/Infinity tokens (Python) are warnings, not errors.

${EXIT_CODES}
`;

export const REPORT_HELP = `Usage: one-logger report [options] <files...> -o <out.html>

Writes one self-contained HTML file: the session and file summaries, span timelines and training charts.

Options:
  -o, --output <file>  the HTML file to write (required)
  --no-progress        never show the progress line (it is only shown on a terminal anyway)
  -h, --help           this help

The report is written even when some inputs have problems; they are listed in it and on stderr.

${EXIT_CODES}
`;
