// Options of PrometheusExporter: validated once, at construction (a bad value never reaches the job later).
import { ConfigError } from '@nv-one-logger/core';

/** Where and how the exporter pushes to a Prometheus Pushgateway (batch jobs that are not scraped). */
export interface PushOptions {
  /** Gateway base URL, e.g. `http://pushgateway:9091` (no credentials: pass them in `headers`). */
  url: string;
  /** The `job` grouping key. Default: the application name. */
  job?: string;
  /** The `instance` grouping key. Default: `rank<rank>` (one group per rank, replaced by each push). */
  instance?: string;
  /** More grouping keys (label name to value). */
  groupings?: Readonly<Record<string, string>>;
  /** Push every this many milliseconds while the job runs (and once more at shutdown). Default 15000. */
  intervalMillis?: number;
  /** One push request, connect to answer; at most `shutdownTimeoutMillis`. Default 5000 (or `shutdownTimeoutMillis` if shorter). */
  timeoutMillis?: number;
  /** At shutdown, delete the group instead of leaving the final values in the gateway. Default false. */
  deleteOnShutdown?: boolean;
  /** Extra HTTP headers (for example `authorization`); their values never appear in messages. */
  headers?: Readonly<Record<string, string>>;
}

/** Options of `PrometheusExporter`; everything is optional. */
export interface PrometheusExporterOptions {
  /**
   * Serve the metrics over HTTP (`/metrics` by default). Default true; false for push-only jobs, or to mount
   * `exporter.requestHandler` on the application's own server.
   */
  serve?: boolean;
  /** Port of the metrics endpoint. Default 9464; 0 picks a free port (see `exporter.address`). */
  port?: number;
  /**
   * Add the process's `LOCAL_RANK` (environment; 0 when unset) to `port`, so every rank on a node gets its own
   * endpoint from one shared config (9464, 9465, ...). Default false.
   */
  portPerLocalRank?: boolean;
  /** Interface to listen on. Default `0.0.0.0` (scraped from other hosts). */
  host?: string;
  /** Path of the metrics endpoint. Default `/metrics`. */
  path?: string;
  /** Push to a Pushgateway as well (or instead, with `serve: false`). */
  push?: PushOptions;
  /** Constant labels added to every series (e.g. `{ cluster: 'a' }`), next to the job labels. */
  labels?: Readonly<Record<string, string>>;
  /** Upper bounds (seconds) of the checkpoint-save duration histogram buckets. */
  checkpointBuckets?: readonly number[];
  /** Most distinct model metrics turned into gauges; more are left out and reported once. Default 100. */
  maxModelMetrics?: number;
  /** Upper bound of `flush()` and `close()` (final push, delete, server close). Default 10000. */
  shutdownTimeoutMillis?: number;
  /** Called for each failed push or delete (never throws into the job). */
  onPushError?: (report: PushFailure) => void;
}

/** One failed request to the Pushgateway. */
export interface PushFailure {
  /** `push` (interval, flush, shutdown) or `delete` (shutdown with `deleteOnShutdown`). */
  readonly operation: 'push' | 'delete';
  /** Why: the HTTP status and body start, a network error code, or `timeout`. */
  readonly detail: string;
  /** Failed requests so far. */
  readonly failures: number;
}

export interface ResolvedPush {
  readonly url: URL;
  readonly job: string | undefined;
  readonly instance: string | undefined;
  readonly groupings: Readonly<Record<string, string>>;
  readonly intervalMillis: number;
  readonly timeoutMillis: number;
  readonly deleteOnShutdown: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ResolvedOptions {
  readonly serve: boolean;
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly push: ResolvedPush | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly checkpointBuckets: readonly number[];
  readonly maxModelMetrics: number;
  readonly shutdownTimeoutMillis: number;
  readonly onPushError: ((report: PushFailure) => void) | undefined;
}

export const DEFAULT_PORT = 9464;
export const DEFAULT_CHECKPOINT_BUCKETS: readonly number[] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Label names the exporter sets itself (job identity and per-metric labels) or Prometheus reserves. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([
  'application',
  'session',
  'perf_tag',
  'rank',
  'world_size',
  'strategy',
  'le',
  'quantile',
  'job',
  'instance',
]);

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const FIELD = 'PrometheusExporterOptions';
const KNOWN = [
  'serve',
  'port',
  'portPerLocalRank',
  'host',
  'path',
  'push',
  'labels',
  'checkpointBuckets',
  'maxModelMetrics',
  'shutdownTimeoutMillis',
  'onPushError',
];
const PUSH_KNOWN = ['url', 'job', 'instance', 'groupings', 'intervalMillis', 'timeoutMillis', 'deleteOnShutdown', 'headers'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkKeys(field: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new ConfigError(`${field}.${key}`, undefined, `is not an option; the options are ${known.join(', ')}`);
  }
}

function positiveInteger(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new ConfigError(field, value, 'must be a positive integer');
  return value as number;
}

function nonEmptyString(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(field, value, 'must be a non-empty string');
  return value;
}

function boolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(field, value, 'must be true or false');
  return value;
}

/** A label map: valid label names that are not `reserved` (refused with `reservedRule`), string values. */
function labelMap(field: string, value: unknown, reserved: ReadonlySet<string>, reservedRule: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new ConfigError(field, value, 'must be a mapping of label name to string value');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) {
      throw new ConfigError(`${field}.${k}`, k, 'must be a label name: [a-zA-Z_][a-zA-Z0-9_]*, not starting with __');
    }
    if (reserved.has(k)) throw new ConfigError(`${field}.${k}`, k, reservedRule);
    if (typeof v !== 'string') throw new ConfigError(`${field}.${k}`, v, 'must be a string');
    out[k] = v;
  }
  return out;
}

function headerMap(field: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new ConfigError(field, '<redacted>', 'must be a mapping of header name to string value');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw new ConfigError(`${field}.${k}`, k, 'must be an HTTP header name');
    // Header values are often secrets: the message names the header, never the value.
    if (typeof v !== 'string' || /[\r\n]/.test(v)) throw new ConfigError(`${field}.${k}`, '<redacted>', 'must be a single-line string');
    out[k] = v;
  }
  return out;
}

function gatewayUrl(field: string, value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(field, value, 'must be an http:// or https:// URL');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(field, value, 'must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(field, value, 'must be an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') {
    // Credentials in a URL end up in logs and error messages; headers are the place for them.
    throw new ConfigError(
      field,
      `${url.protocol}//<redacted>@${url.host}${url.pathname}`,
      'must not contain credentials; pass them in headers',
    );
  }
  if (url.search !== '' || url.hash !== '') throw new ConfigError(field, value, 'must not have a query or fragment');
  return url;
}

/**
 * A request must end within the shutdown bound, so that a request `shutdown()` stopped waiting for cannot keep
 * the process alive past it. Default: 5000, or the shutdown bound when that is shorter.
 */
function requestTimeout(field: string, value: unknown, shutdownTimeoutMillis: number): number {
  const timeout = positiveInteger(field, value, Math.min(5000, shutdownTimeoutMillis));
  if (timeout > shutdownTimeoutMillis) {
    throw new ConfigError(field, timeout, `must not exceed shutdownTimeoutMillis (${shutdownTimeoutMillis})`);
  }
  return timeout;
}

function resolvePush(value: unknown, shutdownTimeoutMillis: number): ResolvedPush | undefined {
  if (value === undefined) return undefined;
  const field = `${FIELD}.push`;
  if (!isObject(value)) throw new ConfigError(field, value, 'must be an object like { url: "http://pushgateway:9091" }');
  checkKeys(field, value, PUSH_KNOWN);
  const groupings = labelMap(
    `${field}.groupings`,
    value.groupings,
    new Set(['job', 'instance']),
    'is a grouping key of its own: set it with push.job or push.instance',
  );
  return {
    url: gatewayUrl(`${field}.url`, value.url),
    job: value.job === undefined ? undefined : nonEmptyString(`${field}.job`, value.job),
    instance: value.instance === undefined ? undefined : nonEmptyString(`${field}.instance`, value.instance),
    groupings,
    intervalMillis: positiveInteger(`${field}.intervalMillis`, value.intervalMillis, 15_000),
    timeoutMillis: requestTimeout(`${field}.timeoutMillis`, value.timeoutMillis, shutdownTimeoutMillis),
    deleteOnShutdown: boolean(`${field}.deleteOnShutdown`, value.deleteOnShutdown, false),
    headers: headerMap(`${field}.headers`, value.headers),
  };
}

function buckets(value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_CHECKPOINT_BUCKETS;
  const field = `${FIELD}.checkpointBuckets`;
  if (!Array.isArray(value) || value.length === 0)
    throw new ConfigError(field, value, 'must be a non-empty array of increasing positive numbers');
  for (let i = 0; i < value.length; i++) {
    const b: unknown = value[i];
    if (typeof b !== 'number' || !Number.isFinite(b) || b <= 0 || (i > 0 && b <= (value[i - 1] as number))) {
      throw new ConfigError(`${field}[${i}]`, b, 'must be a finite positive number greater than the bucket before it');
    }
  }
  return Object.freeze([...(value as number[])]);
}

/** Validates `options` strictly and applies the defaults. */
export function resolveOptions(
  input: PrometheusExporterOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedOptions {
  if (!isObject(input)) throw new ConfigError(FIELD, input, 'must be an object');
  checkKeys(FIELD, input, KNOWN);
  const options: PrometheusExporterOptions = input;
  const port = options.port;
  if (port !== undefined && (!Number.isSafeInteger(port) || port < 0 || port > 65_535)) {
    throw new ConfigError(`${FIELD}.port`, port, 'must be an integer from 0 to 65535 (0 picks a free port)');
  }
  let resolvedPort = port ?? DEFAULT_PORT;
  if (boolean(`${FIELD}.portPerLocalRank`, options.portPerLocalRank, false) && resolvedPort !== 0) {
    const raw = env.LOCAL_RANK?.trim() ?? '';
    const localRank = raw === '' ? 0 : Number(raw);
    if (!Number.isSafeInteger(localRank) || localRank < 0)
      throw new ConfigError('LOCAL_RANK', raw, 'must be a non-negative integer (portPerLocalRank)');
    resolvedPort += localRank;
    if (resolvedPort > 65_535) {
      throw new ConfigError(`${FIELD}.port`, resolvedPort, `must be at most 65535 after adding LOCAL_RANK ${localRank} (portPerLocalRank)`);
    }
  }
  const path = options.path ?? '/metrics';
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new ConfigError(`${FIELD}.path`, path, 'must start with / and contain no query, fragment or spaces');
  }
  const serve = boolean(`${FIELD}.serve`, options.serve, true);
  const shutdownTimeoutMillis = positiveInteger(`${FIELD}.shutdownTimeoutMillis`, options.shutdownTimeoutMillis, 10_000);
  const push = resolvePush(options.push, shutdownTimeoutMillis);
  if (options.onPushError !== undefined && typeof options.onPushError !== 'function') {
    throw new ConfigError(`${FIELD}.onPushError`, options.onPushError, 'must be a function');
  }
  return {
    serve,
    port: resolvedPort,
    host: options.host === undefined ? '0.0.0.0' : nonEmptyString(`${FIELD}.host`, options.host),
    path,
    push,
    labels: labelMap(
      `${FIELD}.labels`,
      options.labels,
      RESERVED_LABELS,
      `is set by the exporter or by Prometheus; reserved label names are ${[...RESERVED_LABELS].join(', ')}`,
    ),
    checkpointBuckets: buckets(options.checkpointBuckets),
    maxModelMetrics: positiveInteger(`${FIELD}.maxModelMetrics`, options.maxModelMetrics, 100),
    shutdownTimeoutMillis,
    onPushError: options.onPushError,
  };
}
