// Prometheus exporter benchmarks (issue: training-iteration overhead with the exporter attached, scraped and
// pushing on loopback).
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./prometheus-cases.mjs', import.meta.url));
// The host's load, recorded with the figures: on this shared 2-core machine they move with it.
const r = { load_average_before: os.loadavg() };
for (const c of ['iteration_prometheus', 'iteration_baseline', 'iteration_logmetrics_prometheus']) r[c] = runCase(script, c);
r.load_average_after = os.loadavg();
const ns = (x) => `${(x / 1000).toFixed(3)} µs`;
const overhead = r.iteration_prometheus.ns_per_iteration - r.iteration_baseline.ns_per_iteration;
r.overhead_ns_per_iteration = overhead;
writeResults('prometheus', r, [
  [
    'iteration start+end, PrometheusExporter (scraped + pushing every 200 ms), N=50',
    ns(r.iteration_prometheus.ns_per_iteration),
    '<= 1 µs',
    r.iteration_prometheus.ns_per_iteration <= 1000,
  ],
  ['same loop without the PrometheusExporter (baseline)', ns(r.iteration_baseline.ns_per_iteration), 'reference', true],
  ['difference (exporter attached - baseline)', ns(overhead), 'reference', true],
  ['scrapes served during the loop', String(r.iteration_prometheus.scrapes), '> 0', r.iteration_prometheus.scrapes > 0],
  [
    'pushes during the loop, failed',
    `${r.iteration_prometheus.pushes}, ${r.iteration_prometheus.push_failures}`,
    '> 0, 0',
    r.iteration_prometheus.pushes > 0 && r.iteration_prometheus.push_failures === 0,
  ],
  ['iteration + logMetrics (2 metrics) every iteration', ns(r.iteration_logmetrics_prometheus.ns_per_iteration), 'reference', true],
]);
