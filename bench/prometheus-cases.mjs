// One Prometheus benchmark case per process: `node --expose-gc bench/prometheus-cases.mjs <case>` prints one JSON line.
// A separate process on 127.0.0.1 plays Prometheus and the Pushgateway: it scrapes the job's /metrics every 200 ms
// and accepts the job's pushes (every 200 ms), far more often than in production, so the export side is busy.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { FileExporter } from '../packages/core/dist/index.js';
import { PrometheusExporter } from '../packages/prometheus/dist/index.js';
import {
  logMetrics,
  onAppEnd,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
} from '../packages/training-telemetry/dist/index.js';
import { startTrainingJob } from './training-job.mjs';

const dir = mkdtempSync(join(os.tmpdir(), 'olbench-prometheus-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const ITERATIONS = 1_000_000;

const PEER = `
const http = require('node:http');
let pushes = 0, scrapes = 0, scrapeTarget;
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { pushes++; res.writeHead(200); res.end(); }); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  scrapeTarget = d.trim();
  setInterval(() => http.get(scrapeTarget, (r) => { r.resume(); r.on('end', () => scrapes++); }).on('error', () => {}), 200);
});
process.stdin.on('end', () => { process.stdout.write(JSON.stringify({ pushes, scrapes }) + '\\n'); process.exit(0); });
`;

async function startPeer() {
  const child = spawn(process.execPath, ['-e', PEER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => lines.push(...d.trim().split('\n')));
  while (lines.length === 0) await new Promise((r) => setTimeout(r, 10));
  return {
    gateway: `http://127.0.0.1:${lines.shift()}`,
    scrape: (url) => child.stdin.write(`${url}\n`),
    async stop() {
      child.stdin.end();
      while (lines.length === 0) await new Promise((r) => setTimeout(r, 10));
      return JSON.parse(lines.shift());
    },
  };
}

function setUp(exporters) {
  startTrainingJob([new FileExporter({ filePath: join(dir, 'training.jsonl'), buffered: true }), ...exporters], ITERATIONS, {
    isSaveCheckpointEnabled: true,
  });
}

// The hot loop in its own function of 256 iterations, so it is optimised like the application's own loop; the
// event loop runs between chunks (scrapes and pushes are served then).
function chunk(withMetrics) {
  for (let i = 0; i < 256; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
    if (withMetrics) logMetrics({ loss: 1 / (i + 1), accuracy: i / 256 });
  }
}

/** ns per iteration (start + end; metrics every 50 iterations) with `exporters` (a FileExporter always). */
async function iterationLoop(exporters, withMetrics = false) {
  setUp(exporters);
  for (let n = 0; n < 50_000; n += 256) {
    chunk(withMetrics);
    await tick();
  }
  const t0 = performance.now();
  let done = 0;
  for (; done < ITERATIONS; done += 256) {
    chunk(withMetrics);
    await tick();
  }
  const ns = ((performance.now() - t0) * 1e6) / done;
  onTrainEnd();
  await onAppEnd();
  return ns;
}

async function withPrometheus(withMetrics) {
  const peer = await startPeer();
  const exporter = new PrometheusExporter({ port: 0, host: '127.0.0.1', push: { url: peer.gateway, intervalMillis: 200 } });
  const loop = iterationLoop([exporter], withMetrics);
  const address = await exporter.address;
  peer.scrape(`http://127.0.0.1:${address.port}/metrics`);
  const ns = await loop;
  const seen = await peer.stop();
  return { ns, seen, stats: exporter.pushStats };
}

async function iterationPrometheusCase() {
  const { ns, seen, stats } = await withPrometheus(false);
  return { ns_per_iteration: ns, scrapes: seen.scrapes, pushes: stats.pushes, push_failures: stats.failures };
}

/** Every iteration also calls logMetrics with two metrics (each becomes a model_metrics record and two gauges). */
async function iterationLogMetricsPrometheusCase() {
  const { ns, seen, stats } = await withPrometheus(true);
  return { ns_per_iteration: ns, scrapes: seen.scrapes, pushes: stats.pushes, push_failures: stats.failures };
}

async function iterationBaselineCase() {
  return { ns_per_iteration: await iterationLoop([]) };
}

const cases = {
  iteration_prometheus: iterationPrometheusCase,
  iteration_baseline: iterationBaselineCase,
  iteration_logmetrics_prometheus: iterationLogMetricsPrometheusCase,
};
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
