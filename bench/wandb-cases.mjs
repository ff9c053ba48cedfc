// One W&B benchmark case per process: `node --expose-gc bench/wandb-cases.mjs <case>` prints one JSON line.
// The W&B server is the protocol-faithful fake of the tests, run as a separate process on 127.0.0.1, so the
// exporter's requests compete with the job only as they would in production.
import { spawn } from 'node:child_process';
import { setImmediate as tick } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  logMetrics,
  onAppEnd,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
} from '../packages/training-telemetry/dist/index.js';
import { WandBExporterAsync } from '../packages/wandb/dist/index.js';
import { startTrainingJob } from './training-job.mjs';

const ITERATIONS = 1_000_000;
/** CPU time of this process per iteration during the measured loop (the job's share, whatever else runs). */
let cpuNs = 0;
const API_KEY = `bench-${'0123456789'.repeat(4)}`;
const SERVER = fileURLToPath(new URL('../packages/wandb/test/fixtures/serve-fake-wandb.ts', import.meta.url));

async function startServer() {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, API_KEY], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  let buffer = '';
  let wake;
  child.stdout.on('data', (d) => {
    buffer += d;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      wake?.();
    }
  });
  const next = async () => {
    while (lines.length === 0) await new Promise((r) => (wake = r));
    return lines.shift();
  };
  const port = Number(await next());
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.stdin.end();
      return JSON.parse(await next());
    },
  };
}

const setUpTraining = (exporters) => startTrainingJob(exporters, ITERATIONS);

/** ns per training iteration (start + end, metrics every 50, the loss every 1000), yielding every 256 iterations. */
async function iterationLoop(exporters) {
  setUpTraining(exporters);
  const loop = async (n) => {
    for (let i = 0; i < n; i++) {
      onTrainingSingleIterationStart();
      onTrainingSingleIterationEnd();
      if (i % 1000 === 999) logMetrics({ loss: 1 / (i + 1) });
      if ((i & 255) === 255) await tick();
    }
  };
  await loop(50_000);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await loop(ITERATIONS);
  const ns = ((performance.now() - t0) * 1e6) / ITERATIONS;
  const cpu = process.cpuUsage(cpu0);
  cpuNs = ((cpu.user + cpu.system) * 1e3) / ITERATIONS;
  onTrainEnd();
  await onAppEnd();
  return ns;
}

async function iterationWandbCase() {
  const server = await startServer();
  const exporter = new WandBExporterAsync({ host: server.url, apiKey: API_KEY, entity: 'bench', project: 'bench' });
  const ns = await iterationLoop([exporter]);
  const { sent, dropped, enqueued } = exporter.stats;
  const seen = await server.stop();
  return {
    ns_per_iteration: ns,
    cpu_ns_per_iteration: cpuNs,
    rows_enqueued: enqueued,
    rows_sent: sent,
    rows_dropped: dropped,
    server_rows: seen.rows,
    server_requests: seen.requests,
  };
}

/** The same loop with no exporter: what the callbacks cost without any export. */
async function iterationBaselineCase() {
  const ns = await iterationLoop([]);
  return { ns_per_iteration: ns, cpu_ns_per_iteration: cpuNs };
}

const cases = { iteration_wandb: iterationWandbCase, iteration_baseline: iterationBaselineCase };
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await cases[name]()));
