// Training-telemetry benchmarks (issue: per-iteration cost with a FileExporter, heap growth, helper cost).
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./training-cases.mjs', import.meta.url));
const r = {};
for (const c of ['iteration_callbacks', 'memory_1m_iterations', 'log_metrics']) r[c] = runCase(script, c);
// The same loop with a buffered FileExporter: no write call per update, next to the same floors.
process.env.BENCH_FILE_BUFFERED = '1';
r.iteration_callbacks_buffered = runCase(script, 'iteration_callbacks');
delete process.env.BENCH_FILE_BUFFERED;
// The same loop with no metrics update in reach (N = 1e9): what the iteration itself costs next to its floor.
process.env.BENCH_LOG_EVERY = '1000000000';
r.iteration_without_records = runCase(script, 'iteration_callbacks');
delete process.env.BENCH_LOG_EVERY;
// A young generation large enough for the allocation window (the case fails if a collection runs inside it).
r.log_metrics_allocation = runCase(script, 'log_metrics_allocation', ['--max-semi-space-size=64', '--min-semi-space-size=64']);
const ns = (x) => `${(x / 1000).toFixed(3)} µs`;
writeResults('training', r, [
  // Each figure next to the floor loop (two clock reads + the timer's count/total/min/max) run interleaved with it.
  ['iteration start+end, FileExporter (per-record), N=50', ns(r.iteration_callbacks.ns_per_iteration), 'info', true],
  ['  floor loop, same process', ns(r.iteration_callbacks.floor_ns_per_iteration), 'floor', true],
  ['  ratio to the floor', `${r.iteration_callbacks.ratio_to_floor.toFixed(2)}x`, '<= 1.6x', r.iteration_callbacks.ratio_to_floor <= 1.6],
  [
    '  floor loop + one bare writeSync of a same-size line every 50',
    ns(r.iteration_callbacks.floor_with_writes_ns_per_iteration),
    'floor',
    true,
  ],
  ['  ratio to that floor', `${r.iteration_callbacks.ratio_to_floor_with_writes.toFixed(2)}x`, 'info', true],
  [
    '  floor loop + the same update line built by a template literal and written, every 50; its ratio to the floor loop',
    `${ns(r.iteration_callbacks.floor_with_updates_ns_per_iteration)}; ${r.iteration_callbacks.floor_with_updates_to_floor.toFixed(2)}x`,
    'floor',
    true,
  ],
  ['  ratio to that floor', `${r.iteration_callbacks.ratio_to_floor_with_updates.toFixed(2)}x`, 'info', true],
  [
    '  floor loop + the same update line built by a template literal and buffered (no write call), every 50; its ratio to the floor loop',
    `${ns(r.iteration_callbacks.floor_with_buffered_updates_ns_per_iteration)}; ${r.iteration_callbacks.floor_with_buffered_updates_to_floor.toFixed(2)}x`,
    'floor',
    true,
  ],
  [
    'iteration start+end, FileExporter (buffered), N=50; ratio to the floor loop',
    `${ns(r.iteration_callbacks_buffered.ns_per_iteration)}; ${r.iteration_callbacks_buffered.ratio_to_floor.toFixed(2)}x`,
    'info',
    true,
  ],
  [
    '  ratio to the buffered template-literal floor of its run',
    `${r.iteration_callbacks_buffered.ratio_to_floor_with_buffered_updates.toFixed(2)}x (that floor ${r.iteration_callbacks_buffered.floor_with_buffered_updates_to_floor.toFixed(2)}x the floor loop)`,
    'info',
    true,
  ],
  [
    '  the iteration alone (no update due), ratio to the floor',
    `${r.iteration_without_records.ratio_to_floor.toFixed(2)}x (${ns(r.iteration_without_records.ns_per_iteration)})`,
    'info',
    true,
  ],
  ['trainingIteration(noop)', ns(r.iteration_callbacks.helper_ns_per_iteration), 'info', true],
  [
    '  ratio to the callback pair',
    `${r.iteration_callbacks.helper_ratio_to_callbacks.toFixed(2)}x`,
    '<= 1.2x',
    r.iteration_callbacks.helper_ratio_to_callbacks <= 1.2,
  ],
  [
    'heap growth, 1M iterations',
    `${r.memory_1m_iterations.heap_growth_mb.toFixed(2)} MB`,
    '< 1 MB',
    r.memory_1m_iterations.heap_growth_mb < 1,
  ],
  [
    'logMetrics, 2 metrics, one record each, buffered FileExporter',
    ns(r.log_metrics.ns_per_call),
    '<= 1 µs',
    r.log_metrics.ns_per_call <= 1000,
  ],
  ['  the hot-path target for it', ns(r.log_metrics.ns_per_call), '<= 0.5 µs', r.log_metrics.ns_per_call <= 500],
  ['  floor: the same line from one template, buffered the same way', ns(r.log_metrics.floor_ns_per_call), 'floor', true],
  ['  ratio to the floor', `${r.log_metrics.ratio_to_floor.toFixed(2)}x`, 'info', true],
  ['  of the floor: the two metric values formatted (JSON.stringify) alone', ns(r.log_metrics.floor_values_ns_per_call), 'floor', true],
  [
    '  of the floor: its line built, not buffered (the rest is encoding and buffering)',
    ns(r.log_metrics.floor_line_ns_per_call),
    'floor',
    true,
  ],
  [
    'logMetrics bytes allocated per call (the record: event, timestamp, JSON text, line)',
    `${Math.round(r.log_metrics_allocation.bytes_per_call)} B`,
    'record only',
    true,
  ],
  [
    'heap growth, 1M logMetrics calls',
    `${r.log_metrics_allocation.heap_growth_mb_1m_calls.toFixed(2)} MB`,
    '< 2 MB',
    r.log_metrics_allocation.heap_growth_mb_1m_calls < 2,
  ],
  ['Python library, same loop (figure from the issue)', '~300 µs', 'reference', true],
]);
