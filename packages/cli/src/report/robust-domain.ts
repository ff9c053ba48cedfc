// A y axis scaled to the bulk of the data: a few extreme values (the warm-up iteration, a checkpoint stall) would
// otherwise squash every other point against the axis. Values above the fence are outliers: the axis stops at
// the largest value inside it and the chart marks the outliers at its top edge instead.

export interface RobustDomain {
  /** Upper end of the y axis. */
  top: number;
  /** Largest value drawn to scale (the fence's side of the data). */
  bulkMax: number;
  /** Values above `bulkMax` (drawn as markers at the top). */
  outliers: number;
}

/**
 * Fence = max(Q3 + 3 × IQR, 1.5 × Q3): far outside the interquartile range and at least half again the upper
 * quartile, so steady data with a tiny spread keeps all its points.
 */
export function robustDomain(values: readonly number[]): RobustDomain | undefined {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const q = (p: number): number => finite[Math.min(finite.length - 1, Math.floor(p * (finite.length - 1)))] as number;
  const q1 = q(0.25);
  const q3 = q(0.75);
  const fence = Math.max(q3 + 3 * (q3 - q1), q3 * 1.5);
  let bulkMax = Number.NEGATIVE_INFINITY;
  let outliers = 0;
  for (const v of finite) {
    if (v <= fence) bulkMax = Math.max(bulkMax, v);
    else outliers++;
  }
  // With fewer than 5 values there is no bulk to speak of: draw everything to scale.
  if (finite.length < 5 || outliers === 0 || bulkMax === Number.NEGATIVE_INFINITY) {
    const max = finite[finite.length - 1] as number;
    return { top: max, bulkMax: max, outliers: 0 };
  }
  return { top: bulkMax * 1.1, bulkMax, outliers };
}
