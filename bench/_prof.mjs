import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FileExporter } from '../packages/core/dist/index.js';
import { onTrainingSingleIterationEnd, onTrainingSingleIterationStart } from '../packages/training-telemetry/dist/index.js';
import { startTrainingJob } from './training-job.mjs';

const dir = mkdtempSync(join(os.tmpdir(), 'olprof-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const LOG_EVERY = Number(process.env.N ?? 1);
startTrainingJob([new FileExporter({ filePath: join(dir, 't.jsonl'), buffered: process.env.BUF === '1' })], 1e8, {
  logEveryNTrainIterations: LOG_EVERY,
});
const n = Number(process.env.ITER ?? 200000);
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    onTrainingSingleIterationStart();
    onTrainingSingleIterationEnd();
  }
  console.log((((performance.now() - t0) * 1e6) / n).toFixed(1), 'ns/iter');
}
