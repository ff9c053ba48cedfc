// Limits on what a config can throw at the library: exporter config files are size-checked before they are read
// or parsed, and every value quoted in a config error is bounded (a 100 MB value never ends up in a message).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OneLoggerConfig, type OneLoggerConfigInput } from '../src/api/config.js';
import { ConfigError, describeValue, MAX_QUOTED_CHARS } from '../src/core/errors.js';
import { ExporterConfig, ExporterConfigError } from '../src/exporter/exporter-config.js';
import {
  EXPORTER_CONFIG_PATH_ENV,
  ExporterConfigManager,
  MAX_EXPORTER_CONFIG_FILE_BYTES,
} from '../src/exporter/exporter-config-manager.js';
import { createExporterRegistry } from '../src/exporter/exporter-registry.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-limits-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const manager = (env: Record<string, string> = {}) =>
  new ExporterConfigManager({ registry: createExporterRegistry(), cwd: dir, env, searchWorkingDirectory: false });

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected an error');
}

describe('exporter config file size', () => {
  test('issue 12 item 8: a 100 MB exporter config file is refused before parsing, in a short message naming the path, the size and the limit', () => {
    assert.equal(MAX_EXPORTER_CONFIG_FILE_BYTES, 1024 * 1024);
    const path = join(dir, 'huge.yaml');
    const head = 'exporters:\n  - class_name: "';
    const size = 100 * 1024 * 1024;
    writeFileSync(path, `${head}${'a'.repeat(size - head.length - 2)}"\n`);
    const expected =
      `Exporter config file ${path}: the file is 104,857,600 bytes, over the limit of 1,048,576 bytes (1 MiB) ` +
      'for exporter config files; it was not parsed';
    const direct = errorOf(() => manager().loadConfigFile(path));
    assert.ok(direct instanceof ExporterConfigError);
    assert.equal(direct.message, expected);
    assert.equal(direct.file, path);

    // The same through the environment variable, with the quiet path of generateExportConfig.
    const problems: unknown[] = [];
    const configs = manager({ [EXPORTER_CONFIG_PATH_ENV]: path }).generateExportConfig({ onProblem: (e) => problems.push(e) });
    assert.deepEqual(configs, []);
    assert.equal(problems.length, 1);
    assert.equal((problems[0] as Error).message, expected);
    assert.ok(expected.length < 300);
  });

  test('issue 12 item 8: a device without a size (/dev/zero) is read only up to the limit and refused', () => {
    const path = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', path);
    const e = errorOf(() => manager().loadConfigFile(path));
    assert.equal(
      e.message,
      `Exporter config file ${path}: the file is more than 1,048,576 bytes, over the limit of 1,048,576 bytes (1 MiB) ` +
        'for exporter config files; it was not parsed',
    );
  });

  test('issue 12 item 8: a file of exactly the limit is parsed; the long value in its error is cut to 200 characters with its length', () => {
    const path = join(dir, 'at-limit.json');
    const head = '{"exporters": [{"class_name": "file", "';
    const tail = '": 1}]}';
    const key = 'k'.repeat(MAX_EXPORTER_CONFIG_FILE_BYTES - head.length - tail.length);
    writeFileSync(path, head + key + tail);
    const e = errorOf(() => manager().loadConfigFile(path));
    assert.ok(e instanceof ExporterConfigError);
    assert.equal(
      e.message,
      `Exporter config file ${path}, exporters[0] (class_name "file"): unknown key "${'k'.repeat(200)}…" ` +
        `(${key.length.toLocaleString('en-US')} characters); an entry has only class_name, config and enabled`,
    );
  });
});

describe('values quoted in config errors', () => {
  const huge = 'x'.repeat(10_000_000);
  const cut = `"${'x'.repeat(MAX_QUOTED_CHARS)}…" (10,000,000 characters)`;

  test('issue 12 item 8: describeValue cuts strings to 200 characters, with an ellipsis and the original length', () => {
    assert.equal(MAX_QUOTED_CHARS, 200);
    assert.equal(describeValue(huge), cut);
    assert.equal(describeValue('y'.repeat(200)), `"${'y'.repeat(200)}"`, 'up to the limit the value is whole');
    // DEL and C1 are escaped like the C0 characters JSON escapes itself.
    assert.equal(describeValue('a\u001b[2J\u0007\u007f\u009b'), String.raw`"a\u001b[2J\u0007\u007f\u009b"`);
  });

  test('issue 12 item 8: OneLoggerConfig errors quote a huge value and a huge unknown key bounded', () => {
    const base = { applicationName: 'app', sessionTag: 's', worldSize: 1 };
    const value = errorOf(() => new OneLoggerConfig({ ...base, worldSize: huge } as unknown as OneLoggerConfigInput));
    assert.ok(value instanceof ConfigError);
    assert.match(value.message, /^OneLoggerConfig\.worldSize: /);
    assert.ok(value.message.endsWith(`(got ${cut})`), value.message.slice(0, 300));
    assert.ok(value.message.length < 400);

    const key = errorOf(() => new OneLoggerConfig({ ...base, [huge]: 1 } as unknown as OneLoggerConfigInput));
    assert.ok(key instanceof ConfigError);
    assert.ok(key.message.startsWith(`OneLoggerConfig.${'x'.repeat(184)}… (10,000,016 characters): is not a known option`));
    assert.ok(key.message.length < 1000, String(key.message.length));
  });

  test('issue 12 item 8: exporter entry errors bound the class_name they name', () => {
    const e = errorOf(() => ExporterConfig.from({ class_name: huge, enabled: 'yes' }));
    assert.ok(e instanceof ExporterConfigError);
    assert.equal(e.message, `Exporter config (class_name ${cut}): enabled: must be true or false (got "yes")`);
  });
});
