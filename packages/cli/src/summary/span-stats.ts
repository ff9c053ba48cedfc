// Per-span-name statistics (count, total, mean and max duration) for the spans of a job other than the
// application span. This is what a core-only job (no training telemetry) has to show: where its time went.
// The number of names is bounded so a job that names spans after data (one name per file, per request) keeps
// the summary small; spans of names beyond the limit are counted together as `other`.
import type { JobSummary, SpanNameStats } from '../model/types.js';

/** Distinct span names summarized per summary; spans of further names are counted in `other`. */
export const MAX_SPAN_NAMES = 100;

interface Tally {
  count: number;
  totalMs: number;
  maxMs: number;
}

type SpanStats = JobSummary['spanStats'];

export class SpanStatsAccumulator {
  private readonly byName = new Map<string, Tally>();
  private readonly other: Tally = { count: 0, totalMs: 0, maxMs: 0 };

  /** One completed span. Negative or non-finite durations (clock trouble in the input) are not counted. */
  add(name: string, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    let t = this.byName.get(name);
    if (t === undefined) {
      // The first names seen keep their own row: a streaming pass cannot know which names will weigh most.
      if (this.byName.size >= MAX_SPAN_NAMES) t = this.other;
      else {
        t = { count: 0, totalMs: 0, maxMs: 0 };
        this.byName.set(name, t);
      }
    }
    t.count++;
    t.totalMs += durationMs;
    if (durationMs > t.maxMs) t.maxMs = durationMs;
  }

  /** The statistics, by total time (largest first); shares relative to `baseMs` (the application time). */
  finish(baseMs: number | undefined): SpanStats {
    const rows = [...this.byName].map(([name, t]) => row(name, t.count, t.totalMs, t.maxMs));
    return withShares({ byName: sortRows(rows), other: otherOf(this.other) }, baseMs);
  }
}

/** Two summaries' statistics together: counts and times add up (every process's spans count). */
export function mergeSpanStats(a: SpanStats, b: SpanStats): SpanStats {
  const merged = new Map<string, Tally>();
  for (const r of [...a.byName, ...b.byName]) {
    const t = merged.get(r.name);
    if (t === undefined) merged.set(r.name, { count: r.count, totalMs: r.totalMs, maxMs: r.maxMs });
    else {
      t.count += r.count;
      t.totalMs += r.totalMs;
      t.maxMs = Math.max(t.maxMs, r.maxMs);
    }
  }
  const rows = sortRows([...merged].map(([name, t]) => row(name, t.count, t.totalMs, t.maxMs)));
  const other: Tally = {
    count: a.other.count + b.other.count,
    totalMs: a.other.totalMs + b.other.totalMs,
    maxMs: Math.max(a.other.maxMs ?? 0, b.other.maxMs ?? 0),
  };
  // Beyond the limit, the names with the least time join `other`.
  for (const r of rows.slice(MAX_SPAN_NAMES)) {
    other.count += r.count;
    other.totalMs += r.totalMs;
    other.maxMs = Math.max(other.maxMs, r.maxMs);
  }
  return { byName: rows.slice(0, MAX_SPAN_NAMES), other: otherOf(other) };
}

/** The statistics with `shareOfApplication` set against `baseMs` (undefined when there is no application time). */
export function withShares(s: SpanStats, baseMs: number | undefined): SpanStats {
  const share = (totalMs: number) => (baseMs !== undefined && baseMs > 0 ? totalMs / baseMs : undefined);
  return {
    byName: s.byName.map((r) => ({ ...r, shareOfApplication: share(r.totalMs) })),
    other: { ...s.other, shareOfApplication: s.other.count === 0 ? undefined : share(s.other.totalMs) },
  };
}

export function emptySpanStats(): SpanStats {
  return { byName: [], other: otherOf({ count: 0, totalMs: 0, maxMs: 0 }) };
}

function row(name: string, count: number, totalMs: number, maxMs: number): SpanNameStats {
  return { name, count, totalMs, meanMs: count === 0 ? 0 : totalMs / count, maxMs, shareOfApplication: undefined };
}

function otherOf(t: Tally): SpanStats['other'] {
  return { count: t.count, totalMs: t.totalMs, maxMs: t.count === 0 ? undefined : t.maxMs, shareOfApplication: undefined };
}

function sortRows(rows: SpanNameStats[]): SpanNameStats[] {
  return rows.sort((x, y) => y.totalMs - x.totalMs || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}
