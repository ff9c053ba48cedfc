import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorEvent, Event } from '../src/core/event.js';
import { Span } from '../src/core/span.js';
import type { Exporter } from '../src/exporter/exporter.js';
import { ExporterConfig, ExporterConfigError } from '../src/exporter/exporter-config.js';
import { EXPORTER_CONFIG_PATH_ENV, ExporterConfigManager } from '../src/exporter/exporter-config-manager.js';
import {
  configOption,
  createExporterRegistry,
  type ExporterFactory,
  type ExporterRegistry,
  exporterRegistry,
  isExporter,
  parseFactoryConfig,
  registerExporterFactory,
  registerPackageExporterDefaults,
  unregisterExporterFactory,
  unregisterPackageExporterDefaults,
} from '../src/exporter/exporter-registry.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { LoggerExporter } from '../src/exporter/logger-exporter.js';

/** Runs a TypeScript script in a fresh Node process (via tsx) from the repository root. */
function runTsxScript(script: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
}

const PY_FILE_EXPORTER = 'nv_one_logger.exporter.file_exporter.FileExporter';
const CONFIG_YAML = 'one_logger_exporters_config.yaml';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'one-logger-ecm-'));
  dirs.push(dir);
  return dir;
}

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A manager isolated from the process: own registry, empty env, an empty temp dir as cwd. */
function manager(options: { cwd?: string; env?: Record<string, string>; registry?: ExporterRegistry } = {}): ExporterConfigManager {
  return new ExporterConfigManager({
    registry: options.registry ?? createExporterRegistry(),
    cwd: options.cwd ?? tempDir(),
    env: options.env ?? {},
  });
}

const plain = (configs: readonly ExporterConfig[]) => configs.map((c) => c.toJSON());
const entry = (class_name: string, config: Record<string, unknown> = {}, enabled = true) => ({ class_name, config, enabled });

/** Asserts an ExporterConfigError with the given structured fields and message fragments. */
function assertConfigError(
  fn: () => unknown,
  expected: { file?: string; entryIndex?: number; className?: string; problem: RegExp; message?: RegExp[] },
): ExporterConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ExporterConfigError, `expected ExporterConfigError, got ${String(caught)}`);
  const err = caught;
  assert.equal(err.name, 'ExporterConfigError');
  if (expected.file !== undefined) {
    assert.equal(err.file, expected.file);
    assert.ok(err.message.includes(expected.file), `message names the file: ${err.message}`);
  }
  if (expected.entryIndex !== undefined) {
    assert.equal(err.entryIndex, expected.entryIndex);
    assert.match(err.message, new RegExp(`(exporters\\[|entry )${expected.entryIndex}\\b`));
  }
  if (expected.className !== undefined) {
    assert.equal(err.className, expected.className);
    assert.ok(err.message.includes(`class_name ${JSON.stringify(expected.className)}`), `message names the class: ${err.message}`);
  }
  assert.match(err.problem, expected.problem);
  assert.ok(err.message.endsWith(err.problem), 'message ends with the problem');
  for (const re of expected.message ?? []) assert.match(err.message, re);
  return err;
}

/** A data-only exporter for registry tests. */
class RecordingExporter implements Exporter {
  readonly calls: string[] = [];
  constructor(readonly options: Readonly<Record<string, unknown>>) {}
  initialize(): void {
    this.calls.push('initialize');
  }
  exportStart(): void {
    this.calls.push('start');
  }
  exportStop(): void {
    this.calls.push('stop');
  }
  exportEvent(): void {
    this.calls.push('event');
  }
  exportError(): void {
    this.calls.push('error');
  }
  exportTelemetryDataError(): void {
    this.calls.push('tde');
  }
  flush(): void {}
  close(): void {
    this.calls.push('close');
  }
}

const recordingFactory: ExporterFactory = {
  name: 'recording',
  aliases: ['acme.RecordingExporter'],
  create: (config) => new RecordingExporter(config),
};

// ---- Package defaults (reference: entry points) ------------------------------------------------------------

describe('package defaults (registerPackageExporterDefaults)', () => {
  test('159: one registered package provides its default entry', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('file_exporter', () => ({ class_name: 'file', config: { file_path: '/tmp/x.jsonl' } }));
    assert.deepEqual(registry.packageNames(), ['file_exporter']);
    assert.deepEqual(plain(manager({ registry }).packageConfigs()), [entry('file', { file_path: '/tmp/x.jsonl' })]);
  });

  test('160: two packages are both loaded, by name, in registration order; a list is accepted', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('pkg_a', () => ({ class_name: 'file', config: { file_path: 'a.jsonl' } }));
    registry.registerPackageDefaults('pkg_b', () => [{ class_name: 'logger', enabled: false }, { class_name: 'recording' }]);
    assert.deepEqual(registry.packageNames(), ['pkg_a', 'pkg_b']);
    assert.deepEqual(plain(manager({ registry }).packageConfigs()), [
      entry('file', { file_path: 'a.jsonl' }),
      entry('logger', {}, false),
      entry('recording'),
    ]);
  });

  test('161: no registered package -> no package entries', () => {
    const registry = createExporterRegistry();
    assert.deepEqual(registry.packageNames(), []);
    assert.deepEqual(manager({ registry }).packageConfigs(), []);
  });

  test('registering the same package again replaces its provider (as a duplicate entry-point name did)', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('pkg', () => ({ class_name: 'file', config: { file_path: 'old' } }));
    registry.registerPackageDefaults('pkg', () => ({ class_name: 'file', config: { file_path: 'new' } }));
    assert.deepEqual(plain(registry.packageConfigs()), [entry('file', { file_path: 'new' })]);
    assert.equal(registry.unregisterPackageDefaults('pkg'), true);
    assert.deepEqual(registry.packageConfigs(), []);
  });

  test('the module-level functions use the process-wide registry', () => {
    registerPackageExporterDefaults('test-pkg', () => ({ class_name: 'logger' }));
    try {
      assert.ok(exporterRegistry.packageNames().includes('test-pkg'));
      const m = new ExporterConfigManager({ cwd: tempDir(), env: {} });
      assert.deepEqual(plain(m.generateExportConfig()), [entry('logger')]);
    } finally {
      assert.equal(unregisterPackageExporterDefaults('test-pkg'), true);
    }
  });

  test('a throwing provider is an error naming the package', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('broken-pkg', () => {
      throw new Error('boom');
    });
    const err = assertConfigError(() => manager({ registry }).generateExportConfig(), { problem: /defaults provider threw: boom/ });
    assert.equal(err.packageName, 'broken-pkg');
    assert.match(err.message, /package "broken-pkg"/);
  });

  test('a bad package entry is an error naming the package and the entry', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('pkg', () => [{ class_name: 'file' }, { config: {} } as never]);
    const err = assertConfigError(() => registry.packageConfigs(), { entryIndex: 1, problem: /missing 'class_name'/ });
    assert.equal(err.source, 'package');
  });

  // S2: the reference imported every `nv_one_logger.exporter_configs` entry point as soon as a manager was
  // constructed, so installed plugin code ran before any configuration was asked for.
  test('S2: creating managers runs no package code; a provider runs only when configs are generated, and not at all when a config file replaces the package level', () => {
    const registry = createExporterRegistry();
    let calls = 0;
    registry.registerPackageDefaults('pkg', () => {
      calls += 1;
      return { class_name: 'logger' };
    });
    const dir = tempDir();
    const withFile = manager({ registry, cwd: dir });
    const withoutFile = manager({ registry });
    new ExporterConfigManager({ registry, cwd: dir, env: {} });
    assert.equal(calls, 0, 'construction runs no provider');
    write(dir, CONFIG_YAML, 'exporters:\n  - class_name: file\n    config: {file_path: /tmp/s2.jsonl}\n');
    assert.deepEqual(plain(withFile.generateExportConfig()), [entry('file', { file_path: '/tmp/s2.jsonl' })]);
    assert.equal(calls, 0, 'the file replaces the package level, so its provider is not even run');
    assert.deepEqual(plain(withoutFile.generateExportConfig()), [entry('logger')]);
    assert.equal(calls, 1);
    // Only explicitly registered packages count: nothing is discovered from what happens to be installed.
    assert.deepEqual(createExporterRegistry().packageNames(), []);
  });
});

// ---- generateExportConfig ------------------------------------------------------------------------------------

describe('generateExportConfig', () => {
  test('162: nothing configured anywhere -> []', () => {
    assert.deepEqual(manager().generateExportConfig(), []);
  });

  test('163: only direct config', () => {
    const result = manager().generateExportConfig({ direct: [{ class_name: 'file', config: { file_path: '/tmp/d.jsonl' } }] });
    assert.deepEqual(plain(result), [entry('file', { file_path: '/tmp/d.jsonl' })]);
    assert.ok(result[0] instanceof ExporterConfig);
  });

  test('164: only a YAML file in the working directory', () => {
    const dir = tempDir();
    write(dir, CONFIG_YAML, 'exporters:\n  - class_name: file\n    config:\n      file_path: /tmp/f.jsonl\n');
    assert.deepEqual(plain(manager({ cwd: dir }).generateExportConfig()), [entry('file', { file_path: '/tmp/f.jsonl' })]);
  });

  test('165: direct overrides the file for the same exporter (direct file_path wins)', () => {
    const dir = tempDir();
    const file = write(dir, 'cfg.yaml', 'exporters:\n  - class_name: file\n    config: {file_path: /tmp/file.jsonl}\n');
    const result = manager().generateExportConfig({
      configFilePath: file,
      direct: [{ class_name: 'file', config: { file_path: '/tmp/direct.jsonl' } }],
    });
    assert.deepEqual(plain(result), [entry('file', { file_path: '/tmp/direct.jsonl' })]);
  });

  test('166: different exporters in file and direct are combined (file first)', () => {
    const dir = tempDir();
    const file = write(dir, 'cfg.json', JSON.stringify({ exporters: [{ class_name: 'file', config: { file_path: '/tmp/a' } }] }));
    const result = manager().generateExportConfig({
      configFilePath: file,
      direct: [{ class_name: 'logger', config: { stream: 'stderr' } }],
    });
    assert.deepEqual(plain(result), [entry('file', { file_path: '/tmp/a' }), entry('logger', { stream: 'stderr' })]);
  });

  // B22: the reference README says the direct config "completely overrides" the file, while its code merges.
  // Ours merges, and packages/core/README.md says so (checked in weaknesses-extra.test.ts).
  test('B22 (#167): same exporter: direct keys override, file-only keys are kept (merged, not replaced)', () => {
    const dir = tempDir();
    const file = write(
      dir,
      'cfg.yaml',
      'exporters:\n  - class_name: recording\n    config:\n      file_path: /tmp/file\n      existing_param: kept\n',
    );
    const result = manager().generateExportConfig({
      configFilePath: file,
      direct: [{ class_name: 'recording', config: { file_path: '/tmp/direct', new_param: 'added' } }],
    });
    assert.deepEqual(plain(result), [entry('recording', { file_path: '/tmp/direct', existing_param: 'kept', new_param: 'added' })]);
  });

  test('168: package + file: the file list replaces the package list entirely', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('pkg', () => [{ class_name: 'file', config: { file_path: '/tmp/pkg' } }, { class_name: 'logger' }]);
    const dir = tempDir();
    write(dir, CONFIG_YAML, 'exporters:\n  - class_name: recording\n    config: {a: 1}\n');
    assert.deepEqual(plain(manager({ registry, cwd: dir }).generateExportConfig()), [entry('recording', { a: 1 })]);
  });

  test('an empty file list keeps the package list (as the reference)', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('pkg', () => ({ class_name: 'logger' }));
    const dir = tempDir();
    write(dir, CONFIG_YAML, 'exporters: []\n');
    assert.deepEqual(plain(manager({ registry, cwd: dir }).generateExportConfig()), [entry('logger')]);
  });

  test('169: package + direct (no file) are combined', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('pkg', () => ({ class_name: 'file', config: { file_path: '/tmp/pkg' } }));
    const result = manager({ registry }).generateExportConfig({ direct: [{ class_name: 'JsonExporter', config: { x: 1 } }] });
    assert.deepEqual(plain(result), [entry('file', { file_path: '/tmp/pkg' }), entry('JsonExporter', { x: 1 })]);
  });

  test('170: package + file + direct for the same exporter -> the direct config merged over the file', () => {
    const registry = createExporterRegistry();
    registry.registerPackageDefaults('pkg', () => ({ class_name: 'file', config: { file_path: '/tmp/pkg', buffered: true } }));
    const dir = tempDir();
    write(dir, CONFIG_YAML, 'exporters:\n  - class_name: file\n    config: {file_path: /tmp/file, rank: 1}\n');
    const result = manager({ registry, cwd: dir }).generateExportConfig({
      direct: [{ class_name: 'file', config: { file_path: '/tmp/direct' } }],
    });
    assert.deepEqual(plain(result), [entry('file', { file_path: '/tmp/direct', rank: 1 })]);
  });

  test('192: a list of plain entries is converted (order, configs, enabled flags preserved)', () => {
    const result = manager().generateExportConfig({
      direct: [
        { class_name: 'file', config: { file_path: '/tmp/1' } },
        { class_name: 'logger', enabled: false },
        { class_name: 'recording' },
      ],
    });
    assert.deepEqual(plain(result), [entry('file', { file_path: '/tmp/1' }), entry('logger', {}, false), entry('recording')]);
  });

  test('aliases name the same exporter: a direct `file` entry merges into the file`s Python class name entry', () => {
    const dir = tempDir();
    write(dir, CONFIG_YAML, `exporters:\n  - class_name: ${PY_FILE_EXPORTER}\n    config: {file_path: /tmp/file, rank: 2}\n`);
    const result = manager({ cwd: dir }).generateExportConfig({
      direct: [{ class_name: 'FileExporter', config: { file_path: '/tmp/direct' } }],
    });
    assert.deepEqual(plain(result), [entry('FileExporter', { file_path: '/tmp/direct', rank: 2 })]);
  });

  test('direct entries are validated, naming the entry', () => {
    assertConfigError(
      () => manager().generateExportConfig({ direct: [{ class_name: 'file' }, { class_name: 'file', colour: 'red' } as never] }),
      {
        entryIndex: 1,
        className: 'file',
        problem: /unknown key "colour"/,
        message: [/^Direct exporter config, entry 1/],
      },
    );
  });

  test('the caller`s direct objects are never changed', () => {
    const dir = tempDir();
    write(dir, CONFIG_YAML, 'exporters:\n  - class_name: file\n    config: {file_path: /tmp/file, rank: 1}\n');
    const direct = [{ class_name: 'file', config: { file_path: '/tmp/direct' } }];
    const snapshot = structuredClone(direct);
    manager({ cwd: dir }).generateExportConfig({ direct });
    assert.deepEqual(direct, snapshot);
  });
});

// ---- File discovery ------------------------------------------------------------------------------------------

describe('findConfigFile', () => {
  test('171: an explicit existing path is found (relative paths resolve against cwd)', () => {
    const dir = tempDir();
    const file = write(dir, 'my.yaml', 'exporters: []\n');
    const m = manager({ cwd: dir });
    assert.equal(m.findConfigFile(file), file);
    assert.equal(m.findConfigFile('my.yaml'), file);
  });

  test('172: an explicit path that does not exist is an error naming the file (the reference fell through silently)', () => {
    const dir = tempDir();
    const missing = join(dir, 'missing.yaml');
    assertConfigError(() => manager({ cwd: dir }).findConfigFile(missing), {
      file: missing,
      problem: /does not exist \(given as configFilePath\)/,
    });
  });

  test('173: one_logger_exporters_config.yaml in the working directory is found', () => {
    const dir = tempDir();
    const file = write(dir, CONFIG_YAML, 'exporters: []\n');
    assert.equal(manager({ cwd: dir }).findConfigFile(), file);
  });

  test('174: ONE_LOGGER_EXPORTER_CONFIG_PATH pointing to an existing file is found', () => {
    const dir = tempDir();
    const file = write(tempDir(), 'env.json', '{"exporters": []}');
    write(dir, CONFIG_YAML, 'exporters: []\n');
    assert.equal(manager({ cwd: dir, env: { [EXPORTER_CONFIG_PATH_ENV]: file } }).findConfigFile(), file);
  });

  test('175: nothing present -> undefined', () => {
    assert.equal(manager().findConfigFile(), undefined);
  });

  test('an env path that does not exist is an error naming the file and the variable', () => {
    const dir = tempDir();
    write(dir, CONFIG_YAML, 'exporters: []\n');
    const missing = join(dir, 'nope.yaml');
    assertConfigError(() => manager({ cwd: dir, env: { [EXPORTER_CONFIG_PATH_ENV]: missing } }).generateExportConfig(), {
      file: missing,
      problem: /does not exist \(named by ONE_LOGGER_EXPORTER_CONFIG_PATH\)/,
    });
  });

  test('an empty env variable counts as unset', () => {
    const dir = tempDir();
    const file = write(dir, CONFIG_YAML, 'exporters: []\n');
    assert.equal(manager({ cwd: dir, env: { [EXPORTER_CONFIG_PATH_ENV]: '' } }).findConfigFile(), file);
  });

  test('precedence: explicit > env > cwd, and .yaml > .yml > .json in the working directory', () => {
    const dir = tempDir();
    const json = write(dir, 'one_logger_exporters_config.json', '{"exporters": []}');
    const m = manager({ cwd: dir });
    assert.equal(m.findConfigFile(), json);
    const yml = write(dir, 'one_logger_exporters_config.yml', 'exporters: []\n');
    assert.equal(m.findConfigFile(), yml);
    const yaml = write(dir, CONFIG_YAML, 'exporters: []\n');
    assert.equal(m.findConfigFile(), yaml);
    const envFile = write(dir, 'env.yaml', 'exporters: []\n');
    const withEnv = manager({ cwd: dir, env: { [EXPORTER_CONFIG_PATH_ENV]: envFile } });
    assert.equal(withEnv.findConfigFile(), envFile);
    const explicit = write(dir, 'explicit.yaml', 'exporters: []\n');
    assert.equal(withEnv.findConfigFile(explicit), explicit);
  });

  test('working-directory lookup can be turned off', () => {
    const dir = tempDir();
    write(dir, CONFIG_YAML, 'exporters:\n  - class_name: logger\n');
    const m = new ExporterConfigManager({ registry: createExporterRegistry(), cwd: dir, env: {}, searchWorkingDirectory: false });
    assert.equal(m.findConfigFile(), undefined);
    assert.deepEqual(m.generateExportConfig(), []);
  });
});

// ---- File loading --------------------------------------------------------------------------------------------

describe('loadConfigFile', () => {
  test('176: YAML with one entry; enabled defaults to true', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: file\n    config:\n      file_path: /tmp/y.jsonl\n');
    assert.deepEqual(plain(manager().loadConfigFile(file)), [entry('file', { file_path: '/tmp/y.jsonl' })]);
  });

  test('177: JSON with one entry; enabled defaults to true', () => {
    const file = write(tempDir(), 'c.json', JSON.stringify({ exporters: [{ class_name: 'logger', config: { stream: 'stdout' } }] }));
    assert.deepEqual(plain(manager().loadConfigFile(file)), [entry('logger', { stream: 'stdout' })]);
  });

  test('178: three entries incl. a duplicate exporter and enabled: false keep order, configs and flags', () => {
    const file = write(
      tempDir(),
      'c.yml',
      [
        'exporters:',
        '  - class_name: file',
        '    config: {file_path: /tmp/1}',
        '  - class_name: logger',
        '    enabled: false',
        '  - class_name: file',
        '    config: {file_path: /tmp/2, buffered: true}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(plain(manager().loadConfigFile(file)), [
      entry('file', { file_path: '/tmp/1' }),
      entry('logger', {}, false),
      entry('file', { file_path: '/tmp/2', buffered: true }),
    ]);
  });

  test('the suffix is case-insensitive and the file records its origin', () => {
    const file = write(tempDir(), 'C.YAML', 'exporters:\n  - class_name: logger\n');
    const [config] = manager().loadConfigFile(file);
    assert.deepEqual(config?.origin, { source: 'file', file, entryIndex: 0 });
  });

  test('YAML is read as PyYAML reads it (YAML 1.1): enabled: no is false', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: logger\n    enabled: no\n');
    assert.equal(manager().loadConfigFile(file)[0]?.enabled, false);
  });

  test('a JSON file with a byte-order mark is accepted', () => {
    const file = write(tempDir(), 'c.json', '\ufeff{"exporters": [{"class_name": "logger"}]}');
    assert.deepEqual(plain(manager().loadConfigFile(file)), [entry('logger')]);
  });

  // B23: the reference imported PyYAML at module level without declaring it as a dependency.
  test('B23: yaml is a declared dependency of core (a caret range; the lockfile pins it), loaded only when a YAML file is read (real child process)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies?: Record<string, string> };
    assert.match(pkg.dependencies?.yaml ?? '', /^\^\d+\.\d+\.\d+$/, 'yaml is in dependencies with a caret range');
    const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    assert.match(lock.packages['node_modules/yaml']?.version ?? '', /^\d+\.\d+\.\d+$/, 'the lockfile pins one exact yaml version');
    const dir = tempDir();
    const yamlFile = write(dir, 'c.yaml', 'exporters:\n  - class_name: logger\n');
    const jsonFile = write(dir, 'c.json', '{"exporters": [{"class_name": "logger"}]}');
    const index = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
    const script = write(
      dir,
      'lazy-yaml.mts',
      [
        "import { createRequire } from 'node:module';",
        `const lib = await import(${JSON.stringify(index)});`,
        'const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]node_modules[\\\\/]yaml[\\\\/]/.test(k));',
        'const steps = [loaded()];',
        'const m = new lib.ExporterConfigManager({ env: {}, searchWorkingDirectory: false });',
        `m.loadConfigFile(${JSON.stringify(jsonFile)});`,
        'steps.push(loaded());',
        `const configs = m.loadConfigFile(${JSON.stringify(yamlFile)});`,
        'steps.push(loaded(), configs[0].class_name);',
        'process.stdout.write(JSON.stringify(steps));',
      ].join('\n'),
    );
    const run = runTsxScript(script);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      JSON.parse(run.stdout),
      [false, false, true, 'logger'],
      'not loaded by the import, nor by a JSON file; loaded by the YAML file',
    );
  });
});

describe('bad config files: each error names the file, the entry and the problem', () => {
  test('unsupported suffix', () => {
    const file = write(tempDir(), 'exporters.toml', 'exporters = []\n');
    assertConfigError(() => manager().loadConfigFile(file), {
      file,
      problem: /unsupported file format "\.toml"; use \.yaml, \.yml or \.json/,
    });
  });

  test('a directory instead of a file', () => {
    const dir = tempDir();
    const sub = join(dir, 'cfg.yaml');
    mkdirSync(sub);
    assertConfigError(() => manager({ cwd: dir }).generateExportConfig({ configFilePath: sub }), { file: sub, problem: /is a directory/ });
  });

  test('empty YAML file', () => {
    const file = write(tempDir(), 'c.yaml', '  \n');
    assertConfigError(() => manager().loadConfigFile(file), {
      file,
      problem: /the file is empty; expected a mapping with an 'exporters' list/,
    });
  });

  test('YAML file with only comments', () => {
    const file = write(tempDir(), 'c.yaml', '# nothing here\n');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /no content; expected a mapping with an 'exporters' list/ });
  });

  test('empty JSON file', () => {
    const file = write(tempDir(), 'c.json', '');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /the file is empty/ });
  });

  test('malformed YAML (with the position)', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: file\n    config: {file_path: /tmp/x\n');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /^malformed YAML: .*line \d+, column \d+$/ });
  });

  test('duplicate YAML keys are malformed YAML', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters: []\nexporters: []\n');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /^malformed YAML: Map keys must be unique/ });
  });

  test('malformed JSON', () => {
    const file = write(tempDir(), 'c.json', '{"exporters": [}');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /^malformed JSON: / });
  });

  // S7: the reference reads YAML with yaml.safe_load. The same must hold here: tags that build objects or run
  // code (PyYAML's python/*, js-yaml's js/*, application tags) are refused, and alias bombs are stopped.
  test('S7: YAML tags that would build objects or run code are refused; nothing is executed; alias bombs are stopped', () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const cases: Array<[string, string, RegExp]> = [
      [
        'apply.yaml',
        `exporters: !!python/object/apply:os.system ["touch ${marker}"]\n`,
        /unsupported YAML tag .*python\/object\/apply:os\.system/,
      ],
      ['name.yaml', 'exporters:\n  - class_name: !!python/name:os.system\n', /unsupported YAML tag .*python\/name:os\.system/],
      [
        'function.yaml',
        `exporters:\n  - class_name: file\n    config: {file_path: !!js/function "function () { require('fs').writeFileSync('${marker}', '') }"}\n`,
        /unsupported YAML tag .*js\/function/,
      ],
      ['undefined.yaml', 'exporters:\n  - class_name: !!js/undefined ""\n', /unsupported YAML tag .*js\/undefined/],
      ['local.yaml', 'exporters:\n  - !Exporter {class_name: file}\n', /unsupported YAML tag .*!Exporter/],
    ];
    for (const [name, text, problem] of cases) {
      const file = write(dir, name, text);
      assertConfigError(() => manager().loadConfigFile(file), { file, problem });
    }
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [prev, next] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ]) {
      levels.push(`${next}: &${next} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`);
    }
    const bomb = write(dir, 'bomb.yaml', `${levels.join('\n')}\nexporters: [*f]\n`);
    assertConfigError(() => manager().loadConfigFile(bomb), { file: bomb, problem: /^malformed YAML: .*resource exhaustion/ });
    assert.equal(existsSync(marker), false);
  });

  test('document is a list, not { exporters: [...] }', () => {
    const file = write(tempDir(), 'c.yaml', '- class_name: file\n');
    assertConfigError(() => manager().loadConfigFile(file), {
      file,
      problem: /expected a mapping with an 'exporters' list.*\(got array of length 1\)/,
    });
  });

  test('document without exporters', () => {
    const file = write(tempDir(), 'c.json', '{}');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /missing 'exporters'/ });
  });

  test('document with an unknown top-level key', () => {
    const file = write(tempDir(), 'c.json', '{"exporters": [], "exporter": []}');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /unknown top-level key "exporter"/ });
  });

  test('exporters is not a list', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  class_name: file\n');
    assertConfigError(() => manager().loadConfigFile(file), { file, problem: /'exporters' must be a list of entries \(got object\)/ });
  });

  test('an entry that is not a mapping', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - file\n');
    assertConfigError(() => manager().loadConfigFile(file), { file, entryIndex: 0, problem: /must be a mapping.*\(got "file"\)/ });
  });

  test('an entry without class_name', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: logger\n  - config: {file_path: /tmp/x}\n');
    assertConfigError(() => manager().loadConfigFile(file), {
      file,
      entryIndex: 1,
      problem: /missing 'class_name'/,
      message: [new RegExp(`^Exporter config file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, exporters\\[1\\]: missing`)],
    });
  });

  test('an entry with an unknown key', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: file\n    options: {file_path: /tmp/x}\n');
    assertConfigError(() => manager().loadConfigFile(file), {
      file,
      entryIndex: 0,
      className: 'file',
      problem: /unknown key "options"; an entry has only class_name, config and enabled/,
    });
  });

  test('an entry with wrongly typed class_name, config or enabled', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: 42\n');
    assertConfigError(() => manager().loadConfigFile(file), {
      file,
      entryIndex: 0,
      problem: /class_name: must be a non-empty string \(got 42\)/,
    });
    const file2 = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: file\n    config: [1]\n');
    assertConfigError(() => manager().loadConfigFile(file2), { file: file2, className: 'file', problem: /config: must be a mapping/ });
    const file3 = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: file\n    enabled: "false"\n');
    assertConfigError(() => manager().loadConfigFile(file3), {
      file: file3,
      className: 'file',
      problem: /enabled: must be true or false \(got "false"\)/,
    });
  });

  test('an unknown exporter (reported when exporters are created, naming file, entry and known names)', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: logger\n  - class_name: unknown.module.UnknownExporter\n');
    const m = manager();
    const configs = m.generateExportConfig({ configFilePath: file });
    assertConfigError(() => m.createExporters(configs), {
      file,
      entryIndex: 1,
      className: 'unknown.module.UnknownExporter',
      problem: /unknown exporter; known exporters: file, FileExporter, nv_one_logger\.exporter\.file_exporter\.FileExporter, logger/,
    });
  });

  test('a factory config error (wrong type), naming file, entry, key, value and rule', () => {
    const file = write(tempDir(), 'c.yaml', 'exporters:\n  - class_name: file\n    config: {file_path: 5}\n');
    const m = manager();
    const err = assertConfigError(() => m.createExporters(m.loadConfigFile(file)), {
      file,
      entryIndex: 0,
      className: 'file',
      problem: /^config\.file_path: must be a non-empty string \(got 5\)$/,
    });
    assert.equal((err.cause as Error).name, 'ConfigError');
  });

  test('a factory config error (unknown key, missing key, negative rank, bad stream)', () => {
    const m = manager();
    assertConfigError(() => m.createExporters([{ class_name: 'file', config: { file_path: '/tmp/x', append: true } }]), {
      entryIndex: 0,
      className: 'file',
      problem:
        /config\.append: is not an option of exporter "file"; its options are file_path, buffered, rank, rotation_check_interval_ms \(got true\)/,
    });
    assertConfigError(() => m.createExporters([{ class_name: 'file' }]), {
      problem: /config\.file_path: is required and must be a non-empty string/,
    });
    assertConfigError(() => m.createExporters([{ class_name: 'file', config: { file_path: '/tmp/x', rank: -1 } }]), {
      problem: /config\.rank: must be a non-negative integer \(got -1\)/,
    });
    assertConfigError(() => m.createExporters([{ class_name: 'logger', config: { stream: 'stdlog' } }]), {
      className: 'logger',
      problem: /config\.stream: must be one of "stdout", "stderr" \(got "stdlog"\)/,
    });
  });

  test('values of secret-looking keys never appear in errors', () => {
    const err = assertConfigError(
      () => manager().createExporters([{ class_name: 'file', config: { file_path: '/tmp/x', api_key: 'sk-SECRET' } }]),
      {
        problem: /config\.api_key: is not an option/,
      },
    );
    assert.ok(!err.message.includes('sk-SECRET'));
  });
});

// ---- mergeConfigs / buildExporterConfigs / ExporterConfig ------------------------------------------------------

describe('mergeConfigs', () => {
  const cfg = (class_name: string, config: Record<string, unknown> = {}, enabled = true) =>
    new ExporterConfig({ class_name, config, enabled });

  test('179: simple override -> one entry with the override config', () => {
    const result = ExporterConfigManager.mergeConfigs([cfg('A', { file_path: 'base' })], [cfg('A', { file_path: 'override' })]);
    assert.deepEqual(plain(result), [entry('A', { file_path: 'override' })]);
  });

  test('180: a new class -> two entries, base first', () => {
    const result = ExporterConfigManager.mergeConfigs([cfg('A', { a: 1 })], [cfg('B', { b: 2 })]);
    assert.deepEqual(plain(result), [entry('A', { a: 1 }), entry('B', { b: 2 })]);
  });

  test('181: same class -> shallow merge, override wins', () => {
    const result = ExporterConfigManager.mergeConfigs(
      [cfg('A', { file_path: 'base', param1: 'v1', nested: { x: 1 } })],
      [cfg('A', { file_path: 'override', param2: 'v2', nested: { y: 2 } })],
    );
    assert.deepEqual(plain(result), [entry('A', { file_path: 'override', param1: 'v1', param2: 'v2', nested: { y: 2 } })]);
  });

  test('enabled comes from the winning entry; duplicates collapse to the last one in the first position', () => {
    const result = ExporterConfigManager.mergeConfigs(
      [cfg('A', { n: 1 }), cfg('B'), cfg('A', { n: 2 })],
      [cfg('A', { m: 1 }, false), cfg('A', { m: 2 }, false)],
    );
    // Merged with the FIRST base entry (n: 1), as the reference does.
    assert.deepEqual(plain(result), [entry('A', { n: 1, m: 2 }, false), entry('B')]);
  });

  test('never mutates its inputs (the reference mutated the override entry)', () => {
    const base = [cfg('A', { a: 1 })];
    const override = [cfg('A', { b: 2 })];
    const result = ExporterConfigManager.mergeConfigs(base, override);
    assert.deepEqual(plain(base), [entry('A', { a: 1 })]);
    assert.deepEqual(plain(override), [entry('A', { b: 2 })]);
    assert.notEqual(result[0], override[0]);
    assert.ok(Object.isFrozen(result[0]?.config));
  });
});

describe('buildExporterConfigs and ExporterConfig', () => {
  test('188: a single entry with explicit enabled', () => {
    assert.deepEqual(plain(ExporterConfigManager.buildExporterConfigs([{ class_name: 'A', config: { p: 1 }, enabled: false }])), [
      entry('A', { p: 1 }, false),
    ]);
  });

  test('189: two entries, the second disabled', () => {
    const result = ExporterConfigManager.buildExporterConfigs([
      { class_name: 'A', config: { p: 1 } },
      { class_name: 'B', config: { q: 2 }, enabled: false },
    ]);
    assert.deepEqual(plain(result), [entry('A', { p: 1 }), entry('B', { q: 2 }, false)]);
  });

  test('190: enabled missing -> true; config missing -> {}', () => {
    const [c] = ExporterConfigManager.buildExporterConfigs([{ class_name: 'A' }]);
    assert.equal(c?.enabled, true);
    assert.deepEqual(c?.config, {});
  });

  test('191: an empty list -> []', () => {
    assert.deepEqual(ExporterConfigManager.buildExporterConfigs([]), []);
  });

  test('193: ExporterConfig stores class_name, config and enabled as given', () => {
    const c = new ExporterConfig({ class_name: 'file', config: { file_path: '/tmp/x', rank: 1 }, enabled: false });
    assert.equal(c.class_name, 'file');
    assert.deepEqual(c.config, { file_path: '/tmp/x', rank: 1 });
    assert.equal(c.enabled, false);
    assert.equal(c.origin, undefined);
  });

  test('194: ExporterConfig defaults: config {} and enabled true; the caller`s config object is copied', () => {
    const input = { file_path: '/tmp/x' };
    const c = new ExporterConfig({ class_name: 'logger', config: input });
    assert.equal(c.enabled, true);
    assert.notEqual(c.config, input);
    assert.deepEqual(new ExporterConfig({ class_name: 'logger' }).toJSON(), entry('logger'));
    assert.throws(() => new ExporterConfig({ class_name: '' }), ExporterConfigError);
  });
});

// ---- createExporters -----------------------------------------------------------------------------------------

describe('createExporters', () => {
  test('182: a package-registered entry creates a FileExporter with the configured path', () => {
    const registry = createExporterRegistry();
    const dir = tempDir();
    registry.registerPackageDefaults('pkg', () => ({ class_name: 'file', config: { file_path: join(dir, 'pkg.jsonl') } }));
    const m = manager({ registry });
    const exporters = m.createExporters(m.generateExportConfig());
    assert.equal(exporters.length, 1);
    assert.ok(exporters[0] instanceof FileExporter);
    assert.equal(exporters[0].filePath, join(dir, 'pkg.jsonl'));
  });

  test('183: without package defaults, the Python class name resolves through its registered alias', () => {
    const dir = tempDir();
    const exporters = manager().createExporters([{ class_name: PY_FILE_EXPORTER, config: { file_path: join(dir, 'py.jsonl') } }]);
    assert.ok(exporters[0] instanceof FileExporter);
    assert.equal(exporters[0].filePath, join(dir, 'py.jsonl'));
  });

  test('184: three entries -> three exporters in order with their options', () => {
    const dir = tempDir();
    const exporters = manager().createExporters([
      { class_name: 'file', config: { file_path: join(dir, 'a-{rank}.jsonl'), rank: 3 } },
      { class_name: 'LoggerExporter', config: { stream: 'stderr' } },
      { class_name: 'FileExporter', config: { file_path: join(dir, 'b.jsonl'), buffered: true } },
    ]);
    assert.equal(exporters.length, 3);
    assert.ok(exporters[0] instanceof FileExporter);
    assert.equal(exporters[0].filePath, join(dir, 'a-3.jsonl'));
    assert.ok(exporters[1] instanceof LoggerExporter);
    assert.ok(exporters[2] instanceof FileExporter);
    assert.equal(exporters[2].filePath, join(dir, 'b.jsonl'));
  });

  test('185: enabled: false -> no exporter (and a disabled unknown exporter is not an error)', () => {
    const exporters = manager().createExporters([
      { class_name: 'file', config: { file_path: '/tmp/never' }, enabled: false },
      { class_name: 'not.installed.Exporter', enabled: false },
    ]);
    assert.deepEqual(exporters, []);
  });

  test('186: an unknown module path is an error listing the known names (the reference returned None)', () => {
    assertConfigError(() => manager().createExporters([{ class_name: 'unknown.module.UnknownExporter' }]), {
      entryIndex: 0,
      className: 'unknown.module.UnknownExporter',
      problem: /unknown exporter; known exporters: .*LoggerExporter.*code named in a config is never loaded/,
    });
  });

  test('187: an exporter created from the Python-format YAML really writes to the configured path', () => {
    const dir = tempDir();
    const out = join(dir, 'nested', 'telemetry-{rank}.jsonl');
    write(
      dir,
      CONFIG_YAML,
      `exporters:\n  - class_name: ${PY_FILE_EXPORTER}\n    config:\n      file_path: ${out}\n      rank: 7\n      buffered: false\n`,
    );
    const m = manager({ cwd: dir });
    const [exporter] = m.createExporters(m.generateExportConfig());
    assert.ok(exporter !== undefined && isExporter(exporter));
    exporter.initialize();
    const span = Span.create('load_data', { spanAttributes: { shard: 3 } });
    exporter.exportStart(span);
    exporter.exportEvent(Event.create('batch_loaded', { batch_size: 32 }), span);
    exporter.exportError(ErrorEvent.fromException('Error in load_data: ', new Error('bad value')), span);
    span.stop();
    exporter.exportStop(span);
    exporter.close();
    const written = join(dir, 'nested', 'telemetry-7.jsonl');
    const records = readFileSync(written, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      records.map((r) => r.type),
      ['start', 'event', 'application_error', 'stop'],
    );
    assert.deepEqual(
      records.map((r) => r.count),
      [1, 2, 3, 4],
    );
    assert.equal(records[0]?.name, 'load_data');
    assert.deepEqual(records[0]?.attributes, { shard: 3 });
    assert.equal((records[1]?.event as { name?: string } | undefined)?.name, 'batch_loaded');
    assert.equal(records[3]?.id, span.id);
  });

  test('the logger exporter writes to the configured stream (real child process)', () => {
    const dir = tempDir();
    const src = (p: string) => pathToFileURL(fileURLToPath(new URL(`../src/${p}`, import.meta.url))).href;
    const script = write(
      dir,
      'logger-streams.ts',
      [
        `import { ExporterConfigManager } from '${src('exporter/exporter-config-manager.js')}';`,
        `import { Span } from '${src('core/span.js')}';`,
        `const m = new ExporterConfigManager({ env: {}, searchWorkingDirectory: false });`,
        `const exporters = m.createExporters([{ class_name: 'logger' }, { class_name: 'LoggerExporter', config: { stream: 'stderr' } }]);`,
        'for (const [i, e] of exporters.entries()) {',
        '  e.initialize();',
        `  const span = Span.create(i === 0 ? 'to_stdout' : 'to_stderr');`,
        '  e.exportStart(span);',
        '  span.stop();',
        '  e.exportStop(span);',
        '  e.close();',
        '}',
      ].join('\n'),
    );
    const run = runTsxScript(script);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^\[type="complete" \| .*name="to_stdout".*\]$/m);
    assert.doesNotMatch(run.stdout, /to_stderr/);
    assert.match(run.stderr, /^\[type="complete" \| .*name="to_stderr".*\]$/m);
  });

  test('S1: os.system / child_process.exec are unknown exporters and nothing is executed', () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const file = write(
      dir,
      'evil.yaml',
      [
        'exporters:',
        '  - class_name: os.system',
        `    config: {command: "touch ${marker}"}`,
        '  - class_name: child_process.exec',
        `    config: {command: "touch ${marker}"}`,
        '',
      ].join('\n'),
    );
    const m = manager();
    const configs = m.generateExportConfig({ configFilePath: file });
    assertConfigError(() => m.createExporters(configs), {
      file,
      entryIndex: 0,
      className: 'os.system',
      problem: /^unknown exporter; known exporters: /,
    });
    assertConfigError(() => m.createExporters([configs[1] as ExporterConfig]), {
      file,
      entryIndex: 1,
      className: 'child_process.exec',
      problem: /unknown exporter/,
    });
    for (const name of ['constructor', '__proto__', 'toString', 'ExporterConfigManager', 'Path']) {
      assertConfigError(() => m.createExporters([{ class_name: name }]), { className: name, problem: /unknown exporter/ });
    }
    assert.equal(existsSync(marker), false);
  });

  test('a factory whose product is not an Exporter is rejected (the reference kept os.getcwd()`s string)', () => {
    const registry = createExporterRegistry();
    registry.register({ name: 'getcwd', create: () => process.cwd() as unknown as Exporter });
    registry.register({ name: 'half', create: () => ({ initialize() {}, exportStart() {} }) as unknown as Exporter });
    const m = manager({ registry });
    assertConfigError(() => m.createExporters([{ class_name: 'getcwd' }]), {
      className: 'getcwd',
      problem: /factory "getcwd" returned ".*", which is not an Exporter \(missing initialize, exportStart/,
    });
    assertConfigError(() => m.createExporters([{ class_name: 'half' }]), {
      problem: /missing exportStop, exportEvent, exportError, exportTelemetryDataError, flush, close\)$/,
    });
  });

  test('a factory that throws a plain error is reported with the exporter name and cause', () => {
    const registry = createExporterRegistry();
    const boom = new Error('no network');
    registry.register({
      name: 'remote',
      create: () => {
        throw boom;
      },
    });
    const err = assertConfigError(() => manager({ registry }).createExporters([{ class_name: 'remote' }]), {
      problem: /exporter "remote" could not be created: no network/,
    });
    assert.equal(err.cause, boom);
  });

  // S3: the reference's core hard-coded the downstream V1CompatibleExporter class name and built its special
  // keyword arguments itself. Here the core knows no such class; a factory states the context it needs.
  test('S3: the core holds no downstream exporter code (only the names of our own packages, loaded on demand); factories declare the context they need; a missing value is a clear error', () => {
    const v1 = 'nv_one_logger.training_telemetry.v1_adapter.v1_compatible_wandb_exporter.V1CompatibleExporter';
    // Without the first-party table (builtins off), the v1 name is unknown: nothing in core implements it.
    const bare = createExporterRegistry({ builtins: false });
    assert.equal(bare.canonicalName(v1), undefined);
    assertConfigError(() => manager({ registry: bare }).createExporters([{ class_name: v1 }], { oneLoggerConfig: { app: 'x' } }), {
      className: v1,
      problem: /^unknown exporter; /,
    });
    const registry = createExporterRegistry();
    let seen: unknown;
    registry.register({
      name: 'v1',
      aliases: ['nv_one_logger.training_telemetry.v1_adapter.v1_compatible_wandb_exporter.V1CompatibleExporter'],
      requiresContext: ['oneLoggerConfig'],
      create: (config, context) => {
        seen = { config, className: context.className, value: context.values.oneLoggerConfig };
        return new RecordingExporter(config);
      },
    });
    const m = manager({ registry });
    assertConfigError(() => m.createExporters([{ class_name: 'v1' }]), {
      problem: /exporter "v1" needs "oneLoggerConfig" from the application/,
    });
    const py = 'nv_one_logger.training_telemetry.v1_adapter.v1_compatible_wandb_exporter.V1CompatibleExporter';
    const [e] = m.createExporters([{ class_name: py, config: { project: 'p' } }], { oneLoggerConfig: { app: 'x' } });
    assert.ok(e instanceof RecordingExporter);
    assert.deepEqual(seen, { config: { project: 'p' }, className: py, value: { app: 'x' } });
  });

  test('createExporters does not initialize the exporters', () => {
    const registry = createExporterRegistry({ builtins: false });
    registry.register(recordingFactory);
    const [e] = manager({ registry }).createExporters([{ class_name: 'acme.RecordingExporter', config: { a: 1 } }]);
    assert.ok(e instanceof RecordingExporter);
    assert.deepEqual(e.calls, []);
    assert.deepEqual(e.options, { a: 1 });
  });
});

// ---- Registry ------------------------------------------------------------------------------------------------

describe('ExporterRegistry', () => {
  test('built-ins: file and logger with their aliases; an empty registry knows nothing', () => {
    const registry = createExporterRegistry();
    assert.deepEqual(registry.names(), ['file', 'logger']);
    assert.equal(registry.canonicalName(PY_FILE_EXPORTER), 'file');
    assert.equal(registry.canonicalName('nv_one_logger.exporter.logger_exporter.LoggerExporter'), 'logger');
    assert.equal(registry.canonicalName('fileexporter'), undefined, 'names are case-sensitive');
    assert.deepEqual(createExporterRegistry({ builtins: false }).knownNames(), []);
  });

  test('a name taken by another factory is an error unless replace is set; re-registering the same factory is a no-op', () => {
    const registry = createExporterRegistry();
    registry.register(recordingFactory);
    registry.register(recordingFactory);
    const other: ExporterFactory = { name: 'other', aliases: ['acme.RecordingExporter'], create: (c) => new RecordingExporter(c) };
    assert.throws(() => registry.register(other), /Exporter name "acme.RecordingExporter" is already registered by factory "recording"/);
    assert.throws(() => registry.register({ name: 'file', create: (c) => new RecordingExporter(c) }), /already registered/);
    registry.register(other, { replace: true });
    assert.equal(registry.get('recording'), undefined, 'the replaced factory is removed with its aliases');
    assert.equal(registry.canonicalName('acme.RecordingExporter'), 'other');
    assert.equal(registry.unregister('acme.RecordingExporter'), true);
    assert.equal(registry.get('other'), undefined);
  });

  test('malformed factories are rejected at registration', () => {
    const registry = createExporterRegistry();
    assert.throws(
      () => registry.register({ name: '', create: () => new RecordingExporter({}) }),
      /ExporterFactory\.name: must be a non-empty string/,
    );
    assert.throws(() => registry.register({ name: 'x' } as never), /ExporterFactory\(x\)\.create: must be a function/);
    assert.throws(
      () => registry.register({ name: 'x', aliases: 'y', create: () => new RecordingExporter({}) } as never),
      /aliases: must be an array/,
    );
  });

  test('the module-level registerExporterFactory registers in the process-wide registry', () => {
    registerExporterFactory(recordingFactory);
    try {
      const m = new ExporterConfigManager({ cwd: tempDir(), env: {} });
      assert.ok(m.createExporters([{ class_name: 'recording' }])[0] instanceof RecordingExporter);
    } finally {
      assert.equal(unregisterExporterFactory('recording'), true);
    }
    assert.equal(exporterRegistry.get('recording'), undefined);
  });

  test('parseFactoryConfig gives third-party factories the same strict validation', () => {
    const options = { url: configOption.string({ required: true }), retries: configOption.nonNegativeInteger() };
    assert.deepEqual(parseFactoryConfig('acme', { url: 'http://x' }, options), { url: 'http://x' });
    assert.deepEqual(parseFactoryConfig('acme', { url: 'http://x', retries: 2 }, options), { url: 'http://x', retries: 2 });
    assert.throws(
      () => parseFactoryConfig('acme', { url: 'http://x', retries: 1.5 }, options),
      /config\.retries: must be a non-negative integer \(got 1\.5\)/,
    );
    assert.throws(() => parseFactoryConfig('acme', { url: null }, options), /config\.url: must be a non-empty string \(got null\)/);
    assert.throws(
      () => parseFactoryConfig('acme', { token: 'abc' }, options),
      (e: Error) => !e.message.includes('abc') && /config\.token/.test(e.message),
    );
  });
});
