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
  'write_floor_complete',
  'write_floor_stop',
  'per_record_api',
  'timedspan_vs_otel',
]) {
  r[c] = runCase(script, c);
}
const fmtNs = (x) => `${(x / 1000).toFixed(2)} µs`;
const fmtRate = (x) => `${(x / 1000).toFixed(0)}k/s`;
writeResults('core', r, [
  [
    'timedSpan + FileExporter (buffered)',
    fmtNs(r.timedspan_file_buffered.ns_per_span),
    '<= 2 µs',
    r.timedspan_file_buffered.ns_per_span <= 2000,
  ],
  ['OpenTelemetry span (BSP + no-op exporter)', fmtNs(r.otel_bsp_noop.ns_per_span), 'reference', true],
  [
    'timedSpan + FileExporter (buffered) vs OTel',
    `${(r.otel_bsp_noop.ns_per_span / r.timedspan_file_buffered.ns_per_span).toFixed(2)}x faster`,
    '> 1x',
    r.timedspan_file_buffered.ns_per_span < r.otel_bsp_noop.ns_per_span,
  ],
  [
    'timedSpan + no-op exporter (like for like)',
    `${fmtNs(r.timedspan_noop.ns_per_span)} (${(r.otel_bsp_noop.ns_per_span / r.timedspan_noop.ns_per_span).toFixed(1)}x)`,
    '< OTel',
    r.timedspan_noop.ns_per_span < r.otel_bsp_noop.ns_per_span,
  ],
  ['timedSpan + FileExporter (per-record write)', fmtNs(r.timedspan_file.ns_per_span), '<= 2 µs', r.timedspan_file.ns_per_span <= 2000],
  // One write(2) per record: bounded below by what a bare writeSync of the same line costs here.
  ['  floor: bare writeSync of a complete line', fmtNs(r.write_floor_complete.ns_per_write), 'floor', true],
  ['FileExporter per-record', fmtRate(r.file_throughput.records_per_sec), '>= 300k/s', r.file_throughput.records_per_sec >= 300_000],
  ['  floor: bare writeSync of a stop line', fmtRate(r.write_floor_stop.records_per_sec), 'floor', true],
  [
    'FileExporter buffered',
    fmtRate(r.file_throughput_buffered.records_per_sec),
    '>= 1000k/s',
    r.file_throughput_buffered.records_per_sec >= 1_000_000,
  ],
  // Figures next to their floor measured in the same process (interleaved), so they hold on a loaded host.
  ['per-record FileExporter via recorder.start+stop (complete line)', fmtNs(r.per_record_api.ns_per_span), 'info', true],
  ['  floor: bare writeSync of a line of the same size, same process', fmtNs(r.per_record_api.floor_ns_per_write), 'floor', true],
  [
    '  throughput relative to that floor',
    `${r.per_record_api.throughput_ratio_to_floor.toFixed(2)}x`,
    '>= 0.75x',
    r.per_record_api.throughput_ratio_to_floor >= 0.75,
  ],
  ['  where it goes: the span alone (a recorder whose exporter does nothing)', fmtNs(r.per_record_api.span_only_ns), 'info', true],
  ["  the span, then the floor's write", fmtNs(r.per_record_api.span_and_floor_write_ns), 'info', true],
  ['  the span, then its own record line built and written', fmtNs(r.per_record_api.span_and_line_write_ns), 'info', true],
  [
    '  a fixed piece of JavaScript alone / followed by the floor write (does code after a system call cost more?)',
    `${fmtNs(r.per_record_api.fixed_work_only_ns)} / ${fmtNs(r.per_record_api.fixed_work_and_floor_write_ns)}`,
    'context',
    true,
  ],
  [
    'timedSpan + buffered FileExporter, same process as OTel',
    fmtNs(r.timedspan_vs_otel.ns_per_span),
    '<= 0.8 µs',
    r.timedspan_vs_otel.ns_per_span <= 800,
  ],
  ['  OpenTelemetry span (BSP + no-op exporter), same process', fmtNs(r.timedspan_vs_otel.otel_ns_per_span), 'reference', true],
  [
    '  floor: the same line by a template literal, buffered the same way, same process; timedSpan / floor',
    `${fmtNs(r.timedspan_vs_otel.floor_ns_per_span)}; ${r.timedspan_vs_otel.ratio_to_floor.toFixed(2)}x`,
    'floor',
    true,
  ],
  [
    '  speed-up over OTel (median of per-round ratios)',
    `${r.timedspan_vs_otel.speedup_vs_otel.toFixed(2)}x`,
    '>= 2x',
    r.timedspan_vs_otel.speedup_vs_otel >= 2,
  ],
  ['heap growth, 1M spans', `${r.memory_1m_spans.heap_growth_mb.toFixed(2)} MB`, '< 5 MB', r.memory_1m_spans.heap_growth_mb < 5],
]);
