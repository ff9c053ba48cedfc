// `one-logger replay <files...> --otlp <url>`: sends JSONL written earlier (for example on nodes without network)
// to an OpenTelemetry collector, with the OTel exporter's mapping. Exit 1 when anything was dropped or unreadable.
// `--wandb` sends the same files to Weights & Biases instead (replay-wandb.ts).
import { printable } from '../../model/printable.js';
import { readRecordBatches } from '../../records/read.js';
import { flag, parseCommandArgs, positiveInt, UsageError } from '../args.js';
import { plural } from '../format.js';
import { EXIT, REPLAY_HELP } from '../help.js';
import { type CliIo, diagnostic } from '../io.js';
import { formatFinding } from '../render-summary.js';
import { replayToWandbCommand } from './replay-wandb.js';

/** The records of `files` in order; findings go to stderr, and each error finding calls `onUnreadable`. */
async function* readAll(files: string[], io: CliIo, onUnreadable: () => void): AsyncGenerator<unknown> {
  for (const file of files) {
    for await (const batch of readRecordBatches(file)) {
      for (const item of batch) {
        if (item.kind === 'record') yield item.record;
        else if (item.kind === 'finding') {
          if (item.finding.severity === 'error') onUnreadable();
          diagnostic(io, formatFinding(item.finding));
        }
      }
    }
  }
}

export async function replayCommand(args: string[], io: CliIo): Promise<number> {
  let unreadableWandb = 0; // counted while the W&B replay reads the files
  const { values, positionals } = parseCommandArgs(args, {
    otlp: { type: 'string' },
    protocol: { type: 'string' },
    header: { type: 'string', multiple: true },
    'service-name': { type: 'string' },
    resource: { type: 'string', multiple: true },
    'timeout-ms': { type: 'string' },
    'no-event-spans': { type: 'boolean' },
    wandb: { type: 'boolean' },
    entity: { type: 'string' },
    project: { type: 'string' },
    host: { type: 'string' },
    'run-name': { type: 'string' },
    naming: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(values, 'help')) {
    io.stdout.write(REPLAY_HELP);
    return EXIT.OK;
  }
  const url = values.otlp;
  const wandb = flag(values, 'wandb');
  if (wandb && url !== undefined) throw new UsageError('replay takes either --otlp <url> or --wandb, not both');
  if (!wandb && (typeof url !== 'string' || url === '')) throw new UsageError('replay needs --otlp <collector url> or --wandb');
  if (positionals.length === 0) throw new UsageError('replay needs at least one file');
  if (wandb) {
    const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    return replayToWandbCommand(
      () => readAll(positionals, io, () => unreadableWandb++),
      positionals.length,
      () => unreadableWandb,
      {
        entity: text('entity'),
        project: text('project'),
        host: text('host'),
        runName: text('run-name'),
        naming: text('naming'),
        timeoutMillis: positiveInt(values, 'timeout-ms'),
      },
      io,
    );
  }
  if (typeof url !== 'string') throw new UsageError('replay needs --otlp <collector url> or --wandb');
  const protocol = values.protocol;
  if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new UsageError(`--protocol must be http/protobuf or http/json (got ${JSON.stringify(protocol)})`);
  }
  const headers = pairs(values.header, '--header', false);
  const resource = pairs(values.resource, '--resource', true);
  const timeoutMillis = positiveInt(values, 'timeout-ms');
  const serviceName = values['service-name'];

  // Loaded only here: the other commands do not pull in the OpenTelemetry SDK.
  const { replayRecords } = await import('@nv-one-logger/otel');
  let unreadable = 0;
  const records = (): AsyncGenerator<unknown> => readAll(positionals, io, () => unreadable++);
  // Why spans were dropped, e.g. "export failed: connect ECONNREFUSED 127.0.0.1:4318": the first few distinct reasons.
  const dropReasons = new Set<string>();
  const onDrop = (report: { reason: string; detail?: string }): void => {
    if (dropReasons.size < 3)
      dropReasons.add(`${report.reason.replace(/_/g, ' ')}${report.detail === undefined ? '' : `: ${report.detail}`}`);
  };
  let result: Awaited<ReturnType<typeof replayRecords>>;
  try {
    result = await replayRecords(records(), {
      endpoint: url,
      ...(protocol === undefined ? {} : { protocol }),
      headers,
      resource,
      ...(typeof serviceName === 'string' ? { serviceName } : {}),
      ...(timeoutMillis === undefined ? {} : { timeoutMillis, shutdownTimeoutMillis: timeoutMillis }),
      ...(flag(values, 'no-event-spans') ? { eventSpans: false } : {}),
      onDrop,
    });
  } catch (e) {
    // Option errors (a bad URL, say) name the field and the rule; they never contain header values.
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  for (const reason of result.skippedReasons) diagnostic(io, `one-logger: skipped ${reason}`);
  io.stdout.write(
    `replayed ${plural(positionals.length, 'file')}, ${plural(result.records, 'record')}: ${plural(result.spans, 'span')} ` +
      `(${plural(result.exported, 'OTel span')} delivered, ${result.dropped} dropped) to ${printable(url)}\n` +
      `  skipped ${plural(result.skipped, 'record')}, ${plural(result.orphans, 'orphan span')} sent as roots, ` +
      `${plural(result.incomplete, 'span')} without a stop flagged incomplete\n`,
  );
  for (const reason of dropReasons) diagnostic(io, `one-logger: spans dropped: ${printable(reason)}`);
  return result.dropped > 0 || unreadable > 0 ? EXIT.PROBLEMS : EXIT.OK;
}

/** `key=value` arguments; resource values that look like numbers or booleans become those types. */
function pairs(list: unknown, option: string, typed: boolean): Record<string, string> & Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const item of (list as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UsageError(
        `${option} needs key=value (got ${JSON.stringify(option === '--header' ? item.slice(0, Math.max(eq, 0)) || '<no key>' : item)})`,
      );
    const key = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    out[key] = typed ? typedValue(raw) : raw;
  }
  return out as Record<string, string> & Record<string, string | number | boolean>;
}

function typedValue(raw: string): string | number | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return /^-?\d+(\.\d+)?$/.test(raw) && Number.isFinite(Number(raw)) ? Number(raw) : raw;
}
