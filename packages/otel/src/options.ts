import { type AttributeValue, ConfigError, validateAttribute } from '@nv-one-logger/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export const OtlpProtocol = { HTTP_PROTOBUF: 'http/protobuf', HTTP_JSON: 'http/json' } as const;
export type OtlpProtocol = (typeof OtlpProtocol)[keyof typeof OtlpProtocol];

/** Options of `OTelExporter`. Everything is optional; see the package README for defaults and env variables. */
export interface OTelExporterOptions {
  /**
   * Collector URL. A URL without a path (`http://collector:4318`) gets `/v1/traces` appended; a URL with a
   * path is used as is. Default: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`, then
   * `http://localhost:4318/v1/traces`.
   */
  endpoint?: string;
  /** Default: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`, then `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** Extra HTTP headers (for example an API key); merged over `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`. */
  headers?: Readonly<Record<string, string>>;
  /** Resource attributes merged over the job's own (`service.name`, session tag, rank, ...). */
  resource?: Readonly<Record<string, AttributeValue>>;
  /** Time allowed for one export request including its retries. Default: `OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`, then 10000. */
  timeoutMillis?: number;
  /** `gzip` or `none`. Default: `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`, then `none`. */
  compression?: 'gzip' | 'none';
  /** Any OpenTelemetry JS `SpanExporter` instead of the built-in OTLP transport (endpoint/protocol/headers/compression then do not apply). */
  spanExporter?: SpanExporter;
  /** Finished OTel spans waiting to be sent; more are dropped (and counted). Default 2048. */
  maxQueueSize?: number;
  /** Spans per export request. Default 512. */
  maxExportBatchSize?: number;
  /** A partly filled batch is sent after this delay. Default 5000. */
  scheduledDelayMillis?: number;
  /** Upper bound for `flush()` and `close()`, even when the collector is down. Default 10000. */
  shutdownTimeoutMillis?: number;
  /**
   * Also emit a zero-length child span per event (`<event>_event_for_<span>`), so events of long-running
   * spans are visible before the span ends (the reference's behaviour). Default true.
   */
  eventSpans?: boolean;
  /** Called when spans are dropped (queue full, export failed, shutdown bound hit). Never throws into the job. */
  onDrop?: (report: DropReport) => void;
}

export interface DropReport {
  /** Spans dropped by this occurrence. */
  readonly count: number;
  /** All spans dropped so far by this exporter. */
  readonly total: number;
  readonly reason: 'queue_full' | 'export_failed' | 'shutdown_timeout' | 'closed';
  /** The export error, for `export_failed`. */
  readonly detail?: string;
}

/** The options after defaults and environment variables are applied. */
export interface ResolvedOptions {
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly resource: Readonly<Record<string, AttributeValue>>;
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
  readonly spanExporter: SpanExporter | undefined;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  readonly shutdownTimeoutMillis: number;
  readonly eventSpans: boolean;
  readonly onDrop: ((report: DropReport) => void) | undefined;
}

const KNOWN_KEYS = new Set<string>([
  'endpoint',
  'protocol',
  'headers',
  'resource',
  'timeoutMillis',
  'compression',
  'spanExporter',
  'maxQueueSize',
  'maxExportBatchSize',
  'scheduledDelayMillis',
  'shutdownTimeoutMillis',
  'eventSpans',
  'onDrop',
]);

const DEFAULT_URL = 'http://localhost:4318/v1/traces';
const FIELD = 'OTelExporterOptions';

type Env = Readonly<Record<string, string | undefined>>;

/** Validates `options` strictly and applies environment variables and defaults. */
export function resolveOptions(options: OTelExporterOptions = {}, env: Env = process.env): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new ConfigError(FIELD, options, 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ConfigError(`${FIELD}.${key}`, undefined, `is not an option; the options are ${[...KNOWN_KEYS].join(', ')}`);
    }
  }
  const spanExporter = options.spanExporter;
  if (spanExporter !== undefined && (typeof spanExporter !== 'object' || typeof spanExporter?.export !== 'function')) {
    throw new ConfigError(
      `${FIELD}.spanExporter`,
      spanExporter,
      'must be an OpenTelemetry SpanExporter (an object with export() and shutdown())',
    );
  }
  const queue = positiveInteger('maxQueueSize', options.maxQueueSize, 2048);
  const batch = positiveInteger('maxExportBatchSize', options.maxExportBatchSize, 512);
  if (batch > queue) {
    throw new ConfigError(`${FIELD}.maxExportBatchSize`, batch, `must not exceed maxQueueSize (${queue})`);
  }
  if (options.eventSpans !== undefined && typeof options.eventSpans !== 'boolean') {
    throw new ConfigError(`${FIELD}.eventSpans`, options.eventSpans, 'must be true or false');
  }
  if (options.onDrop !== undefined && typeof options.onDrop !== 'function') {
    throw new ConfigError(`${FIELD}.onDrop`, options.onDrop, 'must be a function');
  }
  return {
    url: resolveUrl(options.endpoint, env),
    protocol: resolveProtocol(options.protocol, env),
    headers: { ...headersFromEnv(env), ...checkHeaders(options.headers) },
    resource: checkResource(options.resource),
    timeoutMillis: positiveInteger('timeoutMillis', options.timeoutMillis, envInteger(env, 'TIMEOUT') ?? 10_000),
    compression: resolveCompression(options.compression, env),
    spanExporter,
    maxQueueSize: queue,
    maxExportBatchSize: batch,
    scheduledDelayMillis: positiveInteger('scheduledDelayMillis', options.scheduledDelayMillis, 5000),
    shutdownTimeoutMillis: positiveInteger('shutdownTimeoutMillis', options.shutdownTimeoutMillis, 10_000),
    eventSpans: options.eventSpans ?? true,
    onDrop: options.onDrop,
  };
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new ConfigError(`${FIELD}.${name}`, value, 'must be a positive integer');
  }
  return value as number;
}

/** `OTEL_EXPORTER_OTLP_TRACES_<name>`, else `OTEL_EXPORTER_OTLP_<name>`; blank counts as unset. */
function fromEnv(env: Env, name: string): { variable: string; value: string } | undefined {
  for (const variable of [`OTEL_EXPORTER_OTLP_TRACES_${name}`, `OTEL_EXPORTER_OTLP_${name}`]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

function envInteger(env: Env, name: string): number | undefined {
  const found = fromEnv(env, name);
  if (found === undefined) return undefined;
  const n = Number(found.value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(found.variable, found.value, 'must be a positive integer');
  return n;
}

function resolveUrl(endpoint: unknown, env: Env): string {
  if (endpoint !== undefined) return checkUrl(`${FIELD}.endpoint`, endpoint, true);
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  // The signal-specific variable is the full URL; the generic one is a base URL (OTel specification).
  if (specific) return checkUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific, false);
  const generic = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (generic) {
    const base = checkUrl('OTEL_EXPORTER_OTLP_ENDPOINT', generic, false);
    return `${base.replace(/\/+$/, '')}/v1/traces`;
  }
  return DEFAULT_URL;
}

function checkUrl(field: string, value: unknown, appendPathWhenMissing: boolean): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(field, value, 'must be an http:// or https:// URL');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(field, value, 'must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      field,
      value,
      'must be an http:// or https:// URL (OTLP/gRPC is not supported; use port 4318 with http/protobuf)',
    );
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in URLs end up in logs; headers are the place for them.
    throw new ConfigError(
      field,
      `${url.protocol}//<redacted>@${url.host}${url.pathname}`,
      'must not contain credentials; pass them in headers',
    );
  }
  if (appendPathWhenMissing && (url.pathname === '' || url.pathname === '/')) url.pathname = '/v1/traces';
  return url.toString();
}

function resolveProtocol(protocol: unknown, env: Env): OtlpProtocol {
  const allowed: readonly string[] = Object.values(OtlpProtocol);
  if (protocol !== undefined) {
    if (!allowed.includes(protocol as string))
      throw new ConfigError(`${FIELD}.protocol`, protocol, 'must be "http/protobuf" or "http/json"');
    return protocol as OtlpProtocol;
  }
  const found = fromEnv(env, 'PROTOCOL');
  if (found === undefined) return OtlpProtocol.HTTP_PROTOBUF;
  if (!allowed.includes(found.value))
    throw new ConfigError(found.variable, found.value, 'must be "http/protobuf" or "http/json" (grpc is not supported)');
  return found.value as OtlpProtocol;
}

function resolveCompression(compression: unknown, env: Env): 'gzip' | 'none' {
  if (compression !== undefined) {
    if (compression !== 'gzip' && compression !== 'none')
      throw new ConfigError(`${FIELD}.compression`, compression, 'must be "gzip" or "none"');
    return compression;
  }
  const found = fromEnv(env, 'COMPRESSION');
  if (found === undefined) return 'none';
  if (found.value !== 'gzip' && found.value !== 'none') throw new ConfigError(found.variable, found.value, 'must be "gzip" or "none"');
  return found.value;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Header values are never echoed in errors: they usually hold credentials. */
function checkHeaders(headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new ConfigError(`${FIELD}.headers`, headers, 'must be an object of header name to string value');
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new ConfigError(`${FIELD}.headers`, name, 'header names must be HTTP tokens');
    if (typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new ConfigError(`${FIELD}.headers.${name}`, '<redacted>', 'must be a string without line breaks');
    }
    out[name] = value;
  }
  return out;
}

/** `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`: `key1=value1,key2=value2`, values URL-encoded (OTel specification). */
function headersFromEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const variable of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const raw = env[variable];
    if (!raw?.trim()) continue;
    for (const part of raw.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const name = eq > 0 ? part.slice(0, eq).trim() : '';
      if (!HEADER_NAME.test(name)) {
        throw new ConfigError(
          variable,
          `entry ${JSON.stringify(name || part.trim().slice(0, 40))}`,
          'must be a comma-separated list of name=value pairs',
        );
      }
      let value: string;
      try {
        value = decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        throw new ConfigError(`${variable} (header ${name})`, '<redacted>', 'values must be URL-encoded');
      }
      out[name] = value;
    }
  }
  return out;
}

function checkResource(resource: unknown): Record<string, AttributeValue> {
  if (resource === undefined) return {};
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    throw new ConfigError(`${FIELD}.resource`, resource, 'must be an object of attribute name to value');
  }
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(resource)) {
    try {
      validateAttribute(name, value);
    } catch (e) {
      throw new ConfigError(`${FIELD}.resource.${name}`, value, `must be a valid attribute value (${(e as Error).message})`);
    }
    out[name] = value;
  }
  return out;
}
