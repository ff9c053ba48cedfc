// Training-telemetry benchmarks (issue: per-iteration cost with a FileExporter, heap growth, helper cost).
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./training-cases.mjs', import.meta.url));
const r = {};
for (const c of ['iteration_callbacks', 'iteration_helper', 'memory_1m_iterations']) r[c] = runCase(script, c);
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
  ['Python library, same loop (figure from the issue)', '~300 µs', 'reference', true],
]);
