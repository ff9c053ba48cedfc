import { ExportError, messageOf, OneLoggerError } from '../core/errors.js';
import type { Exporter } from '../exporter/exporter.js';
import type { ExporterConfigInput } from '../exporter/exporter-config.js';
import { EXPORTER_CONFIG_FILE_NAMES, EXPORTER_CONFIG_PATH_ENV, ExporterConfigManager } from '../exporter/exporter-config-manager.js';
import { internalLogger } from '../internal/logger.js';
import {
  ErrorHandlingStrategy,
  forceDisable,
  resetRuntime,
  runtime,
  setRuntimeConfiguration,
  type TelemetryDataErrorSink,
} from '../internal/runtime.js';
import { DefaultRecorder, type DefaultRecorderOptions } from '../recorder/default-recorder.js';
import { OneLoggerConfig, type OneLoggerConfigInput } from './config.js';
import type { Recorder } from './recorder.js';

/** Builds the recorder from exporter configuration: direct entries > config file > package defaults. */
export interface ExporterConfigOptions {
  /** Direct exporter entries (`{ class_name, config?, enabled? }`), merged over the file/package entries. */
  exporters?: readonly ExporterConfigInput[];
  /** Explicit config file; otherwise `ONE_LOGGER_EXPORTER_CONFIG_PATH`, then `one_logger_exporters_config.{yaml,yml,json}` in the cwd. */
  configFilePath?: string;
  /** Recorder options other than the exporters (span filters, failure threshold). */
  recorderOptions?: Omit<DefaultRecorderOptions, 'exporters'>;
}

function isRecorder(value: unknown): value is Recorder {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Recorder).start === 'function' &&
    typeof (value as Recorder).stop === 'function' &&
    typeof (value as Recorder).close === 'function'
  );
}

function isSink(value: unknown): value is TelemetryDataErrorSink {
  return typeof (value as Partial<TelemetryDataErrorSink>).reportTelemetryDataErrorUnguarded === 'function';
}

/**
 * Builds the exporters named by the configuration (direct entries > config file > package defaults).
 * Under the propagate strategy the first problem is thrown; under the quiet strategy a broken file or
 * entry is skipped (and its message collected in `problems`) while every valid exporter is still built.
 * `context` reaches the factories; the providers pass `oneLoggerConfig` (the job's config, as the reference's
 * manager hands it to the v1 exporter).
 */
export function createExportersFromConfig(
  options: ExporterConfigOptions,
  strategy: ErrorHandlingStrategy,
  problems: string[],
  context: Readonly<Record<string, unknown>> = {},
): Exporter[] {
  const propagate = strategy === ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS;
  const note = (e: unknown): void => {
    if (propagate) throw e;
    problems.push(messageOf(e));
    internalLogger.error(`Exporter configuration failed: ${messageOf(e)}`);
  };
  const manager = new ExporterConfigManager();
  const direct = options.exporters;
  const configs = manager.generateExportConfig({
    ...(direct !== undefined ? { direct } : {}),
    ...(options.configFilePath !== undefined ? { configFilePath: options.configFilePath } : {}),
    // Quiet: a broken file or entry is skipped, every valid exporter is still built.
    ...(propagate ? {} : { onProblem: note }),
  });
  const exporters: Exporter[] = [];
  for (const config of configs) {
    try {
      exporters.push(...manager.createExporters([config], context));
    } catch (e) {
      note(e);
    }
  }
  return exporters;
}

let singleton: OneLoggerProvider | undefined;
let constructing = false;

/** The process-wide entry point holding the configuration and the recorder. */
export class OneLoggerProvider {
  private configValue: OneLoggerConfig | undefined;
  private configInput: unknown;
  private recorderValue: Recorder | undefined;
  private recorderInput: unknown;
  private shutdownPromise: Promise<void> | undefined;
  private exitFlushDone = false;
  private readonly onBeforeExit = (): void => {
    // Runs once: a flush that schedules I/O would otherwise re-trigger beforeExit forever.
    if (this.exitFlushDone || this.shutdownPromise !== undefined) return;
    this.exitFlushDone = true;
    this.recorderValue?.flush().catch((e: unknown) => internalLogger.error(`Flush at exit failed: ${messageOf(e)}`));
  };

  constructor() {
    if (!constructing) {
      throw new TypeError('OneLoggerProvider cannot be instantiated directly. Use OneLoggerProvider.instance() instead.');
    }
  }

  static instance(): OneLoggerProvider {
    if (singleton === undefined) {
      constructing = true;
      try {
        singleton = new OneLoggerProvider();
      } finally {
        constructing = false;
      }
    }
    return singleton;
  }

  /**
   * Configures the library once. `recorder` is a Recorder, or exporter configuration from which a
   * DefaultRecorder is built (omitted: the config file and package defaults). Calling it again with the
   * same objects is a no-op; with different ones it throws.
   */
  configure(config: OneLoggerConfig | OneLoggerConfigInput, recorder?: Recorder | ExporterConfigOptions): this {
    if (config === undefined || config === null) throw new OneLoggerError('config cannot be undefined.');
    if (this.configValue !== undefined) {
      const same = (config === this.configInput || config === this.configValue) && recorder === this.recorderInput;
      if (same) return this;
      throw new OneLoggerError('OneLoggerProvider already configured! You must call configure() once and only once.');
    }
    const cfg = OneLoggerConfig.from(config);
    const lc = cfg.loggerConfig;
    const previousLogging = internalLogger.currentSettings();
    internalLogger.configure({
      level: lc.logLevel,
      format: lc.logFormat,
      infoFilePath: lc.logFilePathForInfo,
      errorFilePath: lc.logFilePathForErr,
    });
    const problems: string[] = [];
    let rec: Recorder;
    try {
      rec = this.buildRecorder(cfg, recorder, problems);
    } catch (e) {
      // A failed configure() leaves nothing changed, the library's own logging included.
      internalLogger.configure(previousLogging);
      throw e;
    }
    this.configValue = cfg;
    this.configInput = config;
    this.recorderValue = rec;
    this.recorderInput = recorder;
    setRuntimeConfiguration({
      strategy: cfg.errorHandlingStrategy,
      rankEnabled: cfg.enableForCurrentRank,
      sink: isSink(rec) ? rec : undefined,
    });
    if (problems.length > 0) rec.telemetryDataError(`Exporter configuration failed: ${problems.join('; ')}`);
    process.on('beforeExit', this.onBeforeExit);
    return this;
  }

  get isReady(): boolean {
    return this.recorderValue !== undefined && this.configValue !== undefined;
  }

  /** Configured, enabled for this rank and not force-disabled. */
  get isEnabled(): boolean {
    return this.isReady && runtime.enabled;
  }

  get recorder(): Recorder {
    if (this.recorderValue === undefined) {
      throw new OneLoggerError(
        'You need to call OneLoggerProvider.instance().configure() once in your application before accessing the recorder.',
      );
    }
    return this.recorderValue;
  }

  get config(): OneLoggerConfig {
    if (this.configValue === undefined) {
      throw new OneLoggerError(
        'You need to call OneLoggerProvider.instance().configure() once in your application before accessing the config.',
      );
    }
    return this.configValue;
  }

  /** Turns the library off for the rest of the process (used by the quiet error strategy). */
  forceDisableLogging(): void {
    forceDisable();
  }

  /** Delivers everything buffered by the exporters. */
  async flush(): Promise<void> {
    await this.recorderValue?.flush();
  }

  /** Stops running spans and closes every exporter. Idempotent; never throws. */
  shutdown(): Promise<void> {
    if (this.shutdownPromise === undefined) {
      process.off('beforeExit', this.onBeforeExit);
      const rec = this.recorderValue;
      this.shutdownPromise =
        rec === undefined
          ? Promise.resolve()
          : rec.close().catch((e: unknown) => {
              internalLogger.error(`Shutdown failed: ${messageOf(e)}`);
            });
    }
    return this.shutdownPromise;
  }

  /** The recorder to use: the caller's, or a DefaultRecorder built from exporter configuration. */
  private buildRecorder(cfg: OneLoggerConfig, recorder: Recorder | ExporterConfigOptions | undefined, problems: string[]): Recorder {
    if (isRecorder(recorder)) return this.checkInitialized(recorder, cfg, problems);
    const options = recorder ?? {};
    const exporters = cfg.enableForCurrentRank
      ? createExportersFromConfig(options, cfg.errorHandlingStrategy, problems, { oneLoggerConfig: cfg })
      : [];
    // Recording into nothing without a word is the most common first-run surprise: say it (configure() runs once).
    if (cfg.enableForCurrentRank && exporters.length === 0 && problems.length === 0) {
      internalLogger.warning(
        'No exporter is configured, so nothing is recorded: pass a recorder with exporters to configure(), ' +
          `or add ${EXPORTER_CONFIG_FILE_NAMES[0]} to the working directory (or set ${EXPORTER_CONFIG_PATH_ENV}).`,
      );
    }
    return this.checkInitialized(new DefaultRecorder({ ...options.recorderOptions, exporters }), cfg, problems);
  }

  /** Exporters that failed to initialize: thrown under propagate (the others closed again), else reported. */
  private checkInitialized(rec: Recorder, cfg: OneLoggerConfig, problems: string[]): Recorder {
    if (!(rec instanceof DefaultRecorder) || rec.initializationErrors.length === 0) return rec;
    if (cfg.errorHandlingStrategy === ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS) {
      // Nothing stays half-configured: the exporters that did start are closed (their files released).
      void rec.close();
      throw new ExportError(rec.initializationErrors.join('; '));
    }
    problems.push(...rec.initializationErrors);
    return rec;
  }

  /** Forgets the configuration and the recorder (tests only; does not close anything). */
  static resetForTests(): void {
    if (singleton !== undefined) process.off('beforeExit', singleton.onBeforeExit);
    singleton = undefined;
    resetRuntime();
    internalLogger.reset();
  }
}
