// One TAO telemetry benchmark case per process: `node --expose-gc bench/tao-cases.mjs <case>` prints one JSON line.
import os from 'node:os';
import { MetricProcessor, toPrometheusText } from '../packages/tao-telemetry/dist/index.js';

const CALLS = 200_000;

/** A typical job report as the TAO service receives it. */
const typical = {
  version: '5.3.0',
  network: 'ResNet-50',
  action: 'train',
  success: true,
  gpu: ['NVIDIA A100-SXM4-80GB', 'NVIDIA A100-SXM4-80GB'],
  time_lapsed: 3600,
  user_error: false,
  client_type: 'api',
  automl_triggered: false,
};

/** A varied mix, so the map holds many series and the builders see different shapes. */
const networks = ['ResNet-50', 'yolo_v4', 'DINO', 'segformer', 'classification_pyt', 'rtdetr'];
const actions = ['train', 'evaluate', 'export', 'inference', 'prune'];
const gpuSets = [
  ['NVIDIA A100-SXM4-80GB', 'NVIDIA A100-SXM4-80GB'],
  ['NVIDIA H100 80GB HBM3'],
  ['Tesla V100-SXM2-16GB', 'Tesla V100-SXM2-16GB', 'Tesla V100-SXM2-16GB', 'Tesla V100-SXM2-16GB'],
  ['NVIDIA L40S'],
  ['NVIDIA GeForce RTX 4090'],
];
function mixReport(i) {
  return {
    version: i % 3 === 0 ? '5.3.0' : '6.0.0',
    network: networks[i % networks.length],
    action: actions[(i >> 1) % actions.length],
    success: i % 7 !== 0,
    gpu: gpuSets[i % gpuSets.length],
    time_lapsed: 60 + (i % 50) * 30,
    user_error: i % 11 === 0,
    client_type: i % 2 ? 'api' : 'container',
    automl_triggered: i % 5 === 0,
  };
}

/**
 * Times `CALLS` calls: wall-clock ns per call, CPU ns per call (this process's user+system time, which other load on
 * the machine does not inflate as much) and the 1-minute load average, to judge the wall figure.
 */
function timeCalls(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) fn(i);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ns_per_call: (wall * 1e6) / CALLS, cpu_ns_per_call: ((cpu.user + cpu.system) * 1e3) / CALLS, load_avg_1m: os.loadavg()[0] };
}

/** An existing metrics map after a few hundred varied reports. */
function existingMetrics(processor) {
  const metrics = {};
  for (let i = 0; i < 300; i++) processor.process(metrics, mixReport(i));
  return metrics;
}

/** ns per `process()` of the typical report into an existing map, default builders, real clock (as the service calls it). */
function processTypical() {
  const processor = new MetricProcessor();
  const metrics = existingMetrics(processor);
  for (let i = 0; i < 50_000; i++) processor.process(metrics, typical);
  const timing = timeCalls(() => processor.process(metrics, typical));
  return { ...timing, metric_keys: Object.keys(metrics).length };
}

/** ns per `process()` cycling through 64 different reports (different keys, GPU types and label sets). */
function processMixed() {
  const processor = new MetricProcessor();
  const metrics = existingMetrics(processor);
  const reports = Array.from({ length: 64 }, (_, i) => mixReport(i * 7 + 1));
  for (let i = 0; i < 50_000; i++) processor.process(metrics, reports[i & 63]);
  const timing = timeCalls((i) => processor.process(metrics, reports[i & 63]));
  return { ...timing, metric_keys: Object.keys(metrics).length };
}

/** µs per `toPrometheusText()` of the map built by 300 varied reports. */
function prometheusText() {
  const metrics = existingMetrics(new MetricProcessor());
  for (let i = 0; i < 200; i++) toPrometheusText(metrics);
  const n = 2000;
  const t0 = performance.now();
  let lines = 0;
  for (let i = 0; i < n; i++) lines = toPrometheusText(metrics).split('\n').length;
  return { us_per_call: ((performance.now() - t0) * 1000) / n, lines };
}

const cases = { process_typical: processTypical, process_mixed: processMixed, prometheus_text: prometheusText };
const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(cases[name]()));
