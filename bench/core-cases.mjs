// One benchmark case per process: `node --expose-gc bench/core-cases.mjs <case>` prints one JSON line.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { spanRecordLine } from '../packages/core/dist/exporter/json-line.js';
import { DefaultRecorder, FileExporter, getRecorder, OneLoggerProvider, Span, timedSpan } from '../packages/core/dist/index.js';
import { ExporterLikeBuffer, interleaved } from './lib.mjs';

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

/**
 * Runs `n` calls of `once` in chunks of 256 with a macrotask turn between chunks (so timers, such as a
 * batch processor's or a buffered file's, run as they would in a job), and returns ns per call. The
 * chunk is a plain function that the JIT optimises like a job's own hot loop; a loop written inside the
 * async function would stay in the interpreter between awaits and measure the harness instead.
 */
async function nsPerCall(once, n = 200_000) {
  const chunk = () => {
    for (let i = 0; i < 256; i++) once();
  };
  for (let i = 0; i < 200; i++) {
    chunk();
    await tick();
  }
  const chunks = Math.ceil(n / 256);
  const t0 = performance.now();
  for (let c = 0; c < chunks; c++) {
    chunk();
    await tick();
  }
  return ((performance.now() - t0) * 1e6) / (chunks * 256);
}

/** ns per timedSpan (start + stop + one `complete` record written). */
async function timedSpanCase(buffered) {
  configure(buffered);
  const attrs = { spanAttributes: { a: 1, b: 'x', c: true } };
  const ns = await nsPerCall(() => timedSpan('load', noop, attrs));
  await OneLoggerProvider.instance().shutdown();
  return { ns_per_span: ns };
}

/** ns per OpenTelemetry span (start + end, 3 attributes) through a BatchSpanProcessor and a no-op exporter. */
async function otelCase() {
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const exporter = { export: (_spans, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench');
  const attributes = { a: 1, b: 'x', c: true };
  const ns = await nsPerCall(() => tracer.startSpan('load', { attributes }).end());
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

/**
 * The floor of per-record writing on this machine: one `writeSync` per line of exactly the shape the
 * exporter writes (`kind`: the `stop` record of the throughput case or the `complete` record of the
 * timedSpan case), each line built by one concatenation and nothing else done. Whatever a per-record
 * exporter does costs at least this much.
 */
function writeFloorCase(kind) {
  const sample = join(dir, `sample-${kind}.jsonl`);
  const exporter = new FileExporter({ filePath: sample });
  exporter.initialize();
  const span = Span.create('load', { spanAttributes: { a: 1, b: 'x', c: true } });
  if (kind === 'complete') exporter.exportStart(span);
  span.stop();
  exporter.exportStop(span);
  exporter.close();
  const line = readFileSync(sample, 'utf8');
  const at = line.indexOf('"count":1,') + '"count":'.length;
  const head = line.slice(0, at);
  const tail = line.slice(at + 1);
  const fd = openSync(join(dir, `floor-${kind}.jsonl`), 'a');
  const n = 300_000;
  for (let i = 0; i < 20_000; i++) writeSync(fd, head + i + tail);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) writeSync(fd, head + i + tail);
  const sec = (performance.now() - t0) / 1000;
  closeSync(fd);
  return { records_per_sec: n / sec, ns_per_write: (sec * 1e9) / n };
}

/**
 * Per-record FileExporter through the public API: `recorder.start` + `stop` of a span with one attribute (one
 * `complete` line written by one write(2)), next to its floor in the same process: a bare `writeSync` loop of
 * lines of the same length (one concatenation each, to a file of its own).
 *
 * Where the difference goes, in the same rounds: the span's own work (a second recorder whose exporter does
 * nothing); that work followed by the floor's write; that work followed by writing the span's real record line
 * (built by the exporter's line builder, as one `writeSync` of the string). The library adds to the last one the
 * exporter's own steps (the held-back start, the short-write check, the bookkeeping).
 */
async function perRecordApiCase() {
  const path = join(dir, 'api.jsonl');
  OneLoggerProvider.instance().configure(
    { applicationName: 'bench', sessionTag: 'bench', worldSize: 1 },
    new DefaultRecorder({ exporters: [new FileExporter({ filePath: path })] }),
  );
  const recorder = getRecorder();
  const options = { spanAttributes: { a: 1 } };
  const api = (n) => {
    for (let i = 0; i < n; i++) recorder.stop(recorder.start('load', options));
  };
  api(1);
  const sample = readFileSync(path, 'utf8').trim().split('\n').pop();
  const at = sample.indexOf('"count":') + '"count":'.length;
  const head = sample.slice(0, at);
  const tail = sample.slice(sample.indexOf(',', at));
  const fd = openSync(join(dir, 'api-floor.jsonl'), 'a');
  let count = 1_000_000; // same number of digits as the exporter's counts in the measured range
  const floor = (n) => {
    for (let i = 0; i < n; i++) writeSync(fd, `${head}${count++}${tail}\n`);
  };
  const bare = new DefaultRecorder({ exporters: [new NoopExporter()] });
  const spanOnly = (n) => {
    for (let i = 0; i < n; i++) bare.stop(bare.start('load', options));
  };
  const spanAndFloorWrite = (n) => {
    for (let i = 0; i < n; i++) {
      bare.stop(bare.start('load', options));
      writeSync(fd, `${head}${count++}${tail}\n`);
    }
  };
  const pid = process.pid;
  const spanAndLineWrite = (n) => {
    for (let i = 0; i < n; i++) {
      const span = bare.start('load', options);
      bare.stop(span);
      writeSync(fd, spanRecordLine('complete', span, count++, pid, true));
    }
  };
  // A fixed piece of JavaScript that is not the library (a line of the same length built from fresh numbers),
  // alone and followed by the floor's write: whether code after a system call costs more here whatever it is.
  let sink = 0;
  const fixedWork = (i) => {
    sink += `${head}${i}${tail}:${performance.now()}:${i / 7}`.length;
  };
  const fixedOnly = (n) => {
    for (let i = 0; i < n; i++) fixedWork(i);
  };
  const fixedAndFloorWrite = (n) => {
    for (let i = 0; i < n; i++) {
      fixedWork(i);
      writeSync(fd, `${head}${count++}${tail}\n`);
    }
  };
  const m = await interleaved({ api, floor, spanOnly, spanAndFloorWrite, spanAndLineWrite, fixedOnly, fixedAndFloorWrite }, [
    ['floor', 'api'],
    ['spanAndFloorWrite', 'floor'],
    ['spanAndLineWrite', 'floor'],
  ]);
  if (sink === 0) throw new Error('unreachable: keeps the fixed work observable');
  closeSync(fd);
  await bare.close();
  await OneLoggerProvider.instance().shutdown();
  return {
    ns_per_span: m.api,
    floor_ns_per_write: m.floor,
    throughput_ratio_to_floor: m['floor/api'],
    line_bytes: sample.length + 1,
    span_only_ns: m.spanOnly,
    span_and_floor_write_ns: m.spanAndFloorWrite,
    span_and_line_write_ns: m.spanAndLineWrite,
    fixed_work_only_ns: m.fixedOnly,
    fixed_work_and_floor_write_ns: m.fixedAndFloorWrite,
  };
}

/**
 * The floor of a timed span written to a buffered file: two clock reads, a fresh id of the same form, and the
 * same `complete` line (3 attributes, duration, both event times, count, pid) built by one template literal and
 * buffered as the exporter buffers (appended to a string, encoded every 4 KiB, written every 64 KiB) to a file of
 * its own. No span object, no validation, no exporter: whatever timedSpan does costs at least this.
 */
function timedSpanFloor() {
  const out = new ExporterLikeBuffer(join(dir, 'timed-span-floor.jsonl'));
  const idPrefix = 'd3c9e0d9-0aa8-4cca-8d24-12b20c';
  const pid = process.pid;
  const origin = performance.timeOrigin;
  let count = 0;
  const once = () => {
    const start = performance.now();
    const stop = performance.now();
    const id = idPrefix + (count & 0xffffff).toString(16).padStart(6, '0');
    out.append(
      `{"type":"complete","id":"${id}","name":"load","attributes":{"a":1,"b":"x","c":true,"duration_msec":${Math.trunc(stop - start)}},"start_event":{"name":"span_start","attributes":{"timestamp_msec":${Math.trunc(origin + start)}}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":${Math.trunc(origin + stop)}}},"count":${++count},"pid":${pid}}\n`,
    );
  };
  return (n) => {
    for (let i = 0; i < n; i++) once();
  };
}

/**
 * timedSpan + buffered FileExporter and an OpenTelemetry span (BasicTracerProvider, BatchSpanProcessor, no-op
 * exporter; 3 attributes each) in the same process, interleaved, with the floor above.
 */
async function timedSpanVsOtelCase() {
  configure(true);
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const exporter = { export: (_spans, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench');
  const attrs = { spanAttributes: { a: 1, b: 'x', c: true } };
  const attributes = { a: 1, b: 'x', c: true };
  const ours = (n) => {
    for (let i = 0; i < n; i++) timedSpan('load', noop, attrs);
  };
  const otel = (n) => {
    for (let i = 0; i < n; i++) tracer.startSpan('load', { attributes }).end();
  };
  const floor = timedSpanFloor();
  const m = await interleaved({ ours, otel, floor }, [
    ['otel', 'ours'],
    ['ours', 'floor'],
  ]);
  await provider.shutdown();
  await OneLoggerProvider.instance().shutdown();
  return {
    ns_per_span: m.ours,
    otel_ns_per_span: m.otel,
    speedup_vs_otel: m['otel/ours'],
    floor_ns_per_span: m.floor,
    ratio_to_floor: m['ours/floor'],
  };
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
  per_record_api: perRecordApiCase,
  timedspan_vs_otel: timedSpanVsOtelCase,
  write_floor_stop: () => writeFloorCase('stop'),
  write_floor_complete: () => writeFloorCase('complete'),
};
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
