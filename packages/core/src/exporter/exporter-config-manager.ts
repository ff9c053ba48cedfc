import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { boundText, describeValue, messageOf, quoteText } from '../core/errors.js';
import { internalLogger } from '../internal/logger.js';
import type { Exporter } from './exporter.js';
import {
  ExporterConfig,
  ExporterConfigError,
  type ExporterConfigInput,
  type ExporterConfigOrigin,
  ExporterConfigSource,
  isPlainObject,
} from './exporter-config.js';
import { type ExporterRegistry, exporterRegistry } from './exporter-registry.js';

/** Environment variable naming the exporter config file (same name as the reference). */
export const EXPORTER_CONFIG_PATH_ENV = 'ONE_LOGGER_EXPORTER_CONFIG_PATH';

/** Files looked for in the working directory, in this order. */
export const EXPORTER_CONFIG_FILE_NAMES = [
  'one_logger_exporters_config.yaml',
  'one_logger_exporters_config.yml',
  'one_logger_exporters_config.json',
] as const;

const SUPPORTED_SUFFIXES: ReadonlySet<string> = new Set(['.yaml', '.yml', '.json']);

/**
 * Exporter config files larger than this (1 MiB) are refused before anything is parsed; real ones are a few
 * hundred bytes, and parsing a huge file would cost the job seconds and gigabytes.
 */
export const MAX_EXPORTER_CONFIG_FILE_BYTES = 1024 * 1024;
const DOCUMENT_SHAPE =
  "expected a mapping with an 'exporters' list, e.g. {exporters: [{class_name: file, config: {file_path: out.jsonl}}]}";

export interface ExporterConfigManagerOptions {
  /** Where `class_name` is resolved and package defaults come from. Default: the process-wide registry. */
  registry?: ExporterRegistry;
  /** Directory searched for config files and against which relative config paths resolve. Default: `process.cwd()`. */
  cwd?: string;
  /** Environment read for `ONE_LOGGER_EXPORTER_CONFIG_PATH`. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Look for `one_logger_exporters_config.{yaml,yml,json}` in `cwd` (default true, as the reference). */
  searchWorkingDirectory?: boolean;
}

export interface GenerateExportConfigOptions {
  /** Highest-priority entries, merged by exporter over the lower levels. */
  direct?: ReadonlyArray<ExporterConfigInput | ExporterConfig> | undefined;
  /** A config file to use instead of the env variable and working-directory lookup. */
  configFilePath?: string | undefined;
  /**
   * Given: a broken part is skipped and handed to this function instead of thrown (a broken config file
   * contributes nothing, package defaults included; a broken direct entry is left out, the others kept).
   */
  onProblem?: ((error: unknown) => void) | undefined;
}

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
// Loaded on first use: most jobs never read a YAML file, and core must stay cheap to import.
function loadYaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}

/**
 * Builds the list of exporters to use from three levels (spec/core.md §5.11), lowest priority first:
 * 1. package defaults (`registerPackageExporterDefaults`);
 * 2. a config file, which REPLACES the package level when it lists at least one entry;
 * 3. direct entries, MERGED over the result: entries for an exporter already present take its place and
 *    shallow-merge their `config` over the lower-level one (direct keys win); new exporters are appended.
 *    (The reference's README says direct config "completely overrides" the file; the code merges, and so do we.)
 *
 * Unlike the reference, problems are never swallowed: a missing explicit or env file, an unreadable, empty or
 * malformed file, a bad entry and an unknown exporter all throw `ExporterConfigError`.
 */
export class ExporterConfigManager {
  readonly registry: ExporterRegistry;
  private readonly options: ExporterConfigManagerOptions;

  constructor(options: ExporterConfigManagerOptions = {}) {
    this.registry = options.registry ?? exporterRegistry;
    this.options = { ...options };
  }

  /** The merged, validated entries (disabled ones included); `[]` when nothing is configured anywhere. */
  generateExportConfig(options: GenerateExportConfigOptions = {}): ExporterConfig[] {
    const onProblem = options.onProblem;
    // Runs one part; a failure is thrown, or handed to onProblem and replaced by `fallback`.
    const tolerate = <T>(part: () => T, fallback: T): T => {
      try {
        return part();
      } catch (e) {
        if (onProblem === undefined) throw e;
        onProblem(e);
        return fallback;
      }
    };
    // `undefined`: the file is broken, and then package defaults do not stand in for it either.
    const fromFile = tolerate<ExporterConfig[] | undefined>(() => this.fileConfigs(options.configFilePath), undefined);
    let result: ExporterConfig[] = [];
    if (fromFile !== undefined && fromFile.length > 0) {
      // Package providers are not even run: the file replaces them, so their errors cannot matter.
      result = fromFile;
      internalLogger.info(`Loaded ${fromFile.length} exporter config(s) from file`);
    } else if (fromFile !== undefined) {
      result = tolerate(() => this.packageConfigs(), []);
      if (result.length > 0) internalLogger.info(`Loaded ${result.length} exporter config(s) from packages`);
    }
    const direct = options.direct;
    if (direct !== undefined && !Array.isArray(direct)) {
      tolerate(() => {
        throw new ExporterConfigError(`direct exporter configs must be an array of entries (got ${describeValue(direct)})`, {
          origin: { source: ExporterConfigSource.DIRECT },
        });
      }, undefined);
    }
    // Entry by entry, so a broken one leaves out only itself.
    const entries = Array.isArray(direct)
      ? direct.flatMap((entry, entryIndex) =>
          tolerate(() => [ExporterConfig.from(entry, { source: ExporterConfigSource.DIRECT, entryIndex })], []),
        )
      : [];
    if (entries.length > 0) result = ExporterConfigManager.mergeConfigs(result, entries, (c) => this.exporterKey(c));
    internalLogger.info(`Final configuration contains ${result.length} exporter(s)`);
    return result;
  }

  /** Entries from the registered package defaults. */
  packageConfigs(): ExporterConfig[] {
    return this.registry.packageConfigs();
  }

  /** Entries from the config file that `findConfigFile` picks; `[]` when there is none. */
  fileConfigs(configFilePath?: string): ExporterConfig[] {
    const file = this.findConfigFile(configFilePath);
    return file === undefined ? [] : this.loadConfigFile(file);
  }

  /**
   * The config file to use (absolute path): `explicit` if given, else `ONE_LOGGER_EXPORTER_CONFIG_PATH` if set,
   * else the first of `one_logger_exporters_config.{yaml,yml,json}` in the working directory, else `undefined`.
   * An explicit or env path that does not exist is an error (the reference silently fell through).
   */
  findConfigFile(explicit?: string): string | undefined {
    const cwd = this.cwd();
    if (explicit !== undefined) {
      if (typeof explicit !== 'string' || explicit === '') {
        throw new ExporterConfigError(`configFilePath must be a non-empty string (got ${describeValue(explicit)})`, {
          origin: { source: ExporterConfigSource.FILE },
        });
      }
      return requireExisting(resolve(cwd, explicit), 'given as configFilePath');
    }
    const fromEnv = (this.options.env ?? process.env)[EXPORTER_CONFIG_PATH_ENV];
    if (fromEnv !== undefined && fromEnv !== '') return requireExisting(resolve(cwd, fromEnv), `named by ${EXPORTER_CONFIG_PATH_ENV}`);
    if (this.options.searchWorkingDirectory === false) return undefined;
    for (const name of EXPORTER_CONFIG_FILE_NAMES) {
      const candidate = join(cwd, name);
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  }

  /** Reads and validates a `.yaml`/`.yml` (YAML 1.1, as PyYAML) or `.json` file of the form `{ exporters: [...] }`. */
  loadConfigFile(path: string): ExporterConfig[] {
    const file = resolve(this.cwd(), path);
    const origin: ExporterConfigOrigin = { source: ExporterConfigSource.FILE, file };
    const fail = (problem: string, cause?: unknown): never => {
      throw new ExporterConfigError(problem, { origin, cause });
    };
    const suffix = extname(file).toLowerCase();
    if (!SUPPORTED_SUFFIXES.has(suffix)) {
      fail(`unsupported file format ${suffix === '' ? '(no suffix)' : quoteText(suffix)}; use .yaml, .yml or .json`);
    }
    let text = readConfigText(file, fail);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') fail(`the file is empty; ${DOCUMENT_SHAPE}`);
    const doc = suffix === '.json' ? parseJson(text, fail) : parseYaml(text, fail);
    if (doc === null || doc === undefined) fail(`the file has no content; ${DOCUMENT_SHAPE}`);
    if (!isPlainObject(doc)) return fail(`${DOCUMENT_SHAPE} (got ${describeValue(doc)})`);
    for (const key of Object.keys(doc)) {
      if (key !== 'exporters') fail(`unknown top-level key ${quoteText(key)}; ${DOCUMENT_SHAPE}`);
    }
    if (!('exporters' in doc)) fail(`missing 'exporters'; ${DOCUMENT_SHAPE}`);
    const list = doc.exporters;
    if (!Array.isArray(list)) return fail(`'exporters' must be a list of entries (got ${describeValue(list)})`);
    return ExporterConfigManager.buildExporterConfigs(list, origin);
  }

  /**
   * Creates (but does not initialize) one exporter per enabled entry, in order. `context` holds values that
   * some factories declare they need (`requiresContext`). Throws `ExporterConfigError` for an unknown exporter,
   * a bad factory config or a product that is not an `Exporter`.
   */
  createExporters(
    configs: ReadonlyArray<ExporterConfig | ExporterConfigInput>,
    context: Readonly<Record<string, unknown>> = {},
  ): Exporter[] {
    const exporters: Exporter[] = [];
    configs.forEach((entry, entryIndex) => {
      const config = ExporterConfig.from(entry, { source: ExporterConfigSource.DIRECT, entryIndex });
      if (!config.enabled) {
        internalLogger.debug(`Exporter config for '${config.class_name}' is disabled; skipping it`);
        return;
      }
      exporters.push(this.registry.create(config, { cwd: this.cwd(), ...context }));
    });
    return exporters;
  }

  /** Validates entries in order (duplicates kept); `origin` is completed with each entry's index. */
  static buildExporterConfigs(
    entries: ReadonlyArray<unknown>,
    origin: ExporterConfigOrigin = { source: ExporterConfigSource.DIRECT },
  ): ExporterConfig[] {
    return entries.map((entry, entryIndex) => ExporterConfig.from(entry, { ...origin, entryIndex }));
  }

  /**
   * The reference's merge: an insertion-ordered map keyed by exporter (base entries first, then overrides;
   * a later duplicate takes the value but keeps the first position). For every exporter in `override`, the
   * winning entry's `config` is the first base entry's config shallow-merged with its own (override wins);
   * `enabled` comes from the winning entry. Returns new objects; the inputs are never changed.
   * `keyOf` defaults to `class_name`; `generateExportConfig` keys by registered name so aliases merge.
   */
  static mergeConfigs(
    base: readonly ExporterConfig[],
    override: readonly ExporterConfig[],
    keyOf: (config: ExporterConfig) => string = (c) => c.class_name,
  ): ExporterConfig[] {
    const merged = new Map<string, ExporterConfig>();
    for (const c of base) merged.set(keyOf(c), c);
    for (const c of override) {
      const key = keyOf(c);
      internalLogger.info(
        merged.has(key) ? `Overriding exporter config for '${c.class_name}'` : `Adding new exporter config for '${c.class_name}'`,
      );
      merged.set(key, c);
    }
    for (const key of new Set(override.map(keyOf))) {
      const lower = base.find((c) => keyOf(c) === key);
      const winner = merged.get(key);
      if (lower === undefined || winner === undefined) continue;
      merged.set(key, winner.with({ config: { ...lower.config, ...winner.config } }));
    }
    return [...merged.values()];
  }

  private exporterKey(config: ExporterConfig): string {
    return this.registry.canonicalName(config.class_name) ?? config.class_name;
  }

  private cwd(): string {
    return this.options.cwd ?? process.cwd();
  }
}

function requireExisting(file: string, how: string): string {
  if (!existsSync(file)) {
    throw new ExporterConfigError(`the file does not exist (${how})`, { origin: { source: ExporterConfigSource.FILE, file } });
  }
  return file;
}

/** The file's text, refused when over the size limit (checked on the open file, then enforced by a bounded read). */
function readConfigText(file: string, fail: (problem: string, cause?: unknown) => never): string {
  const limit = MAX_EXPORTER_CONFIG_FILE_BYTES;
  const tooLarge = (size: string) =>
    `the file is ${size} bytes, over the limit of ${limit.toLocaleString('en-US')} bytes (1 MiB) for exporter config files; it was not parsed`;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) fail('is a directory, not a file');
    if (stat.size > limit) fail(tooLarge(stat.size.toLocaleString('en-US')));
    // At most limit + 1 bytes are read: a file that grows meanwhile, or a pipe or device without a size, stays bounded.
    const buffer = Buffer.allocUnsafe(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) fail(tooLarge(`more than ${limit.toLocaleString('en-US')}`));
    return buffer.toString('utf8', 0, length);
  } catch (e) {
    if (e instanceof ExporterConfigError) throw e;
    return fail(`cannot read the file: ${messageOf(e)}`, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function parseJson(text: string, fail: (problem: string, cause?: unknown) => never): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`malformed JSON: ${boundText(messageOf(e))}`, e);
  }
}

function parseYaml(text: string, fail: (problem: string, cause?: unknown) => never): unknown {
  const yaml = loadYaml();
  // YAML 1.1 reads scalars as PyYAML does (yes/no booleans, ...), so the reference's files mean the same here.
  // Only data tags exist in this schema; any other tag (e.g. !!python/object) is refused rather than ignored.
  const doc = yaml.parseDocument(text, { version: '1.1', prettyErrors: true });
  const first = doc.errors[0];
  if (first !== undefined) return fail(`malformed YAML: ${boundText(firstLine(first.message))}`, first);
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED')
      return fail(`unsupported YAML tag (only plain data is allowed): ${boundText(firstLine(w.message))}`, w);
    internalLogger.warning(`YAML warning: ${boundText(firstLine(w.message))}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return fail(`malformed YAML: ${boundText(messageOf(e))}`, e);
  }
}

// Pretty YAML messages end with a code excerpt; the first line already has the text and the position.
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:$/, '');
}
