// Training-telemetry benchmarks (issue: per-iteration cost with a FileExporter, heap growth, helper cost).
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./training-cases.mjs', import.meta.url));
const r = {};
for (const c of ['iteration_callbacks', 'iteration_helper', 'memory_1m_iterations', 'log_metrics']) r[c] = runCase(script, c);
// A young generation large enough for the allocation window (the case fails if a collection runs inside it).
r.log_metrics_allocation = runCase(script, 'log_metrics_allocation', ['--max-semi-space-size=64', '--min-semi-space-size=64']);
const ns = (x) => `${(x / 1000).toFixed(3)} µs`;
writeResults('training', r, [
  [
    'iteration start+end, FileExporter, N=50',
    ns(r.iteration_callbacks.ns_per_iteration),
    '<= 1 µs',
    r.iteration_callbacks.ns_per_iteration <= 1000,
  ],
  ['trainingIteration(noop)', ns(r.iteration_helper.ns_per_iteration), '<= 1.5 µs', r.iteration_helper.ns_per_iteration <= 1500],
  [
    'heap growth, 1M iterations',
    `${r.memory_1m_iterations.heap_growth_mb.toFixed(2)} MB`,
    '< 2 MB',
    r.memory_1m_iterations.heap_growth_mb < 2,
  ],
  [
    'logMetrics, 2 metrics, one record each, buffered FileExporter',
    ns(r.log_metrics.ns_per_call),
    '<= 1 µs',
    r.log_metrics.ns_per_call <= 1000,
  ],
  [
    'logMetrics bytes allocated per call (the record: event, map, timestamp, JSON line)',
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
