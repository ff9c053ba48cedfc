// The straggler rule. A synchronous job moves at the pace of its slowest rank, so a rank whose typical (median)
// iteration is slower than the job's typical iteration holds every other rank back.
//
//   job median      = median over ranks of each rank's median iteration time
//   straggler       = a rank whose median > job median × (1 + threshold)   (threshold 5% unless given)
//   time it costs   = (its median − job median) × its iterations
//
// The cost is how much longer the rank's training took than at the job's median pace: the time the other ranks
// spend waiting for it. With several stragglers the job loses the largest of these, not their sum.

export const DEFAULT_STRAGGLER_THRESHOLD = 0.05;

export interface StragglerInput {
  rank: number | undefined;
  medianSec: number | undefined;
  iterations: number;
}

export interface Straggler {
  rank: number | undefined;
  medianIterationTimeSec: number;
  /** (rank median − job median) / job median. */
  excess: number;
  iterations: number;
  costMs: number;
}

export interface StragglerResult {
  jobMedianIterationTimeSec: number | undefined;
  /** Slowest first. */
  stragglers: Straggler[];
  /** The largest single cost: how much the slowest straggler delayed the job. */
  costMs: number;
}

export function findStragglers(ranks: readonly StragglerInput[], threshold = DEFAULT_STRAGGLER_THRESHOLD): StragglerResult {
  const medians = ranks.map((r) => r.medianSec).filter((m): m is number => m !== undefined && Number.isFinite(m));
  const jobMedian = median(medians);
  if (jobMedian === undefined || medians.length < 2) return { jobMedianIterationTimeSec: jobMedian, stragglers: [], costMs: 0 };
  const limit = jobMedian * (1 + threshold);
  const stragglers: Straggler[] = [];
  for (const r of ranks) {
    if (r.medianSec === undefined || !(r.medianSec > limit)) continue;
    stragglers.push({
      rank: r.rank,
      medianIterationTimeSec: r.medianSec,
      excess: jobMedian > 0 ? (r.medianSec - jobMedian) / jobMedian : Number.POSITIVE_INFINITY,
      iterations: r.iterations,
      costMs: (r.medianSec - jobMedian) * r.iterations * 1000,
    });
  }
  stragglers.sort((a, b) => b.medianIterationTimeSec - a.medianIterationTimeSec);
  return { jobMedianIterationTimeSec: jobMedian, stragglers, costMs: Math.max(0, ...stragglers.map((s) => s.costMs)) };
}

/** The median of a list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
