// TensorFlow.js integration benchmark (issue: wall-clock overhead of the telemetry callback on a fit of a small
// model < 1 % of training time; median of several runs, with and without the callback, interleaved in one run).
// See bench/tfjs-cases.mjs for what each case measures.
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./tfjs-cases.mjs', import.meta.url));
const r = {};
for (const c of [
  'fit_overhead',
  'fit_overhead_n50',
  'fit_overhead_n50_long',
  'epoch_interleaved',
  'hook_context',
  'recorder_in_fit_none',
  'recorder_in_fit_buffered',
  'recorder_in_fit_per_record',
]) {
  r[c] = runCase(script, c);
}
// The N = 50 case again with V8 optimising sooner (interrupt budget a quarter of V8's default of 67,584): how much of the
// short fits' figure is code that V8 has not optimised yet, as it optimises code that runs once per batch only after
// thousands of batches. A diagnosis, not a setting the library asks for.
const EARLY_OPT_FLAG = '--interrupt-budget=16384';
r.fit_overhead_n50_early_opt = runCase(script, 'fit_overhead_n50', [EARLY_OPT_FLAG]);
const f = r.fit_overhead;
const f50 = r.fit_overhead_n50;
const f50long = r.fit_overhead_n50_long;
const h = r.hook_context;
const us = (x) => `${x.toFixed(1)} µs`;
/**
 * The telemetry callback's own time per batch (the target) and, from the same fits, the floor callback's (the
 * least a per-record callback can do: see FloorCallback in tfjs-cases.mjs), then both split by kind of hook.
 */
const ownTimeRows = (c, label) => [
  [label, us(c.hook_us_per_batch_own), '<= 5 µs', c.hook_us_per_batch_own <= 5],
  [
    '    floor callback (clock, statistics, the same lines written), its own time; telemetry / floor',
    `${us(c.hook_us_per_batch_floor_own)}; ${c.own_to_floor.toFixed(2)}x`,
    'floor',
    true,
  ],
  [
    '    begin / plain end / end that logs (medians)',
    `${us(c.hook_us_begin)} / ${us(c.hook_us_end_plain)} / ${us(c.hook_us_end_logged)}`,
    'info',
    true,
  ],
  ['    the same, floor callback', `${us(c.floor_us_begin)} / ${us(c.floor_us_end_plain)} / ${us(c.floor_us_end_logged)}`, 'floor', true],
];
const e = r.epoch_interleaved;
const pct = (x) => `${x.toFixed(2)} %`;
writeResults('tfjs', r, [
  [`fit without the callback (${f.batches_per_fit} batches of 32)`, `${f.fit_ms_without.toFixed(0)} ms`, '1-3 s', true],
  ['fit with OneLoggerTfjsCallback', `${f.fit_ms_with.toFixed(0)} ms`, 'info', true],
  ['wall-clock overhead (medians, interleaved fits)', pct(f.overhead_pct), '< 1 %', f.overhead_pct < 1],
  ['  median of per-pair overheads', pct(f.pair_overhead_pct), 'info', true],
  ['  fastest fit of each kind', pct(f.min_overhead_pct), 'info', true],
  ['wall-clock overhead (epochs interleaved in one fit)', pct(e.overhead_pct), '< 1 %', e.overhead_pct < 1],
  ['  A/A noise floor of that method', pct(e.aa_noise_pct), 'info', true],
  ['time in the batch hooks: telemetry callback', pct(f.hook_pct_with), 'info', true],
  ['time in the batch hooks: TF.js default callback', pct(f.hook_pct_without), 'info', true],
  ['  net (what the callback adds)', pct(f.hook_net_pct), '< 1 %', f.hook_net_pct < 1],
  ['  per batch, telemetry callback', `${f.hook_us_per_batch_with.toFixed(1)} µs`, 'info', true],
  ['  per batch, a callback whose hooks do nothing (empty floor)', `${f.hook_us_per_batch_empty.toFixed(1)} µs`, 'floor', true],
  ...ownTimeRows(f, "  per batch, the telemetry callback's own time (minus the empty floor), metrics every 10 steps"),
  ...ownTimeRows(f50, '  the same, metrics every 50 steps (the config default)'),
  ...ownTimeRows(r.fit_overhead_n50_early_opt, `  the same as at 50 steps, V8 optimising sooner (${EARLY_OPT_FLAG}; diagnosis)`).map(
    (row, i) => (i === 0 ? [row[0], row[1], 'info', true] : row),
  ),
  ...ownTimeRows(f50long, `  the same after ${f50long.batches_per_fit * f50long.long_warm_fits} more batches (a longer job)`),
  ['  per batch, telemetry callback, first fit in the process (JIT cold)', us(f.hook_us_per_batch_first_fit), 'info', true],
  ...['early', 'late'].flatMap((when) => {
    const at = (k) => h[`${k}_${when}`];
    const fits = when === 'early' ? 'early fits' : 'after the longer job';
    return [
      [
        `in a batch hook, ${fits}: clock read, first / second`,
        `${us(at('clock_first_us'))} / ${us(at('clock_second_us'))}`,
        'context',
        true,
      ],
      [
        `in a batch hook, ${fits}: write(2) of a line every 10 batches, first / second`,
        `${us(at('write_first_us'))} / ${us(at('write_second_us'))}`,
        'context',
        true,
      ],
      [
        `in a batch hook, ${fits}: fixed piece of JavaScript, first / second (${us(h.fixed_work_warm_us)} in a warm loop)`,
        `${us(at('fixed_work_first_us'))} / ${us(at('fixed_work_second_us'))}`,
        'context',
        true,
      ],
      [`in a batch hook, ${fits}: loss.data() / loss.dataSync()`, `${us(at('data_us'))} / ${us(at('data_sync_us'))}`, 'context', true],
    ];
  }),
  // The training callbacks alone in a fit: what building, serialising and writing one training update cost there.
  ...[
    ['no exporter (built and recorded)', r.recorder_in_fit_none],
    ['buffered file (also serialised)', r.recorder_in_fit_buffered],
    ['per-record file (also written)', r.recorder_in_fit_per_record],
  ].map(([label, c]) => [
    `training callbacks alone in a fit, ${label}: begin / plain end / end that records the update`,
    `${us(c.begin_us)} / ${us(c.end_plain_us)} / ${us(c.end_logged_us)}`,
    'context',
    true,
  ]),
]);
