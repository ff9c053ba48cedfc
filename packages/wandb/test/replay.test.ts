// Offline mode and `one-logger replay <files...> --wandb`: a job in offline mode sends nothing, its JSONL is the
// source of truth, and the CLI uploads it later as W&B runs (one per session) through the fake server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DefaultRecorder, FileExporter, getRecorder, internalLogger, OneLoggerProvider, timedSpan } from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { WandBExporterAsync } from '../src/index.js';
import type { FakeWandbServer } from './helpers/fake-wandb-server.js';
import { API_KEY, startServer } from './helpers/setup.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const BIN = fileURLToPath(new URL('../../cli/bin/one-logger.js', import.meta.url));
const PYTHON_FIXTURE = fileURLToPath(new URL('../../cli/test/fixtures/python-reference.jsonl', import.meta.url));

let dir = '';
let server: FakeWandbServer;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'wandb-replay-'));
  server = await startServer();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => OneLoggerProvider.resetForTests());

/** One session of a job in W&B offline mode, appended to `file`; `fail` ends the application span with an error. */
async function offlineSession(file: string, session: string, fail: boolean): Promise<WandBExporterAsync> {
  const wandb = new WandBExporterAsync({ mode: 'offline', host: server.url, apiKey: API_KEY, entity: 'team' });
  OneLoggerProvider.instance().configure(
    { applicationName: 'offline_job', sessionTag: session, worldSize: 1 },
    new DefaultRecorder({ exporters: [new FileExporter({ filePath: file }), wandb] }),
  );
  await timedSpan('application', async (app) => {
    for (let i = 0; i < 3; i++) await timedSpan('load', () => new Promise((r) => setTimeout(r, 2)), { spanAttributes: { shard: i } });
    if (fail) getRecorder().error(app, 'the job failed');
  });
  await OneLoggerProvider.instance().shutdown();
  OneLoggerProvider.resetForTests();
  return wandb;
}

function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, WANDB_API_KEY: API_KEY, ...env } },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe('offline mode and replay --wandb', () => {
  it('offline sends nothing; replay uploads one run per session, finished with the right exit codes', async () => {
    const file = join(dir, 'offline.jsonl');
    const before = server.requests.length;
    const first = await offlineSession(file, 'sess_a', false);
    await offlineSession(file, 'sess_b', true);
    assert.equal(server.requests.length, before, 'offline mode makes no request');
    assert.ok(first.stats.notSent > 0);

    const out = await cli(['replay', file, '--wandb', '--host', server.url, '--entity', 'team', '--project', 'offline-proj']);
    assert.equal(out.status, 0, out.stderr);
    const runs = [...server.runs.values()].filter((r) => r.project === 'offline-proj');
    assert.deepEqual(
      runs.map((r) => [r.displayName, r.complete, r.exitcode]),
      [
        // Records of a core-only job do not carry the session tag (the training layer's init event does).
        ['one-logger-replay-1', true, 0],
        ['one-logger-replay-2', true, 1],
      ],
    );
    for (const run of runs) {
      const loads = run.history.filter((r) => 'load.duration_msec' in r);
      assert.equal(loads.length, 3);
      assert.deepEqual(
        run.history.filter((r) => 'load.shard' in r).map((r) => r['load.shard']),
        [0, 1, 2],
      );
    }
    const total = runs.reduce((n, r) => n + r.history.length, 0);
    assert.match(
      out.stdout,
      new RegExp(`^replayed 1 file, \\d+ records to W&B: 2 runs, ${total} rows \\(${total} delivered, 0 dropped\\), 0 records skipped\\n`),
    );
    assert.match(
      out.stdout,
      /\n {2}run team\/offline-proj\/[a-z0-9]{8} "one-logger-replay-1": \d+ rows, \d+ delivered, finished, exit code 0\n/,
    );
    assert.match(
      out.stdout,
      /\n {2}run team\/offline-proj\/[a-z0-9]{8} "one-logger-replay-2": \d+ rows, \d+ delivered, finished, exit code 1\n$/,
    );
    assert.ok(!out.stdout.includes(API_KEY) && !out.stderr.includes(API_KEY));
  });

  it("the Python library's JSONL (NaN tokens, no application name) replays into one run with the session's config", async () => {
    const out = await cli([
      'replay',
      PYTHON_FIXTURE,
      '--wandb',
      '--host',
      server.url,
      '--entity',
      'team',
      '--project',
      'py-proj',
      '--naming',
      'flat',
    ]);
    assert.equal(out.status, 0, out.stderr);
    const runs = [...server.runs.values()].filter((r) => r.project === 'py-proj');
    assert.equal(runs.length, 1);
    const run = runs[0] as (typeof runs)[number];
    assert.equal(run.displayName, 'demo_session');
    assert.equal(run.config.perf_tag?.value, 'demo_perf');
    assert.equal(run.config.world_size?.value, 2);
    assert.ok(run.history.some((r) => 'train_iterations_start' in r));
  });

  it('usage errors: no WANDB_API_KEY, both --otlp and --wandb, a bad --naming (exit 2, nothing sent)', async () => {
    const before = server.requests.length;
    for (const [args, env, message] of [
      [
        ['replay', PYTHON_FIXTURE, '--wandb', '--host', server.url],
        { WANDB_API_KEY: '' },
        'replay --wandb needs the API key in WANDB_API_KEY',
      ],
      [['replay', PYTHON_FIXTURE, '--wandb', '--otlp', 'http://127.0.0.1:9'], {}, 'replay takes either --otlp <url> or --wandb, not both'],
      [['replay', PYTHON_FIXTURE, '--wandb', '--naming', 'dots'], {}, '--naming must be hierarchical or flat (got "dots")'],
    ] as const) {
      const out = await cli([...args], env);
      assert.equal(out.status, 2, out.stderr);
      assert.ok(out.stderr.includes(message), out.stderr);
    }
    assert.equal(server.requests.length, before);
  });

  it('a server that refuses the key: exit 1, the run is reported as failed, the key is not printed', async () => {
    const out = await cli(['replay', PYTHON_FIXTURE, '--wandb', '--host', server.url, '--entity', 'team'], {
      WANDB_API_KEY: `bad-${'q'.repeat(40)}`,
    });
    assert.equal(out.status, 1);
    assert.match(out.stdout, /failed: could not create the run: graphql answered HTTP 401: user is not logged in/);
    assert.ok(!out.stdout.includes('qqqq') && !out.stderr.includes('qqqq'));
  });
});
