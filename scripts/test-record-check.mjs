// Test-run record check: every JSONL line a `FileExporter` writes during `npm test` is validated against the
// shipped JSON Schema (packages/core/schema/records.schema.json, draft 2020-12, ajv) as it is written.
//
// scripts/run-tests.mjs preloads this module through NODE_OPTIONS (`--import=<this file>`), so it runs in every
// test-file process node:test starts and in every Node process those tests spawn with the inherited environment
// (example jobs, crash/exit children, the CLI). Processes started with a replaced environment that drops
// NODE_OPTIONS, and worker threads, are not covered (the test suite starts neither with a FileExporter).
//
// How: scripts/test-record-check-hooks.mjs (a module loader hook) appends one statement to each loaded
// `file-exporter` module, the TypeScript source (via tsx) and the built dist file alike, that passes the
// `FileExporter` class to `instrument` below. `instrument` wraps `FileExporter.prototype.writeLine`, the one
// private method every line passes through (per-record and buffered mode, spans, events, errors, telemetry-data
// errors, the held-back start written at close, flush or process exit). Production code is not changed.
//
// An invalid line is reported at once on stderr (file path, line number in the file, ajv errors, the line)
// and appended to $ONE_LOGGER_TEST_RECORD_CHECK_DIR/failures-*.jsonl; the process then exits non-zero. At exit
// each process that loaded a FileExporter writes its line count to stats-*.json; run-tests.mjs adds them up,
// prints a summary and fails the run if any line was invalid.
import { appendFileSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRecordSchema } from './record-schema.mjs';

const KEY = Symbol.for('nv-one-logger.test-record-check');
const INSTRUMENTED = Symbol('record-check.instrumented');
const root = fileURLToPath(new URL('..', import.meta.url));
const reportDir = process.env.ONE_LOGGER_TEST_RECORD_CHECK_DIR || undefined;
const isTestFile = typeof process.argv[1] === 'string' && /\.test\.[cm]?[jt]s$/.test(process.argv[1]);
// Tells spawned processes which test file started them (for the failure message).
if (isTestFile) process.env.ONE_LOGGER_TEST_RECORD_CHECK_TEST = relative(root, process.argv[1]);
const testFile = process.env.ONE_LOGGER_TEST_RECORD_CHECK_TEST;

let validateFast; // the validator: the one run-tests.mjs compiled once for the run, else compiled here
let checker; // full ajv with the schema, for error messages (and when there is no precompiled validator)
let lines = 0;
let failures = 0;
let checkBroken = false;
const classes = [];

function getChecker() {
  checker ??= compileRecordSchema();
  return checker;
}

function getValidator() {
  if (validateFast !== undefined) return validateFast;
  if (reportDir !== undefined) {
    try {
      validateFast = createRequire(import.meta.url)(join(reportDir, 'records-validator.cjs'));
      return validateFast;
    } catch {
      // Not written (run without run-tests.mjs, or it failed): compile here.
    }
  }
  validateFast = getChecker().validate;
  return validateFast;
}

function countNewlines(data) {
  let n = 0;
  if (typeof data === 'string') {
    for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) n++;
  } else {
    for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) n++;
  }
  return n;
}

/** The 1-based line the line gets in its file: lines on disk + lines still in this exporter's buffer + 1. */
function lineNumberInFile(exporter) {
  let n = 1;
  try {
    n += countNewlines(readFileSync(exporter.filePath));
  } catch {
    // Not created yet.
  }
  try {
    if (typeof exporter.pendingLines === 'string') n += countNewlines(exporter.pendingLines);
    if (Buffer.isBuffer(exporter.bytes) && exporter.byteLength > 0) n += countNewlines(exporter.bytes.subarray(0, exporter.byteLength));
  } catch {
    // Buffer internals renamed: the number may be low by the buffered lines.
  }
  return n;
}

/** ajv errors as text: against the definition of the record's type if it has a known one, else all of them. */
function describeErrors(record) {
  const { ajv, schema, validate } = getChecker();
  validate(record);
  const fmt = (errs) => {
    const list = (errs ?? []).slice(0, 30).map((e) => `  ${e.instancePath || '/'} ${e.message} (${e.schemaPath})`);
    if ((errs?.length ?? 0) > 30) list.push(`  ... ${errs.length - 30} more`);
    return list;
  };
  const all = validate.errors ?? [];
  const def = typeof record?.type === 'string' ? `${record.type.replace(/_([a-z])/g, (_, c) => c.toUpperCase())}Record` : '';
  if (def !== '' && schema.$defs?.[def] !== undefined) {
    const forType = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
    if (forType !== undefined && !forType(record)) {
      return [`ajv errors against $defs/${def} (the record's type; ${all.length} errors over all oneOf branches):`, ...fmt(forType.errors)];
    }
  }
  return [`ajv errors (${all.length}):`, ...fmt(all)];
}

function report(failure) {
  failures++;
  if (!process.exitCode) process.exitCode = 1;
  const text = [
    '',
    'test-record-check: FileExporter wrote a line that does not match packages/core/schema/records.schema.json',
    `  file:   ${failure.file}:${failure.line}${failure.written ? '' : ' (exporter not open: the line was not written)'}`,
    `  writer: pid ${failure.pid}${failure.testFile ? `, test file ${failure.testFile}` : ''}${failure.script ? `, script ${failure.script}` : ''}`,
    ...(failure.module ? [`  class:  FileExporter of ${failure.module}`] : []),
    ...(failure.at.length > 0 ? [`  at:     ${failure.at.join('\n          ')}`] : []),
    `  problem:`,
    ...failure.errors.map((s) => `    ${s}`),
    `  line:   ${failure.text.length > 2000 ? `${failure.text.slice(0, 2000)}...` : failure.text}`,
    '',
  ].join('\n');
  try {
    writeSync(2, `${text}\n`);
  } catch {
    // stderr closed.
  }
  if (reportDir !== undefined) {
    try {
      appendFileSync(join(reportDir, `failures-${process.pid}.jsonl`), `${JSON.stringify({ ...failure, message: text })}\n`);
    } catch {
      // The runner's directory is gone (the process outlived the run).
    }
  }
}

function checkLine(exporter, line, moduleUrl) {
  if (checkBroken) return;
  lines++;
  const validate = getValidator();
  let errors;
  let record;
  if (typeof line !== 'string') {
    errors = [`writeLine got a ${typeof line}, not a string`];
  } else if (!line.endsWith('\n') || line.indexOf('\n') !== line.length - 1) {
    errors = ['not exactly one line ending with a newline'];
  } else {
    try {
      record = JSON.parse(line);
    } catch (e) {
      errors = [`not JSON: ${e.message}`];
    }
    if (errors === undefined && validate(record)) return;
    errors ??= describeErrors(record);
  }
  const stack = (new Error().stack ?? '').split('\n').slice(1);
  const at = stack.filter((s) => /\.test\.[cm]?[jt]s|\/test\/|\/examples\//.test(s) && !s.includes('node_modules')).slice(0, 3);
  report({
    file: exporter.filePath,
    line: lineNumberInFile(exporter),
    written: exporter.fd !== undefined,
    recordNumber: exporter.count,
    pid: process.pid,
    testFile,
    script: isTestFile ? undefined : process.argv[1],
    module: relativeUrl(moduleUrl),
    at: at.map((s) => s.trim()),
    errors,
    text: String(line).replace(/\n$/, ''),
  });
}

function relativeUrl(url) {
  try {
    return relative(root, fileURLToPath(url));
  } catch {
    return String(url);
  }
}

function fail(message) {
  report({ file: '(none)', line: 0, written: false, pid: process.pid, testFile, at: [], errors: [message], text: '' });
}

/** Wraps the line funnel of one FileExporter class (one per module instance: TS source, dist). */
function instrument(FileExporter, url) {
  const proto = FileExporter?.prototype;
  if (proto === undefined || proto[INSTRUMENTED]) return;
  proto[INSTRUMENTED] = true;
  classes.push(url);
  const writeLine = proto.writeLine;
  if (typeof writeLine !== 'function') {
    fail(`${url}: FileExporter.prototype.writeLine is gone; scripts/test-record-check.mjs must wrap the new line funnel`);
    return;
  }
  proto.writeLine = function checkedWriteLine(line) {
    try {
      checkLine(this, line, url);
    } catch (e) {
      // A test that exhausts the stack on purpose leaves the check no stack either: that line goes unchecked.
      if (e instanceof RangeError && String(e.message).includes('call stack')) return writeLine.call(this, line);
      // A fault of the check itself fails the run but never reaches the library.
      if (!checkBroken) fail(`the record check failed: ${e?.stack ?? e}`);
      checkBroken = true;
    }
    return writeLine.call(this, line);
  };
  const initialize = proto.initialize;
  proto.initialize = function checkedInitialize(...args) {
    const result = initialize.apply(this, args);
    // FileExporter's own exit hook (installed by the first initialize) writes held-back lines: count them too.
    process.removeListener('exit', onExit);
    process.on('exit', onExit);
    return result;
  };
  process.removeListener('exit', onExit);
  process.on('exit', onExit);
}

function onExit() {
  if (failures > 0 && !process.exitCode) process.exitCode = 1;
  if (reportDir === undefined || classes.length === 0) return;
  const name = `stats-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`;
  try {
    writeFileSync(
      join(reportDir, name),
      JSON.stringify({
        pid: process.pid,
        isTestFile,
        testFile,
        script: isTestFile ? undefined : process.argv[1],
        classes,
        lines,
        failures,
      }),
    );
  } catch {
    // The runner's directory is gone.
  }
}

globalThis[KEY] = instrument;
register('./test-record-check-hooks.mjs', import.meta.url);
