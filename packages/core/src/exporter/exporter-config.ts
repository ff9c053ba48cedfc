import { boundText, describeValue, OneLoggerError, quoteText } from '../core/errors.js';

/**
 * One exporter entry, in the reference's file format (the same keys in YAML, JSON and direct config):
 * `{ class_name: 'file', config: { file_path: 'out.jsonl' }, enabled: true }`.
 */
export interface ExporterConfigInput {
  /** A registered exporter name or alias, e.g. `file` or `nv_one_logger.exporter.file_exporter.FileExporter`. */
  readonly class_name: string;
  /** Options for the exporter's factory, which validates them. Default `{}`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Default `true`. A disabled entry still takes part in merging but creates no exporter. */
  readonly enabled?: boolean;
}

/** Where exporter configs come from, lowest priority first. */
export const ExporterConfigSource = { PACKAGE: 'package', FILE: 'file', DIRECT: 'direct' } as const;
export type ExporterConfigSource = (typeof ExporterConfigSource)[keyof typeof ExporterConfigSource];

/** Where one entry (or a whole file) came from; used only to make error messages point at the right place. */
export interface ExporterConfigOrigin {
  readonly source: ExporterConfigSource;
  /** Absolute path of the config file (source `file`). */
  readonly file?: string;
  /** Name given to `registerPackageExporterDefaults` (source `package`). */
  readonly packageName?: string;
  /** 0-based position in the file's `exporters` list, the direct list or the package's list. */
  readonly entryIndex?: number;
}

export interface ExporterConfigErrorDetails {
  readonly origin?: ExporterConfigOrigin | undefined;
  readonly className?: string | undefined;
  readonly cause?: unknown;
}

/**
 * A bad exporter configuration: missing or malformed file, bad entry, unknown exporter, bad factory options.
 * The message names the file (or source), the entry (index and class_name) and the problem; the same facts
 * are available as fields so a caller can report them per its error-handling strategy.
 */
export class ExporterConfigError extends OneLoggerError {
  override name = 'ExporterConfigError';
  /** The problem alone, without the location prefix. */
  readonly problem: string;
  readonly source: ExporterConfigSource | undefined;
  readonly file: string | undefined;
  readonly packageName: string | undefined;
  readonly entryIndex: number | undefined;
  readonly className: string | undefined;

  constructor(problem: string, details: ExporterConfigErrorDetails = {}) {
    // Values inside are bounded where they are quoted; this also bounds text a factory or parser wrote.
    const bounded = boundText(problem, MAX_PROBLEM_CHARS);
    super(`${describeLocation(details)}: ${bounded}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.problem = bounded;
    this.source = details.origin?.source;
    this.file = details.origin?.file;
    this.packageName = details.origin?.packageName;
    this.entryIndex = details.origin?.entryIndex;
    this.className = details.className;
  }
}

const MAX_PROBLEM_CHARS = 2000;

function describeLocation(details: ExporterConfigErrorDetails): string {
  const o = details.origin;
  let where: string;
  if (o?.file !== undefined) where = `Exporter config file ${o.file}`;
  else if (o?.source === ExporterConfigSource.PACKAGE) where = `Exporter defaults of package ${quoteText(o.packageName ?? '')}`;
  else if (o?.source === ExporterConfigSource.DIRECT) where = 'Direct exporter config';
  else where = 'Exporter config';
  if (o?.entryIndex !== undefined) where += o.file !== undefined ? `, exporters[${o.entryIndex}]` : `, entry ${o.entryIndex}`;
  if (details.className !== undefined) where += ` (class_name ${quoteText(details.className)})`;
  return where;
}

/** A plain `{...}` object (from JSON, YAML or a literal), not an array, Map, Date or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const ENTRY_KEYS: ReadonlySet<string> = new Set(['class_name', 'config', 'enabled']);

/**
 * A validated exporter entry (the reference's `ExporterConfig` dataclass). Immutable: `config` is a frozen
 * shallow copy, so neither merging nor a factory can change the caller's objects.
 */
export class ExporterConfig {
  readonly class_name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
  /** Where the entry came from (for error messages only; not part of the configuration). */
  readonly origin: ExporterConfigOrigin | undefined;

  /** Validates `input` strictly; throws `ExporterConfigError` naming the entry and the problem. */
  constructor(input: ExporterConfigInput, origin?: ExporterConfigOrigin) {
    const value: unknown = input;
    if (!isPlainObject(value)) {
      throw new ExporterConfigError(
        `an exporter entry must be a mapping like {class_name: file, config: {...}} (got ${describeValue(value)})`,
        {
          origin,
        },
      );
    }
    const className = value.class_name;
    const named = typeof className === 'string' ? className : undefined;
    const fail = (problem: string): never => {
      throw new ExporterConfigError(problem, { origin, className: named });
    };
    for (const key of Object.keys(value)) {
      if (!ENTRY_KEYS.has(key)) fail(`unknown key ${quoteText(key)}; an entry has only class_name, config and enabled`);
    }
    if (className === undefined) fail("missing 'class_name' (the name of a registered exporter, e.g. file)");
    if (typeof className !== 'string' || className.trim() === '') {
      fail(`class_name: must be a non-empty string (got ${describeValue(className)})`);
    }
    const config = value.config;
    if (config !== undefined && !isPlainObject(config)) {
      fail(`config: must be a mapping of exporter options; omit it for none (got ${describeValue(config)})`);
    }
    const enabled = value.enabled;
    if (enabled !== undefined && typeof enabled !== 'boolean') fail(`enabled: must be true or false (got ${describeValue(enabled)})`);
    this.class_name = className as string;
    this.config = Object.freeze({ ...(config as Record<string, unknown> | undefined) });
    this.enabled = (enabled as boolean | undefined) ?? true;
    this.origin = origin;
  }

  /** Validates any value as an entry; an `ExporterConfig` is returned as is (it keeps its own origin). */
  static from(value: unknown, origin?: ExporterConfigOrigin): ExporterConfig {
    return value instanceof ExporterConfig ? value : new ExporterConfig(value as ExporterConfigInput, origin);
  }

  /** A copy with some fields replaced. */
  with(changes: { config?: Readonly<Record<string, unknown>>; enabled?: boolean }): ExporterConfig {
    return new ExporterConfig(
      { class_name: this.class_name, config: changes.config ?? this.config, enabled: changes.enabled ?? this.enabled },
      this.origin,
    );
  }

  /** The entry in file format. */
  toJSON(): { class_name: string; config: Record<string, unknown>; enabled: boolean } {
    return { class_name: this.class_name, config: { ...this.config }, enabled: this.enabled };
  }
}
