// The SLURM part of the v1 application-start row, read once from the environment (it does not change in a job).
import { internalLogger } from '@nv-one-logger/core';

/** v1 key → SLURM variable(s), first set one wins; the value is the raw string, and the key is left out when unset. */
const SLURM_STRINGS: readonly (readonly [string, readonly string[]])[] = [
  ['jobid', ['SLURM_JOBID']],
  ['job_account', ['SLURM_JOB_ACCOUNT']],
  ['alloc_hosts', ['SLURM_JOB_NUM_NODES']],
  ['cluster', ['SLURM_CLUSTER_NAME']],
  ['exec_hosts', ['SLURM_JOB_NODELIST']],
  ['user', ['SLURM_JOB_USER']],
  ['job_name', ['SLURM_JOB_NAME']],
  ['job_partition', ['SLURM_JOB_PARTITION']],
  ['job_reservation', ['SLURM_JOB_RESERVATION']],
  ['array_job_id', ['SLURM_ARRAY_JOB_ID']],
  ['array_task_count', ['SLURM_ARRAY_TASK_COUNT']],
  ['array_task_id', ['SLURM_ARRAY_TASK_ID']],
  ['step_id', ['SLURM_STEP_ID', 'SLURM_STEPID']],
  ['step_nodelist', ['SLURM_STEP_NODELIST']],
];

/** Whole seconds from a SLURM time variable; unset counts as 0, as in v1; a malformed value is reported and counts as 0. */
function seconds(env: Readonly<Record<string, string | undefined>>, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  if (/^\s*[-+]?\d+\s*$/.test(raw)) return Number.parseInt(raw, 10);
  internalLogger.warning(`${name}=${JSON.stringify(raw)} is not a whole number of seconds; the v1 row reports it as 0.`);
  return 0;
}

/**
 * `job_start_time` (ms; 0 without SLURM), `limit_run` (end − start, seconds) and the SLURM strings that are set,
 * in the key order of v1.
 */
export function slurmRow(env: Readonly<Record<string, string | undefined>> = process.env): Readonly<Record<string, string | number>> {
  const start = seconds(env, 'SLURM_JOB_START_TIME');
  const end = seconds(env, 'SLURM_JOB_END_TIME');
  const row: Record<string, string | number> = { job_start_time: start * 1000, limit_run: end - start };
  for (const [key, names] of SLURM_STRINGS) {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined) {
        row[key] = value;
        break;
      }
    }
  }
  return Object.freeze(row);
}
