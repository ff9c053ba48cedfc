// The run's config: what the configured library knows about the job, under the snake_case names of the
// records (`application_name`, `session_tag`, `world_size`, `perf_tag`, `global_batch_size`, ...).
import { OneLoggerProvider } from '@nv-one-logger/core';

// Members of a training telemetry config worth seeing next to the run (read through their getters).
const TELEMETRY_MEMBERS = [
  'appType',
  'perfTag',
  'globalBatchSize',
  'microBatchSize',
  'seqLength',
  'flopsPerSample',
  'trainIterationsTarget',
  'trainSamplesTarget',
  'logEveryNTrainIterations',
  'isLogThroughputEnabled',
  'isTrainIterationsEnabled',
  'isValidationIterationsEnabled',
  'isTestIterationsEnabled',
  'isSaveCheckpointEnabled',
  'saveCheckpointStrategy',
] as const;

/** `globalBatchSize` -> `global_batch_size`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The job's configuration from the provider; `{}` before `configure()`. A value a user function fails to
 * produce is left out rather than guessed; custom metadata keys come last.
 */
export function jobRunConfig(): Record<string, unknown> {
  const provider = OneLoggerProvider.instance();
  if (!provider.isReady) return {};
  const config = provider.config;
  const out: Record<string, unknown> = { application_name: config.applicationName };
  read(out, 'session_tag', () => config.sessionTag);
  read(out, 'world_size', () => config.worldSize);
  read(out, 'is_baseline_run', () => config.isBaselineRun);
  const telemetry = config.telemetryConfig as Record<string, unknown> | undefined;
  if (telemetry !== undefined) {
    for (const member of TELEMETRY_MEMBERS) if (member in telemetry) read(out, snakeCase(member), () => telemetry[member]);
  }
  const custom = { ...(config.customMetadata ?? {}), ...((telemetry?.customMetadata as Record<string, unknown> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(custom)) if (!(k in out)) out[k] = v;
  return out;
}

function read(out: Record<string, unknown>, key: string, get: () => unknown): void {
  try {
    const value = get();
    if (value !== undefined && typeof value !== 'function') out[key] = value;
  } catch {
    // A user-supplied config function failed; the run config lacks this key.
  }
}
