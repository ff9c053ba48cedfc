// One benchmark case per process: `node --expose-gc bench/core-cases.mjs <case>` prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { DefaultRecorder, FileExporter, getRecorder, OneLoggerProvider, Span, timedSpan } from '../packages/core/dist/index.js';

const dir = mkdtempSync(join(os.tmpdir(), 'olbench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const noop = () => undefined;

/** Receives every call and does nothing (the counterpart of the OTel case's no-op exporter). */
class NoopExporter {
  initialize() {}
  exportStart() {}
  exportStop() {}
  exportEvent() {}
  exportError() {}
  exportTelemetryDataError() {}
  flush() {}
  close() {}
}

function configure(buffered) {
  const exporter = buffered === 'noop' ? new NoopExporter() : new FileExporter({ filePath: join(dir, 'bench.jsonl'), buffered });
  OneLoggerProvider.instance().configure(
    { applicationName: 'bench', sessionTag: 'bench', worldSize: 1 },
    new DefaultRecorder({ exporters: [exporter] }),
  );
  return exporter;
}

/** ns per timedSpan (start + stop + one `complete` record written), yielding every 256 like the OTel case. */
async function timedSpanCase(buffered) {
  configure(buffered);
  const attrs = { spanAttributes: { a: 1, b: 'x', c: true } };
  const n = 200_000;
  for (let i = 0; i < 20_000; i++) timedSpan('load', noop, attrs);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    timedSpan('load', noop, attrs);
    if ((i & 255) === 255) await tick();
  }
  const ns = ((performance.now() - t0) * 1e6) / n;
  await OneLoggerProvider.instance().shutdown();
  return { ns_per_span: ns };
}

async function otelCase() {
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const exporter = { export: (_spans, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench');
  const attributes = { a: 1, b: 'x', c: true };
  const n = 200_000;
  for (let i = 0; i < 20_000; i++) {
    tracer.startSpan('load', { attributes }).end();
    if ((i & 255) === 255) await tick();
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    tracer.startSpan('load', { attributes }).end();
    if ((i & 255) === 255) await tick();
  }
  const ns = ((performance.now() - t0) * 1e6) / n;
  await provider.shutdown();
  return { ns_per_span: ns };
}

/** Records per second written by FileExporter alone (stop records of one finished span with 3 attributes). */
function throughputCase(buffered) {
  const exporter = new FileExporter({ filePath: join(dir, 'tp.jsonl'), buffered });
  exporter.initialize();
  const span = Span.create('load', { spanAttributes: { a: 1, b: 'x', c: true } });
  span.stop();
  const n = buffered ? 1_000_000 : 300_000;
  for (let i = 0; i < 20_000; i++) exporter.exportStop(span);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) exporter.exportStop(span);
  exporter.flush();
  const sec = (performance.now() - t0) / 1000;
  exporter.close();
  return { records_per_sec: n / sec };
}

/** Heap growth after 1M spans started and stopped through the recorder (buffered file export). */
async function memoryCase() {
  configure(true);
  const recorder = getRecorder();
  const warm = () => {
    for (let i = 0; i < 50_000; i++) recorder.stop(recorder.start('load'));
  };
  warm();
  await tick();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1_000_000; i++) {
    recorder.stop(recorder.start('load'));
    if ((i & 4095) === 4095) await tick();
  }
  await tick();
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  await OneLoggerProvider.instance().shutdown();
  return { heap_growth_mb: (after - before) / 2 ** 20 };
}

const cases = {
  timedspan_file: () => timedSpanCase(false),
  timedspan_file_buffered: () => timedSpanCase(true),
  timedspan_noop: () => timedSpanCase('noop'),
  otel_bsp_noop: otelCase,
  file_throughput: () => throughputCase(false),
  file_throughput_buffered: () => throughputCase(true),
  memory_1m_spans: memoryCase,
};
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
