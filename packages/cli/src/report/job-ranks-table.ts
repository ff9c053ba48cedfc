// The ranks of a job sorted by slowness (median iteration time, slowest first), stragglers highlighted. Wide:
// it scrolls inside its own box and no cell is ever clipped.
import type { JobView, RankView } from '../job/job-types.js';
import { bySlowness } from '../job/rank-order.js';
import { fmtDuration, fmtInt, fmtNum, fmtPercent, fmtSeconds, MISSING } from './format.js';
import { el, type Html, join } from './html.js';

const COLUMNS: readonly { heading: string; cell: (r: RankView) => string; numeric?: boolean }[] = [
  { heading: 'Rank', cell: (r) => (r.rank === undefined ? '?' : String(r.rank)) },
  { heading: 'Median iteration', cell: (r) => fmtSeconds(r.iterationTimeSec.median), numeric: true },
  { heading: 'p90', cell: (r) => fmtSeconds(r.iterationTimeSec.p90), numeric: true },
  { heading: 'Max', cell: (r) => fmtSeconds(r.iterationTimeSec.max), numeric: true },
  {
    heading: 'vs job median',
    cell: (r) => (r.vsJobMedian === undefined ? MISSING : (r.vsJobMedian >= 0 ? '+' : '') + fmtPercent(r.vsJobMedian)),
    numeric: true,
  },
  { heading: 'Cost to the job', cell: (r) => (r.straggler ? fmtDuration(r.costMs) : MISSING), numeric: true },
  { heading: 'Iterations', cell: (r) => fmtInt(r.iterations), numeric: true },
  { heading: 'TFLOP/s per GPU', cell: (r) => fmtNum(r.throughputPerGpuTflops), numeric: true },
  { heading: 'Samples/s', cell: (r) => fmtNum(r.samplesPerSec), numeric: true },
  {
    heading: 'Checkpoint save',
    cell: (r) => (r.checkpointSaveMs.total > 0 ? fmtDuration(r.checkpointSaveMs.total) : MISSING),
    numeric: true,
  },
  { heading: 'Duration', cell: (r) => fmtDuration(r.durationMs), numeric: true },
  { heading: 'Training share', cell: (r) => fmtPercent(r.timeBreakdown?.training), numeric: true },
  { heading: 'Runs', cell: (r) => fmtInt(r.runs), numeric: true },
  { heading: 'File', cell: (r) => r.files.join(', ') },
];

export function ranksTable(job: JobView): Html {
  const rows = [...job.ranks].sort(bySlowness);
  return el(
    'div',
    { class: 'scroll' },
    el(
      'table',
      { class: 'ranks', 'data-table': 'ranks' },
      el('thead', {}, el('tr', {}, join(COLUMNS.map((c) => el('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.heading))))),
      el(
        'tbody',
        {},
        join(
          rows.map((r) =>
            el(
              'tr',
              {
                class: r.straggler ? 'straggler' : undefined,
                'data-rank': r.rank ?? '',
                'data-straggler': r.straggler ? 'true' : undefined,
              },
              join(
                COLUMNS.map((c, i) =>
                  el(
                    'td',
                    { class: c.numeric ? 'num' : undefined },
                    i === 0 && r.straggler ? join([c.cell(r), ' ', el('span', { class: 'badge' }, 'straggler')]) : c.cell(r),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
