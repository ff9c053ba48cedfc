// The library's own diagnostics (spec/core.md §4.2, §8 items 90-97, §9 U5), with real files in a temp dir.
//
// The reference gives every Python logger name its own pair of logging.FileHandlers (INFO and ERROR), opened
// as soon as the logger is fetched, in the working directory by default. Ours is one logger for the whole
// library (src/internal/logger.ts): a level, a format and two optional file sinks that are appended to when a
// line is due. The reference's handler assertions are therefore adapted to what reaches the files: which lines,
// in which file, how often, in which format, and that nothing is written where nothing was configured.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OneLoggerConfig } from '../src/api/config.js';
import { OneLoggerProvider } from '../src/api/provider.js';
import type { Span } from '../src/core/span.js';
import type { Exporter } from '../src/exporter/exporter.js';
import { DEFAULT_LOG_FORMAT, internalLogger } from '../src/internal/logger.js';
import { DefaultRecorder } from '../src/recorder/default-recorder.js';

const root = mkdtempSync(join(tmpdir(), 'olg-internal-logger-'));
after(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => OneLoggerProvider.resetForTests());

const SRC_INDEX_URL = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
const TSX_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let counter = 0;
/** A fresh directory with the two log paths (not created yet). */
function logPaths(): { dir: string; info: string; err: string } {
  const dir = join(root, `case-${++counter}`);
  return { dir, info: join(dir, 'logs', 'onelogger.log'), err: join(dir, 'logs', 'onelogger.err') };
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(0, -1) : [];
}

const line = (level: string, message: string): string => `nv_one_logger - ${level} - ${message}`;

/** Writes one message per level through the library's logger. */
function logEachLevel(tag: string): void {
  internalLogger.debug(`${tag} debug`);
  internalLogger.info(`${tag} info`);
  internalLogger.warning(`${tag} warning`);
  internalLogger.error(`${tag} error`);
  internalLogger.log('CRITICAL', `${tag} critical`);
}

/** An exporter that fails on every start (the recorder logs each failure at ERROR). */
class FailingExporter implements Exporter {
  initialize(): void {}
  exportStart(_span: Span): void {
    throw new Error('backend down');
  }
  exportStop(): void {}
  exportEvent(): void {}
  exportError(): void {}
  exportTelemetryDataError(): void {}
  flush(): void {}
  close(): void {}
}

/** Runs a child program (importing the library sources as `lib`) with `cwd` as its working directory. */
function runChild(cwd: string, body: string): { status: number | null; stdout: string; stderr: string } {
  mkdirSync(cwd, { recursive: true });
  const script = join(root, `child-${++counter}.mts`);
  writeFileSync(script, `import * as lib from ${JSON.stringify(SRC_INDEX_URL)};\n${body}\n`);
  const run = spawnSync(process.execPath, ['--import', TSX_URL, script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('internal logger: file sinks configured through OneLoggerConfig.loggerConfig', () => {
  test('#90 adapted (two FileHandlers at INFO and ERROR -> one logger with two file sinks): INFO and WARNING reach the info file only, ERROR and CRITICAL both files', () => {
    const { info, err } = logPaths();
    OneLoggerProvider.instance().configure(
      { applicationName: 'log_test', sessionTag: 's', worldSize: 1, loggerConfig: { logFilePathForInfo: info, logFilePathForErr: err } },
      new DefaultRecorder({ exporters: [] }),
    );
    logEachLevel('m');
    assert.deepEqual(lines(info), [
      line('INFO', 'm info'),
      line('WARNING', 'm warning'),
      line('ERROR', 'm error'),
      line('CRITICAL', 'm critical'),
    ]);
    assert.deepEqual(lines(err), [line('ERROR', 'm error'), line('CRITICAL', 'm critical')]);
  });

  test('#90 adapted (handlers opened at once -> files created on demand): no file exists until the first line is due; missing directories are created', () => {
    const { dir, info, err } = logPaths();
    internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: info, errorFilePath: err });
    internalLogger.debug('below the level');
    assert.equal(existsSync(dir), false, 'nothing created for a dropped message');
    internalLogger.info('first');
    assert.deepEqual(lines(info), [line('INFO', 'first')]);
    assert.equal(existsSync(err), false, 'the error file appears with the first ERROR line');
    internalLogger.error('second');
    assert.deepEqual(lines(err), [line('ERROR', 'second')]);
  });

  test('#91 and #92 adapted (same handler objects on repeated get_logger -> same sinks on repeated configure): configured two and three times, each message is written once', () => {
    const { info, err } = logPaths();
    const settings = { level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: info, errorFilePath: err } as const;
    internalLogger.configure(settings);
    internalLogger.configure(settings);
    internalLogger.error('after two');
    internalLogger.configure(settings);
    internalLogger.info('after three');
    assert.deepEqual(lines(info), [line('ERROR', 'after two'), line('INFO', 'after three')]);
    assert.deepEqual(lines(err), [line('ERROR', 'after two')]);
  });

  test('#91 adapted, through the provider: configure() again with the same objects is a no-op and duplicates no output', () => {
    const { info, err } = logPaths();
    const config = new OneLoggerConfig({
      applicationName: 'log_test',
      sessionTag: 's',
      worldSize: 1,
      loggerConfig: { logFilePathForInfo: info, logFilePathForErr: err },
    });
    const recorder = new DefaultRecorder({ exporters: [] });
    for (let i = 0; i < 3; i++) OneLoggerProvider.instance().configure(config, recorder);
    internalLogger.error('once');
    assert.deepEqual(lines(info), [line('ERROR', 'once')]);
    assert.deepEqual(lines(err), [line('ERROR', 'once')]);
  });

  test('#93 adapted (distinct handlers per logger name -> one logger for the library): the config validation and the recorder write to the same files, once each, all as nv_one_logger', () => {
    const { info, err } = logPaths();
    internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: info, errorFilePath: err });
    // api/config.ts warns about the quiet default on a disabled rank.
    new OneLoggerConfig({ applicationName: 'log_test', sessionTag: 's', worldSize: 1, enableForCurrentRank: false });
    // recorder/default-recorder.ts logs each exporter failure at ERROR.
    const recorder = new DefaultRecorder({ exporters: [new FailingExporter()] });
    recorder.start('span');
    const infoLines = lines(info);
    assert.equal(infoLines.length, 2, infoLines.join('\n'));
    assert.match(
      infoLines[0] as string,
      /^nv_one_logger - WARNING - OneLogger: Setting error_handling_strategy to DISABLE_QUIETLY_AND_REPORT_METRIC_ERROR/,
    );
    assert.equal(infoLines[1], line('ERROR', 'Error exporting data via exporter FailingExporter: backend down'));
    assert.deepEqual(lines(err), [line('ERROR', 'Error exporting data via exporter FailingExporter: backend down')]);
  });

  test('#95 adapted (formatters and levels of the handlers): %(asctime)s, %(levelname)s, %(name)s and %(message)s are filled in; the level is a threshold', () => {
    const { info, err } = logPaths();
    internalLogger.configure({
      level: 'WARNING',
      format: '%(asctime)s|%(levelname)s|%(name)s|%(message)s',
      infoFilePath: info,
      errorFilePath: err,
    });
    logEachLevel('fmt');
    const written = lines(info);
    assert.deepEqual(
      written.map((l) => l.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|/, '<time>|')),
      ['<time>|WARNING|nv_one_logger|fmt warning', '<time>|ERROR|nv_one_logger|fmt error', '<time>|CRITICAL|nv_one_logger|fmt critical'],
    );
    const stamp = Date.parse((written[0] as string).split('|')[0] as string);
    assert.ok(Math.abs(stamp - Date.now()) < 60_000, 'asctime is the current time');
    assert.equal(lines(err).length, 2);

    internalLogger.configure({ level: 'DEBUG', format: '%(levelname)s:%(message)s', infoFilePath: info });
    internalLogger.debug('now visible');
    assert.equal(lines(info).at(-1), 'DEBUG:now visible');
  });

  test('#95 adapted: CRITICAL (the default on disabled ranks) writes only CRITICAL lines', () => {
    const { info, err } = logPaths();
    // The rank warning is logged while the config is validated, before configure() applies its logger settings.
    internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: info });
    process.env.RANK = '7';
    try {
      const config = new OneLoggerConfig({
        applicationName: 'log_test',
        sessionTag: 's',
        worldSize: 8,
        enableForCurrentRank: false,
        loggerConfig: { logFilePathForInfo: info, logFilePathForErr: err },
      });
      OneLoggerProvider.instance().configure(config, new DefaultRecorder({ exporters: [] }));
    } finally {
      delete process.env.RANK;
    }
    logEachLevel('rank7');
    const [warning, ...rest] = lines(info);
    assert.match(warning as string, /^nv_one_logger - WARNING - OneLogger: Setting error_handling_strategy .*\(rank=7\)/);
    assert.deepEqual(rest, [line('CRITICAL', 'rank7 critical')]);
    assert.deepEqual(lines(err), [line('CRITICAL', 'rank7 critical')]);
  });

  test('#96 adapted (handlers cleared externally are recreated): a log file deleted externally is recreated by the next line', () => {
    const { info, err } = logPaths();
    internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: info, errorFilePath: err });
    internalLogger.error('before');
    rmSync(info);
    rmSync(err);
    internalLogger.error('after');
    assert.deepEqual(lines(info), [line('ERROR', 'after')]);
    assert.deepEqual(lines(err), [line('ERROR', 'after')]);
  });

  test('#97 adapted (ten get_logger calls leave two handlers): after ten configurations each message is written exactly once per file', () => {
    const { info, err } = logPaths();
    for (let i = 0; i < 10; i++)
      internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: info, errorFilePath: err });
    for (let i = 0; i < 3; i++) internalLogger.error(`message ${i}`);
    const expected = [0, 1, 2].map((i) => line('ERROR', `message ${i}`));
    assert.deepEqual(lines(info), expected);
    assert.deepEqual(lines(err), expected);
  });
});

describe('internal logger: nothing configured, unwritable paths (real child processes)', () => {
  test('#94 adapted (no handlers before configure): without log paths no file is written, not in the working directory either; WARNING and above go to stderr', () => {
    const cwd = join(root, 'cwd-unconfigured');
    const run = runChild(
      cwd,
      [
        "lib.internalLogger.info('before configure info');",
        "lib.internalLogger.warning('before configure warning');",
        "lib.OneLoggerProvider.instance().configure({ applicationName: 'a', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [] }));",
        "lib.internalLogger.info('after configure info');",
        "lib.internalLogger.error('after configure error');",
        "process.stdout.write('done');",
      ].join('\n'),
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'done');
    assert.deepEqual(run.stderr.split('\n').slice(0, -1), [
      line('WARNING', 'before configure warning'),
      line('ERROR', 'after configure error'),
    ]);
    assert.deepEqual(readdirSync(cwd), [], 'the working directory stays empty (the reference created onelogger.log/.err there)');
  });

  test('a capture takes the lines instead of stderr, lasts across configure() and reset(), and leaves configured files their lines', () => {
    const cwd = join(root, 'cwd-capture');
    const errFile = join(cwd, 'logs', 'one.err');
    const run = runChild(
      cwd,
      [
        'const got = [];',
        "lib.internalLogger.capture = (level, message) => got.push(level + ':' + message);",
        "lib.internalLogger.warning('captured warning');",
        "lib.OneLoggerProvider.instance().configure({ applicationName: 'a', sessionTag: 's', worldSize: 1 }, new lib.DefaultRecorder({ exporters: [] }));",
        "lib.internalLogger.error('captured after configure');",
        'lib.OneLoggerProvider.resetForTests();',
        `lib.internalLogger.configure({ level: 'INFO', format: ${JSON.stringify(DEFAULT_LOG_FORMAT)}, errorFilePath: ${JSON.stringify(errFile)} });`,
        "lib.internalLogger.error('captured and filed');",
        'lib.internalLogger.capture = undefined;',
        `lib.internalLogger.configure({ level: 'INFO', format: ${JSON.stringify(DEFAULT_LOG_FORMAT)} });`,
        "lib.internalLogger.warning('to stderr again');",
        'process.stdout.write(JSON.stringify(got));',
      ].join('\n'),
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), ['WARNING:captured warning', 'ERROR:captured after configure', 'ERROR:captured and filed']);
    assert.equal(run.stderr, `${line('WARNING', 'to stderr again')}\n`, 'nothing reached stderr while captured');
    assert.equal(readFileSync(errFile, 'utf8'), `${line('ERROR', 'captured and filed')}\n`);
  });

  test('unwritable info path (a directory component is a file): logging never throws and does not fall back to stderr or the working directory; the job carries on', () => {
    const cwd = join(root, 'cwd-unwritable');
    const blocker = join(root, 'not-a-directory');
    writeFileSync(blocker, 'a file where a directory is expected\n');
    const out = join(root, 'unwritable-job.jsonl');
    const run = runChild(
      cwd,
      [
        `lib.OneLoggerProvider.instance().configure({ applicationName: 'a', sessionTag: 's', worldSize: 1, loggerConfig: { logFilePathForInfo: ${JSON.stringify(join(blocker, 'onelogger.log'))} } }, new lib.DefaultRecorder({ exporters: [new lib.FileExporter({ filePath: ${JSON.stringify(out)} })] }));`,
        "lib.internalLogger.warning('lost warning');",
        "lib.internalLogger.error('lost error');",
        "lib.timedSpan('job', () => undefined);",
        'await lib.OneLoggerProvider.instance().shutdown();',
        "process.stdout.write('done');",
      ].join('\n'),
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'done');
    assert.equal(run.stderr, '', 'no fallback to stderr (as the reference, which installed a NullHandler)');
    assert.deepEqual(readdirSync(cwd), []);
    assert.equal(readFileSync(blocker, 'utf8'), 'a file where a directory is expected\n');
    const records = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.deepEqual(
      records.map((r) => (JSON.parse(r) as { type: string; name: string }).type),
      ['complete'],
    );
  });

  test('unwritable error path with a writable info path: every line still reaches the info file, nothing throws', () => {
    const { info } = logPaths();
    const blocker = join(root, 'err-blocker');
    writeFileSync(blocker, '');
    internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: info, errorFilePath: join(blocker, 'x.err') });
    assert.doesNotThrow(() => logEachLevel('e'));
    assert.deepEqual(lines(info), [
      line('INFO', 'e info'),
      line('WARNING', 'e warning'),
      line('ERROR', 'e error'),
      line('CRITICAL', 'e critical'),
    ]);
    assert.equal(readFileSync(blocker, 'utf8'), '');
  });
});
