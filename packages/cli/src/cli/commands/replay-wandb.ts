// `one-logger replay <files...> --wandb`: uploads JSONL written earlier (offline mode, nodes without network)
// to Weights & Biases, one run per session, with the W&B exporter's rows. The API key comes from WANDB_API_KEY
// only (a key on the command line would show in process listings). Exit 1 when anything was dropped or unreadable.
import { printable } from '../../model/printable.js';
import { UsageError } from '../args.js';
import { plural } from '../format.js';
import { EXIT } from '../help.js';
import { type CliIo, diagnostic } from '../io.js';

export interface WandbReplayArgs {
  readonly entity: string | undefined;
  readonly project: string | undefined;
  readonly host: string | undefined;
  readonly runName: string | undefined;
  readonly naming: string | undefined;
  readonly timeoutMillis: number | undefined;
}

export async function replayToWandbCommand(
  records: () => AsyncGenerator<unknown>,
  files: number,
  unreadable: () => number,
  args: WandbReplayArgs,
  io: CliIo,
): Promise<number> {
  if (args.naming !== undefined && args.naming !== 'hierarchical' && args.naming !== 'flat') {
    throw new UsageError(`--naming must be hierarchical or flat (got ${JSON.stringify(args.naming)})`);
  }
  if (!process.env.WANDB_API_KEY?.trim()) throw new UsageError('replay --wandb needs the API key in WANDB_API_KEY');
  // Loaded only here: the other commands do not pull in the W&B exporter.
  const { replayToWandb } = await import('@nv-one-logger/wandb');
  const dropReasons = new Set<string>();
  let result: Awaited<ReturnType<typeof replayToWandb>>;
  try {
    result = await replayToWandb(records(), {
      ...(args.entity === undefined ? {} : { entity: args.entity }),
      ...(args.project === undefined ? {} : { project: args.project }),
      ...(args.host === undefined ? {} : { host: args.host }),
      ...(args.runName === undefined ? {} : { runName: args.runName }),
      ...(args.naming === undefined ? {} : { metricNaming: args.naming as 'hierarchical' | 'flat' }),
      ...(args.timeoutMillis === undefined ? {} : { requestTimeoutMillis: args.timeoutMillis, shutdownTimeoutMillis: args.timeoutMillis }),
      onDrop: (report) => {
        if (dropReasons.size < 3)
          dropReasons.add(`${report.reason.replace(/_/g, ' ')}${report.detail === undefined ? '' : `: ${report.detail}`}`);
      },
    });
  } catch (e) {
    // Option errors name the field, the value and the rule; the API key is never part of them.
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  for (const reason of result.skippedReasons) diagnostic(io, `one-logger: skipped ${printable(reason)}`);
  const lines = [
    `replayed ${plural(files, 'file')}, ${plural(result.records, 'record')} to W&B: ${plural(result.runs.length, 'run')}, ` +
      `${plural(result.rows, 'row')} (${result.sent} delivered, ${result.dropped} dropped), ${plural(result.skipped, 'record')} skipped`,
  ];
  for (const run of result.runs) {
    const where = `${run.entity ?? '?'}/${run.project}/${run.runId}`;
    const state = run.error !== undefined ? `failed: ${run.error}` : run.finished ? `finished, exit code ${run.exitCode}` : 'not finished';
    lines.push(`  run ${printable(where)} "${printable(run.displayName)}": ${plural(run.rows, 'row')}, ${run.sent} delivered, ${state}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  for (const reason of dropReasons) diagnostic(io, `one-logger: rows dropped (${printable(reason)})`);
  const failed = result.dropped > 0 || result.runs.some((r) => r.error !== undefined || !r.finished);
  return failed || unreadable() > 0 ? EXIT.PROBLEMS : EXIT.OK;
}
