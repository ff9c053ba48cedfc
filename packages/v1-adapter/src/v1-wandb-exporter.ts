// A W&B exporter that logs the v1 rows of the metric contract instead of the hierarchical v2 names.
import {
  BaseExporter,
  type ErrorEvent,
  Event,
  type OneLoggerConfig,
  type Span,
  type TelemetryDataError,
  TracingTimestamp,
} from '@nv-one-logger/core';
import { TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';
import { MODEL_METRICS_EVENT, WandBExporterAsync, type WandBExporterBase, WandBExporterSync } from '@nv-one-logger/wandb';
import { V1MetricContract, type V1Row } from './v1-metrics.js';
import { asyncModeOf, type V1ExporterOptions, v1WandbOptions } from './wandb-connection.js';

/**
 * The job configuration the contract reads: the provider's once it is configured (so a training config set
 * later is seen), else the one the exporter was built with.
 */
function currentConfig(fallback: OneLoggerConfig): () => OneLoggerConfig {
  return () => {
    const provider = TrainingTelemetryProvider.instance();
    return provider.isReady ? provider.config : fallback;
  };
}

/**
 * Shared by the sync and async v1-compatible W&B exporters: every export call becomes at most one row of v1
 * keys (an empty row is not logged), sent by a W&B exporter, which adds `app_last_log_time`, queues, retries
 * and finishes the run. Lifecycle checks are this exporter's own (READY only after the W&B exporter is).
 */
export abstract class V1CompatibleWandbExporter extends BaseExporter {
  /** The W&B exporter that sends the rows. */
  readonly wandb: WandBExporterBase;
  readonly contract: V1MetricContract;

  protected constructor(wandb: WandBExporterBase, oneLoggerConfig: OneLoggerConfig) {
    super();
    this.wandb = wandb;
    this.contract = new V1MetricContract({ config: currentConfig(oneLoggerConfig) });
  }

  override initialize(): void {
    if (this.ready) return;
    this.wandb.initialize();
    super.initialize();
  }

  exportStart(span: Span): void {
    this.checkReady();
    this.#log(this.contract.rowForStart(span), span);
  }

  exportStop(span: Span): void {
    this.checkReady();
    this.#log(this.contract.rowForStop(span), span);
  }

  exportEvent(event: Event, span: Span): void {
    this.checkReady();
    this.#log(this.contract.rowForEvent(event, span), span);
  }

  /** No v1 row, but a failed application finishes the W&B run as failed. */
  exportError(event: ErrorEvent, span: Span): void {
    this.checkReady();
    this.wandb.exportError(event, span);
  }

  /** `{telemetry_data_error: "<TYPE NAME>"}`, as v1 consumers know it. */
  exportTelemetryDataError(error: TelemetryDataError): void {
    this.checkReady();
    this.wandb.exportTelemetryDataError(error);
  }

  /** The W&B exporter's own flush/close bound, so the recorder waits for it rather than its shorter default. */
  get shutdownTimeoutMillis(): number {
    return this.wandb.shutdownTimeoutMillis;
  }

  override flush(): Promise<void> {
    return this.wandb.flush();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.wandb.close();
    } finally {
      super.close();
    }
  }

  #log(row: V1Row, span: Span): void {
    if (Object.keys(row).length === 0) return;
    // The W&B exporter logs a model_metrics event's attributes as one row under their own names (its documented
    // contract for metrics that are already named): exactly what a v1 row needs. v1 rows never hold global_step.
    this.wandb.exportEvent(new Event(MODEL_METRICS_EVENT, TracingTimestamp.now(), row), span);
  }
}

/** v1 rows through `WandBExporterSync` (each row sent as soon as the previous request is answered). */
export class V1CompatibleWandbExporterSync extends V1CompatibleWandbExporter {
  constructor(oneLoggerConfig: OneLoggerConfig, options: Omit<V1ExporterOptions, 'asyncMode'> = {}) {
    super(new WandBExporterSync(v1WandbOptions(oneLoggerConfig, options)), oneLoggerConfig);
  }
}

/** v1 rows through `WandBExporterAsync` (batched, bounded queue). */
export class V1CompatibleWandbExporterAsync extends V1CompatibleWandbExporter {
  constructor(oneLoggerConfig: OneLoggerConfig, options: Omit<V1ExporterOptions, 'asyncMode'> = {}) {
    super(new WandBExporterAsync(v1WandbOptions(oneLoggerConfig, options)), oneLoggerConfig);
  }
}

/** The sync or async v1 exporter, per `options.asyncMode`. */
export function createV1WandbExporter(oneLoggerConfig: OneLoggerConfig, options: V1ExporterOptions = {}): V1CompatibleWandbExporter {
  const { asyncMode: _, ...rest } = options;
  return asyncModeOf(options)
    ? new V1CompatibleWandbExporterAsync(oneLoggerConfig, rest)
    : new V1CompatibleWandbExporterSync(oneLoggerConfig, rest);
}
