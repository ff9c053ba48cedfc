// Command-line parsing on node:util parseArgs, with usage errors as a type of their own (exit code 2).
import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(args: string[], options: OptionSpec): Parsed {
  try {
    // `-` (stdin) is a positional; parseArgs treats a lone `-` as one already.
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new UsageError(cleanParseError(e));
  }
}

function cleanParseError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // parseArgs suggests "To specify a positional argument starting with a '-', place it at the end…": keep the first sentence.
  return message.split('. To specify')[0] as string;
}

/** `--no-progress` style flags are declared as plain booleans named `no-…`. */
export function flag(values: Parsed['values'], name: string): boolean {
  return values[name] === true;
}

export function positiveInt(values: Parsed['values'], name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${name} needs a positive integer (got ${JSON.stringify(v)})`);
  }
  return n;
}

/** `--straggler-threshold <percent>` (e.g. `5` or `5%`) as a fraction; undefined when not given. */
export function stragglerThreshold(values: Parsed['values']): number | undefined {
  const v = values['straggler-threshold'];
  if (v === undefined) return undefined;
  const text = typeof v === 'string' ? v.trim().replace(/%$/, '') : '';
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n <= 0 || n > 1000) {
    throw new UsageError(`--straggler-threshold needs a percentage above 0 and at most 1000, like 5 or 5% (got ${JSON.stringify(v)})`);
  }
  return n / 100;
}
