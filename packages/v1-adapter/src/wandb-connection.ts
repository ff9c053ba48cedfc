// The W&B settings of a v1-compatible exporter: v1's run identity, with the connection taken from the W&B
// environment before v1's defaults, so a v1 job can be pointed at another W&B server without code changes.
import { randomUUID } from 'node:crypto';
import { ConfigError, type OneLoggerConfig } from '@nv-one-logger/core';
import { WANDB_OPTION_NAMES, type WandBExporterOptions } from '@nv-one-logger/wandb';

/** The team v1 runs were logged to. */
export const V1_DEFAULT_ENTITY = 'hwinf_dcm';

/**
 * Options of a v1-compatible exporter: those of the W&B exporters (without `metricNaming`: the v1 contract names
 * every metric) plus `asyncMode`. Unset values resolve as `v1WandbOptions` documents.
 */
export interface V1ExporterOptions extends Omit<WandBExporterOptions, 'metricNaming'> {
  /** `WandBExporterAsync` (batched) instead of `WandBExporterSync`. Default false. */
  asyncMode?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

// The W&B exporters' options without `metricNaming`, and `asyncMode`.
const KEYS = new Set<string>(['asyncMode', ...WANDB_OPTION_NAMES.filter((k) => k !== 'metricNaming')]);

/**
 * The W&B exporter options for a v1-compatible exporter of the job `oneLoggerConfig`. Precedence per setting:
 * - host: `host` option > `WANDB_BASE_URL` > `https://api.wandb.ai`
 * - API key: `apiKey` option > `WANDB_API_KEY` (none: the exporter fails to initialize; v1's anonymous login is not offered)
 * - entity: `entity` option > `WANDB_ENTITY` > `hwinf_dcm`
 * - project: `project` option > the application name (v1 dashboards find runs by it; `WANDB_PROJECT` is not read)
 * - run name: `runName` option > `<application name>-run-<uuid>` (`WANDB_NAME` is not read)
 * - tags: `tags` option > `["e2e_metrics_enabled"]`; everything else (mode, run id, resume, bounds) as the W&B exporters resolve it.
 */
export function v1WandbOptions(
  oneLoggerConfig: OneLoggerConfig,
  options: V1ExporterOptions = {},
  env: Env = process.env,
): WandBExporterOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError('V1ExporterOptions', options, 'must be an object (or a boolean: the async mode)');
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) {
      throw new ConfigError(`V1ExporterOptions.${key}`, undefined, `is not an option; the options are ${[...KEYS].join(', ')}`);
    }
  }
  const { asyncMode: _, ...rest } = options;
  const out: WandBExporterOptions = { ...rest };
  // Only what the environment does not decide is filled in, so the W&B package's own precedence and errors apply.
  if (out.entity === undefined && !env.WANDB_ENTITY?.trim()) out.entity = V1_DEFAULT_ENTITY;
  out.project ??= oneLoggerConfig.applicationName;
  out.runName ??= `${oneLoggerConfig.applicationName}-run-${randomUUID()}`;
  return out;
}

/** `asyncMode` of the options (strictly a boolean). */
export function asyncModeOf(options: V1ExporterOptions): boolean {
  const mode = options.asyncMode ?? false;
  if (typeof mode !== 'boolean') throw new ConfigError('V1ExporterOptions.asyncMode', mode, 'must be true or false');
  return mode;
}
