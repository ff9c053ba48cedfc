// Runs the TF.js demo's training with WANDB_API_KEY set, against the protocol-faithful fake W&B server: the run
// gets the model's curves on the global step, the job's timings and config, and is finished.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeWandbServer, testApiKey } from '../../../packages/wandb/test/helpers/fake-wandb-server.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const KEY = testApiKey('tfjsdemo');
let server: FakeWandbServer;
let out = '';
before(async () => {
  server = await new FakeWandbServer(KEY).start();
  out = mkdtempSync(join(tmpdir(), 'tfjs-wandb-'));
});
after(async () => {
  await server.stop();
  rmSync(out, { recursive: true, force: true });
});

test('the demo sends its training to W&B when WANDB_API_KEY is set', async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_NO_WARNINGS: '1',
    WANDB_API_KEY: KEY,
    WANDB_BASE_URL: server.url,
    WANDB_ENTITY: 'team',
    WANDB_PROJECT: 'tfjs-demo',
    WANDB_RUN_ID: 'tfjsrun1',
  };
  delete env.WANDB_NAME;
  // Asynchronously: the fake server answers from this process.
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [
        'examples/tfjs-training/main.mjs',
        '--session',
        'wandb-demo',
        '--out',
        out,
        '--epochs',
        '2',
        '--batch-size',
        '64',
        '--checkpoint-every',
        '2',
      ],
      { cwd: root, encoding: 'utf8', env, timeout: 300_000 },
      (error, so, se) => (error === null ? resolve(so) : reject(new Error(`${error.message}\n${so}\n${se}`))),
    );
  });
  const run = server.run('tfjsrun1');
  assert.match(stdout, new RegExp(`\\nW&B run team/tfjs-demo/tfjsrun1: ${run.history.length} rows sent, 0 dropped\\n`));
  assert.deepEqual([run.entity, run.project, run.displayName, run.complete, run.exitcode], ['team', 'tfjs-demo', 'wandb-demo', true, 0]);
  assert.equal(run.config.application_name?.value, 'tfjs_training');
  assert.equal(run.config.global_batch_size?.value, 64);

  // 2048 samples in batches of 64: 32 steps per epoch. Batch losses every 16 steps, epoch-end metrics (with
  // val_*) at each epoch: every model-metric row sits at _step = its global_step.
  const model = run.history.filter((r) => 'global_step' in r);
  assert.ok(model.length >= 4, JSON.stringify(model));
  for (const r of model) assert.equal(r._step, r.global_step);
  assert.deepEqual(
    run.history.filter((r) => 'val_loss' in r).map((r) => r._step),
    [32, 64],
  );
  assert.ok(model.filter((r) => 'loss' in r).every((r) => typeof r.loss === 'number' && r.loss > 0));
  assert.ok(!run.history.some((r) => Object.keys(r).some((k) => k.includes('model_metrics'))));
  const steps = run.history.map((r) => r._step as number);
  assert.ok(
    steps.every((s, i) => i === 0 || s >= (steps[i - 1] as number)),
    steps.join(','),
  );
  // The job's timings are there too, named by span.
  assert.ok(run.history.some((r) => 'training_loop.span_start.timestamp_msec' in r));
  assert.ok(run.history.some((r) => 'application.duration_msec' in r));
  assert.equal(run.summary.val_loss, run.history.filter((r) => 'val_loss' in r).at(-1)?.val_loss);
});
