// The labels that say which job a series belongs to: application, session, perf tag, rank, world size.
import { type AttributeValue, OneLoggerProvider } from '@nv-one-logger/core';

export const JobLabel = {
  APPLICATION: 'application',
  SESSION: 'session',
  PERF_TAG: 'perf_tag',
  RANK: 'rank',
  WORLD_SIZE: 'world_size',
} as const;
export type JobLabel = (typeof JobLabel)[keyof typeof JobLabel];

const ORDER: readonly JobLabel[] = [JobLabel.APPLICATION, JobLabel.SESSION, JobLabel.PERF_TAG, JobLabel.RANK, JobLabel.WORLD_SIZE];

/**
 * One value per label, each bounded (one per job, not per record). The values come from the job's own records
 * (`one_logger_initialization`, `update_training_telemetry_config`) and, for jobs without training telemetry,
 * from the provider's configuration; `RANK` from the environment until a record says otherwise.
 */
export class JobLabels {
  private readonly values = new Map<JobLabel, string>();
  private readonly constant: Readonly<Record<string, string>>;
  private cached: Record<string, string> | undefined;

  constructor(constant: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>> = process.env) {
    this.constant = constant;
    const rank = env.RANK?.trim();
    if (rank !== undefined && /^\d+$/.test(rank)) this.values.set(JobLabel.RANK, String(Number(rank)));
  }

  /** The rank label value (`0` when unknown), for the default Pushgateway instance. */
  get rank(): string {
    return this.values.get(JobLabel.RANK) ?? '0';
  }

  get application(): string | undefined {
    return this.values.get(JobLabel.APPLICATION);
  }

  /** Sets one label from a record value; returns whether anything changed. Arrays (perf tags) are joined by `,`. */
  set(label: JobLabel, value: AttributeValue | undefined): boolean {
    if (value === undefined) return false;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text === '' || this.values.get(label) === text) return false;
    this.values.set(label, text);
    this.cached = undefined;
    return true;
  }

  /** Fills labels still unknown from the provider's configuration (values that cannot be read are skipped). */
  fillFromProvider(): boolean {
    const provider = OneLoggerProvider.instance();
    if (!provider.isReady) return false;
    let changed = false;
    const config = provider.config;
    const read = (label: JobLabel, get: () => unknown) => {
      if (this.values.has(label)) return;
      try {
        const v = get();
        if (typeof v === 'string' || typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
          changed = this.set(label, v as AttributeValue) || changed;
        }
      } catch {
        // A user-supplied config function failed: the label stays unset rather than guessed.
      }
    };
    read(JobLabel.APPLICATION, () => config.applicationName);
    read(JobLabel.SESSION, () => config.sessionTag);
    read(JobLabel.WORLD_SIZE, () => config.worldSize);
    read(JobLabel.PERF_TAG, () => (config.telemetryConfig as { perfTag?: unknown } | undefined)?.perfTag);
    return changed;
  }

  /** The labels for every series: the constant ones, then the job labels known so far (built once per change). */
  toLabels(): Record<string, string> {
    if (this.cached !== undefined) return this.cached;
    const out: Record<string, string> = { ...this.constant };
    for (const label of ORDER) {
      const v = this.values.get(label);
      if (v !== undefined) out[label] = v;
    }
    this.cached = out;
    return out;
  }
}
