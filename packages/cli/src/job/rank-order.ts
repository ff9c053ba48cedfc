// The order of ranks in slowness tables: slowest median iteration time first; ranks without iteration times
// last; ties by rank.
import type { RankView } from './job-types.js';

export function bySlowness(a: RankView, b: RankView): number {
  const ma = a.iterationTimeSec.median ?? Number.NEGATIVE_INFINITY;
  const mb = b.iterationTimeSec.median ?? Number.NEGATIVE_INFINITY;
  return mb - ma || (a.rank ?? 0) - (b.rank ?? 0);
}
