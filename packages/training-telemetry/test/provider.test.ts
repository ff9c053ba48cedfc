// TrainingTelemetryProvider: singleton, builder, merged configuration, export customisation, exporter
// configuration and the lazy training config (spec/training.md §1.5, §2, §10 items 17-35, §11 W3, W13, W14, W32).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ConfigError,
  ErrorHandlingStrategy,
  ExportCustomizationMode,
  FileExporter,
  internalLogger,
  OneLoggerError,
  OneLoggerProvider,
  telemetryRuntime,
} from '@nv-one-logger/core';
import { captureLibraryLog } from '../../core/test/helpers/library-log.js';
import { readRecords } from '../../core/test/helpers/records.js';
import {
  DEFAULT_SPAN_BLACKLIST,
  onAppEnd,
  onAppStart,
  onModelInitEnd,
  onModelInitStart,
  onTrainEnd,
  onTrainingSingleIterationEnd,
  onTrainingSingleIterationStart,
  onTrainStart,
  onValidationEnd,
  onValidationSingleIterationEnd,
  onValidationSingleIterationStart,
  onValidationStart,
  TrainingRecorder,
  TrainingTelemetryConfig,
  type TrainingTelemetryConfigInput,
  TrainingTelemetryProvider,
} from '../src/index.js';
import { assertExact } from './helpers/assert-exact.js';
import { throwsMessage } from './helpers/assert-throws.js';
import { createFakeClock, ms } from './helpers/fake-clock.js';
import { summary } from './helpers/record-queries.js';
import { RecordingExporter } from './helpers/recording-exporter.js';
import { TEST_BASE, TEST_TELEMETRY } from './helpers/setup.js';
import { useTestEnvironment } from './helpers/test-environment.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

// ------------------------------------------------------------------------------------------- helpers

const clock = createFakeClock({ perfOriginMs: 7_000 });
const { at, advance } = clock;
const testEnv = useTestEnvironment({ clock, tmpPrefix: 'tt-provider-', filePrefix: 'provider' });
const newFile = testEnv.newFile;

const BASE = TEST_BASE;
const TELEMETRY: TrainingTelemetryConfigInput = { ...TEST_TELEMETRY, logEveryNTrainIterations: 50 };

const provider = (): TrainingTelemetryProvider => TrainingTelemetryProvider.instance();

// ------------------------------------------------------------------------------------------- singleton

describe('singleton (spec §2.1, §10 item 17)', () => {
  test('item 17: instance() always returns the same object; direct construction is a TypeError', () => {
    assert.equal(TrainingTelemetryProvider.instance(), TrainingTelemetryProvider.instance());
    assert.throws(
      () => new TrainingTelemetryProvider(),
      (e: unknown) =>
        e instanceof TypeError &&
        e.message === 'TrainingTelemetryProvider cannot be instantiated directly. Use TrainingTelemetryProvider.instance() instead.',
    );
  });

  test('resetForTests gives a fresh, unconfigured instance and resets the core provider', () => {
    const first = provider();
    first.withBaseConfig(BASE).configureProvider();
    assert.equal(first.isReady, true);
    assert.equal(OneLoggerProvider.instance().isReady, true);
    TrainingTelemetryProvider.resetForTests();
    const second = provider();
    assert.notEqual(second, first);
    assert.equal(second.isReady, false);
    assert.equal(OneLoggerProvider.instance().isReady, false);
  });

  test('after configuration the core provider holds the same config and recorder', () => {
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .configureProvider();
    assert.equal(OneLoggerProvider.instance().config, p.config);
    assert.equal(OneLoggerProvider.instance().recorder, p.recorder);
    assert.equal(p.isReady, true);
    assert.equal(OneLoggerProvider.instance().isEnabled, true);
  });
});

// ------------------------------------------------------------------------------------------- builder

describe('builder and merged configuration (spec §2.2, §2.4, §10 items 18-27)', () => {
  test('item 18: a disabled rank keeps its config readable; the recorder has no exporters; quiet strategy by default', () => {
    const exporter = new RecordingExporter();
    const p = provider()
      .withBaseConfig({ ...BASE, enableForCurrentRank: false, telemetryConfig: TELEMETRY })
      .withExporter(exporter)
      .configureProvider();
    assert.equal(p.config.applicationName, 'test_app');
    assert.equal(p.config.enableForCurrentRank, false);
    assert.equal(p.config.errorHandlingStrategy, ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR);
    assert.equal(p.trainingConfig?.perfTag, 'test_perf');
    assert.ok(p.recorder instanceof TrainingRecorder);
    assert.deepStrictEqual(p.recorder.exporters, []);
    assert.deepStrictEqual(exporter.calls, [], 'the dropped exporter is not even initialised');
    assert.equal(telemetryRuntime.enabled, false);
  });

  test('item 19: base config only: the config fields match; the recorder has exactly the given exporter', () => {
    const exporter = new RecordingExporter();
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .withExporter(exporter)
      .configureProvider();
    assert.equal(p.config.applicationName, 'test_app');
    assert.equal(p.config.sessionTag, 'test_session');
    assert.equal(p.config.worldSize, 4);
    assert.equal(p.config.isBaselineRun, false);
    assert.equal(p.config.errorHandlingStrategy, ErrorHandlingStrategy.PROPAGATE_EXCEPTIONS);
    const tc = p.trainingConfig;
    assert.ok(tc instanceof TrainingTelemetryConfig);
    assert.equal(p.config.telemetryConfig, tc);
    assert.equal(tc.perfTag, 'test_perf');
    assert.equal(tc.globalBatchSize, 32);
    assert.equal(tc.flopsPerSample, 100);
    assert.equal(tc.isLogThroughputEnabled, true);
    assert.equal(tc.logEveryNTrainIterations, 50);
    assert.equal(p.recorder.exporters.length, 1);
    assert.equal(p.recorder.exporters[0], exporter);
    assert.deepStrictEqual(exporter.sequence, ['initialize']);
  });

  test('item 20: a second withBaseConfig is rejected', () => {
    provider().withBaseConfig(BASE);
    throwsMessage(() => provider().withBaseConfig(BASE), 'You can only call withBaseConfig once');
  });

  test('item 21: overrides deep-merge over the base; other base values survive', () => {
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .withConfigOverride({ worldSize: 8, telemetryConfig: { logEveryNTrainIterations: 100 } })
      .configureProvider();
    assert.equal(p.config.worldSize, 8);
    assert.equal(p.config.applicationName, 'test_app');
    assert.equal(p.config.sessionTag, 'test_session');
    assert.equal(p.trainingConfig?.logEveryNTrainIterations, 100);
    assert.equal(p.trainingConfig?.perfTag, 'test_perf');
    assert.equal(p.trainingConfig?.globalBatchSize, 32);
    assert.equal(p.trainingConfig?.flopsPerSample, 100);
    assert.equal(p.trainingConfig?.trainSamplesTarget, 32000);
  });

  test('item 21: overrides also merge over a base whose training config is a TrainingTelemetryConfig instance', () => {
    // The base config is "converted to a plain map" before the overrides are merged (spec §2.4); the
    // validated config offers toInput() for exactly this.
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: new TrainingTelemetryConfig(TELEMETRY) })
      .withConfigOverride({ telemetryConfig: { logEveryNTrainIterations: 100 } })
      .configureProvider();
    assert.equal(p.trainingConfig?.logEveryNTrainIterations, 100);
    assert.equal(p.trainingConfig?.perfTag, 'test_perf');
    assert.equal(p.trainingConfig?.globalBatchSize, 32);
  });

  test('the base config object given by the caller is not mutated by the merge', () => {
    const base = { ...BASE, telemetryConfig: { ...TELEMETRY } };
    provider()
      .withBaseConfig(base)
      .withConfigOverride({ worldSize: 8, telemetryConfig: { logEveryNTrainIterations: 100 } })
      .configureProvider();
    assert.equal(base.worldSize, 4);
    assert.equal(base.telemetryConfig.logEveryNTrainIterations, 50);
  });

  test('item 22: overrides only, without the required core fields → "Invalid configuration!…"', () => {
    throwsMessage(
      () => provider().withConfigOverride({ worldSize: 8 }).configureProvider(),
      'Invalid configuration! Did you forget some required fields?: OneLoggerConfig.applicationName: must be a string (got undefined)',
    );
    assert.equal(provider().isReady, false);
  });

  test('item 23: a later override of the same nested key wins', () => {
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .withConfigOverride({ telemetryConfig: { logEveryNTrainIterations: 100 } })
      .withConfigOverride({ telemetryConfig: { logEveryNTrainIterations: 200 } })
      .configureProvider();
    assert.equal(p.trainingConfig?.logEveryNTrainIterations, 200);
    assert.equal(p.trainingConfig?.perfTag, 'test_perf');
  });

  test('item 24: several exporters are kept in order (duplicates allowed); zero exporters is allowed with a warning', () => {
    const a = new RecordingExporter({ label: 'a' });
    const b = new RecordingExporter({ label: 'b' });
    const p = provider().withBaseConfig(BASE).withExporter(a).withExporter(b).withExporter(a).configureProvider();
    assert.deepStrictEqual(p.recorder.exporters, [a, b, a]);
    TrainingTelemetryProvider.resetForTests();

    const warnings: string[] = [];
    internalLogger.listener = (level, message) => {
      if (level === 'WARNING') warnings.push(message);
    };
    const q = provider().withBaseConfig(BASE).configureProvider();
    assert.deepStrictEqual(q.recorder.exporters, []);
    assert.deepStrictEqual(warnings, ['No exporters were configured: telemetry is collected but not exported.']);
  });

  test('item 25: neither base config nor overrides', () => {
    throwsMessage(
      () => provider().configureProvider(),
      'No configuration was provided. Please provide a base config and/or config overrides.',
    );
  });

  test('item 26: a complete config from overrides alone; unknown nested keys are rejected (strict config)', () => {
    const p = provider()
      .withConfigOverride({ ...BASE, telemetryConfig: { perfTag: 'from_override', globalBatchSize: 16 } })
      .configureProvider();
    assert.equal(p.config.applicationName, 'test_app');
    assert.equal(p.trainingConfig?.perfTag, 'from_override');
    assert.equal(p.trainingConfig?.globalBatchSize, 16);
    TrainingTelemetryProvider.resetForTests();
    assert.throws(
      () =>
        provider()
          .withConfigOverride({ ...BASE, telemetryConfig: { perfTag: 'p', globalBatchSize: 16, appTypeOrFn: 'training' } })
          .configureProvider(),
      (e: unknown) =>
        e instanceof OneLoggerError &&
        e.message.startsWith(
          'Invalid configuration! Did you forget some required fields?: TrainingTelemetryConfig.appTypeOrFn: is not a known option',
        ),
    );
  });

  test('item 27: an invalid world size in an override names the field and the rule', () => {
    throwsMessage(
      () => provider().withBaseConfig(BASE).withConfigOverride({ worldSize: -5 }).configureProvider(),
      'Invalid configuration! Did you forget some required fields?: OneLoggerConfig.worldSize: must be a positive integer or a function returning one (got -5)',
    );
  });

  test('W14: a bad nested training config is wrapped as "Invalid configuration!" with its cause', () => {
    assert.throws(
      () =>
        provider()
          .withBaseConfig({ ...BASE, telemetryConfig: { perfTag: 'p', globalBatchSize: 0 } })
          .configureProvider(),
      (e: unknown) => {
        assert.ok(e instanceof OneLoggerError);
        assert.equal(
          e.message,
          'Invalid configuration! Did you forget some required fields?: TrainingTelemetryConfig.globalBatchSize: globalBatchSize must be set to a positive value (got 0)',
        );
        assert.ok((e as Error).cause instanceof ConfigError);
        return true;
      },
    );
  });

  test('W32: a nested training config override over a base without one', () => {
    const p = provider()
      .withBaseConfig(BASE)
      .withConfigOverride({ telemetryConfig: { perfTag: 'late', globalBatchSize: 8 } })
      .configureProvider();
    assert.equal(p.trainingConfig?.perfTag, 'late');
    assert.equal(p.trainingConfig?.globalBatchSize, 8);
  });

  test('function-valued fields survive the merge as functions (evaluated on every read)', () => {
    let ws = 6;
    const p = provider()
      .withBaseConfig(BASE)
      .withConfigOverride({ worldSize: () => ws, telemetryConfig: { perfTag: () => ['a', 'b'], globalBatchSize: 8 } })
      .configureProvider();
    assert.equal(p.config.worldSize, 6);
    ws = 12;
    assert.equal(p.config.worldSize, 12);
    assert.deepStrictEqual(p.trainingConfig?.perfTag, ['a', 'b']);
  });

  test('configureProvider twice; accessors before configuration', () => {
    const p = provider();
    assert.equal(p.isReady, false);
    assert.equal(p.trainingConfig, undefined);
    throwsMessage(
      () => p.recorder,
      'You need to call TrainingTelemetryProvider.instance().configureProvider() once in your application before accessing the recorder.',
    );
    throwsMessage(
      () => p.config,
      'You need to call TrainingTelemetryProvider.instance().configureProvider() once in your application before accessing the config.',
    );
    p.withBaseConfig(BASE).configureProvider();
    throwsMessage(() => p.configureProvider(), 'You can only call configureProvider once per application.');
  });

  test('item 29: builder methods after configureProvider are rejected with the method name', () => {
    const p = provider().withBaseConfig(BASE).configureProvider();
    throwsMessage(() => p.withBaseConfig(BASE), 'withBaseConfig can be called only before configureProvider is called.');
    throwsMessage(
      () => p.withConfigOverride({ worldSize: 2 }),
      'withConfigOverride can be called only before configureProvider is called.',
    );
    throwsMessage(() => p.withExporter(new RecordingExporter()), 'withExporter can be called only before configureProvider is called.');
    throwsMessage(
      () => p.withExportCustomization(ExportCustomizationMode.EXPORT_ALL_SPANS),
      'withExportCustomization can be called only before configureProvider is called.',
    );
    throwsMessage(() => p.withExportConfig({ exporters: [] }), 'withExportConfig can be called only before configureProvider is called.');
  });
});

// ------------------------------------------------------------------------------------------- export customisation

describe('export customisation (spec §2.4, §10 items 28, 30, W3)', () => {
  function runShortJob(): void {
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    advance(1);
    onTrainingSingleIterationStart();
    const rec = provider().recorder;
    const dl = rec.start('data_loading');
    advance(1);
    rec.stop(dl);
    onTrainingSingleIterationEnd();
    onValidationStart();
    onValidationSingleIterationStart();
    advance(1);
    onValidationSingleIterationEnd();
    onValidationEnd();
    onTrainEnd();
  }

  test('item 30: default is BLACKLIST with the default list: short spans are not exported', async () => {
    assert.deepStrictEqual(DEFAULT_SPAN_BLACKLIST, [
      'training_single_iteration',
      'validation_single_iteration',
      'TESTING_SINGLE_ITERATION',
      'data_loading',
      'model_forward',
      'zero_grad',
      'model_backward',
      'optimizer_update',
    ]);
    const rec = new RecordingExporter();
    provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .withExporter(rec)
      .configureProvider();
    runShortJob();
    await onAppEnd();
    assert.deepStrictEqual(
      rec.sequence.filter((s) => s.startsWith('start') || s.startsWith('stop')),
      [
        'start:application',
        'start:training_loop',
        'start:validation_loop',
        'stop:validation_loop',
        'stop:training_loop',
        'stop:application',
      ],
    );
  });

  test('item 28: a whitelist is passed through; a second customisation is rejected', async () => {
    const file = newFile();
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .withExporter(new FileExporter({ filePath: file }))
      .withExportCustomization(ExportCustomizationMode.WHITELIST_SPANS, ['application', 'data_loading']);
    throwsMessage(
      () => p.withExportCustomization(ExportCustomizationMode.BLACKLIST_SPANS, ['application']),
      'You can only call withExportCustomization once',
    );
    p.configureProvider();
    runShortJob();
    await onAppEnd();
    const recs = readRecords(file);
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:data_loading',
      'stop:application',
    ]);
    // The nearest exported ancestor of data_loading (its parent training_loop is filtered out) is the application.
    assert.equal(recs[3]?.parent_id, 'id1');
  });

  test('W3: EXPORT_ALL_SPANS can be configured: every span is exported, iteration spans are returned', async () => {
    const file = newFile();
    provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .withExporter(new FileExporter({ filePath: file }))
      .withExportCustomization(ExportCustomizationMode.EXPORT_ALL_SPANS)
      .configureProvider();
    onAppStart();
    onTrainStart({ trainIterationsStart: 0 });
    const span = onTrainingSingleIterationStart();
    assert.equal(span?.name, 'training_single_iteration');
    onTrainingSingleIterationEnd();
    onTrainEnd();
    await onAppEnd();
    assert.deepStrictEqual(summary(readRecords(file)), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'start:training_loop',
      'complete:training_single_iteration',
      'event:training_metrics_update',
      'stop:training_loop',
      'stop:application',
    ]);
  });

  test('a blacklist/whitelist without names is rejected by the recorder', () => {
    assert.throws(
      () => provider().withBaseConfig(BASE).withExportCustomization(ExportCustomizationMode.BLACKLIST_SPANS, []).configureProvider(),
      (e: unknown) =>
        e instanceof OneLoggerError &&
        e.message === 'span_name_filter should be a non-empty list when export_customization_mode is BLACKLIST_SPANS',
    );
  });
});

// ------------------------------------------------------------------------------------------- exporter configuration

describe('exporter configuration (spec §2.3, §10 item 35)', () => {
  test('item 35: direct entries build FileExporter instances; disabled entries are skipped; file_path is honoured', async () => {
    const file = newFile();
    const direct = new RecordingExporter();
    const p = provider()
      .withBaseConfig(BASE)
      .withExporter(direct)
      .withExportConfig({
        exporters: [
          { class_name: 'file', config: { file_path: file } },
          { class_name: 'logger', enabled: false },
        ],
      })
      .configureProvider();
    const exporters = p.recorder.exporters;
    assert.equal(exporters.length, 2);
    assert.equal(exporters[0], direct);
    assert.ok(exporters[1] instanceof FileExporter);
    assert.equal((exporters[1] as FileExporter).filePath, file);
    onAppStart();
    await onAppEnd();
    assert.deepStrictEqual(summary(readRecords(file)), ['start:application', 'event:one_logger_initialization', 'stop:application']);
  });

  test('a config file with the Python class name works too', async () => {
    const file = newFile();
    const configPath = join(testEnv.dir, 'exporters.json');
    writeFileSync(
      configPath,
      JSON.stringify({ exporters: [{ class_name: 'nv_one_logger.exporter.file_exporter.FileExporter', config: { file_path: file } }] }),
    );
    const p = provider().withBaseConfig(BASE).withExportConfig({ configFilePath: configPath }).configureProvider();
    assert.equal(p.recorder.exporters.length, 1);
    onAppStart();
    await onAppEnd();
    assert.equal(readRecords(file).length, 3);
  });

  test('on a disabled rank configured exporters are not even built', () => {
    const file = newFile();
    const p = provider()
      .withBaseConfig({ ...BASE, enableForCurrentRank: false })
      .withExportConfig({ exporters: [{ class_name: 'file', config: { file_path: file } }] })
      .configureProvider();
    assert.deepStrictEqual(p.recorder.exporters, []);
    assert.equal(onAppStart(), undefined);
    assert.equal(existsSync(file), false);
  });
});

// ------------------------------------------------------------------------------------------- lazy training config

describe('setTrainingTelemetryConfig (spec §1.5, §10 items 31-34, W13)', () => {
  test('item 33: before configuration → the "configureProvider() once … before accessing the recorder." error', () => {
    throwsMessage(
      () => provider().setTrainingTelemetryConfig(TELEMETRY),
      'You need to call TrainingTelemetryProvider.instance().configureProvider() once in your application before accessing the recorder.',
    );
  });

  test('items 31 / W13: before onAppStart the config is only stored; onAppStart posts the config event', async () => {
    const rec = new RecordingExporter();
    const p = provider().withBaseConfig(BASE).withExporter(rec).configureProvider();
    p.setTrainingTelemetryConfig(TELEMETRY);
    assert.equal(p.trainingConfig?.perfTag, 'test_perf');
    assert.equal(p.config.worldSize, 4, 'the core world size is unaffected');
    assert.deepStrictEqual(rec.sequence, ['initialize']);
    assert.equal(p.recorder.state.flopsOverall, undefined);
    at(2);
    onAppStart();
    assert.deepStrictEqual(rec.sequence, [
      'initialize',
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
    ]);
    assert.equal(rec.calls[3]?.attributes?.timestamp_msec, ms(2));
    assert.equal(p.recorder.state.flopsOverall, 0, 'throughput on: the overall FLOP counter starts at 0');
    await onAppEnd();
  });

  test('item 34 / §9.2 lazy variant: a late config posts exactly one config event, timestamped now', async () => {
    const file = newFile();
    const rec = new RecordingExporter();
    const p = provider()
      .withBaseConfig({ ...BASE, worldSize: 2 })
      .withExporter(new FileExporter({ filePath: file }))
      .withExporter(rec)
      .configureProvider();
    at(0);
    onAppStart();
    at(0.5);
    const config = new TrainingTelemetryConfig({
      perfTag: 'demo_perf',
      globalBatchSize: 8,
      logEveryNTrainIterations: 2,
      seqLength: 128,
      flopsPerSample: 1000,
      isLogThroughputEnabled: true,
      trainIterationsTarget: 3,
      trainSamplesTarget: 24,
    });
    p.setTrainingTelemetryConfig(config);
    assert.equal(p.trainingConfig, config, 'a validated config is used as is');
    assert.equal(rec.sequence.filter((s) => s === 'event:update_training_telemetry_config').length, 1);
    at(1);
    onTrainStart({ trainIterationsStart: 0 });
    at(2);
    onTrainEnd();
    at(3);
    await onAppEnd();
    const recs = readRecords(file);
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:training_loop',
      'stop:application',
    ]);
    assertExact(recs[2]?.event.attributes, {
      perf_tag: 'demo_perf',
      global_batch_size: 8,
      log_every_n_train_iterations: 2,
      seq_length: 128,
      flops_per_sample: 1000,
      train_iterations_target: 3,
      train_samples_target: 24,
      checkpoint_strategy: 'sync',
      is_train_iterations_enabled: true,
      is_validation_iterations_enabled: true,
      is_test_iterations_enabled: true,
      is_save_checkpoint_enabled: true,
      is_log_throughput_enabled: true,
      timestamp_msec: ms(0.5),
    });
    assert.equal(recs[1]?.event.attributes.timestamp_msec, ms(0));
  });

  test('item 32: setting the training config again is rejected and nothing changes', () => {
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .configureProvider();
    const before = p.trainingConfig;
    throwsMessage(
      () => p.setTrainingTelemetryConfig({ perfTag: 'other', globalBatchSize: 1 }),
      'Training telemetry config has already been set.',
    );
    assert.equal(p.trainingConfig, before);
    assert.equal(p.trainingConfig?.perfTag, 'test_perf');
  });

  test('an invalid late config is rejected before anything is stored', () => {
    const p = provider().withBaseConfig(BASE).configureProvider();
    assert.throws(
      () => p.setTrainingTelemetryConfig({ perfTag: 'p', globalBatchSize: -1 }),
      (e: unknown) => e instanceof ConfigError && e.field === 'TrainingTelemetryConfig.globalBatchSize',
    );
    assert.equal(p.trainingConfig, undefined);
    p.setTrainingTelemetryConfig({ perfTag: 'p', globalBatchSize: 1 });
    assert.equal((p.trainingConfig as TrainingTelemetryConfig | undefined)?.globalBatchSize, 1);
  });

  test('item 34: an error while posting the config event propagates after the config is stored (propagate strategy)', () => {
    const rec = new RecordingExporter();
    const p = provider().withBaseConfig(BASE).withExporter(rec).configureProvider();
    onAppStart();
    let calls = 0;
    const perfTag = (): string => {
      calls++;
      if (calls > 1) throw new Error('perf tag service unavailable');
      return 'p';
    };
    assert.throws(
      () => p.setTrainingTelemetryConfig({ perfTag, globalBatchSize: 4 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith('TrainingTelemetryConfig.perfTag: the function threw: perf tag service unavailable'),
    );
    assert.ok(p.trainingConfig instanceof TrainingTelemetryConfig, 'stored before the event failed');
    const tde = rec.calls.filter((c) => c.op === 'telemetry_data_error');
    assert.equal(tde.length, 1);
    assert.ok(
      String(tde[0]?.attributes?.error_message).startsWith(
        'Exception in telemetry code when calling setTrainingTelemetryConfig: TrainingTelemetryConfig.perfTag: the function threw',
      ),
    );
    assert.equal(telemetryRuntime.enabled, true);
  });

  test('the same failure under the quiet strategy is swallowed and disables the library', () => {
    const p = provider()
      .withBaseConfig({ ...BASE, errorHandlingStrategy: ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR })
      .configureProvider();
    onAppStart();
    let calls = 0;
    p.setTrainingTelemetryConfig({
      perfTag: () => {
        if (++calls > 1) throw new Error('boom');
        return 'p';
      },
      globalBatchSize: 4,
    });
    assert.ok(p.trainingConfig !== undefined);
    assert.equal(telemetryRuntime.enabled, false);
    assert.equal(onModelInitStart(), undefined);
  });

  test('throughput off: the late config leaves the overall FLOP counter unset', () => {
    const p = provider().withBaseConfig(BASE).configureProvider();
    onAppStart();
    p.setTrainingTelemetryConfig({ perfTag: 'p', globalBatchSize: 4 });
    assert.equal(p.recorder.state.flopsOverall, undefined);
  });

  test('on a disabled rank the late config is stored and nothing is posted', () => {
    const rec = new RecordingExporter();
    const p = provider()
      .withBaseConfig({ ...BASE, enableForCurrentRank: false })
      .withExporter(rec)
      .configureProvider();
    onAppStart();
    p.setTrainingTelemetryConfig(TELEMETRY);
    assert.equal(p.trainingConfig?.perfTag, 'test_perf');
    assert.deepStrictEqual(rec.calls, []);
  });
});

// ------------------------------------------------------------------------------------------- disabling, shutdown

describe('forceDisableLogging and shutdown', () => {
  test('forceDisableLogging turns every callback into a no-op; shutdown still stops spans and closes exporters', async () => {
    const file = newFile();
    const p = provider()
      .withBaseConfig({ ...BASE, telemetryConfig: TELEMETRY })
      .withExporter(new FileExporter({ filePath: file }))
      .configureProvider();
    onAppStart();
    advance(1);
    onModelInitStart();
    p.forceDisableLogging();
    assert.equal(OneLoggerProvider.instance().isEnabled, false);
    assert.equal(onModelInitEnd(), undefined);
    assert.equal(onTrainStart({ trainIterationsStart: 0 }), undefined);
    advance(2);
    await p.shutdown();
    assert.equal(p.recorder.closed, true);
    const recs = readRecords(file);
    assert.deepStrictEqual(summary(recs), [
      'start:application',
      'event:one_logger_initialization',
      'event:update_training_telemetry_config',
      'complete:model_initialization',
      'stop:application',
    ]);
    assert.equal(recs[3]?.attributes.duration_msec, 2000);
    assert.equal(recs[4]?.attributes.duration_msec, 3000);
  });
});
