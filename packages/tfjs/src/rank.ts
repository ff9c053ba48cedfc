import { internalLogger } from '@nv-one-logger/core';
import type { TrainingBaseConfigInput } from '@nv-one-logger/training-telemetry';

/** This process's rank from `RANK` (0 when unset; a value that is not a non-negative integer counts as 0, with a warning). */
export function currentRank(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RANK;
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  internalLogger.warning(`RANK=${JSON.stringify(raw)} is not a non-negative integer; treating this process as rank 0`);
  return 0;
}

/** True on rank 0 (or when `RANK` is unset): the `rank0Only` rule. */
export function isRankZero(env: NodeJS.ProcessEnv = process.env): boolean {
  return currentRank(env) === 0;
}

export interface TfjsBaseConfigOptions extends Omit<TrainingBaseConfigInput, 'worldSize'> {
  /** Default 1 (a TF.js job is one process unless the application runs several). */
  worldSize?: TrainingBaseConfigInput['worldSize'];
  /** Record telemetry only on rank 0 (`RANK` unset or 0); other ranks get a disabled, no-op library. */
  rank0Only?: boolean;
}

/** The base config for `TrainingTelemetryProvider.withBaseConfig`, with the TF.js defaults and the `rank0Only` rule. */
export function tfjsBaseConfig(options: TfjsBaseConfigOptions): TrainingBaseConfigInput {
  const { rank0Only, worldSize, ...rest } = options;
  const enabled = (rest.enableForCurrentRank ?? true) && (rank0Only !== true || isRankZero());
  return { ...rest, worldSize: worldSize ?? 1, enableForCurrentRank: enabled };
}
