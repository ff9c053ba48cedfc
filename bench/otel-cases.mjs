// One OTel benchmark case per process: `node --expose-gc bench/otel-cases.mjs <case>` prints one JSON line.
// The collector is a separate process on 127.0.0.1 that accepts OTLP/HTTP and answers 200 (an empty
// ExportTraceServiceResponse), so the export work competes with the job only as it would in production.
import { spawn } from 'node:child_process';
import { setImmediate as tick } from 'node:timers/promises';
import { DefaultRecorder, OneLoggerProvider, timedSpan } from '../packages/core/dist/index.js';
import { OTelExporter } from '../packages/otel/dist/index.js';
import {
  onAppEnd,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
} from '../packages/training-telemetry/dist/index.js';
import { startTrainingJob } from './training-job.mjs';

const ITERATIONS = 1_000_000;

const COLLECTOR = `
const http = require('node:http');
let spans = 0, requests = 0;
const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (c) => { bytes += c.length; });
  req.on('end', () => { requests++; res.writeHead(200, { 'content-type': 'application/x-protobuf' }); res.end(); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => { if (process.env.BENCH_DEBUG) process.stderr.write('collector: ' + requests + ' requests\\n'); process.exit(0); }); process.stdin.resume();
`;

async function startCollector() {
  const child = spawn(process.execPath, ['-e', COLLECTOR], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  return { url: `http://127.0.0.1:${port}/v1/traces`, stop: () => child.stdin.end() };
}

const setUpTraining = (exporters) => startTrainingJob(exporters, ITERATIONS);

/** ns per training iteration (start + end, metrics every 50) with `exporters`, yielding every 256 iterations. */
async function iterationLoop(exporters) {
  setUpTraining(exporters);
  const loop = async (n) => {
    for (let i = 0; i < n; i++) {
      onTrainingSingleIterationStart();
      onTrainingSingleIterationEnd();
      if ((i & 255) === 255) await tick();
    }
  };
  await loop(50_000);
  const t0 = performance.now();
  await loop(ITERATIONS);
  const ns = ((performance.now() - t0) * 1e6) / ITERATIONS;
  onTrainEnd();
  await onAppEnd();
  return ns;
}

async function iterationOtelCase() {
  const collector = await startCollector();
  const exporter = new OTelExporter({ endpoint: collector.url });
  const ns = await iterationLoop([exporter]);
  const { exported, dropped } = exporter.stats;
  collector.stop();
  return { ns_per_iteration: ns, otel_spans_exported: exported, otel_spans_dropped: dropped };
}

/** The same loop with no exporter at all: what the callbacks cost without any export. */
async function iterationBaselineCase() {
  return { ns_per_iteration: await iterationLoop([]) };
}

/** ns per exported timedSpan (3 OTel spans each: the span and its start/stop event spans), yielding every 256. */
async function timedSpanOtelCase() {
  const collector = await startCollector();
  const exporter = new OTelExporter({ endpoint: collector.url, maxQueueSize: 8192 });
  OneLoggerProvider.instance().configure(
    { applicationName: 'bench', sessionTag: 'bench', worldSize: 1 },
    new DefaultRecorder({ exporters: [exporter] }),
  );
  const attrs = { spanAttributes: { a: 1, b: 'x', c: true } };
  const noop = () => undefined;
  const n = 100_000;
  for (let i = 0; i < 10_000; i++) {
    timedSpan('load', noop, attrs);
    if ((i & 255) === 255) await tick();
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    timedSpan('load', noop, attrs);
    if ((i & 255) === 255) await tick();
  }
  const ns = ((performance.now() - t0) * 1e6) / n;
  await OneLoggerProvider.instance().shutdown();
  const { exported, dropped } = exporter.stats;
  collector.stop();
  return { ns_per_span: ns, otel_spans_exported: exported, otel_spans_dropped: dropped };
}

const cases = { iteration_otel: iterationOtelCase, iteration_baseline: iterationBaselineCase, timedspan_otel: timedSpanOtelCase };
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
