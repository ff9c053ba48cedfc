// The v1 exporter factory of the reference, usable both ways v1 users call it: as an exporter itself, or
// through its `exporter` property (what v1 integrations pass to `withExporter`).
import {
  BaseExporter,
  ConfigError,
  type ErrorEvent,
  type Event,
  OneLoggerConfig,
  type Span,
  type TelemetryDataError,
} from '@nv-one-logger/core';
import type { ResolvedOptions } from '@nv-one-logger/wandb';
import { createV1WandbExporter, type V1CompatibleWandbExporter } from './v1-wandb-exporter.js';
import { asyncModeOf, type V1ExporterOptions } from './wandb-connection.js';

/** The resolved W&B settings of the exporter, with the API key hidden. */
export type V1ExporterConfig = Readonly<Omit<ResolvedOptions, 'apiKey' | 'onDrop' | 'metricNaming'> & { apiKey: '' | '<redacted>' }>;

/**
 * Creates the v1-compatible W&B exporter for a job: `new V1CompatibleExporter(oneLoggerConfig, { asyncMode: true })`,
 * or `new V1CompatibleExporter(oneLoggerConfig, true)` (the older `async_mode` argument). It is an exporter too:
 * lifecycle calls are forwarded to `exporter` and its own state follows (READY once the inner exporter is).
 */
export class V1CompatibleExporter extends BaseExporter {
  readonly #oneLoggerConfig: OneLoggerConfig;
  readonly #exporter: V1CompatibleWandbExporter;
  readonly #isAsync: boolean;
  readonly #exporterConfig: V1ExporterConfig;

  constructor(oneLoggerConfig: OneLoggerConfig, config: V1ExporterOptions | boolean = {}) {
    super();
    if (!(oneLoggerConfig instanceof OneLoggerConfig)) {
      throw new ConfigError(
        'V1CompatibleExporter.oneLoggerConfig',
        oneLoggerConfig,
        'must be a OneLoggerConfig (see ConfigAdapter.convertToV2Config)',
      );
    }
    const options: V1ExporterOptions = typeof config === 'boolean' ? { asyncMode: config } : config;
    this.#oneLoggerConfig = oneLoggerConfig;
    this.#isAsync = asyncModeOf(options ?? {});
    this.#exporter = createV1WandbExporter(oneLoggerConfig, options ?? {});
    const { apiKey, onDrop: _, metricNaming: __, ...settings } = this.#exporter.wandb.settings;
    this.#exporterConfig = Object.freeze({ ...settings, apiKey: apiKey === '' ? '' : '<redacted>' });
  }

  /** The inner v1-compatible W&B exporter (sync or async). */
  get exporter(): V1CompatibleWandbExporter {
    return this.#exporter;
  }

  get isAsync(): boolean {
    return this.#isAsync;
  }

  get oneLoggerConfig(): OneLoggerConfig {
    return this.#oneLoggerConfig;
  }

  /** The W&B settings in effect (entity, project, run name, host, tags, ...), API key hidden. */
  get exporterConfig(): V1ExporterConfig {
    return this.#exporterConfig;
  }

  override initialize(): void {
    if (this.ready) return;
    this.#exporter.initialize();
    super.initialize();
  }

  exportStart(span: Span): void {
    this.checkReady();
    this.#exporter.exportStart(span);
  }

  exportStop(span: Span): void {
    this.checkReady();
    this.#exporter.exportStop(span);
  }

  exportEvent(event: Event, span: Span): void {
    this.checkReady();
    this.#exporter.exportEvent(event, span);
  }

  exportError(event: ErrorEvent, span: Span): void {
    this.checkReady();
    this.#exporter.exportError(event, span);
  }

  exportTelemetryDataError(error: TelemetryDataError): void {
    this.checkReady();
    this.#exporter.exportTelemetryDataError(error);
  }

  override flush(): Promise<void> {
    return this.#exporter.flush();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.#exporter.close();
    } finally {
      super.close();
    }
  }
}
