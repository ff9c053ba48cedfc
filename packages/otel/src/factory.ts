import {
  type ConfigOption,
  configOption,
  type ExporterFactory,
  parseFactoryConfig,
  registerPackageExporterFactories,
} from '@nv-one-logger/core';
import type { OTelExporterOptions } from './options.js';
import { OTelExporter } from './otel-exporter.js';

function objectOption(rule: string, accepts: (value: object) => boolean): ConfigOption<Record<string, unknown>, false> {
  return {
    rule,
    required: false,
    accepts: (v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && accepts(v),
  };
}

const positive = {
  rule: 'must be a positive integer',
  required: false,
  accepts: (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0,
} as const satisfies ConfigOption<number, false>;

const OTEL_OPTIONS = {
  endpoint: configOption.string(),
  protocol: configOption.oneOf(['http/protobuf', 'http/json']),
  headers: objectOption('must be a mapping of header name to string value', (v) => Object.values(v).every((x) => typeof x === 'string')),
  resource: objectOption('must be a mapping of attribute name to value', () => true),
  timeout_millis: positive,
  compression: configOption.oneOf(['gzip', 'none']),
  max_queue_size: positive,
  max_export_batch_size: positive,
  scheduled_delay_millis: positive,
  shutdown_timeout_millis: positive,
  event_spans: configOption.boolean(),
};

/**
 * `otel` (alias: the reference's Python class path): an `OTelExporter` from a config entry, e.g.
 * `{ class_name: otel, config: { endpoint: http://collector:4318, protocol: http/json } }`.
 * Keys are the snake_case forms of `OTelExporterOptions`; anything unset falls back to `OTEL_EXPORTER_OTLP_*`.
 */
export const otelExporterFactory: ExporterFactory = {
  name: 'otel',
  aliases: ['OTelExporter', 'nv_one_logger.otel.exporter.otel_exporter.OTelExporter'],
  create(config) {
    const c = parseFactoryConfig('otel', config, OTEL_OPTIONS);
    const options: OTelExporterOptions = {};
    if (c.endpoint !== undefined) options.endpoint = c.endpoint;
    if (c.protocol !== undefined) options.protocol = c.protocol;
    if (c.headers !== undefined) options.headers = c.headers as Record<string, string>;
    if (c.resource !== undefined) options.resource = c.resource as OTelExporterOptions['resource'] & object;
    if (c.timeout_millis !== undefined) options.timeoutMillis = c.timeout_millis;
    if (c.compression !== undefined) options.compression = c.compression;
    if (c.max_queue_size !== undefined) options.maxQueueSize = c.max_queue_size;
    if (c.max_export_batch_size !== undefined) options.maxExportBatchSize = c.max_export_batch_size;
    if (c.scheduled_delay_millis !== undefined) options.scheduledDelayMillis = c.scheduled_delay_millis;
    if (c.shutdown_timeout_millis !== undefined) options.shutdownTimeoutMillis = c.shutdown_timeout_millis;
    if (c.event_spans !== undefined) options.eventSpans = c.event_spans;
    return new OTelExporter(options);
  },
};

/**
 * Registers `otel` in the process-wide exporter registry (done when the package is imported; idempotent).
 * If the application registered another factory under one of these names, theirs is kept.
 */
export function registerOTelExporter(): boolean {
  return registerPackageExporterFactories([otelExporterFactory]);
}
