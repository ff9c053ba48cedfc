// Gaps between the process runs of a file (a job resumed minutes later, appending to the same file): from the end
// of one `application` span to the start of the next. A run killed without a stop ends at the last timestamp of
// its process before the next run starts.
import type { SpanNode } from '../model/types.js';

export interface RunGap {
  startMs: number;
  endMs: number;
}

export function runGaps(all: readonly SpanNode[]): RunGap[] {
  const apps = all
    .filter((s) => s.name === 'application' && s.startMs !== undefined)
    .sort((a, b) => (a.startMs as number) - (b.startMs as number));
  const gaps: RunGap[] = [];
  let runEnd = Number.NEGATIVE_INFINITY;
  apps.forEach((app, i) => {
    const start = app.startMs as number;
    const next = apps[i + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    if (runEnd > Number.NEGATIVE_INFINITY && start > runEnd) gaps.push({ startMs: runEnd, endMs: start });
    let end = app.endMs;
    if (end === undefined) {
      end = start;
      for (const s of all) {
        if (s.pid !== app.pid || s.startMs === undefined || s.startMs < start || s.startMs >= next) continue;
        end = Math.max(end, s.endMs ?? s.startMs, ...s.events.map((e) => e.timeMs ?? start));
      }
    }
    runEnd = Math.max(runEnd, end);
  });
  return gaps;
}
