// configure() that ends up with no exporter at all (no recorder given, no config file) warns once on stderr,
// instead of recording into nothing without a word; every configuration that records stays quiet.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CORE = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
const WARNING =
  /No exporter is configured, so nothing is recorded: pass a recorder with exporters to configure\(\), or add one_logger_exporters_config\.yaml to the working directory \(or set ONE_LOGGER_EXPORTER_CONFIG_PATH\)\./g;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'no-exporter-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function job(name: string, configureArgs: string, files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(dir, `${name}-`));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(cwd, f), text);
  const script = join(cwd, 'job.mjs');
  writeFileSync(
    script,
    [
      `import * as lib from ${JSON.stringify(CORE)};`,
      `lib.OneLoggerProvider.instance().configure(${configureArgs});`,
      "lib.timedSpan('work', () => 1);",
      'await lib.OneLoggerProvider.instance().shutdown();',
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, [script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ONE_LOGGER_EXPORTER_CONFIG_PATH: '', ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

const BASE = "{ applicationName: 'a', sessionTag: 's', worldSize: 1 }";

describe('a job configured without any exporter', () => {
  test('no recorder and no config file: one warning on stderr, nothing on stdout, the job runs', () => {
    const r = job('none', BASE);
    assert.equal(r.stderr.match(WARNING)?.length, 1, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('an empty options object and an empty exporter list are the same: one warning', () => {
    assert.equal(job('empty-options', `${BASE}, {}`).stderr.match(WARNING)?.length, 1);
    assert.equal(job('empty-list', `${BASE}, { exporters: [] }`).stderr.match(WARNING)?.length, 1);
  });

  test('a config file, direct exporter entries or a recorder of your own: no warning', () => {
    const yaml = "exporters:\n  - class_name: file\n    config: { file_path: 'out.jsonl' }\n";
    assert.doesNotMatch(job('file', BASE, { 'one_logger_exporters_config.yaml': yaml }).stderr, WARNING);
    assert.doesNotMatch(
      job('direct', `${BASE}, { exporters: [{ class_name: 'file', config: { file_path: 'out.jsonl' } }] }`).stderr,
      WARNING,
    );
    assert.doesNotMatch(job('recorder', `${BASE}, new lib.DefaultRecorder({ exporters: [] })`).stderr, WARNING);
  });

  test('a rank disabled on purpose is not warned about', () => {
    assert.doesNotMatch(
      job('disabled', "{ applicationName: 'a', sessionTag: 's', worldSize: 1, enableForCurrentRank: false }").stderr,
      WARNING,
    );
  });

  test('a config file that names no usable exporter is reported as such, not as "no exporter"', () => {
    const r = job(
      'broken',
      `{ applicationName: 'a', sessionTag: 's', worldSize: 1, errorHandlingStrategy: 'disable_quietly_and_report_metric_error' }`,
      {
        'one_logger_exporters_config.yaml': 'exporters:\n  - class_name: no_such_exporter\n',
      },
    );
    assert.doesNotMatch(r.stderr, WARNING);
    assert.match(r.stderr, /unknown exporter/);
  });
});
