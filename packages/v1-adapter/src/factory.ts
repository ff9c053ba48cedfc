// `v1_wandb` in the exporter registry, so exporter configuration files can name the v1 exporter as in Python.
import {
  ConfigError,
  type ConfigOption,
  configOption,
  type ExporterFactory,
  OneLoggerConfig,
  parseFactoryConfig,
  registerPackageExporterFactories,
} from '@nv-one-logger/core';
import { V1CompatibleExporter } from './v1-compatible-exporter.js';
import type { V1ExporterOptions } from './wandb-connection.js';

/** The reference's class name of the v1 exporter factory. */
export const V1_EXPORTER_CLASS_NAME = 'nv_one_logger.training_telemetry.v1_adapter.v1_compatible_wandb_exporter.V1CompatibleExporter';

const tags: ConfigOption<string[], false> = {
  rule: 'must be a list of non-empty strings',
  required: false,
  accepts: (v): v is string[] => Array.isArray(v) && v.every((t) => typeof t === 'string' && t !== ''),
};

// The reference's keys (its `config` dict), plus the W&B exporter's mode.
const OPTIONS = {
  async_mode: configOption.boolean(),
  host: configOption.string(),
  api_key: configOption.string(),
  project: configOption.string(),
  run_name: configOption.string(),
  entity: configOption.string(),
  tags,
  save_dir: configOption.string(),
  mode: configOption.oneOf(['online', 'offline', 'disabled']),
};

/**
 * `v1_wandb` (alias: the reference's class name): a `V1CompatibleExporter` for the application's one-logger
 * config (context key `oneLoggerConfig`, which the providers pass), e.g.
 * `{ class_name: v1_wandb, config: { async_mode: true } }`. Unset keys resolve as `v1WandbOptions` documents.
 */
export const v1WandbExporterFactory: ExporterFactory = {
  name: 'v1_wandb',
  aliases: [V1_EXPORTER_CLASS_NAME],
  requiresContext: ['oneLoggerConfig'],
  create(config, context) {
    const c = parseFactoryConfig('v1_wandb', config, OPTIONS);
    const oneLoggerConfig = context.values.oneLoggerConfig;
    if (!(oneLoggerConfig instanceof OneLoggerConfig)) {
      throw new ConfigError('oneLoggerConfig', oneLoggerConfig, "must be the application's OneLoggerConfig");
    }
    const options: V1ExporterOptions = {};
    if (c.async_mode !== undefined) options.asyncMode = c.async_mode;
    if (c.host !== undefined) options.host = c.host;
    if (c.api_key !== undefined) options.apiKey = c.api_key;
    if (c.project !== undefined) options.project = c.project;
    if (c.run_name !== undefined) options.runName = c.run_name;
    if (c.entity !== undefined) options.entity = c.entity;
    if (c.tags !== undefined) options.tags = c.tags;
    if (c.save_dir !== undefined) options.saveDir = c.save_dir;
    if (c.mode !== undefined) options.mode = c.mode;
    return new V1CompatibleExporter(oneLoggerConfig, options);
  },
};

/**
 * Registers `v1_wandb` in the process-wide exporter registry (done when the package is imported; idempotent).
 * If the application registered another factory under one of these names, theirs is kept.
 */
export function registerV1Exporters(): boolean {
  return registerPackageExporterFactories([v1WandbExporterFactory]);
}
