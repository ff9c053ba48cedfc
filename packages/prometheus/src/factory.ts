import {
  type ConfigOption,
  configOption,
  type ExporterFactory,
  parseFactoryConfig,
  registerPackageExporterFactories,
} from '@nv-one-logger/core';
import type { PrometheusExporterOptions, PushOptions } from './options.js';
import { PrometheusExporter } from './prometheus-exporter.js';

const mapping: ConfigOption<Record<string, unknown>, false> = {
  rule: 'must be a mapping',
  required: false,
  accepts: (v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v),
};

const positive = {
  rule: 'must be a positive integer',
  required: false,
  accepts: (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0,
} as const satisfies ConfigOption<number, false>;

const PROMETHEUS_OPTIONS = {
  serve: configOption.boolean(),
  port: configOption.nonNegativeInteger(),
  port_per_local_rank: configOption.boolean(),
  host: configOption.string(),
  path: configOption.string(),
  push: mapping,
  labels: mapping,
  checkpoint_buckets: {
    rule: 'must be a list of numbers',
    required: false,
    accepts: (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number'),
  } satisfies ConfigOption<number[], false>,
  max_model_metrics: positive,
  shutdown_timeout_millis: positive,
};

/** snake_case keys of `push` -> `PushOptions`; values are checked by `PrometheusExporter` (field names say `push.<key>`). */
const PUSH_KEYS: Readonly<Record<string, keyof PushOptions>> = {
  url: 'url',
  job: 'job',
  instance: 'instance',
  groupings: 'groupings',
  interval_millis: 'intervalMillis',
  timeout_millis: 'timeoutMillis',
  delete_on_shutdown: 'deleteOnShutdown',
  headers: 'headers',
};

function pushOptions(push: Record<string, unknown>): PushOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(push)) {
    const name = PUSH_KEYS[key];
    if (name === undefined) {
      throw new Error(
        `config.push.${key} is not an option of exporter "prometheus"; the push options are ${Object.keys(PUSH_KEYS).join(', ')}`,
      );
    }
    out[name] = value;
  }
  return out as unknown as PushOptions;
}

/**
 * `prometheus`: a `PrometheusExporter` from a config entry, e.g.
 * `{ class_name: prometheus, config: { port: 9464, push: { url: http://pushgateway:9091, interval_millis: 15000 } } }`.
 * Keys are the snake_case forms of `PrometheusExporterOptions`.
 */
export const prometheusExporterFactory: ExporterFactory = {
  name: 'prometheus',
  aliases: ['PrometheusExporter'],
  create(config) {
    const c = parseFactoryConfig('prometheus', config, PROMETHEUS_OPTIONS);
    const options: PrometheusExporterOptions = {};
    if (c.serve !== undefined) options.serve = c.serve;
    if (c.port !== undefined) options.port = c.port;
    if (c.port_per_local_rank !== undefined) options.portPerLocalRank = c.port_per_local_rank;
    if (c.host !== undefined) options.host = c.host;
    if (c.path !== undefined) options.path = c.path;
    if (c.push !== undefined) options.push = pushOptions(c.push);
    if (c.labels !== undefined) options.labels = c.labels as Record<string, string>;
    if (c.checkpoint_buckets !== undefined) options.checkpointBuckets = c.checkpoint_buckets;
    if (c.max_model_metrics !== undefined) options.maxModelMetrics = c.max_model_metrics;
    if (c.shutdown_timeout_millis !== undefined) options.shutdownTimeoutMillis = c.shutdown_timeout_millis;
    return new PrometheusExporter(options);
  },
};

/**
 * Registers `prometheus` in the process-wide exporter registry (done when the package is imported; idempotent).
 * If the application registered another factory under one of these names, theirs is kept.
 */
export function registerPrometheusExporter(): boolean {
  return registerPackageExporterFactories([prometheusExporterFactory]);
}
