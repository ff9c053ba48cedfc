// `wandb` and `wandb_async` in the exporter registry, with the reference's Python class paths as aliases.
import {
  type ConfigOption,
  configOption,
  type ExporterFactory,
  parseFactoryConfig,
  registerPackageExporterFactories,
} from '@nv-one-logger/core';
import type { WandBExporterOptions } from './options.js';
import { WandBExporterAsync, WandBExporterSync } from './wandb-exporter.js';

const positive = {
  rule: 'must be a positive integer',
  required: false,
  accepts: (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0,
} as const satisfies ConfigOption<number, false>;

const tags = {
  rule: 'must be a list of non-empty strings',
  required: false,
  accepts: (v: unknown): v is string[] => Array.isArray(v) && v.every((t) => typeof t === 'string' && t !== ''),
} as const satisfies ConfigOption<string[], false>;

const WANDB_OPTIONS = {
  entity: configOption.string(),
  project: configOption.string(),
  host: configOption.string(),
  api_key: configOption.string(),
  run_name: configOption.string(),
  save_dir: configOption.string(),
  tags,
  metric_naming: configOption.oneOf(['hierarchical', 'flat']),
  run_id: configOption.string(),
  resume: configOption.oneOf(['allow', 'must', 'never']),
  mode: configOption.oneOf(['online', 'offline', 'disabled']),
  request_timeout_millis: positive,
  max_queue_size: positive,
  transmit_interval_millis: configOption.nonNegativeInteger(),
  shutdown_timeout_millis: positive,
  max_retries: configOption.nonNegativeInteger(),
  retry_initial_millis: positive,
  retry_max_millis: positive,
};

const CAMEL: Record<keyof typeof WANDB_OPTIONS, keyof WandBExporterOptions> = {
  entity: 'entity',
  project: 'project',
  host: 'host',
  api_key: 'apiKey',
  run_name: 'runName',
  save_dir: 'saveDir',
  tags: 'tags',
  metric_naming: 'metricNaming',
  run_id: 'runId',
  resume: 'resume',
  mode: 'mode',
  request_timeout_millis: 'requestTimeoutMillis',
  max_queue_size: 'maxQueueSize',
  transmit_interval_millis: 'transmitIntervalMillis',
  shutdown_timeout_millis: 'shutdownTimeoutMillis',
  max_retries: 'maxRetries',
  retry_initial_millis: 'retryInitialMillis',
  retry_max_millis: 'retryMaxMillis',
};

function toOptions(name: string, config: Readonly<Record<string, unknown>>): WandBExporterOptions {
  const parsed = parseFactoryConfig(name, config, WANDB_OPTIONS) as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) options[CAMEL[key as keyof typeof WANDB_OPTIONS]] = value;
  return options as WandBExporterOptions;
}

/**
 * `wandb`: a `WandBExporterSync` from a config entry, e.g. `{ class_name: wandb, config: { entity: team,
 * project: proj, metric_naming: flat } }`. Keys are the snake_case forms of `WandBExporterOptions`; anything
 * unset falls back to `WANDB_*` variables (the API key belongs in `WANDB_API_KEY`, not in a config file).
 */
export const wandbExporterFactory: ExporterFactory = {
  name: 'wandb',
  aliases: ['WandBExporterSync', 'nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterSync'],
  create: (config) => new WandBExporterSync(toOptions('wandb', config)),
};

/** `wandb_async`: the same options, a `WandBExporterAsync`. */
export const wandbAsyncExporterFactory: ExporterFactory = {
  name: 'wandb_async',
  aliases: ['WandBExporterAsync', 'nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterAsync'],
  create: (config) => new WandBExporterAsync(toOptions('wandb_async', config)),
};

/**
 * Registers `wandb` and `wandb_async` in the process-wide exporter registry (done when the package is
 * imported, or loaded by name from a config; idempotent). A factory the application registered under one of
 * these names is kept.
 */
export function registerWandbExporters(): boolean {
  return registerPackageExporterFactories([wandbExporterFactory, wandbAsyncExporterFactory]);
}
