// Help texts of the `one-logger` command and its subcommands.

export const EXIT = { OK: 0, PROBLEMS: 1, USAGE: 2 } as const;

const EXIT_CODES = `Exit codes:
  0  success (warnings, e.g. NaN tokens or a torn last line, do not fail)
  1  problems: unreadable, foreign or corrupt input, or reading stopped at a limit (summarize, report: after what could be read); validation errors (validate)
  2  usage error (unknown command or option, missing argument)`;

export const MAIN_HELP = `one-logger — summaries, HTML reports and validation of nv-one-logger JSONL telemetry
(files written by @nv-one-logger/core's FileExporter or by the Python nv-one-logger).

Usage:
  one-logger <command> [options] <files...>

Commands:
  summarize <files...>          terminal summary of each file and of each session (--json for a document)
  report <files...> [-o <html>] self-contained HTML report with timelines and charts
  validate <files...>           check every record against the schema and the semantic rules
  replay <files...> --otlp <url>  send the records to an OpenTelemetry collector (OTLP/HTTP)
  replay <files...> --wandb       upload the records to Weights & Biases, one run per session

Options:
  -h, --help       help (also: one-logger <command> --help)
  -v, --version    version (also: one-logger <command> --version)

Files may be gzip-compressed; "-" reads standard input.

${EXIT_CODES}
`;

export const SUMMARIZE_HELP = `Usage: one-logger summarize [options] <files...>

Summarizes each JSONL file (application, phases, training, validation and testing, checkpoints, time breakdown,
errors) and, for files that share a session tag (ranks of one job, resumed jobs), a combined view per session.
A job of several ranks comes first: its stragglers (ranks whose median iteration time is more than the threshold
above the job median, with the time they cost), the spread of each figure across ranks and the slowest ranks.
A directory stands for the *.jsonl / *.jsonl.gz files in it; a quoted pattern ('logs/rank*.jsonl') is expanded.

Options:
  --json           print the summary document as JSON on stdout (see the package README for every field)
  --straggler-threshold <percent>
                   how far above the job median a rank's median iteration time must be (default 5)
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

export const REPORT_HELP = `Usage: one-logger report [options] <files...> [-o <out.html>]

Writes one self-contained HTML file: the session and file summaries, span timelines and training charts.

Options:
  -o, --output <file>  the HTML file to write (default: report.html next to the first input file,
                       or in the working directory for standard input); its path is printed
  --no-progress        never show the progress line (it is only shown on a terminal anyway)
  -h, --help           this help

The report is written even when some inputs have problems; they are listed in it and on stderr.

${EXIT_CODES}
`;

export const REPLAY_HELP = `Usage: one-logger replay [options] <files...> --otlp <url>
       one-logger replay [options] <files...> --wandb

Sends JSONL telemetry written earlier (for example on nodes without network access) to an OpenTelemetry
collector over OTLP/HTTP, with the same mapping as @nv-one-logger/otel's OTelExporter: one OTel span per
one-logger span (parent links kept, "one_logger_span_id" attribute), span events with their timestamps, a
zero-length child span per event, ERROR status for application errors. Spans that have a start but no stop
are ended at the last record's time and flagged "one_logger_span_incomplete".

Options:
  --otlp <url>             collector URL; "/v1/traces" is added when the URL has no path (required)
  --protocol <p>           http/protobuf (default) or http/json
  --header <k=v>           an HTTP header, e.g. --header "authorization=Bearer $TOKEN" (repeatable)
  --service-name <name>    service.name of the resource (default "one-logger-replay")
  --resource <k=v>         another resource attribute, e.g. --resource one_logger.session_tag=run_7 (repeatable)
  --timeout-ms <n>         time allowed per request including retries, and for the final flush (default 10000)
  --no-event-spans         send span events only, without the zero-length child span per event
  -h, --help               this help

OTEL_EXPORTER_OTLP_HEADERS and the other OTEL_EXPORTER_OTLP_* variables apply as for the exporter.

With --wandb the records go to Weights & Biases instead, with @nv-one-logger/wandb's mapping: one run per
session (a new run at each "application" span or process), one history row per record, model metrics at
_step = global_step, the job's configuration as the run config; each run is finished with exit code 0, or 1
when the application failed or the telemetry is incomplete. The API key is read from WANDB_API_KEY only.
  --wandb                  upload to W&B (instead of --otlp)
  --entity <name>          W&B entity (default WANDB_ENTITY, else the API key's default entity)
  --project <name>         W&B project (default WANDB_PROJECT, else "one-logger-tracking")
  --host <url>             W&B server (default WANDB_BASE_URL, else https://api.wandb.ai)
  --run-name <name>        display name of every run (default the session tag of its records)
  --naming <n>             metric names: hierarchical (default, <span>.<attribute>) or flat
  --timeout-ms <n>         time allowed per request, and for finishing each run (default 30000 and 10000)

Exit codes:
  0  everything was delivered
  1  spans or rows were dropped (server unreachable or refusing), a run was not finished, or an input could not be read
  2  usage error (unknown option, missing --otlp/--wandb or file, bad option value, no WANDB_API_KEY)
`;
