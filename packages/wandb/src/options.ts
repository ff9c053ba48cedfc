// Options of the W&B exporters: the reference's `Config` in camelCase plus naming, run identity, mode, bounds.
// Precedence for every setting: the option, then the WANDB_* variable, then the default.
import { randomUUID } from 'node:crypto';
import { ConfigError } from '@nv-one-logger/core';
import { MetricNaming, type MetricNamingStrategy } from './naming.js';

export const WandbMode = { ONLINE: 'online', OFFLINE: 'offline', DISABLED: 'disabled' } as const;
export type WandbMode = (typeof WandbMode)[keyof typeof WandbMode];

export const WandbResume = { ALLOW: 'allow', MUST: 'must', NEVER: 'never' } as const;
export type WandbResume = (typeof WandbResume)[keyof typeof WandbResume];

export interface WandBExporterOptions {
  /** User or team owning the run. Default: `WANDB_ENTITY`, else the API key's default entity (GraphQL `Viewer`). */
  entity?: string;
  /** Default: `WANDB_PROJECT`, then `one-logger-tracking`. */
  project?: string;
  /** W&B server. Default: `WANDB_BASE_URL`, then `https://api.wandb.ai`. */
  host?: string;
  /** Default: `WANDB_API_KEY`. Needed in online mode; never written to a record, a log line or an error. */
  apiKey?: string;
  /** Display name. Default: `WANDB_NAME`, then `one-logger-tracking-run-<uuid>`, new for every exporter. */
  runName?: string;
  /** The reference's local W&B directory; accepted for the same configs, nothing is written there (see README). */
  saveDir?: string;
  /** Default `['e2e_metrics_enabled']`. */
  tags?: readonly string[];
  /** `hierarchical` (default: `<span>.<attr>`, `<span>.<event>.<attr>`), `flat`, or a strategy object. */
  metricNaming?: MetricNaming | MetricNamingStrategy;
  /** Run ID (`[a-z0-9]`-style, none of `:;,#?/'`). Default: `WANDB_RUN_ID`, then 8 random characters. */
  runId?: string;
  /** Continue an existing run: `allow` (if it exists), `must` (fail when it does not), `never`. Default: `WANDB_RESUME`, else none. */
  resume?: WandbResume;
  /** `online`, `offline` (nothing sent; replay the JSONL later) or `disabled` (no I/O). Default: `WANDB_MODE`, then online. */
  mode?: WandbMode;
  /** One HTTP request. Default 30000. */
  requestTimeoutMillis?: number;
  /** Rows waiting to be sent; more are dropped and counted. Default 10000. */
  maxQueueSize?: number;
  /** Least time between two history requests. Default 0 for `WandBExporterSync`, 15000 (the W&B client's) for async. */
  transmitIntervalMillis?: number;
  /** Upper bound of `flush()` and `close()`, even when the server is down. Default 10000. */
  shutdownTimeoutMillis?: number;
  /** Retries of one request before its rows are dropped. Default 20. */
  maxRetries?: number;
  /** First retry wait (doubling, +0–25 % jitter, `Retry-After` honoured). Default 2000. */
  retryInitialMillis?: number;
  /** Cap of one retry wait. Default 60000. */
  retryMaxMillis?: number;
  /** Called for each loss (`queue_full`, `export_failed`, `run_failed`, `shutdown_timeout`, `closed`). */
  onDrop?: (report: DropReport) => void;
}

export interface DropReport {
  /** Rows lost by this occurrence. */
  readonly count: number;
  /** All rows lost so far by this exporter. */
  readonly total: number;
  readonly reason: 'queue_full' | 'export_failed' | 'run_failed' | 'shutdown_timeout' | 'closed';
  readonly detail?: string;
}

export interface ResolvedOptions {
  readonly entity: string | undefined;
  readonly project: string;
  readonly baseUrl: string;
  /** Empty when none is configured. */
  readonly apiKey: string;
  readonly runName: string;
  readonly saveDir: string;
  readonly tags: readonly string[];
  readonly metricNaming: MetricNaming | MetricNamingStrategy;
  readonly runId: string;
  readonly resume: WandbResume | undefined;
  readonly mode: WandbMode;
  readonly requestTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly transmitIntervalMillis: number;
  readonly shutdownTimeoutMillis: number;
  readonly maxRetries: number;
  readonly retryInitialMillis: number;
  readonly retryMaxMillis: number;
  readonly onDrop: ((report: DropReport) => void) | undefined;
}

/** The names of the W&B exporter options (unknown ones are refused). */
export const WANDB_OPTION_NAMES = [
  'entity',
  'project',
  'host',
  'apiKey',
  'runName',
  'saveDir',
  'tags',
  'metricNaming',
  'runId',
  'resume',
  'mode',
  'requestTimeoutMillis',
  'maxQueueSize',
  'transmitIntervalMillis',
  'shutdownTimeoutMillis',
  'maxRetries',
  'retryInitialMillis',
  'retryMaxMillis',
  'onDrop',
] as const;

export const DEFAULT_HOST = 'https://api.wandb.ai';
export const DEFAULT_PROJECT = 'one-logger-tracking';
export const DEFAULT_TAGS: readonly string[] = ['e2e_metrics_enabled'];
const FIELD = 'WandBExporterOptions';

type Env = Readonly<Record<string, string | undefined>>;

/** Validates `options` strictly and applies `WANDB_*` variables and defaults (`asyncDefaults`: the async exporter's). */
export function resolveOptions(options: WandBExporterOptions = {}, env: Env = process.env, asyncDefaults = false): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new ConfigError(FIELD, options, 'must be an object');
  const known: readonly string[] = WANDB_OPTION_NAMES;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(`${FIELD}.${key}`, undefined, `is not an option; the options are ${WANDB_OPTION_NAMES.join(', ')}`);
    }
  }
  const o = options as Record<string, unknown>;
  const project = pick(o, env, 'project', 'WANDB_PROJECT') ?? { field: '', value: DEFAULT_PROJECT };
  checkProject(project.field || `${FIELD}.project`, project.value);
  const entity = pick(o, env, 'entity', 'WANDB_ENTITY');
  const runId = pick(o, env, 'runId', 'WANDB_RUN_ID');
  if (runId !== undefined) checkRunId(runId.field, runId.value);
  const apiKey = pick(o, env, 'apiKey', 'WANDB_API_KEY');
  if (apiKey !== undefined) checkApiKey(apiKey.field, apiKey.value);
  const queue = positiveInteger('maxQueueSize', o.maxQueueSize, 10_000);
  if (o.onDrop !== undefined && typeof o.onDrop !== 'function') throw new ConfigError(`${FIELD}.onDrop`, o.onDrop, 'must be a function');
  return {
    entity: entity?.value,
    project: project.value,
    baseUrl: resolveHost(o, env),
    apiKey: apiKey?.value ?? '',
    runName: pick(o, env, 'runName', 'WANDB_NAME')?.value ?? `one-logger-tracking-run-${randomUUID()}`,
    saveDir: pick(o, {}, 'saveDir', '')?.value ?? './wandb',
    tags: checkTags(o.tags),
    metricNaming: checkNaming(o.metricNaming),
    runId: runId?.value ?? randomRunId(),
    resume: oneOf(o, env, 'resume', 'WANDB_RESUME', Object.values(WandbResume)),
    mode: resolveMode(o, env),
    requestTimeoutMillis: positiveInteger('requestTimeoutMillis', o.requestTimeoutMillis, 30_000),
    maxQueueSize: queue,
    transmitIntervalMillis: nonNegativeInteger('transmitIntervalMillis', o.transmitIntervalMillis, asyncDefaults ? 15_000 : 0),
    shutdownTimeoutMillis: positiveInteger('shutdownTimeoutMillis', o.shutdownTimeoutMillis, 10_000),
    maxRetries: nonNegativeInteger('maxRetries', o.maxRetries, 20),
    retryInitialMillis: positiveInteger('retryInitialMillis', o.retryInitialMillis, 2000),
    retryMaxMillis: positiveInteger('retryMaxMillis', o.retryMaxMillis, 60_000),
    onDrop: o.onDrop as ResolvedOptions['onDrop'],
  };
}

/** 8 characters of `[a-z0-9]`, as the W&B client generates run IDs. */
export function randomRunId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(8))) id += alphabet[byte % alphabet.length];
  return id;
}

/** The option if given, else a non-blank variable; each with the name an error should use. */
function pick(o: Record<string, unknown>, env: Env, key: string, variable: string): { field: string; value: string } | undefined {
  const value = o[key];
  if (value !== undefined) {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigError(`${FIELD}.${key}`, key === 'apiKey' ? '<redacted>' : value, 'must be a non-empty string');
    }
    return { field: `${FIELD}.${key}`, value: value.trim() };
  }
  const fromEnv = variable === '' ? undefined : env[variable]?.trim();
  return fromEnv ? { field: variable, value: fromEnv } : undefined;
}

function oneOf<T extends string>(
  o: Record<string, unknown>,
  env: Env,
  key: string,
  variable: string,
  allowed: readonly T[],
): T | undefined {
  const found = pick(o, env, key, variable);
  if (found === undefined) return undefined;
  const value = found.value.toLowerCase();
  if (!allowed.includes(value as T)) {
    throw new ConfigError(found.field, found.value, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

function resolveMode(o: Record<string, unknown>, env: Env): WandbMode {
  const found = pick(o, env, 'mode', 'WANDB_MODE');
  if (found === undefined) return WandbMode.ONLINE;
  // The W&B client's synonyms: `dryrun` is offline, `run` is online.
  const value = { dryrun: 'offline', run: 'online' }[found.value.toLowerCase()] ?? found.value.toLowerCase();
  const allowed: readonly string[] = Object.values(WandbMode);
  if (!allowed.includes(value)) {
    throw new ConfigError(found.field, found.value, 'must be "online", "offline" or "disabled" (also "dryrun" = offline, "run" = online)');
  }
  return value as WandbMode;
}

function resolveHost(o: Record<string, unknown>, env: Env): string {
  const found = pick(o, env, 'host', 'WANDB_BASE_URL') ?? { field: `${FIELD}.host`, value: DEFAULT_HOST };
  let url: URL;
  try {
    url = new URL(found.value);
  } catch {
    throw new ConfigError(found.field, found.value, 'must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(found.field, found.value, 'must be an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(
      found.field,
      `${url.protocol}//<redacted>@${url.host}`,
      'must not contain credentials; use apiKey or WANDB_API_KEY',
    );
  }
  if (url.search !== '' || url.hash !== '') throw new ConfigError(found.field, found.value, 'must not have a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const PROJECT_FORBIDDEN = /[/\\#?%:]/;
function checkProject(field: string, value: string): void {
  if (value.length > 128 || PROJECT_FORBIDDEN.test(value)) {
    throw new ConfigError(field, value, 'must be at most 128 characters, none of / \\ # ? % :');
  }
}

const RUN_ID_FORBIDDEN = /[:;,#?/'\s]/;
function checkRunId(field: string, value: string): void {
  if (value.length > 128 || RUN_ID_FORBIDDEN.test(value)) {
    throw new ConfigError(field, value, "must be at most 128 characters, none of : ; , # ? / ' or spaces");
  }
}

// An optional `prefix-`, then at least 40 of [A-Za-z0-9_-] (the W&B client's key check). The value is never shown.
const API_KEY = /^([A-Za-z0-9_]+-)?[A-Za-z0-9_-]{40,}$/;
function checkApiKey(field: string, value: string): void {
  if (!API_KEY.test(value)) {
    throw new ConfigError(
      field,
      '<redacted>',
      `must be a W&B API key: an optional "prefix-", then at least 40 letters, digits, "_" or "-" (got ${value.length} characters)`,
    );
  }
}

function checkTags(tags: unknown): readonly string[] {
  if (tags === undefined) return DEFAULT_TAGS;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && t !== '' && t.length <= 64)) {
    throw new ConfigError(`${FIELD}.tags`, tags, 'must be a list of non-empty strings of at most 64 characters');
  }
  return [...tags];
}

function checkNaming(value: unknown): MetricNaming | MetricNamingStrategy {
  if (value === undefined) return MetricNaming.HIERARCHICAL;
  if (value === MetricNaming.FLAT || value === MetricNaming.HIERARCHICAL) return value;
  const v = value as Partial<MetricNamingStrategy> | null;
  if (v !== null && typeof v === 'object' && typeof v.fromSpanAttribute === 'function' && typeof v.fromEventAttribute === 'function') {
    return v as MetricNamingStrategy;
  }
  throw new ConfigError(
    `${FIELD}.metricNaming`,
    value,
    'must be "hierarchical", "flat" or an object with fromSpanAttribute() and fromEventAttribute()',
  );
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0)
    throw new ConfigError(`${FIELD}.${name}`, value, 'must be a positive integer');
  return value as number;
}

function nonNegativeInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    throw new ConfigError(`${FIELD}.${name}`, value, 'must be a non-negative integer');
  return value as number;
}
