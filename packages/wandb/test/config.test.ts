// From configuration alone: `wandb` / `wandb_async` (and the Python class paths) in a YAML exporter config, in a
// job that imports only core; and the factories' option checks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@nv-one-logger/core';
import { WandBExporterAsync, WandBExporterSync, wandbAsyncExporterFactory, wandbExporterFactory } from '../src/index.js';
import type { FakeWandbServer } from './helpers/fake-wandb-server.js';
import { API_KEY, startServer } from './helpers/setup.js';

let dir = '';
let server: FakeWandbServer;
before(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'wandb-config-'));
  server = await startServer();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a YAML config alone turns the W&B exporters on', () => {
  const job = fileURLToPath(new URL('./fixtures/config-only-job.mjs', import.meta.url));
  it('wandb (sync) and the Python name of the async one, in a job that imports only core: both runs get the rows', async () => {
    const jsonl = join(dir, 'yaml-job.jsonl');
    const config = join(dir, 'one_logger_exporters_config.yaml');
    writeFileSync(
      config,
      [
        'exporters:',
        '  - class_name: file',
        `    config: { file_path: ${JSON.stringify(jsonl)} }`,
        '  - class_name: wandb',
        `    config: { host: ${JSON.stringify(server.url)}, entity: team, project: yaml, run_id: yamlsync, metric_naming: flat }`,
        '  - class_name: nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterAsync',
        `    config: { host: ${JSON.stringify(server.url)}, entity: team, project: yaml, run_id: yamlasync, transmit_interval_millis: 100 }`,
      ].join('\n'),
    );
    // Asynchronously: the fake server answers from this process.
    const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [job],
        {
          encoding: 'utf8',
          timeout: 20_000,
          cwd: dir,
          env: { ...process.env, WANDB_API_KEY: API_KEY, ONE_LOGGER_EXPORTER_CONFIG_PATH: '' },
        },
        (error, stdout, stderr) =>
          resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, 'exporters FileExporter,WandBExporterSync,WandBExporterAsync\ndone\n');
    assert.deepEqual(
      server.rows('yamlsync').map((r) => Object.keys(r)),
      [
        ['timestamp_msec', 'app_last_log_time'],
        ['timestamp_msec', 'app_last_log_time'],
        ['duration_msec', 'timestamp_msec', 'app_last_log_time'],
        ['duration_msec', 'timestamp_msec', 'app_last_log_time'],
      ],
    );
    assert.ok('application.span_start.timestamp_msec' in (server.rows('yamlasync')[0] ?? {}));
    for (const name of ['yamlsync', 'yamlasync']) {
      const run = server.run(name);
      assert.deepEqual([run.project, run.complete, run.exitcode, run.config.application_name?.value], ['yaml', true, 0, 'config_only']);
    }
    assert.ok(!child.stderr.includes(API_KEY));
  });
});

describe('factories', () => {
  it('snake_case keys become the options; the names and Python aliases are registered', () => {
    const sync = wandbExporterFactory.create(
      {
        entity: 'e',
        project: 'p',
        host: 'http://h.example',
        run_name: 'n',
        run_id: 'r1',
        tags: ['x'],
        metric_naming: 'flat',
        mode: 'disabled',
        max_queue_size: 5,
      },
      { className: 'wandb', values: {} },
    );
    assert.ok(sync instanceof WandBExporterSync);
    const s = (sync as WandBExporterSync).settings;
    assert.deepEqual(
      [s.entity, s.project, s.baseUrl, s.runName, s.runId, s.tags, s.metricNaming, s.mode, s.maxQueueSize, s.transmitIntervalMillis],
      ['e', 'p', 'http://h.example', 'n', 'r1', ['x'], 'flat', 'disabled', 5, 0],
    );
    const asyncOne = wandbAsyncExporterFactory.create({ mode: 'disabled' }, { className: 'wandb_async', values: {} });
    assert.ok(asyncOne instanceof WandBExporterAsync);
    assert.equal((asyncOne as WandBExporterAsync).settings.transmitIntervalMillis, 15_000);
    assert.deepEqual(wandbExporterFactory.aliases, ['WandBExporterSync', 'nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterSync']);
    assert.deepEqual(wandbAsyncExporterFactory.aliases, [
      'WandBExporterAsync',
      'nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterAsync',
    ]);
  });

  it('an unknown key is named with the list of options; an API key value never appears in an error', () => {
    assert.throws(
      () => wandbExporterFactory.create({ apikey: 'x' }, { className: 'wandb', values: {} }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith('config.apikey: is not an option of exporter "wandb"; its options are entity, project, host, api_key,'),
    );
    assert.throws(
      () => wandbExporterFactory.create({ api_key: 'not-a-key-secretvalue' }, { className: 'wandb', values: {} }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('secretvalue'),
    );
    assert.throws(
      () => wandbExporterFactory.create({ api_key: 42 }, { className: 'wandb', values: {} }),
      (e: unknown) => e instanceof ConfigError && e.message === 'config.api_key: must be a non-empty string (got "<redacted>")',
    );
  });
});
