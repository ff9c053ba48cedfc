// One call that turns a v1 configuration dictionary into a configured v2 training telemetry provider.
import { OneLoggerConfig } from '@nv-one-logger/core';
import { TrainingTelemetryProvider } from '@nv-one-logger/training-telemetry';
import { ConfigAdapter, type V1Config } from './config-adapter.js';
import { V1CompatibleExporter } from './v1-compatible-exporter.js';
import type { V1ExporterOptions } from './wandb-connection.js';

export interface ConfigureV2AdapterOptions {
  /** W&B options over those the v1 config implies (`one_logger_async`, `one_logger_run_name`). */
  exporter?: V1ExporterOptions;
}

/**
 * Converts `v1Config` (`ConfigAdapter`), builds a `V1CompatibleExporter` (async when `one_logger_async` is true,
 * run name from `one_logger_run_name`) and configures `TrainingTelemetryProvider` with both. On a rank with
 * `enable_for_current_rank` false (the v1 default) the provider is configured but nothing is exported, and no
 * W&B connection is made. Returns the exporter (to `flush()` it, or to read its run settings).
 */
export function configureV2Adapter(
  v1Config: V1Config | Readonly<Record<string, unknown>>,
  options: ConfigureV2AdapterOptions = {},
): V1CompatibleExporter {
  const input = ConfigAdapter.convertToV2ConfigInput(v1Config);
  const v1 = v1Config as Readonly<Record<string, unknown>>;
  const fromV1: V1ExporterOptions = { asyncMode: v1.one_logger_async === true };
  if (typeof v1.one_logger_run_name === 'string') fromV1.runName = v1.one_logger_run_name;
  const exporter = new V1CompatibleExporter(new OneLoggerConfig(input), { ...fromV1, ...options.exporter });
  TrainingTelemetryProvider.instance().withBaseConfig(input).withExporter(exporter).configureProvider();
  return exporter;
}
