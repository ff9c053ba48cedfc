// W&B exporter benchmarks (issue: training-iteration overhead with the async exporter attached, the fake W&B
// server on loopback in its own process).
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./wandb-cases.mjs', import.meta.url));
const r = {};
for (const c of ['iteration_wandb', 'iteration_baseline']) r[c] = runCase(script, c);
const ns = (x) => `${(x / 1000).toFixed(3)} µs`;
const w = r.iteration_wandb;
writeResults('wandb', r, [
  ['iteration start+end, WandBExporterAsync, N=50', ns(w.ns_per_iteration), '<= 1.5 µs', w.ns_per_iteration <= 1500],
  ['same loop, no exporter (baseline)', ns(r.iteration_baseline.ns_per_iteration), 'reference', true],
  // CPU time of the job's process alone: what the exporter costs the job whatever else the host runs.
  ['job CPU per iteration, WandBExporterAsync', ns(w.cpu_ns_per_iteration), 'reference', true],
  ['job CPU per iteration, no exporter', ns(r.iteration_baseline.cpu_ns_per_iteration), 'reference', true],
  ['W&B rows dropped during the job', String(w.rows_dropped), '0', w.rows_dropped === 0],
  ['W&B rows confirmed / logged', `${w.rows_sent}/${w.rows_enqueued}`, 'all', w.rows_sent === w.rows_enqueued],
]);
