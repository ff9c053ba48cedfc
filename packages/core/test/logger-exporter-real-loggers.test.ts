// LoggerExporter with real loggers: pino (pino.destination, sync) and winston (File transport), each
// writing to a real file. The messages must be the reference's line format, byte for byte, and
// deserializeLog must turn each one back into the record a FileExporter writes for the same calls.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import pino from 'pino';
import winston from 'winston';
import { ErrorEvent, Event, TelemetryDataError } from '../src/core/event.js';
import { setIdGenerator } from '../src/core/ids.js';
import { Span } from '../src/core/span.js';
import { TracingTimestamp } from '../src/core/time.js';
import type { Exporter } from '../src/exporter/exporter.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { deserializeLog, type InfoLogger, LoggerExporter } from '../src/exporter/logger-exporter.js';

const dir = mkdtempSync(join(tmpdir(), 'one-logger-real-loggers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setIdGenerator(undefined));

const PID = process.pid;
const APP = '11111111-1111-4111-8111-111111111111';
const LOAD = '22222222-2222-4222-8222-222222222222';
const ts = (offsetSec: number): TracingTimestamp => TracingTimestamp.of(1_700_000_000 + offsetSec, 100 + offsetSec);

/**
 * The same calls on every exporter: a root span with attributes (one of them non-ASCII, one with a key that
 * must be quoted), a nested span stopped right away (one `complete` record), an event, an application error,
 * a telemetry-data error and the root's stop.
 */
function runScenario(exporter: Exporter): void {
  const ids = [APP, LOAD];
  setIdGenerator(() => ids.shift() as string);
  exporter.initialize();
  const app = Span.create('application', { startTime: ts(0), spanAttributes: { app_tag: 'café ✓', 'shard id': 3 } });
  exporter.exportStart(app);
  const load = Span.create('load_data', { startTime: ts(1.5), parentSpan: app, startEventAttributes: { files: ['a.csv', 'b.csv'] } });
  exporter.exportStart(load);
  load.stop({ stopTime: ts(3.25), stopEventAttributes: { rows: 1200, ok: true } });
  exporter.exportStop(load);
  exporter.exportEvent(app.addEvent(Event.create('checkpoint', { step: 10, loss: 0.25 }, ts(4))), app);
  const error = new ErrorEvent(ts(5), 'Error in train: ', { exceptionType: 'ValueError', exceptionMessage: 'bad value' });
  exporter.exportError(app.addEvent(error), app);
  exporter.exportTelemetryDataError(new TelemetryDataError(ts(6), 'incomplete_telemetry_data', 'exporter X failed'));
  app.stop({ stopTime: ts(10) });
  exporter.exportStop(app);
}

/** The reference's line for each record of the scenario (keys descending at every level, values JSON). */
const EXPECTED_LINES = [
  `[type="start" | start_event.name="span_start" | start_event.attributes.timestamp_msec=1700000000000 | pid=${PID} | name="application" | id="${APP}" | count=1 | attributes."shard id"=3 | attributes.app_tag="café ✓"]`,
  `[type="complete" | stop_event.name="span_stop" | stop_event.attributes.timestamp_msec=1700000003250 | stop_event.attributes.rows=1200 | stop_event.attributes.ok=true | start_event.name="span_start" | start_event.attributes.timestamp_msec=1700000001500 | start_event.attributes.files=["a.csv", "b.csv"] | pid=${PID} | parent_id="${APP}" | name="load_data" | id="${LOAD}" | count=2 | attributes.duration_msec=1750]`,
  `[type="event" | span_id="${APP}" | pid=${PID} | event.name="checkpoint" | event.attributes.timestamp_msec=1700000004000 | event.attributes.step=10 | event.attributes.loss=0.25 | count=3]`,
  `[type="application_error" | span_id="${APP}" | pid=${PID} | event.name="error" | event.attributes.timestamp_msec=1700000005000 | event.attributes.exception_type="ValueError" | event.attributes.exception_message="bad value" | event.attributes.error_message="Error in train: " | count=4]`,
  `[type="telemetry_data_error" | pid=${PID} | error.name="telemetry_data_error" | error.attributes.timestamp_msec=1700000006000 | error.attributes.telemetry_data_error_type="incomplete_telemetry_data" | error.attributes.error_message="exporter X failed" | count=5]`,
  `[type="stop" | stop_event.name="span_stop" | stop_event.attributes.timestamp_msec=1700000010000 | pid=${PID} | name="application" | id="${APP}" | count=6 | attributes."shard id"=3 | attributes.duration_msec=10000 | attributes.app_tag="café ✓"]`,
];

/** The records a FileExporter writes for the scenario: what each logger line must deserialise to. */
function fileRecords(): Record<string, unknown>[] {
  const path = join(dir, `reference-${Math.random().toString(36).slice(2)}.jsonl`);
  const exporter = new FileExporter({ filePath: path });
  runScenario(exporter);
  exporter.close();
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function jsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function assertMessages(messages: unknown[]): void {
  assert.deepEqual(messages, EXPECTED_LINES);
  const records = fileRecords();
  assert.equal(records.length, EXPECTED_LINES.length);
  for (const [i, message] of messages.entries()) {
    assert.deepEqual(deserializeLog(message as string), records[i], `record ${i + 1}`);
  }
  // Spot checks that the records really are the scenario's (not two equally wrong encodings).
  assert.deepEqual(records[0]?.attributes, { app_tag: 'café ✓', 'shard id': 3 });
  assert.equal(records[1]?.parent_id, APP);
  assert.equal(records[5]?.type, 'stop');
}

describe('LoggerExporter with real loggers writing to files', () => {
  test('pino: every record arrives as the msg of one pino line, in the reference format, and deserialises to the record', () => {
    const path = join(dir, 'pino.log');
    const destination = pino.destination({ dest: path, sync: true });
    const logger = pino({ level: 'info' }, destination);
    const exporter = new LoggerExporter({ logger });
    runScenario(exporter);
    exporter.close();
    destination.flushSync();

    const lines = jsonLines(path);
    assert.equal(lines.length, EXPECTED_LINES.length);
    for (const line of lines) {
      assert.equal(line.level, 30, 'logged at info');
      assert.equal(line.pid, PID);
    }
    assertMessages(lines.map((l) => l.msg));
  });

  test('winston: every record arrives as the message of one File-transport line, in the reference format, and deserialises to the record', async () => {
    const path = join(dir, 'winston.log');
    const transport = new winston.transports.File({ filename: path });
    const logger = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [transport] });
    const exporter = new LoggerExporter({ logger: logger as InfoLogger });
    runScenario(exporter);
    exporter.close();
    const finished = once(transport, 'finish');
    logger.end();
    await finished;

    const lines = jsonLines(path);
    assert.equal(lines.length, EXPECTED_LINES.length);
    for (const line of lines) assert.equal(line.level, 'info');
    assertMessages(lines.map((l) => l.message));
  });

  test('a logger below info level receives the calls but writes nothing (the level belongs to the logger)', () => {
    const path = join(dir, 'pino-warn.log');
    const destination = pino.destination({ dest: path, sync: true });
    const exporter = new LoggerExporter({ logger: pino({ level: 'warn' }, destination) });
    runScenario(exporter);
    exporter.close();
    destination.flushSync();
    assert.equal(readFileSync(path, 'utf8'), '');
    assert.equal(exporter.count, EXPECTED_LINES.length);
  });
});
