// One CLI benchmark case per process: `node --expose-gc bench/cli-cases.mjs <case>` prints one JSON line.
// `generate <file> <iterations>` writes the input with the real training-telemetry library (every span exported,
// so iterations become records); the other cases read the file named by CLI_BENCH_FILE.
import { statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { expandInputs } from '../packages/cli/dist/cli/input-files.js';
import { main, summarize, validateFiles } from '../packages/cli/dist/index.js';
import { summarizeJobs } from '../packages/cli/dist/job/summarize-jobs.js';
import { ExportCustomizationMode, FileExporter } from '../packages/core/dist/index.js';
import {
  onAppEnd,
  onAppStart,
  onSaveCheckpointEnd,
  onSaveCheckpointStart,
  onSaveCheckpointSuccess,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
  TrainingTelemetryProvider,
} from '../packages/training-telemetry/dist/index.js';

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/**
 * A training job: every iteration a span (complete record), metrics every 10, checkpoints and validation.
 * `events` instead: the default export (no iteration spans) with a metrics update after every iteration, so every
 * record is a `training_metrics_update` that must be parsed (the worst case for summarize).
 */
async function generate(file, iterations, kind = 'spans', rank = undefined, worldSize = 8) {
  const events = kind === 'events';
  // One rank of a job (the job-view benchmark): RANK is what the library records, as under torchrun.
  if (rank !== undefined) process.env.RANK = String(rank);
  TrainingTelemetryProvider.instance()
    .withBaseConfig({
      applicationName: 'bench',
      sessionTag: rank === undefined ? 'bench' : 'bench-job',
      worldSize,
      telemetryConfig: {
        perfTag: 'bench',
        globalBatchSize: 32,
        seqLength: 1024,
        flopsPerSample: 1e9,
        isLogThroughputEnabled: true,
        logEveryNTrainIterations: events ? 1 : 10,
        trainIterationsTarget: iterations,
        trainSamplesTarget: 32 * iterations,
      },
    })
    .withExportCustomization(
      events ? ExportCustomizationMode.BLACKLIST_SPANS : ExportCustomizationMode.EXPORT_ALL_SPANS,
      events ? ['training_single_iteration', 'validation_single_iteration'] : undefined,
    )
    .withExporter(new FileExporter({ filePath: file, buffered: true }))
    .configureProvider();
  const t0 = performance.now();
  onAppStart();
  onTrainStart({ trainIterationsStart: 0 });
  for (let i = 1; i <= iterations; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
    if (i % 10_000 === 0) {
      onSaveCheckpointStart({ globalStep: i });
      onSaveCheckpointSuccess({ globalStep: i });
      onSaveCheckpointEnd();
    }
    if (i % 50_000 === 0) {
      onValidationStart();
      for (let v = 0; v < 10; v++) {
        onValidationSingleIterationStart();
        onValidationSingleIterationEnd();
      }
      onValidationEnd();
    }
  }
  onTrainEnd();
  await onAppEnd();
  return { bytes: statSync(file).size, seconds: (performance.now() - t0) / 1000 };
}

const devNull = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

/** Wall and CPU time (CPU time is robust when other processes share the machine). */
async function timed(fn) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const records = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  return { records, seconds, records_per_sec: records / seconds, records_per_cpu_sec: records / cpuSeconds, peak_rss_mb: peakRssMb() };
}

const [caseName, ...args] = process.argv.slice(2);
const file = process.env.CLI_BENCH_FILE;
let result;
switch (caseName) {
  case 'generate':
    result = await generate(args[0], Number(args[1]), args[2]);
    break;
  case 'generate-ranks': {
    // `generate-ranks <dir> <iterations> <first rank> <count> <world size>`: rank{r}.jsonl, one job per rank in
    // turn (the provider is reset between them, as a new process would start afresh).
    const [dir, iterations, first, count, worldSize] = [args[0], Number(args[1]), Number(args[2]), Number(args[3]), Number(args[4])];
    let bytes = 0;
    const t0 = performance.now();
    for (let r = first; r < first + count; r++) {
      bytes += (await generate(`${dir}/rank${r}.jsonl`, iterations, 'spans', r, worldSize)).bytes;
      TrainingTelemetryProvider.resetForTests();
    }
    result = { bytes, seconds: (performance.now() - t0) / 1000 };
    break;
  }
  case 'summarize_jobs':
    // The job view over a directory of rank files (the API the command uses), records of all files counted.
    {
      let ranks = 0;
      result = await timed(async () => {
        const { files } = await expandInputs([process.env.CLI_BENCH_DIR]);
        const r = await summarizeJobs(files);
        if (r.jobs.length !== 1) throw new Error(`expected one job, got ${r.jobs.length}`);
        ranks = r.jobs[0].ranks.length;
        return r.perFile.reduce((n, s) => n + s.records, 0);
      });
      result.ranks = ranks;
    }
    break;
  case 'cli_summarize_dir':
    // `one-logger summarize <dir>` in-process (text output: job view first), so its peak RSS can be read.
    result = await timed(async () => {
      const code = await main(['summarize', process.env.CLI_BENCH_DIR], { stdout: devNull(), stderr: devNull() });
      if (code !== 0) throw new Error(`exit code ${code}`);
      return Number(process.env.CLI_BENCH_JOB_RECORDS);
    });
    break;
  case 'summarize':
    result = await timed(async () => (await summarize([file])).perFile[0].records);
    break;
  case 'validate':
    result = await timed(async () => (await validateFiles([file])).records);
    break;
  case 'cli_summarize_json':
    // The whole command in-process (same code path as the binary) so its peak RSS can be read.
    result = await timed(async () => {
      const code = await main(['summarize', '--json', file], { stdout: devNull(), stderr: devNull() });
      if (code !== 0) throw new Error(`exit code ${code}`);
      return Number(process.env.CLI_BENCH_RECORDS);
    });
    break;
  default:
    throw new Error(`unknown case ${caseName}`);
}
console.log(JSON.stringify(result));
