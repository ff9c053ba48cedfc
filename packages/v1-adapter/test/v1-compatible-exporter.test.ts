// spec/backends.md C.2, C.6 and C.9-7/8/9: the exporter factory, its properties and lifecycle, the W&B
// connection precedence, and the registry names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConfigError,
  ExportError,
  ExporterConfigError,
  ExporterConfigManager,
  exporterRegistry,
  internalLogger,
  type OneLoggerConfig,
} from '@nv-one-logger/core';
import { WandBExporterAsync, WandBExporterSync } from '@nv-one-logger/wandb';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { testApiKey } from '../../wandb/test/helpers/fake-wandb-server.js';
import {
  ConfigAdapter,
  V1_EXPORTER_CLASS_NAME,
  V1CompatibleExporter,
  V1CompatibleWandbExporterAsync,
  V1CompatibleWandbExporterSync,
  v1WandbExporterFactory,
} from '../src/index.js';
import { withEnv } from './helpers/env.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const KEY = testApiKey('v1unit');

function config(project = 'test_app'): OneLoggerConfig {
  return ConfigAdapter.convertToV2Config({
    one_logger_project: project,
    world_size: 1,
    app_tag_run_name: 'session',
    app_tag: 'perf',
    global_batch_size: 8,
    is_train_iterations_enabled: true,
    is_validation_iterations_enabled: true,
  });
}

describe('C.2 V1CompatibleExporter', () => {
  test('is_async mirrors the flag; the inner exporter is sync when false or absent, async when true', async () => {
    await withEnv({}, () => {
      for (const [arg, async] of [
        [undefined, false],
        [{}, false],
        [{ asyncMode: false }, false],
        [{ asyncMode: true }, true],
        [false, false],
        [true, true],
      ] as const) {
        const e = arg === undefined ? new V1CompatibleExporter(config()) : new V1CompatibleExporter(config(), arg);
        assert.equal(e.isAsync, async, String(JSON.stringify(arg)));
        assert.ok(e.exporter instanceof (async ? V1CompatibleWandbExporterAsync : V1CompatibleWandbExporterSync));
        assert.ok(e.exporter.wandb instanceof (async ? WandBExporterAsync : WandBExporterSync));
        // The recorder waits for the W&B exporter's own bound when closing the v1 exporter.
        assert.equal(e.exporter.shutdownTimeoutMillis, e.exporter.wandb.settings.shutdownTimeoutMillis);
        assert.ok(e.exporter.shutdownTimeoutMillis > 0);
      }
    });
  });

  test('the four properties are read-only; the run name is <application>-run-<uuid>, new per exporter', async () => {
    await withEnv({}, () => {
      const cfg = config();
      const e = new V1CompatibleExporter(cfg, { asyncMode: true });
      assert.equal(e.oneLoggerConfig, cfg);
      for (const name of ['exporter', 'isAsync', 'oneLoggerConfig', 'exporterConfig']) {
        assert.throws(() => {
          (e as unknown as Record<string, unknown>)[name] = 1;
        }, TypeError);
      }
      assert.match(e.exporterConfig.runName, /^test_app-run-[0-9a-f-]{36}$/);
      assert.notEqual(new V1CompatibleExporter(cfg).exporterConfig.runName, e.exporterConfig.runName);
    });
  });

  test('v1 defaults without W&B environment: entity hwinf_dcm, project = application, host, tags, no key', async () => {
    await withEnv({}, () => {
      const c = new V1CompatibleExporter(config()).exporterConfig;
      assert.equal(c.entity, 'hwinf_dcm');
      assert.equal(c.project, 'test_app');
      assert.equal(c.baseUrl, 'https://api.wandb.ai');
      assert.deepEqual(c.tags, ['e2e_metrics_enabled']);
      assert.equal(c.saveDir, './wandb');
      assert.equal(c.apiKey, '');
    });
  });

  test('the W&B environment wins over the v1 defaults (host, key, entity); explicit options win over both', async () => {
    await withEnv({ WANDB_BASE_URL: 'http://wandb.internal:8080/', WANDB_API_KEY: KEY, WANDB_ENTITY: 'my-team' }, () => {
      const fromEnv = new V1CompatibleExporter(config()).exporterConfig;
      assert.equal(fromEnv.baseUrl, 'http://wandb.internal:8080');
      assert.equal(fromEnv.entity, 'my-team');
      assert.equal(fromEnv.apiKey, '<redacted>');
      assert.ok(!JSON.stringify(fromEnv).includes(KEY), 'the key never shows in exporterConfig');
      const explicit = new V1CompatibleExporter(config(), {
        host: 'https://other.example',
        entity: 'ops',
        project: 'p2',
        runName: 'r',
        tags: ['a'],
      }).exporterConfig;
      assert.equal(explicit.baseUrl, 'https://other.example');
      assert.equal(explicit.entity, 'ops');
      assert.equal(explicit.project, 'p2');
      assert.equal(explicit.runName, 'r');
      assert.deepEqual(explicit.tags, ['a']);
    });
  });

  test('WANDB_PROJECT and WANDB_NAME do not replace the v1 run identity', async () => {
    await withEnv({ WANDB_PROJECT: 'elsewhere', WANDB_NAME: 'other-name' }, () => {
      const c = new V1CompatibleExporter(config()).exporterConfig;
      assert.equal(c.project, 'test_app');
      assert.match(c.runName, /^test_app-run-/);
    });
  });

  test('bad arguments: a plain object instead of a OneLoggerConfig, unknown options, a non-boolean async mode', async () => {
    await withEnv({}, () => {
      assert.throws(() => new V1CompatibleExporter({ applicationName: 'x' } as unknown as OneLoggerConfig), {
        name: 'ConfigError',
        message: 'V1CompatibleExporter.oneLoggerConfig: must be a OneLoggerConfig (see ConfigAdapter.convertToV2Config) (got object)',
      });
      assert.throws(
        () => new V1CompatibleExporter(config(), { async_mode: true } as never),
        /^ConfigError: V1ExporterOptions\.async_mode: is not an option/,
      );
      // The options are the W&B exporters' (without metricNaming: the v1 contract names every metric) and asyncMode.
      assert.throws(() => new V1CompatibleExporter(config(), { metricNaming: 'flat' } as never), {
        message:
          'V1ExporterOptions.metricNaming: is not an option; the options are asyncMode, entity, project, host, apiKey, runName, saveDir, tags, runId, resume, mode, requestTimeoutMillis, maxQueueSize, transmitIntervalMillis, shutdownTimeoutMillis, maxRetries, retryInitialMillis, retryMaxMillis, onDrop (got undefined)',
      });
      assert.throws(() => new V1CompatibleExporter(config(), { asyncMode: 'yes' } as never), {
        message: 'V1ExporterOptions.asyncMode: must be true or false (got "yes")',
      });
      assert.throws(() => new V1CompatibleExporter(config('a/b')), ConfigError);
    });
  });
});

describe('C.9-7 lifecycle: own state checks, READY only after the W&B exporter', () => {
  test('export before initialize fails; a failed initialize (no API key) leaves the exporter not ready', async () => {
    await withEnv({}, () => {
      const e = new V1CompatibleExporter(config());
      assert.equal(e.ready, false);
      assert.throws(() => e.exportTelemetryDataError({} as never), {
        name: 'ExportError',
        message: 'Exporter not initialized. Call initialize first.',
      });
      assert.throws(
        () => e.initialize(),
        (err: unknown) => err instanceof ExportError && /no API key/.test(err.message),
      );
      assert.equal(e.ready, false);
      assert.equal(e.exporter.ready, false);
    });
  });

  test('initialize, then close: both levels change state together; closed stays closed', async () => {
    await withEnv({ WANDB_API_KEY: KEY, WANDB_MODE: 'disabled' }, async () => {
      const e = new V1CompatibleExporter(config(), true);
      e.initialize();
      assert.equal(e.ready, true);
      assert.equal(e.exporter.ready, true);
      assert.equal(e.exporter.wandb.ready, true);
      await e.close();
      assert.equal(e.closed, true);
      assert.equal(e.exporter.closed, true);
      assert.equal(e.exporter.wandb.closed, true);
      assert.throws(() => e.exportTelemetryDataError({} as never), { message: 'Exporter is closed and cannot be used anymore.' });
    });
  });
});

describe('C.6 registry names', () => {
  test('v1_wandb and the reference class name resolve to the v1 factory', () => {
    assert.equal(exporterRegistry.get('v1_wandb'), v1WandbExporterFactory);
    assert.equal(exporterRegistry.get(V1_EXPORTER_CLASS_NAME), v1WandbExporterFactory);
    assert.equal(V1_EXPORTER_CLASS_NAME, 'nv_one_logger.training_telemetry.v1_adapter.v1_compatible_wandb_exporter.V1CompatibleExporter');
  });

  test('an entry builds a V1CompatibleExporter for the oneLoggerConfig of the context, with the entry config', async () => {
    await withEnv({}, () => {
      const manager = new ExporterConfigManager();
      const cfg = config('from_yaml');
      const [exporter] = manager.createExporters(
        [{ class_name: V1_EXPORTER_CLASS_NAME, config: { async_mode: true, entity: 'ops', run_name: 'yaml-run', tags: ['t1'] } }],
        { oneLoggerConfig: cfg },
      );
      assert.ok(exporter instanceof V1CompatibleExporter);
      assert.equal(exporter.isAsync, true);
      assert.equal(exporter.oneLoggerConfig, cfg);
      assert.equal(exporter.exporterConfig.project, 'from_yaml');
      assert.equal(exporter.exporterConfig.entity, 'ops');
      assert.equal(exporter.exporterConfig.runName, 'yaml-run');
      assert.deepEqual(exporter.exporterConfig.tags, ['t1']);
    });
  });

  test('without the one-logger config, or with a bad key, the error names the entry and the problem', () => {
    const manager = new ExporterConfigManager();
    assert.throws(
      () => manager.createExporters([{ class_name: 'v1_wandb', config: {} }]),
      (e: unknown) =>
        e instanceof ExporterConfigError && e.message.includes('exporter "v1_wandb" needs "oneLoggerConfig" from the application'),
    );
    assert.throws(
      () => manager.createExporters([{ class_name: 'v1_wandb', config: { asyncMode: true } }], { oneLoggerConfig: config() }),
      (e: unknown) => e instanceof ExporterConfigError && e.message.includes('config.asyncMode: is not an option of exporter "v1_wandb"'),
    );
    assert.throws(
      () => manager.createExporters([{ class_name: 'v1_wandb', config: { api_key: 7 } }], { oneLoggerConfig: config() }),
      (e: unknown) =>
        e instanceof ExporterConfigError && e.message.includes('config.api_key: must be a non-empty string (got "<redacted>")'),
    );
  });
});
