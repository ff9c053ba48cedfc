// Core benchmarks (issue: timedSpan vs OpenTelemetry, FileExporter throughput, memory over 1M spans).
import { fileURLToPath } from 'node:url';
import { runCase, writeResults } from './lib.mjs';

const script = fileURLToPath(new URL('./core-cases.mjs', import.meta.url));
const r = {};
// Interleave ours and OTel so both see the same machine state.
for (const c of [
  'timedspan_file',
  'otel_bsp_noop',
  'timedspan_file_buffered',
  'timedspan_noop',
  'file_throughput',
  'file_throughput_buffered',
  'memory_1m_spans',
]) {
  r[c] = runCase(script, c);
}
const fmtNs = (x) => `${(x / 1000).toFixed(2)} µs`;
const fmtRate = (x) => `${(x / 1000).toFixed(0)}k/s`;
writeResults('core', r, [
  ['timedSpan + FileExporter (per-record write)', fmtNs(r.timedspan_file.ns_per_span), '<= 2 µs', r.timedspan_file.ns_per_span <= 2000],
  [
    'timedSpan + FileExporter (buffered)',
    fmtNs(r.timedspan_file_buffered.ns_per_span),
    '<= 2 µs',
    r.timedspan_file_buffered.ns_per_span <= 2000,
  ],
  ['OpenTelemetry span (BSP + no-op exporter)', fmtNs(r.otel_bsp_noop.ns_per_span), 'slower', true],
  [
    'timedSpan + no-op exporter (like for like)',
    fmtNs(r.timedspan_noop.ns_per_span),
    '< OTel',
    r.timedspan_noop.ns_per_span < r.otel_bsp_noop.ns_per_span,
  ],
  [
    'timedSpan (per-record) faster than OTel',
    `${(r.otel_bsp_noop.ns_per_span / r.timedspan_file.ns_per_span).toFixed(2)}x`,
    '> 1x',
    r.timedspan_file.ns_per_span < r.otel_bsp_noop.ns_per_span,
  ],
  ['FileExporter per-record', fmtRate(r.file_throughput.records_per_sec), '>= 300k/s', r.file_throughput.records_per_sec >= 300_000],
  [
    'FileExporter buffered',
    fmtRate(r.file_throughput_buffered.records_per_sec),
    '>= 1000k/s',
    r.file_throughput_buffered.records_per_sec >= 1_000_000,
  ],
  ['heap growth, 1M spans', `${r.memory_1m_spans.heap_growth_mb.toFixed(2)} MB`, '< 5 MB', r.memory_1m_spans.heap_growth_mb < 5],
]);
