import { resolve } from 'node:path';
import { ConfigError, describeValue, messageOf, OneLoggerError } from '../core/errors.js';
import { internalLogger } from '../internal/logger.js';
import type { Exporter } from './exporter.js';
import { ExporterConfig, ExporterConfigError, type ExporterConfigInput, ExporterConfigSource } from './exporter-config.js';
import { FileExporter } from './file-exporter.js';
import { firstPartyPackageOf, loadFirstPartyPackage } from './first-party-exporters.js';
import { LoggerExporter } from './logger-exporter.js';

/** What a factory receives besides its options. */
export interface ExporterFactoryContext {
  /** The name the config used: the registered name or one of its aliases. */
  readonly className: string;
  /**
   * Values the application passed to `createExporters`; every key in `requiresContext` is present. The
   * manager adds `cwd`: the directory relative paths in the config resolve against.
   */
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * Creates one kind of exporter from a config entry. `create` validates its own `config` (unknown keys and
 * wrong types rejected; `parseFactoryConfig` helps) and returns an `Exporter` that is not yet initialized.
 */
export interface ExporterFactory {
  /** The short name used in configs, e.g. `file`. */
  readonly name: string;
  /** Other accepted names, e.g. the reference's Python class path, so existing config files keep working. */
  readonly aliases?: readonly string[];
  /**
   * Keys the factory needs in the application context (e.g. the one-logger config for a v1 exporter).
   * A missing key is a clear error instead of the reference's hard-coded special case.
   */
  readonly requiresContext?: readonly string[];
  create(config: Readonly<Record<string, unknown>>, context: ExporterFactoryContext): Exporter;
}

/** Returns the default exporter entries of a package; called each time configs are generated. */
export type PackageExporterDefaults = () => ExporterConfigInput | readonly ExporterConfigInput[];

const EXPORTER_METHODS = [
  'initialize',
  'exportStart',
  'exportStop',
  'exportEvent',
  'exportError',
  'exportTelemetryDataError',
  'flush',
  'close',
] as const;

/** The `Exporter` methods `value` lacks (empty when it is an exporter). */
export function missingExporterMethods(value: unknown): string[] {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return [...EXPORTER_METHODS];
  return EXPORTER_METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
}

export function isExporter(value: unknown): value is Exporter {
  return missingExporterMethods(value).length === 0;
}

/**
 * The only way a `class_name` becomes an exporter: an explicit table of factories (no `import()` of code named
 * in a config, no discovery), plus the default entries that packages register explicitly. A name of one of our
 * own exporter packages (`FIRST_PARTY_EXPORTERS`: otel, wandb, ...) that is not registered yet loads that
 * package, which registers it; `firstParty: false` turns this off.
 */
export class ExporterRegistry {
  private readonly factories = new Map<string, ExporterFactory>();
  private readonly byName = new Map<string, ExporterFactory>();
  private readonly packageDefaults = new Map<string, PackageExporterDefaults>();
  private readonly firstParty: boolean;

  constructor(options: { firstParty?: boolean } = {}) {
    this.firstParty = options.firstParty !== false;
  }

  /**
   * Registers a factory under its name and aliases. Registering the same factory object again is a no-op;
   * a name taken by another factory is an error unless `replace` is set (then the old factory is removed).
   */
  register(factory: ExporterFactory, options: { replace?: boolean } = {}): void {
    checkFactory(factory);
    const names = [factory.name, ...(factory.aliases ?? [])];
    if (this.factories.get(factory.name) === factory) return;
    for (const n of names) {
      const taken = this.byName.get(n);
      if (taken === undefined || taken === factory) continue;
      if (!options.replace) {
        throw new OneLoggerError(
          `Exporter name ${JSON.stringify(n)} is already registered by factory ${JSON.stringify(taken.name)}; pass { replace: true } to replace it`,
        );
      }
      this.unregister(taken.name);
    }
    this.factories.set(factory.name, factory);
    for (const n of names) this.byName.set(n, factory);
  }

  /** Removes the factory registered under `name` (or alias) together with all its aliases. */
  unregister(name: string): boolean {
    const factory = this.byName.get(name);
    if (factory === undefined) return false;
    this.factories.delete(factory.name);
    for (const [n, f] of this.byName) if (f === factory) this.byName.delete(n);
    return true;
  }

  /** The factory for a name or alias (exact, case-sensitive match). */
  get(className: string): ExporterFactory | undefined {
    return this.byName.get(className);
  }

  /** The registered name for a name or alias, so `FileExporter` and `file` are recognised as one exporter. */
  canonicalName(className: string): string | undefined {
    const factory = this.byName.get(className);
    if (factory !== undefined || !this.firstParty || firstPartyPackageOf(className) === undefined) return factory?.name;
    try {
      return this.loadFirstParty(className)?.name;
    } catch {
      // Not installed: create() reports it for the entry.
      return undefined;
    }
  }

  /**
   * The factory for a first-party exporter name, after loading its package (which registers it in the
   * process-wide registry; a registry of its own gets the same factory). `undefined` for other names; throws
   * `OneLoggerError` naming the package to install when it is missing.
   */
  private loadFirstParty(className: string): ExporterFactory | undefined {
    const packageName = this.firstParty ? firstPartyPackageOf(className) : undefined;
    if (packageName === undefined) return undefined;
    loadFirstPartyPackage(packageName, className);
    const own = this.byName.get(className);
    if (own !== undefined) return own;
    const shared = exporterRegistry.get(className);
    if (shared !== undefined && this !== exporterRegistry) this.register(shared);
    return shared;
  }

  /** Registered names (without aliases), in registration order. */
  names(): string[] {
    return [...this.factories.keys()];
  }

  /** Every accepted name, aliases included. */
  knownNames(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * Creates the exporter for one entry (it is not initialized). Throws `ExporterConfigError` naming the entry
   * when the name is unknown, a required context value is missing, the factory rejects its config or throws,
   * or the factory's product is not an `Exporter`.
   */
  create(config: ExporterConfig, values: Readonly<Record<string, unknown>> = {}): Exporter {
    const details = { origin: config.origin, className: config.class_name };
    let factory = this.byName.get(config.class_name);
    try {
      factory ??= this.loadFirstParty(config.class_name);
    } catch (e) {
      throw new ExporterConfigError(messageOf(e), { ...details, cause: e });
    }
    if (factory === undefined) {
      const known = this.knownNames();
      throw new ExporterConfigError(
        `unknown exporter; known exporters: ${known.length > 0 ? known.join(', ') : '(none registered)'}. ` +
          'Exporters are resolved only through registerExporterFactory(); code named in a config is never loaded.',
        details,
      );
    }
    for (const key of factory.requiresContext ?? []) {
      if (values[key] === undefined) {
        throw new ExporterConfigError(
          `exporter ${JSON.stringify(factory.name)} needs ${JSON.stringify(key)} from the application; pass it in the context of createExporters()`,
          details,
        );
      }
    }
    let product: unknown;
    try {
      product = factory.create(config.config, { className: config.class_name, values });
    } catch (e) {
      const problem =
        e instanceof ConfigError ? e.message : `exporter ${JSON.stringify(factory.name)} could not be created: ${messageOf(e)}`;
      throw new ExporterConfigError(problem, { ...details, cause: e });
    }
    const missing = missingExporterMethods(product);
    if (missing.length > 0) {
      throw new ExporterConfigError(
        `factory ${JSON.stringify(factory.name)} returned ${describeValue(product)}, which is not an Exporter (missing ${missing.join(', ')})`,
        details,
      );
    }
    return product as Exporter;
  }

  /**
   * Registers the default exporter entries of a package (the explicit replacement of the reference's
   * `nv_one_logger.exporter_configs` entry points). Call it from the package's or application's setup code.
   * The provider runs only when configs are generated and no config file replaces the package level.
   * Registering the same package name again replaces its provider.
   */
  registerPackageDefaults(packageName: string, provider: PackageExporterDefaults): void {
    if (typeof packageName !== 'string' || packageName === '') {
      throw new ConfigError('registerPackageExporterDefaults.packageName', packageName, 'must be a non-empty string');
    }
    if (typeof provider !== 'function') {
      throw new ConfigError('registerPackageExporterDefaults.provider', provider, 'must be a function returning exporter entries');
    }
    this.packageDefaults.set(packageName, provider);
  }

  unregisterPackageDefaults(packageName: string): boolean {
    return this.packageDefaults.delete(packageName);
  }

  /** Names of the packages with registered defaults, in registration order. */
  packageNames(): string[] {
    return [...this.packageDefaults.keys()];
  }

  /** Runs every package provider and validates its entries, in registration order. */
  packageConfigs(): ExporterConfig[] {
    const out: ExporterConfig[] = [];
    for (const [packageName, provider] of this.packageDefaults) {
      const origin = { source: ExporterConfigSource.PACKAGE, packageName };
      let produced: unknown;
      try {
        produced = provider();
      } catch (e) {
        throw new ExporterConfigError(`the defaults provider threw: ${messageOf(e)}`, { origin, cause: e });
      }
      const entries: readonly unknown[] = Array.isArray(produced) ? produced : [produced];
      for (const [entryIndex, entry] of entries.entries()) out.push(ExporterConfig.from(entry, { ...origin, entryIndex }));
    }
    return out;
  }
}

function checkFactory(factory: ExporterFactory): void {
  const f: unknown = factory;
  if (typeof f !== 'object' || f === null) throw new ConfigError('ExporterFactory', f, 'must be an object { name, aliases?, create }');
  const { name, aliases, requiresContext, create } = f as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw new ConfigError('ExporterFactory.name', name, 'must be a non-empty string');
  if (typeof create !== 'function')
    throw new ConfigError(`ExporterFactory(${name}).create`, create, 'must be a function (config, context) => Exporter');
  for (const [field, list] of [
    ['aliases', aliases],
    ['requiresContext', requiresContext],
  ] as const) {
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'string' && x !== ''))) {
      throw new ConfigError(`ExporterFactory(${name}).${field}`, list, 'must be an array of non-empty strings');
    }
  }
}

// ---- Option validation for factories --------------------------------------------------------------------

/** One option of a factory's `config`: its rule (for messages), whether it is required, and its check. */
export interface ConfigOption<T, R extends boolean = boolean> {
  readonly rule: string;
  readonly required: R;
  readonly accepts: (value: unknown) => value is T;
}

type OptionValue<O> = O extends ConfigOption<infer T, boolean> ? T : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends ConfigOption<unknown, true> ? K : never }[keyof S];

/** The validated options: required ones present, optional ones present only when given. */
export type ParsedConfig<S extends Record<string, ConfigOption<unknown>>> = { -readonly [K in RequiredKeys<S>]: OptionValue<S[K]> } & {
  -readonly [K in Exclude<keyof S, RequiredKeys<S>>]?: OptionValue<S[K]>;
};

function option<T>(rule: string, accepts: (value: unknown) => value is T) {
  return <R extends boolean = false>(options?: { required?: R }): ConfigOption<T, R> => ({
    rule,
    required: (options?.required ?? false) as R,
    accepts,
  });
}

/** Building blocks for `parseFactoryConfig`. */
export const configOption = {
  string: option('must be a non-empty string', (v): v is string => typeof v === 'string' && v !== ''),
  boolean: option('must be true or false', (v): v is boolean => typeof v === 'boolean'),
  nonNegativeInteger: option('must be a non-negative integer', (v): v is number => Number.isSafeInteger(v) && (v as number) >= 0),
  oneOf<const V extends string, R extends boolean = false>(values: readonly V[], options?: { required?: R }): ConfigOption<V, R> {
    const rule = `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    return option(rule, (v): v is V => values.includes(v as V))(options);
  },
};

// Values of keys like these never appear in messages (DESIGN §7: secrets stay out of errors).
const SECRET_KEY = /key|token|secret|passw|credential|auth/i;
function shown(key: string, value: unknown): unknown {
  return SECRET_KEY.test(key) && value !== undefined ? '<redacted>' : value;
}

/**
 * Validates a factory's `config` against `options`: unknown keys, missing required keys and wrong types
 * throw `ConfigError` naming `config.<key>`, the value and the rule. `null` counts as a wrong type.
 */
export function parseFactoryConfig<S extends Record<string, ConfigOption<unknown>>>(
  exporterName: string,
  config: Readonly<Record<string, unknown>>,
  options: S,
): ParsedConfig<S> {
  const known = Object.keys(options);
  for (const [key, value] of Object.entries(config)) {
    if (!Object.hasOwn(options, key)) {
      const list = known.length > 0 ? known.join(', ') : '(none)';
      throw new ConfigError(
        `config.${key}`,
        shown(key, value),
        `is not an option of exporter ${JSON.stringify(exporterName)}; its options are ${list}`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, opt] of Object.entries(options)) {
    const value = config[key];
    if (value === undefined) {
      if (opt.required) throw new ConfigError(`config.${key}`, value, `is required and ${opt.rule}`);
      continue;
    }
    if (!opt.accepts(value)) throw new ConfigError(`config.${key}`, shown(key, value), opt.rule);
    out[key] = value;
  }
  return out as ParsedConfig<S>;
}

// ---- Built-in exporters -----------------------------------------------------------------------------------

const FILE_OPTIONS = {
  file_path: configOption.string({ required: true }),
  buffered: configOption.boolean(),
  rank: configOption.nonNegativeInteger(),
  rotation_check_interval_ms: configOption.nonNegativeInteger(),
};

/**
 * `file`: `{ file_path, buffered?, rank?, rotation_check_interval_ms? }` -> `FileExporter` (appends JSONL;
 * `{rank}`/`{pid}` expanded; 0 turns the renamed/deleted-file check off).
 */
export const fileExporterFactory: ExporterFactory = {
  name: 'file',
  aliases: ['FileExporter', 'nv_one_logger.exporter.file_exporter.FileExporter'],
  create(config, context) {
    const c = parseFactoryConfig('file', config, FILE_OPTIONS);
    // A relative path resolves against the manager's working directory; the path is data, so no symlinks (S4).
    const cwd = typeof context.values.cwd === 'string' ? context.values.cwd : process.cwd();
    return new FileExporter({
      filePath: resolve(cwd, c.file_path),
      strictPath: true,
      ...(c.buffered === undefined ? {} : { buffered: c.buffered }),
      ...(c.rank === undefined ? {} : { rank: c.rank }),
      ...(c.rotation_check_interval_ms === undefined ? {} : { rotationCheckIntervalMs: c.rotation_check_interval_ms }),
    });
  },
};

const LOGGER_OPTIONS = { stream: configOption.oneOf(['stdout', 'stderr']) };

/** `logger`: `{ stream?: 'stdout' | 'stderr' }` (default stdout) -> `LoggerExporter` writing one line per record. */
export const loggerExporterFactory: ExporterFactory = {
  name: 'logger',
  aliases: ['LoggerExporter', 'nv_one_logger.exporter.logger_exporter.LoggerExporter'],
  create(config) {
    const c = parseFactoryConfig('logger', config, LOGGER_OPTIONS);
    const stream = c.stream === 'stderr' ? process.stderr : process.stdout;
    return new LoggerExporter({ logger: { info: (message: string) => stream.write(`${message}\n`) } });
  },
};

/**
 * A registry with the built-in `file` and `logger` exporters and our own exporter packages loaded by name
 * (or empty, nothing loaded by name, with `builtins: false`).
 */
export function createExporterRegistry(options: { builtins?: boolean } = {}): ExporterRegistry {
  const registry = new ExporterRegistry({ firstParty: options.builtins !== false });
  if (options.builtins !== false) {
    registry.register(fileExporterFactory);
    registry.register(loggerExporterFactory);
  }
  return registry;
}

/**
 * The process-wide registry used by default (built-ins registered). It is kept on `globalThis` under a registered
 * symbol, so a second copy of this module in the process (a loader such as tsx that runs `require()`d ES modules as
 * CommonJS, or two installed copies of core) registers into the same registry instead of a private one that
 * `configure()` never reads.
 */
const SHARED_REGISTRY = Symbol.for('@nv-one-logger/core.exporterRegistry');
export const exporterRegistry: ExporterRegistry = ((globalThis as Record<symbol, unknown>)[SHARED_REGISTRY] ??=
  createExporterRegistry()) as ExporterRegistry;

/** Registers an exporter factory in the process-wide registry (see `ExporterRegistry.register`). */
export function registerExporterFactory(factory: ExporterFactory, options: { replace?: boolean } = {}): void {
  exporterRegistry.register(factory, options);
}

/**
 * What an exporter package runs when it is imported (or loaded by name from a config): registers its factories in
 * the process-wide registry, idempotently. A factory the application already registered under one of these names
 * is kept; that is logged as a warning, never thrown, so importing the package cannot fail. True if all were registered.
 */
export function registerPackageExporterFactories(factories: readonly ExporterFactory[]): boolean {
  let ok = true;
  for (const factory of factories) {
    try {
      exporterRegistry.register(factory);
    } catch (e) {
      ok = false;
      internalLogger.warning(`The ${factory.name} exporter factory was not registered: ${messageOf(e)}`);
    }
  }
  return ok;
}

export function unregisterExporterFactory(name: string): boolean {
  return exporterRegistry.unregister(name);
}

/**
 * Registers a package's default exporter entries in the process-wide registry. A package (or the application)
 * calls this explicitly, typically next to `registerExporterFactory`:
 * `registerPackageExporterDefaults('@acme/telemetry', () => ({ class_name: 'acme', config: { url } }))`.
 * These entries are the lowest configuration level: a non-empty config file replaces them all.
 */
export function registerPackageExporterDefaults(packageName: string, provider: PackageExporterDefaults): void {
  exporterRegistry.registerPackageDefaults(packageName, provider);
}

export function unregisterPackageExporterDefaults(packageName: string): boolean {
  return exporterRegistry.unregisterPackageDefaults(packageName);
}
