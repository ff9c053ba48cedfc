// Tests for weaknesses of the reference (spec/core.md §9) whose natural test files are owned elsewhere:
// B14 (file exporter), U7 (recorder span filters) and B22 (documentation against code).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OneLoggerError } from '../src/core/errors.js';
import { Event } from '../src/core/event.js';
import { StandardSpanName } from '../src/core/span.js';
import type { Exporter } from '../src/exporter/exporter.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import * as core from '../src/index.js';
import { DEFAULT_LOG_FORMAT, internalLogger, type LogLevel } from '../src/internal/logger.js';
import { DefaultRecorder, ExportCustomizationMode } from '../src/recorder/default-recorder.js';
import { type Rec, readRecords } from './helpers/records.js';

const root = mkdtempSync(join(tmpdir(), 'olg-weaknesses-'));
after(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  // Diagnostics go to a temp file, not to the test output.
  internalLogger.configure({ level: 'INFO', format: DEFAULT_LOG_FORMAT, infoFilePath: join(root, 'diagnostics.log') });
});
afterEach(() => {
  internalLogger.reset();
});

let counter = 0;
const newFile = (): string => join(root, `records-${++counter}.jsonl`);
const src = (path: string): string => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

// ---- B14 ------------------------------------------------------------------------------------------------------

describe('B14: the pid is read when a record is written, not when the exporter is built', () => {
  // The reference stored os.getpid() in the exporter's constructor, so after a fork the child's records carried
  // the parent's pid. Node cannot fork a running process, but a V8 startup snapshot is the same situation: the
  // heap built by one process (exporters included, in whatever state they reached) is the starting heap of every
  // process started from the snapshot, each with its own pid. The builder below writes records, constructs a
  // second FileExporter and keeps a LoggerExporter mid-stream; each process started from the snapshot then writes
  // through those very objects.
  test('B14: records written by processes started from one V8 snapshot carry their own pid; records of the building process keep its pid', () => {
    const dir = mkdtempSync(join(root, 'snapshot-'));
    const builderFile = join(dir, 'builder.jsonl');
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        "import { readFileSync } from 'node:fs';",
        "import { startupSnapshot } from 'node:v8';",
        `import { Span } from ${JSON.stringify(src('core/span.js'))};`,
        `import { FileExporter } from ${JSON.stringify(src('exporter/file-exporter.js'))};`,
        `import { LoggerExporter } from ${JSON.stringify(src('exporter/logger-exporter.js'))};`,
        'type SpanExporter = { exportStart(s: Span): void; exportStop(s: Span): void };',
        'const run = (e: SpanExporter, name: string): void => {',
        '  const s = Span.create(name);',
        '  e.exportStart(s);',
        '  s.stop();',
        '  e.exportStop(s);',
        '};',
        'const lines: string[] = [];',
        'const logger = new LoggerExporter({ logger: { info: (l: string) => lines.push(l) } });',
        'logger.initialize();',
        "run(logger, 'before_snapshot');",
        // Writes (and caches) the builder's record tail before the snapshot is taken.
        `const early = new FileExporter({ filePath: ${JSON.stringify(builderFile)} });`,
        'early.initialize();',
        "run(early, 'in_builder');",
        'early.close();',
        // Constructed in the builder, used only after the "fork".
        'const late = new FileExporter({ filePath: process.env.CHILD_FILE as string });',
        'const builderPid = process.pid;',
        'startupSnapshot.setDeserializeMainFunction(() => {',
        '  late.initialize();',
        "  run(late, 'in_child');",
        '  late.close();',
        "  run(logger, 'after_snapshot');",
        "  const file = readFileSync(late.filePath, 'utf8');",
        '  process.stdout.write(JSON.stringify({ builderPid, pid: process.pid, lines, file }));',
        '});',
      ].join('\n'),
    );
    // A snapshot entry must be one script: bundle it with the esbuild that tsx (a dev dependency) ships with.
    const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild') as typeof import('esbuild');
    const bundle = join(dir, 'bundle.cjs');
    esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
    const blob = join(dir, 'snapshot.blob');
    const childFile = join(dir, 'child.jsonl');
    const env = { ...process.env, NODE_NO_WARNINGS: '1', CHILD_FILE: childFile };
    const build = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', bundle], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);

    const children = [0, 1].map(() => {
      rmSync(childFile, { force: true });
      const child = spawnSync(process.execPath, ['--snapshot-blob', blob], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
      assert.equal(child.status, 0, child.stderr);
      return JSON.parse(child.stdout) as { builderPid: number; pid: number; lines: string[]; file: string };
    });
    const builderPid = children[0]?.builderPid as number;
    const [builderRecord] = readFileSync(builderFile, 'utf8').trimEnd().split('\n');
    assert.equal((JSON.parse(builderRecord as string) as Rec).pid, builderPid);
    assert.equal((JSON.parse(builderRecord as string) as Rec).name, 'in_builder');

    assert.notEqual(children[0]?.pid, children[1]?.pid);
    for (const child of children) {
      assert.notEqual(child.pid, builderPid, 'a different process');
      assert.equal(child.builderPid, builderPid, 'both started from the same snapshot');
      // The FileExporter constructed by the builder writes the child's pid.
      const records = child.file
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Rec);
      assert.deepEqual(
        records.map((r) => [r.type, r.name, r.count, r.pid]),
        [['complete', 'in_child', 1, child.pid]],
      );
      // The LoggerExporter continues its stream (count 2 after the builder's count 1), now with the child's pid.
      assert.equal(child.lines.length, 2);
      assert.match(child.lines[0] as string, new RegExp(` \\| pid=${builderPid} \\| name="before_snapshot" \\| .* \\| count=1 \\|`));
      assert.match(child.lines[1] as string, new RegExp(` \\| pid=${child.pid} \\| name="after_snapshot" \\| .* \\| count=2 \\|`));
    }
  });
});

// ---- U7 -------------------------------------------------------------------------------------------------------

/** Names of the spans in span records, in record order. */
function spanNames(records: Rec[]): string[] {
  return records.filter((r) => r.type === 'start' || r.type === 'stop' || r.type === 'complete').map((r) => `${r.type}:${r.name}`);
}

describe('U7: span filters match exact names', () => {
  // The reference tested `name in list` on raw names: whether an enum member matched a string depended on the
  // kind of enum, and every check scanned the list. Here names are strings and the filter is a Set built once.
  test('U7: whitelist: constants and literals are the same name, near misses never match, the caller array is copied', async () => {
    const file = newFile();
    const filter = [StandardSpanName.APPLICATION, 'load_data'];
    const recorder = new DefaultRecorder({
      exporters: [new FileExporter({ filePath: file })],
      exportCustomizationMode: ExportCustomizationMode.WHITELIST_SPANS,
      spanNameFilter: filter,
    });
    // Changing the caller's array later does not change the filter.
    filter.push('late_addition');
    filter[1] = 'replaced';
    const Phase = { LOAD: 'load_data' } as const;
    for (const name of ['application', Phase.LOAD, 'Application', 'load_data ', 'LOAD_DATA', 'load', 'late_addition', 'replaced']) {
      const span = recorder.start(name);
      recorder.stop(span);
    }
    await recorder.close();
    assert.deepEqual(spanNames(readRecords(file)), ['complete:application', 'complete:load_data']);
  });

  test('U7: blacklist: exactly the listed names are left out, including when a filter has many names', async () => {
    const file = newFile();
    const many = Array.from({ length: 10_000 }, (_, i) => `noise_${i}`);
    const recorder = new DefaultRecorder({
      exporters: [new FileExporter({ filePath: file })],
      exportCustomizationMode: ExportCustomizationMode.BLACKLIST_SPANS,
      spanNameFilter: [...many, 'training_single_iteration'],
    });
    for (const name of ['training_single_iteration', 'training_single_iteration_2', 'noise_9999', 'noise_10000', 'Noise_1']) {
      const span = recorder.start(name);
      recorder.stop(span);
    }
    await recorder.close();
    assert.deepEqual(spanNames(readRecords(file)), ['complete:training_single_iteration_2', 'complete:noise_10000', 'complete:Noise_1']);
  });
});

// ---- B22 ------------------------------------------------------------------------------------------------------

const CORE_README = fileURLToPath(new URL('../README.md', import.meta.url));
const ROOT_README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const INDEX_TS = src('index.ts');

/** Every name `src/index.ts` exports, and the value (runtime) ones among them. */
function indexExports(): { all: Set<string>; values: Set<string> } {
  const text = readFileSync(INDEX_TS, 'utf8');
  const all = new Set<string>();
  for (const m of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s+from/g)) {
    for (const name of (m[2] as string).split(',')) {
      const trimmed = name.trim().replace(/^type\s+/, '');
      if (trimmed === '') continue;
      all.add(trimmed.split(/\s+as\s+/).pop() as string);
    }
  }
  return { all, values: new Set(Object.keys(core)) };
}

/** The names imported from `@nv-one-logger/core` in the README's code blocks. */
function readmeImports(path: string): Array<{ name: string; typeOnly: boolean }> {
  const text = readFileSync(path, 'utf8');
  const out: Array<{ name: string; typeOnly: boolean }> = [];
  for (const block of text.matchAll(/```(?:ts|typescript|js|mjs)\n([\s\S]*?)```/g)) {
    for (const m of (block[1] as string).matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@nv-one-logger\/core'/g)) {
      for (const raw of (m[2] as string).split(',')) {
        const name = raw.trim();
        if (name === '') continue;
        const typeOnly = m[1] !== undefined || name.startsWith('type ');
        out.push({ name: name.replace(/^type\s+/, '').split(/\s+as\s+/)[0] as string, typeOnly });
      }
    }
  }
  return out;
}

describe('B22: documentation matches the code', () => {
  // The reference README imported a function that did not exist (configure_one_logger), said the direct config
  // "completely overrides" the file while the code merged, and the disable message claimed "consecutive" failures.
  test('B22: every name the core and root READMEs import from @nv-one-logger/core is exported by src/index.ts', () => {
    const { all, values } = indexExports();
    assert.ok(all.has('OneLoggerProvider') && values.has('OneLoggerProvider'), 'the parser sees the exports');
    for (const path of [CORE_README, ROOT_README]) {
      const imports = readmeImports(path);
      assert.ok(imports.length > 0, `${path} has import examples`);
      for (const { name, typeOnly } of imports) {
        assert.ok(all.has(name), `${path} imports ${name}, which src/index.ts does not export`);
        if (!typeOnly) assert.ok(values.has(name), `${path} imports ${name} as a value, but it is a type`);
      }
    }
  });

  test('B22: the core README describes the direct config as merged over the file, as ExporterConfigManager does', () => {
    const text = readFileSync(CORE_README, 'utf8');
    assert.match(text, /direct config is merged over the file config/);
    assert.doesNotMatch(text, /completely overrides/);
    const manager = new core.ExporterConfigManager({ registry: core.createExporterRegistry(), env: {}, searchWorkingDirectory: false });
    const file = join(root, 'b22.json');
    writeFileSync(file, JSON.stringify({ exporters: [{ class_name: 'file', config: { file_path: '/tmp/file.jsonl', rank: 2 } }] }));
    const merged = manager.generateExportConfig({
      configFilePath: file,
      direct: [{ class_name: 'file', config: { file_path: '/tmp/direct.jsonl' } }],
    });
    assert.deepEqual(
      merged.map((c) => c.toJSON()),
      [{ class_name: 'file', config: { file_path: '/tmp/direct.jsonl', rank: 2 }, enabled: true }],
    );
  });

  test('B22: the disable message counts failures over the recorder life and does not call them consecutive', () => {
    const logs: Array<[LogLevel, string]> = [];
    internalLogger.listener = (level, message) => logs.push([level, message]);
    class FlakyExporter implements Exporter {
      initialize(): void {}
      exportStart(): void {
        throw new Error('start failed');
      }
      exportStop(): void {}
      exportEvent(): void {}
      exportError(): void {}
      exportTelemetryDataError(): void {}
      flush(): void {}
      close(): void {}
    }
    const recorder = new DefaultRecorder({ exporters: [new FlakyExporter()], maxExporterFailures: 2 });
    // Failure, success (the stop), failure: not consecutive, still disabled after the second.
    recorder.stop(recorder.start('a'));
    recorder.stop(recorder.start('b'));
    const disabled = logs.filter(([, m]) => /has been disabled/.test(m));
    assert.deepEqual(disabled, [['ERROR', 'Exporter FlakyExporter has been disabled after 2 failures.']]);
    assert.ok(logs.every(([, m]) => !/consecutive/i.test(m)));
    assert.equal(recorder.exporterStatuses[0]?.forceDisabled, true);
  });

  test('B22: Recorder.event and error need a span (the reference docs promised "the last started span")', async () => {
    const file = newFile();
    const recorder = new DefaultRecorder({ exporters: [new FileExporter({ filePath: file })] });
    const running = recorder.start('running');
    assert.throws(
      () => recorder.event(undefined, Event.create('orphan')),
      (e: unknown) => e instanceof OneLoggerError && /No span to add event to/.test(e.message),
    );
    assert.throws(
      () => recorder.error(undefined, 'orphan error'),
      (e: unknown) => e instanceof OneLoggerError && /No span to add error to/.test(e.message),
    );
    recorder.stop(running);
    await recorder.close();
    const records = readRecords(file);
    assert.ok(
      records.every((r) => r.type !== 'event' && r.type !== 'application_error'),
      'nothing was attached to the running span',
    );
  });
});
