import {
  createExportersFromConfig,
  ExportCustomizationMode,
  type Exporter,
  type ExporterConfigInput,
  handleTelemetryFailure,
  internalLogger,
  messageOf,
  OneLoggerConfig,
  type OneLoggerConfigInput,
  OneLoggerError,
  OneLoggerProvider,
  telemetryRuntime,
} from '@nv-one-logger/core';
import { setActiveRecorder } from './active-recorder.js';
import { TrainingTelemetryConfig, type TrainingTelemetryConfigInput } from './config.js';
import { DEFAULT_SPAN_BLACKLIST } from './names.js';
import { TrainingRecorder } from './training-recorder.js';

/** The base configuration: the core config, with an optional training config in input or validated form. */
export interface TrainingBaseConfigInput extends Omit<OneLoggerConfigInput, 'telemetryConfig'> {
  telemetryConfig?: TrainingTelemetryConfigInput | TrainingTelemetryConfig;
}

/** A deep-partial override merged over the base config (nested objects merged key by key). */
export type TrainingConfigOverride = { [K in keyof TrainingBaseConfigInput]?: unknown };

let singleton: TrainingTelemetryProvider | undefined;
let constructing = false;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Merges `override` into a copy of `base`: plain objects key by key, anything else replaces (W32: a missing base is `{}`). */
function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(value) && (isPlainObject(current) || current === undefined) ? deepMerge(current ?? {}, value) : value;
  }
  return out;
}

/**
 * Configures training telemetry: a builder over the core provider. Call the `with*` methods, then
 * `configureProvider()` once; the training config may be supplied later with `setTrainingTelemetryConfig`.
 */
export class TrainingTelemetryProvider {
  private baseConfig: TrainingBaseConfigInput | undefined;
  private overrides: Record<string, unknown> | undefined;
  private readonly exporters: Exporter[] = [];
  private readonly exportConfigs: { exporters?: readonly ExporterConfigInput[]; configFilePath?: string }[] = [];
  private customization: { mode: ExportCustomizationMode; spanNameFilter: readonly string[] | undefined } | undefined;
  private recorderValue: TrainingRecorder | undefined;

  constructor() {
    if (!constructing) {
      throw new TypeError('TrainingTelemetryProvider cannot be instantiated directly. Use TrainingTelemetryProvider.instance() instead.');
    }
  }

  static instance(): TrainingTelemetryProvider {
    if (singleton === undefined) {
      constructing = true;
      try {
        singleton = new TrainingTelemetryProvider();
      } finally {
        constructing = false;
      }
    }
    return singleton;
  }

  withBaseConfig(config: TrainingBaseConfigInput): this {
    this.checkNotConfigured('withBaseConfig');
    if (this.baseConfig !== undefined) throw new OneLoggerError('You can only call withBaseConfig once');
    if (!isPlainObject(config)) throw new OneLoggerError('withBaseConfig takes a plain configuration object');
    this.baseConfig = config;
    return this;
  }

  /** Deep-merges `override` over the base config (later overrides win). */
  withConfigOverride(override: TrainingConfigOverride): this {
    this.checkNotConfigured('withConfigOverride');
    if (!isPlainObject(override)) throw new OneLoggerError('withConfigOverride takes a plain configuration object');
    this.overrides = deepMerge(this.overrides ?? {}, override);
    return this;
  }

  /** Adds an exporter (order preserved). */
  withExporter(exporter: Exporter): this {
    this.checkNotConfigured('withExporter');
    this.exporters.push(exporter);
    return this;
  }

  /**
   * Adds exporters from exporter configuration (direct entries > config file > package defaults). They are
   * built by `configureProvider()`, and not at all on a disabled rank.
   */
  withExportConfig(options: { exporters?: readonly ExporterConfigInput[]; configFilePath?: string } = {}): this {
    this.checkNotConfigured('withExportConfig');
    this.exportConfigs.push(options);
    return this;
  }

  /** Which spans are exported. Default: everything except the short per-iteration spans (DEFAULT_SPAN_BLACKLIST). */
  withExportCustomization(mode: ExportCustomizationMode, spanNameFilter?: readonly string[]): this {
    this.checkNotConfigured('withExportCustomization');
    if (this.customization !== undefined) throw new OneLoggerError('You can only call withExportCustomization once');
    this.customization = { mode, spanNameFilter };
    return this;
  }

  configureProvider(): this {
    if (this.recorderValue !== undefined) throw new OneLoggerError('You can only call configureProvider once per application.');
    const config = this.buildConfig();
    const mode = this.customization?.mode ?? ExportCustomizationMode.BLACKLIST_SPANS;
    const filter = this.customization !== undefined ? this.customization.spanNameFilter : DEFAULT_SPAN_BLACKLIST;
    const problems: string[] = [];
    let exporters: Exporter[] = [];
    if (config.enableForCurrentRank) {
      exporters = [...this.exporters];
      for (const options of this.exportConfigs) {
        exporters.push(...createExportersFromConfig(options, config.errorHandlingStrategy, problems, { oneLoggerConfig: config }));
      }
      if (exporters.length === 0) internalLogger.warning('No exporters were configured: telemetry is collected but not exported.');
    }
    const recorder = new TrainingRecorder({
      config,
      exporters,
      exportCustomizationMode: mode,
      ...(mode === ExportCustomizationMode.EXPORT_ALL_SPANS ? {} : { spanNameFilter: filter }),
    });
    OneLoggerProvider.instance().configure(config, recorder);
    this.recorderValue = recorder;
    setActiveRecorder(recorder);
    if (problems.length > 0) recorder.telemetryDataError(`Exporter configuration failed: ${problems.join('; ')}`);
    return this;
  }

  /**
   * Supplies the training config after `configureProvider()` (once). If the application span is running, an
   * UPDATE_TRAINING_TELEMETRY_CONFIG event is posted now; otherwise `onAppStart` posts it.
   */
  setTrainingTelemetryConfig(config: TrainingTelemetryConfigInput | TrainingTelemetryConfig): void {
    const recorder = this.recorder;
    const core = this.config;
    if (core.telemetryConfig !== undefined) throw new OneLoggerError('Training telemetry config has already been set.');
    core.attachTelemetryConfig(TrainingTelemetryConfig.from(config));
    if (!telemetryRuntime.enabled) return;
    try {
      recorder.updateTrainingTelemetryConfig();
    } catch (e) {
      handleTelemetryFailure('setTrainingTelemetryConfig', e, recorder);
    }
  }

  get isReady(): boolean {
    return this.recorderValue !== undefined;
  }

  get recorder(): TrainingRecorder {
    if (this.recorderValue === undefined) {
      throw new OneLoggerError(
        'You need to call TrainingTelemetryProvider.instance().configureProvider() once in your application before accessing the recorder.',
      );
    }
    return this.recorderValue;
  }

  /** The validated core config (its training config is `config.telemetryConfig`). */
  get config(): OneLoggerConfig {
    if (this.recorderValue === undefined) {
      throw new OneLoggerError(
        'You need to call TrainingTelemetryProvider.instance().configureProvider() once in your application before accessing the config.',
      );
    }
    return this.recorderValue.config;
  }

  /** The training config, if set. */
  get trainingConfig(): TrainingTelemetryConfig | undefined {
    return this.recorderValue?.trainingConfig;
  }

  forceDisableLogging(): void {
    OneLoggerProvider.instance().forceDisableLogging();
  }

  /** Stops open spans and closes the exporters (idempotent). `onAppEnd` does this as part of ending the application. */
  shutdown(): Promise<void> {
    return OneLoggerProvider.instance().shutdown();
  }

  /** Forgets everything (tests only); also resets the core provider. */
  static resetForTests(): void {
    singleton = undefined;
    setActiveRecorder(undefined);
    OneLoggerProvider.resetForTests();
  }

  private checkNotConfigured(method: string): void {
    if (this.recorderValue !== undefined) throw new OneLoggerError(`${method} can be called only before configureProvider is called.`);
  }

  private buildConfig(): OneLoggerConfig {
    if (this.baseConfig === undefined && this.overrides === undefined) {
      throw new OneLoggerError('No configuration was provided. Please provide a base config and/or config overrides.');
    }
    const base = { ...(this.baseConfig ?? {}) } as Record<string, unknown>;
    // A validated training config in the base is merged key by key with a nested override, like a plain one.
    if (base.telemetryConfig instanceof TrainingTelemetryConfig && isPlainObject(this.overrides?.telemetryConfig)) {
      base.telemetryConfig = base.telemetryConfig.toInput();
    }
    const merged = deepMerge(base, this.overrides ?? {});
    try {
      const tc = merged.telemetryConfig;
      if (tc !== undefined && !(tc instanceof TrainingTelemetryConfig)) {
        merged.telemetryConfig = new TrainingTelemetryConfig(tc as TrainingTelemetryConfigInput);
      }
      return new OneLoggerConfig(merged as unknown as OneLoggerConfigInput);
    } catch (e) {
      throw new OneLoggerError(`Invalid configuration! Did you forget some required fields?: ${messageOf(e)}`, { cause: e });
    }
  }
}
