import os from 'node:os';
import { type AttributeValue, OneLoggerProvider, VERSION } from '@nv-one-logger/core';
import {
  type DetectedResourceAttributes,
  defaultResource,
  detectResources,
  envDetector,
  type Resource,
  resourceFromAttributes,
} from '@opentelemetry/resources';

/** Resource attribute keys describing the job (besides the standard `service.name`, `host.name`, `process.pid`). */
export const JobResourceKey = {
  SESSION_TAG: 'one_logger.session_tag',
  PERF_TAG: 'one_logger.perf_tag',
  APP_TYPE: 'one_logger.app_type',
  RANK: 'one_logger.rank',
  WORLD_SIZE: 'one_logger.world_size',
  VERSION: 'one_logger.version',
} as const;

/**
 * What the configured library knows about the job: application name, session and perf tags, rank, world size,
 * host and library version. Values that cannot be read (no configuration yet, a config function that throws)
 * are left out rather than guessed.
 */
export function jobResourceAttributes(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {
    'host.name': os.hostname(),
    'process.pid': process.pid,
    [JobResourceKey.VERSION]: VERSION,
  };
  const rank = env.RANK?.trim();
  if (rank !== undefined && /^\d+$/.test(rank)) out[JobResourceKey.RANK] = Number(rank);
  const provider = OneLoggerProvider.instance();
  if (!provider.isReady) return out;
  const config = provider.config;
  out['service.name'] = config.applicationName;
  tryRead(
    () => config.sessionTag,
    (v) => typeof v === 'string',
    JobResourceKey.SESSION_TAG,
    out,
  );
  tryRead(
    () => config.worldSize,
    (v) => typeof v === 'number',
    JobResourceKey.WORLD_SIZE,
    out,
  );
  const telemetry = config.telemetryConfig as (Record<string, unknown> & { perfTag?: unknown; appType?: unknown }) | undefined;
  if (telemetry !== undefined) {
    tryRead(() => telemetry.perfTag, isPerfTag, JobResourceKey.PERF_TAG, out);
    tryRead(
      () => telemetry.appType,
      (v) => typeof v === 'string',
      JobResourceKey.APP_TYPE,
      out,
    );
  }
  return out;
}

function isPerfTag(v: unknown): boolean {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

function tryRead(read: () => unknown, ok: (v: unknown) => boolean, key: string, out: Record<string, AttributeValue>): void {
  try {
    const value = read();
    if (ok(value)) out[key] = value as AttributeValue;
  } catch {
    // A user-supplied config function failed; the resource simply lacks this attribute.
  }
}

/**
 * The exporter's resource, lowest precedence first: SDK defaults (`telemetry.sdk.*`), the job's attributes,
 * `OTEL_RESOURCE_ATTRIBUTES` / `OTEL_SERVICE_NAME`, then the attributes given in the options. `base` replaces
 * the job's attributes (a replay describes another process).
 */
export function buildResource(
  overrides: Readonly<Record<string, AttributeValue>>,
  base: Readonly<Record<string, AttributeValue>> = jobResourceAttributes(),
): Resource {
  return defaultResource()
    .merge(resourceFromAttributes(base as DetectedResourceAttributes))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes(overrides as DetectedResourceAttributes));
}
