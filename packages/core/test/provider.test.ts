// OneLoggerProvider: singleton, configure, exporter-config wiring, shutdown/flush, disabled ranks, exit behaviour
// (spec/core.md §3.5, §5.11, §6.7, §8 items 22 and 33, §9 B17, U4, U13, C3, C4; DESIGN §7).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OneLoggerConfig, type OneLoggerConfigInput } from '../src/api/config.js';
import { installExitHandlers } from '../src/api/exit-handlers.js';
import { OneLoggerProvider } from '../src/api/provider.js';
import { getRecorder, startTimedSpan, timedSpan } from '../src/api/timed-span.js';
import { ConfigError, OneLoggerError } from '../src/core/errors.js';
import { Event } from '../src/core/event.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { DEFAULT_LOG_FORMAT, internalLogger, type LogLevel } from '../src/internal/logger.js';
import { ErrorHandlingStrategy, runtime } from '../src/internal/runtime.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';
import { captureLibraryLog } from './helpers/library-log.js';
import { type Rec, readRecords } from './helpers/records.js';

// The library's errors and warnings these tests provoke are captured, not printed among the results.
captureLibraryLog(internalLogger);

const QUIET = ErrorHandlingStrategy.DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR;
const NOT_CONFIGURED = 'One Logger is not configured! Use OneLoggerProvider.instance().configure() to configure One Logger.';
const ALREADY_CONFIGURED = 'OneLoggerProvider already configured! You must call configure() once and only once.';
const SRC_INDEX_URL = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
const TSX_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const root = mkdtempSync(join(tmpdir(), 'olg-provider-'));
const LOG_FILE = join(root, 'onelogger.log');
let counter = 0;
after(() => rmSync(root, { recursive: true, force: true }));

let logLines: Array<{ level: LogLevel; message: string }> = [];
let savedConfigEnv: string | undefined;
beforeEach(() => {
  savedConfigEnv = process.env.ONE_LOGGER_EXPORTER_CONFIG_PATH;
  delete process.env.ONE_LOGGER_EXPORTER_CONFIG_PATH;
  logLines = [];
  // Diagnostics go to a temp file (not stderr); the listener captures them for assertions.
  internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: LOG_FILE });
  internalLogger.listener = (level, message) => logLines.push({ level, message });
});
afterEach(async () => {
  await OneLoggerProvider.instance().shutdown();
  OneLoggerProvider.resetForTests();
  if (savedConfigEnv !== undefined) process.env.ONE_LOGGER_EXPORTER_CONFIG_PATH = savedConfigEnv;
});

function newPath(suffix = '.jsonl'): string {
  return join(root, `f${++counter}${suffix}`);
}

function config(extra: Partial<OneLoggerConfigInput> = {}): OneLoggerConfigInput {
  return {
    applicationName: 'provider_test',
    sessionTag: 'session',
    worldSize: 1,
    loggerConfig: { logFilePathForInfo: LOG_FILE },
    ...extra,
  };
}

function fileRecorder(file: string, buffered = false): { recorder: DefaultRecorder; exporter: FileExporter } {
  const exporter = new FileExporter({ filePath: file, ...(buffered ? { buffered: { flushIntervalMs: 0 } } : {}) });
  return { recorder: new DefaultRecorder({ exporters: [exporter] }), exporter };
}

function errorsLogged(): string[] {
  return logLines.filter((l) => l.level === 'ERROR').map((l) => l.message);
}

function shape(records: Rec[]): string[][] {
  return records.map((r) => [r.type, r.name ?? r.event?.name ?? r.error?.name]);
}

/** Writes a child program (importing the library sources) into a fresh directory. */
function childProgram(body: string): { dir: string; script: string } {
  const dir = mkdtempSync(join(root, 'child-'));
  const script = join(dir, 'main.mts');
  writeFileSync(script, `import * as lib from ${JSON.stringify(SRC_INDEX_URL)};\n${body}`);
  return { dir, script };
}

/** Runs `script` with tsx in `dir` until it exits (asynchronously, so child tests can run concurrently). */
function runToExit(dir: string, script: string): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_URL, script], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within 20 s: ${stderr}`));
    }, 20_000);
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stderr });
    });
  });
}

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  pid: number | undefined;
  stderr: string;
}

/** Runs `script`, waits for it to print "ready", runs `whenReady`, sends `signal` and waits for the exit. */
async function signalWhenReady(dir: string, script: string, signal: NodeJS.Signals, whenReady: () => void = () => {}): Promise<ChildExit> {
  const child = spawn(process.execPath, ['--import', TSX_URL, script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child not ready: ${stderr}`)), 20_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        reject(new Error(`child exited before it was ready: ${stderr}`));
      });
    });
    whenReady();
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.kill(signal);
  const { code, signal: sig } = await exited;
  return { code, signal: sig, pid: child.pid, stderr };
}

describe('OneLoggerProvider: singleton', () => {
  test('instance() returns the same object; direct construction throws a TypeError (#22, C4)', () => {
    const a = OneLoggerProvider.instance();
    assert.equal(OneLoggerProvider.instance(), a);
    assert.throws(
      () => new (OneLoggerProvider as unknown as new () => OneLoggerProvider)(),
      (e) =>
        e instanceof TypeError &&
        e.message === 'OneLoggerProvider cannot be instantiated directly. Use OneLoggerProvider.instance() instead.',
    );
    assert.equal(OneLoggerProvider.instance(), a);
  });

  test('resetForTests gives a fresh, unconfigured instance (U13)', () => {
    const a = OneLoggerProvider.instance();
    a.configure(config(), new DefaultRecorder({ exporters: [] }));
    assert.equal(a.isReady, true);
    OneLoggerProvider.resetForTests();
    const b = OneLoggerProvider.instance();
    assert.notEqual(b, a);
    assert.equal(b.isReady, false);
    assert.equal(runtime.configured, false);
  });
});

describe('OneLoggerProvider: configure', () => {
  test('configure stores the validated config and the recorder; returns the provider', () => {
    const recorder = new DefaultRecorder({ exporters: [] });
    const provider = OneLoggerProvider.instance();
    assert.equal(provider.configure(config({ applicationName: 'stored' }), recorder), provider);
    assert.ok(provider.config instanceof OneLoggerConfig);
    assert.equal(provider.config.applicationName, 'stored');
    assert.equal(provider.recorder, recorder);
    assert.equal(provider.isReady, true);
    assert.equal(provider.isEnabled, true);
  });

  test('configuring again with a different config or recorder throws "already configured!" and keeps the first (#33)', () => {
    const provider = OneLoggerProvider.instance();
    const cfg = new OneLoggerConfig(config({ applicationName: 'first' }));
    const recorder = new DefaultRecorder({ exporters: [] });
    provider.configure(cfg, recorder);
    const other = new DefaultRecorder({ exporters: [] });
    const isAlready = (e: unknown) => e instanceof OneLoggerError && e.message === ALREADY_CONFIGURED;
    assert.throws(() => provider.configure(new OneLoggerConfig(config({ applicationName: 'second' })), other), isAlready);
    assert.throws(() => provider.configure(cfg, other), isAlready);
    assert.throws(() => provider.configure(config({ applicationName: 'first' }), recorder), isAlready);
    assert.equal(provider.config, cfg);
    assert.equal(provider.recorder, recorder);
  });

  test('configuring twice with the same objects is a harmless no-op', () => {
    const provider = OneLoggerProvider.instance();
    const input = config();
    const recorder = new DefaultRecorder({ exporters: [] });
    provider.configure(input, recorder);
    const cfg = provider.config;
    assert.equal(provider.configure(input, recorder), provider);
    assert.equal(provider.configure(cfg, recorder), provider);
    assert.equal(provider.config, cfg);
    assert.equal(provider.recorder, recorder);
  });

  test('configure(undefined) and an invalid config throw; the provider stays unconfigured and can be configured later', () => {
    const provider = OneLoggerProvider.instance();
    assert.throws(
      () => provider.configure(undefined as unknown as OneLoggerConfigInput),
      (e) => e instanceof OneLoggerError && e.message === 'config cannot be undefined.',
    );
    assert.throws(
      () => provider.configure(config({ worldSize: 0 }), new DefaultRecorder({ exporters: [] })),
      (e) => e instanceof ConfigError && e.field === 'OneLoggerConfig.worldSize',
    );
    assert.equal(provider.isReady, false);
    provider.configure(config(), new DefaultRecorder({ exporters: [] }));
    assert.equal(provider.isReady, true);
  });

  test('configure installs no signal handlers and one beforeExit listener, removed by shutdown', async () => {
    const before = {
      term: process.listenerCount('SIGTERM'),
      int: process.listenerCount('SIGINT'),
      exit: process.listenerCount('beforeExit'),
    };
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), new DefaultRecorder({ exporters: [] }));
    assert.equal(process.listenerCount('SIGTERM'), before.term);
    assert.equal(process.listenerCount('SIGINT'), before.int);
    assert.equal(process.listenerCount('beforeExit'), before.exit + 1);
    await provider.shutdown();
    assert.equal(process.listenerCount('beforeExit'), before.exit);
  });
});

describe('OneLoggerProvider: use before configure', () => {
  test('getRecorder, timedSpan and startTimedSpan throw the clear OneLoggerError; the callback never runs', () => {
    const isNotConfigured = (e: unknown) => e instanceof OneLoggerError && e.message === NOT_CONFIGURED;
    assert.throws(() => getRecorder(), isNotConfigured);
    let ran = false;
    assert.throws(
      () =>
        timedSpan('early', () => {
          ran = true;
        }),
      isNotConfigured,
    );
    assert.throws(
      () =>
        timedSpan('early_async', async () => {
          ran = true;
        }),
      isNotConfigured,
    );
    assert.throws(() => startTimedSpan('early'), isNotConfigured);
    assert.equal(ran, false);
  });

  test('recorder and config getters name what to do; isReady/isEnabled are false; flush and shutdown resolve', async () => {
    const provider = OneLoggerProvider.instance();
    assert.throws(
      () => provider.recorder,
      (e) =>
        e instanceof OneLoggerError &&
        e.message === 'You need to call OneLoggerProvider.instance().configure() once in your application before accessing the recorder.',
    );
    assert.throws(
      () => provider.config,
      (e) =>
        e instanceof OneLoggerError &&
        e.message === 'You need to call OneLoggerProvider.instance().configure() once in your application before accessing the config.',
    );
    assert.equal(provider.isReady, false);
    assert.equal(provider.isEnabled, false);
    assert.equal(await provider.flush(), undefined);
    assert.equal(await provider.shutdown(), undefined);
  });

  test('a DefaultRecorder used directly without configure records to its exporters (U4)', async () => {
    const file = newPath();
    const { recorder } = fileRecorder(file);
    const span = recorder.start('direct', { spanAttributes: { k: 1 } });
    assert.ok(span !== undefined);
    recorder.event(span, Event.create('tick', { n: 1 }));
    recorder.stop(span);
    await recorder.close();
    assert.deepEqual(shape(readRecords(file)), [
      ['start', 'direct'],
      ['event', 'tick'],
      ['stop', 'direct'],
    ]);
  });
});

describe('OneLoggerProvider: exporters from configuration', () => {
  test('without a recorder, exporters come from a direct list { class_name: "file", config: { file_path } }', async () => {
    const file = newPath();
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), { exporters: [{ class_name: 'file', config: { file_path: file } }] });
    const recorder = provider.recorder;
    assert.ok(recorder instanceof DefaultRecorder);
    assert.equal(recorder.exporters.length, 1);
    const exporter = recorder.exporters[0];
    assert.ok(exporter instanceof FileExporter);
    assert.equal(exporter.filePath, file);
    assert.equal(
      timedSpan('application', () => 'ok'),
      'ok',
    );
    await provider.shutdown();
    assert.equal(exporter.closed, true);
    const records = readRecords(file);
    assert.deepEqual(shape(records), [['complete', 'application']]);
  });

  test('a JSON config file given by absolute configFilePath (independent of the cwd)', async () => {
    const out = newPath();
    const cfgFile = newPath('.json');
    writeFileSync(cfgFile, JSON.stringify({ exporters: [{ class_name: 'FileExporter', config: { file_path: out } }] }));
    assert.notEqual(process.cwd(), root);
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), { configFilePath: cfgFile });
    const exporters = (provider.recorder as DefaultRecorder).exporters;
    assert.equal(exporters.length, 1);
    assert.equal((exporters[0] as FileExporter).filePath, out);
    await timedSpan('application', async () => {
      timedSpan('step', () => undefined);
    });
    await provider.shutdown();
    assert.deepEqual(shape(readRecords(out)), [
      ['start', 'application'],
      ['complete', 'step'],
      ['stop', 'application'],
    ]);
  });

  test("a YAML config file with the reference's Python class name and a disabled entry", async () => {
    const out = newPath();
    const unused = newPath();
    const cfgFile = newPath('.yaml');
    writeFileSync(
      cfgFile,
      [
        'exporters:',
        '  - class_name: nv_one_logger.exporter.file_exporter.FileExporter',
        '    config:',
        `      file_path: ${JSON.stringify(out)}`,
        '  - class_name: file',
        '    config:',
        `      file_path: ${JSON.stringify(unused)}`,
        '    enabled: false',
        '',
      ].join('\n'),
    );
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), { configFilePath: cfgFile });
    assert.equal((provider.recorder as DefaultRecorder).exporters.length, 1);
    timedSpan('yaml_span', () => undefined);
    await provider.shutdown();
    assert.deepEqual(shape(readRecords(out)), [['complete', 'yaml_span']]);
    assert.equal(existsSync(unused), false);
  });

  test('direct entries are merged over the file: the direct file_path wins', async () => {
    const fromFile = newPath();
    const fromDirect = newPath();
    const cfgFile = newPath('.json');
    writeFileSync(cfgFile, JSON.stringify({ exporters: [{ class_name: 'file', config: { file_path: fromFile } }] }));
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), {
      configFilePath: cfgFile,
      exporters: [{ class_name: 'FileExporter', config: { file_path: fromDirect } }],
    });
    const exporters = (provider.recorder as DefaultRecorder).exporters;
    assert.deepEqual(
      exporters.map((e) => (e as FileExporter).filePath),
      [fromDirect],
    );
    timedSpan('merged', () => undefined);
    await provider.shutdown();
    assert.deepEqual(shape(readRecords(fromDirect)), [['complete', 'merged']]);
    assert.equal(existsSync(fromFile), false);
  });

  test('propagate strategy: a broken config file makes configure throw, naming the file; the provider stays unconfigured', () => {
    const cfgFile = newPath('.json');
    writeFileSync(cfgFile, '{ "exporters": [ { "class_name": "file", ');
    const provider = OneLoggerProvider.instance();
    assert.throws(
      () => provider.configure(config(), { configFilePath: cfgFile }),
      (e) => e instanceof OneLoggerError && e.message.includes(cfgFile) && /malformed JSON/.test(e.message),
    );
    assert.equal(provider.isReady, false);
    const missing = join(root, 'does-not-exist.yaml');
    assert.throws(
      () => provider.configure(config(), { configFilePath: missing }),
      (e) => e instanceof OneLoggerError && e.message.includes(missing),
    );
    assert.throws(
      () => provider.configure(config(), { exporters: [{ class_name: 'os.system', config: { command: 'echo pwned' } }] }),
      (e) => e instanceof OneLoggerError && e.message.includes('os.system') && e.message.includes('unknown exporter'),
    );
    assert.equal(provider.isReady, false);
  });

  test('quiet strategy: a broken config file does not throw; the problem is logged naming the file; spans still work', async () => {
    const cfgFile = newPath('.yaml');
    writeFileSync(cfgFile, 'exporters: [ { class_name: file, config: { file_path: x.jsonl } \n');
    const provider = OneLoggerProvider.instance();
    provider.configure(config({ errorHandlingStrategy: QUIET }), { configFilePath: cfgFile });
    assert.equal(provider.isReady, true);
    assert.equal(provider.isEnabled, true);
    const errors = errorsLogged();
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0]?.startsWith('Exporter configuration failed: '), errors[0]);
    assert.ok(errors[0]?.includes(cfgFile), errors[0]);
    assert.equal((provider.recorder as DefaultRecorder).exporters.length, 0);
    assert.equal(
      timedSpan('still_works', () => 3),
      3,
    );
  });

  test('quiet strategy: with a broken config file, the valid direct exporters still record, and get a telemetry_data_error naming the file', async () => {
    const out = newPath();
    const cfgFile = newPath('.json');
    writeFileSync(cfgFile, 'not json');
    const provider = OneLoggerProvider.instance();
    provider.configure(config({ errorHandlingStrategy: QUIET }), {
      configFilePath: cfgFile,
      exporters: [{ class_name: 'file', config: { file_path: out } }],
    });
    timedSpan('after_bad_config', () => undefined);
    await provider.shutdown();
    assert.ok(existsSync(out), 'the direct exporter was dropped together with the broken file');
    const records = readRecords(out);
    const tde = records.find((r) => r.type === 'telemetry_data_error');
    assert.ok(tde?.error.attributes.error_message.includes(cfgFile));
    assert.ok(records.some((r) => r.name === 'after_bad_config'));
  });
});

describe('OneLoggerProvider: flush and shutdown', () => {
  test('flush() writes what a buffered FileExporter holds', async () => {
    const file = newPath();
    const { recorder } = fileRecorder(file, true);
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), recorder);
    timedSpan('buffered', () => undefined);
    assert.deepEqual(readRecords(file), []);
    await provider.flush();
    assert.deepEqual(shape(readRecords(file)), [['complete', 'buffered']]);
  });

  test('shutdown() stops open spans (children first), closes exporters, and is idempotent', async () => {
    const file = newPath();
    const { recorder, exporter } = fileRecorder(file, true);
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), recorder);
    const app = getRecorder().start('application');
    const step = getRecorder().start('step');
    assert.equal(step?.parentSpan, app);
    const first = provider.shutdown();
    const second = provider.shutdown();
    assert.equal(first, second);
    await first;
    assert.equal(app?.active, false);
    assert.equal(step?.active, false);
    assert.equal(exporter.closed, true);
    assert.equal(recorder.closed, true);
    const records = readRecords(file);
    assert.deepEqual(shape(records), [
      ['start', 'application'],
      ['complete', 'step'],
      ['stop', 'application'],
    ]);
    assert.equal(records[1]?.parent_id, app?.id);
    await provider.shutdown();
    assert.equal(readRecords(file).length, 3);
    assert.deepEqual(errorsLogged(), []);
  });

  test('shutdown() while an async timedSpan is in flight: the span is stopped once and the body still resolves', async () => {
    const file = newPath();
    const { recorder } = fileRecorder(file);
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), recorder);
    const inFlight = timedSpan('long_job', async () => {
      await new Promise((r) => setTimeout(r, 30));
      return 'finished';
    });
    await provider.shutdown();
    assert.equal(await inFlight, 'finished');
    assert.deepEqual(errorsLogged(), []);
    const records = readRecords(file);
    assert.deepEqual(shape(records), [['complete', 'long_job']]);
  });

  test('shutdown() never rejects, even when an exporter fails to close', async () => {
    const file = newPath();
    const exporter = new FileExporter({ filePath: file });
    exporter.close = () => {
      throw new Error('disk gone');
    };
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), new DefaultRecorder({ exporters: [exporter] }));
    await provider.shutdown();
    assert.deepEqual(errorsLogged(), ['Could not close the exporter FileExporter: disk gone']);
  });
});

describe('OneLoggerProvider: disabled rank and force-disable', () => {
  test('rank disabled: every recorder call is a no-op returning undefined; no records; nothing else logged', async () => {
    const file = newPath();
    const { recorder } = fileRecorder(file);
    const provider = OneLoggerProvider.instance();
    provider.configure(config({ enableForCurrentRank: false }), recorder);
    assert.equal(provider.isReady, true);
    assert.equal(provider.isEnabled, false);
    const r = getRecorder();
    const span = r.start('application');
    assert.equal(span, undefined);
    assert.equal(r.event(span, Event.create('e')), undefined);
    assert.equal(r.error(span, 'msg', new Error('x')), undefined);
    assert.equal(r.telemetryDataError('problem'), undefined);
    assert.equal(r.stop(span), undefined);
    let seen: unknown = 'unset';
    assert.equal(
      timedSpan('work', (s) => {
        seen = s;
        return 'value';
      }),
      'value',
    );
    assert.equal(seen, undefined);
    using handle = startTimedSpan('disposable');
    assert.equal(handle.span, undefined);
    await provider.shutdown();
    assert.deepEqual(readRecords(file), []);
    // Only the config's rank warning; the skip warnings are below the CRITICAL level of disabled ranks.
    assert.equal(logLines.length, 1);
    assert.ok(logLines[0]?.message.includes('with OneLogger disabled'));
  });

  test('rank disabled with exporter configuration: no exporter is even created', async () => {
    const file = newPath();
    const provider = OneLoggerProvider.instance();
    provider.configure(config({ enableForCurrentRank: false }), { exporters: [{ class_name: 'file', config: { file_path: file } }] });
    assert.equal((provider.recorder as DefaultRecorder).exporters.length, 0);
    timedSpan('nothing', () => undefined);
    await provider.shutdown();
    assert.equal(existsSync(file), false);
  });

  test('force-disable: later calls are no-ops; shutdown still closes exporters and writes the held span (B17)', async () => {
    const file = newPath();
    const { recorder, exporter } = fileRecorder(file);
    const provider = OneLoggerProvider.instance();
    provider.configure(config(), recorder);
    timedSpan('before', () => undefined);
    const app = getRecorder().start('application');
    provider.forceDisableLogging();
    assert.equal(provider.isEnabled, false);
    assert.equal(runtime.forceDisabled, true);
    let seen: unknown = 'unset';
    timedSpan('after', (s) => {
      seen = s;
    });
    assert.equal(seen, undefined);
    assert.equal(getRecorder().start('ignored'), undefined);
    await provider.shutdown();
    assert.equal(exporter.closed, true);
    assert.equal(app?.active, false);
    assert.deepEqual(shape(readRecords(file)), [
      ['complete', 'before'],
      ['complete', 'application'],
    ]);
  });
});

// Child-process tests only (no in-process provider state), so they run concurrently.
describe('OneLoggerProvider: process exit (child processes)', { concurrency: true }, () => {
  test('natural exit without shutdown(): a buffered FileExporter loses nothing (beforeExit flush)', async () => {
    const { dir, script } = childProgram(`
const exporter = new lib.FileExporter({ filePath: 'out/run.jsonl', buffered: { flushIntervalMs: 0, maxBufferBytes: 1 << 20 } });
lib.OneLoggerProvider.instance().configure({ applicationName: 'exit_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [exporter] }));
await lib.timedSpan('application', async (app) => {
  for (let i = 0; i < 3; i++) {
    await lib.timedSpan('step', async (s) => {
      await new Promise((r) => setTimeout(r, 2));
      lib.getRecorder().event(s, lib.Event.create('step_done', { i }));
    }, { spanAttributes: { i } });
  }
  lib.getRecorder().event(app, lib.Event.create('app_done'));
});
`);
    const run = await runToExit(dir, script);
    assert.equal(run.status, 0, run.stderr);
    const records = readRecords(join(dir, 'out', 'run.jsonl'));
    assert.deepEqual(shape(records), [
      ['start', 'application'],
      ['start', 'step'],
      ['event', 'step_done'],
      ['stop', 'step'],
      ['start', 'step'],
      ['event', 'step_done'],
      ['stop', 'step'],
      ['start', 'step'],
      ['event', 'step_done'],
      ['stop', 'step'],
      ['event', 'app_done'],
      ['stop', 'application'],
    ]);
    assert.deepEqual(
      records.map((r) => r.count),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  test('process.exit() without shutdown(): the exit hook writes the buffer', async () => {
    const { dir, script } = childProgram(`
const exporter = new lib.FileExporter({ filePath: 'out.jsonl', buffered: { flushIntervalMs: 0 } });
lib.OneLoggerProvider.instance().configure({ applicationName: 'exit_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [exporter] }));
lib.timedSpan('work', () => undefined);
setInterval(() => {}, 1000);
setTimeout(() => process.exit(3), 10);
`);
    const run = await runToExit(dir, script);
    assert.equal(run.status, 3, run.stderr);
    assert.deepEqual(shape(readRecords(join(dir, 'out.jsonl'))), [['complete', 'work']]);
  });

  test('natural exit without shutdown(): the start of a span still running is not lost', async () => {
    const { dir, script } = childProgram(`
const exporter = new lib.FileExporter({ filePath: 'out.jsonl', buffered: { flushIntervalMs: 0 } });
lib.OneLoggerProvider.instance().configure({ applicationName: 'exit_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [exporter] }));
lib.getRecorder().start('application');
`);
    const run = await runToExit(dir, script);
    assert.equal(run.status, 0, run.stderr);
    const records = readRecords(join(dir, 'out.jsonl'));
    assert.deepEqual(
      records.map((r) => r.name),
      ['application'],
    );
  });

  test('installExitHandlers: SIGTERM shuts down (the file holds the application span) and exits with 143', async () => {
    const { dir, script } = childProgram(`
const exporter = new lib.FileExporter({ filePath: 'out.jsonl', buffered: { flushIntervalMs: 0 } });
lib.OneLoggerProvider.instance().configure({ applicationName: 'signal_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [exporter] }));
lib.installExitHandlers();
await lib.timedSpan('application', async (app) => {
  lib.timedSpan('setup', () => undefined);
  lib.getRecorder().event(app, lib.Event.create('ready'));
  process.stdout.write('ready\\n');
  await new Promise(() => setInterval(() => {}, 1000));
});
`);
    const result = await signalWhenReady(dir, script, 'SIGTERM', () => {
      // Nothing is on disk yet: the exporter buffers and has no flush timer.
      assert.equal(readFileSync(join(dir, 'out.jsonl'), 'utf8'), '');
    });
    assert.equal(result.signal, null, result.stderr);
    assert.equal(result.code, 143, result.stderr);
    const records = readRecords(join(dir, 'out.jsonl'));
    assert.deepEqual(shape(records), [
      ['start', 'application'],
      ['complete', 'setup'],
      ['event', 'ready'],
      ['stop', 'application'],
    ]);
    assert.ok(records.every((r) => r.pid === result.pid));
  });

  test('installExitHandlers: SIGINT exits with 130 after writing the records', async () => {
    const { dir, script } = childProgram(`
lib.OneLoggerProvider.instance().configure({ applicationName: 'signal_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [new lib.FileExporter({ filePath: 'out.jsonl' })] }));
lib.installExitHandlers();
lib.startTimedSpan('application');
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`);
    const result = await signalWhenReady(dir, script, 'SIGINT');
    assert.equal(result.code, 130, result.stderr);
    assert.deepEqual(shape(readRecords(join(dir, 'out.jsonl'))), [['complete', 'application']]);
  });

  test('installExitHandlers: the exit code is 128 + the signal number for any handled signal (SIGALRM -> 142)', async () => {
    const { dir, script } = childProgram(`
lib.OneLoggerProvider.instance().configure({ applicationName: 'signal_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [new lib.FileExporter({ filePath: 'out.jsonl' })] }));
lib.installExitHandlers({ signals: ['SIGALRM'] });
lib.timedSpan('work', () => undefined);
setInterval(() => {}, 1000);
process.kill(process.pid, 'SIGALRM');
`);
    const run = await runToExit(dir, script);
    assert.equal(run.status, 128 + (osConstants.signals.SIGALRM as number), run.stderr);
    assert.deepEqual(shape(readRecords(join(dir, 'out.jsonl'))), [['complete', 'work']]);
  });

  test('installExitHandlers: a hanging shutdown is bounded by timeoutMs and still exits with 143', async () => {
    const { dir, script } = childProgram(`
class HangingExporter extends lib.FileExporter {
  close() {
    super.close();
    return new Promise(() => {});
  }
}
lib.OneLoggerProvider.instance().configure({ applicationName: 'signal_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [new HangingExporter({ filePath: 'out.jsonl' })] }));
lib.installExitHandlers({ timeoutMs: 200 });
lib.timedSpan('work', () => undefined);
setInterval(() => {}, 1000);
process.kill(process.pid, 'SIGTERM');
`);
    const started = Date.now();
    const run = await runToExit(dir, script);
    assert.equal(run.status, 143, run.stderr);
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(shape(readRecords(join(dir, 'out.jsonl'))), [['complete', 'work']]);
  });

  test('installExitHandlers: a hanging shutdown with nothing else keeping the process alive still exits with 143, not 0', async () => {
    const { dir, script } = childProgram(`
class HangingExporter extends lib.FileExporter {
  close() {
    super.close();
    return new Promise(() => {});
  }
}
lib.OneLoggerProvider.instance().configure({ applicationName: 'signal_job', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [new HangingExporter({ filePath: 'out.jsonl' })] }));
lib.installExitHandlers({ timeoutMs: 200 });
lib.timedSpan('work', () => undefined);
const keepAlive = setInterval(() => {}, 1000);
process.on('SIGTERM', () => clearInterval(keepAlive));
process.kill(process.pid, 'SIGTERM');
`);
    const run = await runToExit(dir, script);
    assert.equal(run.status, 143, run.stderr);
    assert.deepEqual(shape(readRecords(join(dir, 'out.jsonl'))), [['complete', 'work']]);
  });
});

describe('installExitHandlers in this process', () => {
  test('installExitHandlers returns a remover; handlers are installed only when asked', () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT'), hup: process.listenerCount('SIGHUP') };
    const remove = installExitHandlers({ signals: ['SIGHUP'] });
    assert.equal(process.listenerCount('SIGHUP'), before.hup + 1);
    assert.equal(process.listenerCount('SIGTERM'), before.term);
    remove();
    assert.equal(process.listenerCount('SIGHUP'), before.hup);
    const removeDefault = installExitHandlers();
    assert.equal(process.listenerCount('SIGTERM'), before.term + 1);
    assert.equal(process.listenerCount('SIGINT'), before.int + 1);
    removeDefault();
    assert.equal(process.listenerCount('SIGTERM'), before.term);
    assert.equal(process.listenerCount('SIGINT'), before.int);
  });
});
