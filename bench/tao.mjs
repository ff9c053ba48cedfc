// TAO telemetry benchmarks (issue: process() of one typical report into an existing metrics map, default builders).
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./tao-cases.mjs', import.meta.url));
const r = {};
for (const c of ['process_typical', 'process_mixed', 'prometheus_text']) r[c] = runCase(script, c);
const us = (ns) => `${(ns / 1000).toFixed(3)} µs`;
const t = r.process_typical;
const m = r.process_mixed;
writeResults('tao', r, [
  ['process(), typical report, existing map, default builders', us(t.ns_per_call), '<= 5 µs', t.ns_per_call <= 5000],
  ['  same, CPU time per call', us(t.cpu_ns_per_call), 'info', true],
  ['process(), 64 different reports in turn', us(m.ns_per_call), 'info', true],
  ['  same, CPU time per call', us(m.cpu_ns_per_call), 'info', true],
  [`toPrometheusText(), ${r.prometheus_text.lines} lines`, `${r.prometheus_text.us_per_call.toFixed(1)} µs`, 'info', true],
  ['machine load average (1 min) during the typical-report runs', t.load_avg_1m.toFixed(2), 'info', true],
]);
