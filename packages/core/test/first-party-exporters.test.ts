// Our own exporter packages named in a config are loaded by package name (synchronously, configure() stays
// sync); nothing else is; a missing package or a Node that cannot require() ES modules gets an error saying
// what to do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadFirstPartyPackage } from '../src/exporter/first-party-exporters.js';
import { createExporterRegistry, ExporterConfig, ExporterConfigError, FIRST_PARTY_EXPORTERS, firstPartyPackageOf } from '../src/index.js';

const dir = mkdtempSync(join(os.tmpdir(), 'first-party-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the first-party table', () => {
  it('maps every exporter name and Python alias to its package; nothing else', () => {
    assert.deepEqual(
      [
        'otel',
        'nv_one_logger.otel.exporter.otel_exporter.OTelExporter',
        'wandb',
        'wandb_async',
        'nv_one_logger.wandb.exporter.wandb_exporter.WandBExporterAsync',
      ].map(firstPartyPackageOf),
      ['@nv-one-logger/otel', '@nv-one-logger/otel', '@nv-one-logger/wandb', '@nv-one-logger/wandb', '@nv-one-logger/wandb'],
    );
    for (const name of ['os.system', 'file', '@nv-one-logger/wandb', 'WANDB', '../wandb'])
      assert.equal(firstPartyPackageOf(name), undefined, name);
    const names = FIRST_PARTY_EXPORTERS.flatMap((p) => p.names);
    assert.equal(new Set(names).size, names.length, 'a name belongs to one package');
  });

  it('a package that is not installed: the error names it and says how to install it', () => {
    assert.throws(
      () => loadFirstPartyPackage('@nv-one-logger/not-a-package', 'notthere'),
      (e: unknown) =>
        e instanceof Error &&
        e.message ===
          'exporter "notthere" is provided by @nv-one-logger/not-a-package, which is not installed; install it: npm install @nv-one-logger/not-a-package',
    );
  });

  it('a registry built without builtins loads nothing by name', () => {
    const registry = createExporterRegistry({ builtins: false });
    assert.throws(
      () => registry.create(ExporterConfig.from({ class_name: 'wandb_async', config: { mode: 'disabled' } })),
      (e: unknown) => e instanceof ExporterConfigError && /^unknown exporter; known exporters: \(none registered\)/.test(e.problem),
    );
  });
});

describe('a config naming a first-party exporter, in a job that imports only core', () => {
  const job = join(dir, 'job.mjs');
  const core = new URL('../dist/index.js', import.meta.url).href;
  writeFileSync(
    job,
    `import { getRecorder, OneLoggerProvider } from ${JSON.stringify(core)};\n` +
      "OneLoggerProvider.instance().configure({ applicationName: 'a', sessionTag: 's', worldSize: 1 }, {});\n" +
      "process.stdout.write(getRecorder().exporterStatuses.map((s) => s.exporter.constructor.name).join(',') + '\\n');\n" +
      'await OneLoggerProvider.instance().shutdown();\n',
  );
  const config = join(dir, 'exporters.yaml');
  writeFileSync(
    config,
    'exporters:\n  - class_name: nv_one_logger.otel.exporter.otel_exporter.OTelExporter\n    config: { endpoint: "http://127.0.0.1:9", shutdown_timeout_millis: 200 }\n',
  );
  const run = (flags: string[]) =>
    spawnSync(process.execPath, [...flags, job], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, ONE_LOGGER_EXPORTER_CONFIG_PATH: config },
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });

  it('is loaded by package name and configured from the file alone', () => {
    const child = run([]);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, 'OTelExporter\n');
  });

  it('also when the job runs under tsx (whose require() gives the package its own copy of core): the factory lands in the one registry', () => {
    const tsx = new URL(import.meta.resolve('tsx')).href;
    const child = run(['--import', tsx]);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, 'OTelExporter\n');
  });

  it('where require() of ES modules is off: configure() fails saying to import the package', () => {
    const child = run(['--no-experimental-require-module']);
    assert.notEqual(child.status, 0);
    assert.match(
      child.stderr,
      /exporter "nv_one_logger\.otel\.exporter\.otel_exporter\.OTelExporter" is provided by @nv-one-logger\/otel, which cannot be loaded synchronously here: require\(\) of ES modules is off \(Node v[\d.]+; it is on by default from 20\.19 and 22\.12\); add `import '@nv-one-logger\/otel';` to the program \(before configure\(\)\)/,
    );
  });
});

describe('registerPackageExporterFactories (what an exporter package runs on import)', () => {
  it('registers idempotently; a name the application took keeps its factory, warns once per factory, never throws', async () => {
    const { exporterRegistry, internalLogger, registerPackageExporterFactories, unregisterExporterFactory } = await import(
      '../src/index.js'
    );
    const make = (name: string) => ({ name, create: () => ({}) as never });
    const ours = make('pkg_test_exporter');
    const theirs = make('pkg_test_taken');
    const mine = make('pkg_test_taken');
    const warnings: string[] = [];
    const previous = internalLogger.listener;
    internalLogger.listener = (level, message) => {
      if (level === 'WARNING') warnings.push(message);
    };
    try {
      exporterRegistry.register(theirs);
      assert.equal(registerPackageExporterFactories([ours]), true);
      assert.equal(registerPackageExporterFactories([ours]), true, 'importing twice is harmless');
      assert.equal(registerPackageExporterFactories([ours, mine]), false);
      assert.equal(exporterRegistry.get('pkg_test_taken'), theirs, "the application's factory is kept");
      assert.equal(exporterRegistry.get('pkg_test_exporter'), ours);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] as string, /^The pkg_test_taken exporter factory was not registered: /);
    } finally {
      internalLogger.listener = previous;
      unregisterExporterFactory('pkg_test_exporter');
      unregisterExporterFactory('pkg_test_taken');
    }
  });
});
