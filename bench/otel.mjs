// OTel exporter benchmarks (issue: training-iteration overhead with the exporter attached, collector on loopback).
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./otel-cases.mjs', import.meta.url));
const r = {};
for (const c of ['iteration_otel', 'iteration_baseline', 'timedspan_otel']) r[c] = runCase(script, c);
const ns = (x) => `${(x / 1000).toFixed(3)} µs`;
writeResults('otel', r, [
  [
    'iteration start+end, OTelExporter, N=50',
    ns(r.iteration_otel.ns_per_iteration),
    '<= 1.5 µs',
    r.iteration_otel.ns_per_iteration <= 1500,
  ],
  ['same loop, no exporter (baseline)', ns(r.iteration_baseline.ns_per_iteration), 'reference', true],
  ['OTel spans dropped during the loop', String(r.iteration_otel.otel_spans_dropped), '0', r.iteration_otel.otel_spans_dropped === 0],
  ['timedSpan exported to OTel (3 OTel spans)', ns(r.timedspan_otel.ns_per_span), 'reference', true],
  // Every span exported with nothing else to do: the queue bound sheds what the collector link cannot carry.
  ['OTel spans dropped, timedSpan case (bounded queue)', String(r.timedspan_otel.otel_spans_dropped), 'counted', true],
]);
