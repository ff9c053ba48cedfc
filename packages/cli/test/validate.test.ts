// `validate`: clean files (real library, Python layout) pass; every schema and semantic rule fails on an input
// made to break it, with the right line and severity.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/model/types.js';
import { validateFiles } from '../src/validate/validate.js';
import { T0 } from './helpers/jobs.js';
import { writeFullJob, writeKilledAsyncJob } from './helpers/scenarios.js';

const PYTHON_FIXTURE = fileURLToPath(new URL('./fixtures/python-reference.jsonl', import.meta.url));
const NOW = T0 + 86_400_000;

let dir: string;
let n = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-validate-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(...paths: string[]): Promise<{ findings: Finding[]; errors: number; warnings: number; records: number }> {
  const findings: Finding[] = [];
  const r = await validateFiles(paths, { onFinding: (f) => void findings.push(f), nowMs: NOW });
  assert.equal(r.schemaUnavailable, undefined);
  assert.equal(r.errors + r.warnings, findings.length);
  return { findings, errors: r.errors, warnings: r.warnings, records: r.records };
}

type Rec = Record<string, unknown>;
const ts = (ms: number) => ({ timestamp_msec: T0 + ms });
const start = (id: string, name: string, at: number, extra: Rec = {}): Rec => ({
  type: 'start',
  id,
  name,
  ...extra,
  start_event: { name: 'span_start', attributes: ts(at) },
});
const stop = (id: string, name: string, from: number, at: number, extra: Rec = {}): Rec => ({
  type: 'stop',
  id,
  name,
  ...extra,
  attributes: { duration_msec: at - from },
  stop_event: { name: 'span_stop', attributes: ts(at) },
});
const complete = (id: string, name: string, from: number, at: number, extra: Rec = {}): Rec => ({
  type: 'complete',
  id,
  name,
  ...extra,
  attributes: { duration_msec: at - from },
  start_event: { name: 'span_start', attributes: ts(from) },
  stop_event: { name: 'span_stop', attributes: ts(at) },
});
const event = (spanId: string, name: string, at: number, attributes: Rec = {}): Rec => ({
  type: 'event',
  span_id: spanId,
  event: { name, attributes: { ...attributes, ...ts(at) } },
});

/** A valid sequence: application A with an event and a child B. */
const valid = (): Rec[] => [
  start('A', 'application', 0),
  event('A', 'hello', 10),
  complete('B', 'child', 20, 30, { parent_id: 'A' }),
  stop('A', 'application', 0, 100),
];

/** Writes records (count/pid added unless given) or raw lines. */
function jsonl(records: (Rec | string)[], pid = 9): string {
  const path = join(dir, `case-${++n}.jsonl`);
  let count = 0;
  const lines = records.map((r) => (typeof r === 'string' ? r : JSON.stringify({ ...r, count: r.count ?? ++count, pid: r.pid ?? pid })));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function only(findings: Finding[]): [number, string, string][] {
  return findings.map((f) => [f.line, f.severity, f.message]);
}

describe('clean input', () => {
  test('files written by the real library have no findings', async () => {
    const full = join(dir, 'full.jsonl');
    const all = join(dir, 'all.jsonl');
    await writeFullJob(full);
    await writeFullJob(all, 'x', true);
    const r = await check(full, all);
    assert.deepEqual(r.findings, []);
    assert.ok(r.records > 50);
  });

  test('the hand-written valid sequence has no findings', async () => {
    assert.deepEqual((await check(jsonl(valid()))).findings, []);
  });

  test('the Python-layout fixture: NaN/Infinity tokens are warnings only (no schema errors for them)', async () => {
    const r = await check(PYTHON_FIXTURE);
    assert.equal(r.errors, 0);
    assert.deepEqual(
      r.findings.map((f) => [f.line, f.severity]),
      [
        [4, 'warning'],
        [11, 'warning'],
        [13, 'warning'],
      ],
    );
  });

  test('a killed writer: a torn last line and never-stopped spans are warnings, not errors', async () => {
    const path = join(dir, 'killed.jsonl');
    await writeKilledAsyncJob(path, 's');
    writeFileSync(path, '{"type":"event","span_id":"x","ev', { flag: 'a' });
    const r = await check(path);
    assert.equal(r.errors, 0);
    assert.ok(r.findings.some((f) => /incomplete last line/.test(f.message)));
    assert.ok(r.findings.some((f) => /"application" .* is never stopped/.test(f.message)));
    assert.ok(r.findings.some((f) => /"training_loop" .* is never stopped/.test(f.message)));
  });
});

describe('schema rules', () => {
  test('unexpected key, missing key, wrong type, bad attribute value, enum, const', async () => {
    const r = await check(
      jsonl([
        { ...start('A', 'application', 0), extra: 1 },
        { type: 'event', span_id: 'A' },
        event('A', 'x', 5, { bad: { nested: true }, list: [1, 'a'] }),
        { ...event('A', 'x', 6), event: { name: 'x', attributes: { timestamp_msec: 1.5 } } },
        {
          type: 'telemetry_data_error',
          error: { name: 'telemetry_data_error', attributes: { error_message: 'm', telemetry_data_error_type: 'other', ...ts(7) } },
        },
        { type: 'application_error', span_id: 'A', event: { name: 'oops', attributes: { error_message: 'm', ...ts(8) } } },
        stop('A', 'application', 0, 100),
      ]),
    );
    const schema = r.findings.filter((f) => f.message.startsWith('schema: ')).map((f) => [f.line, f.message.slice(8)]);
    assert.deepEqual(schema, [
      [1, 'record has unexpected key "extra"'],
      [2, 'record is missing required key "event"'],
      [3, '"event.attributes.bad" must be a string, a finite number, a boolean or an array of one of those types'],
      [3, '"event.attributes.list" must be a string, a finite number, a boolean or an array of one of those types'],
      [4, '"event.attributes.timestamp_msec" must be integer'],
      [5, '"error.attributes.telemetry_data_error_type" must be one of "no_telemetry_data", "incomplete_telemetry_data"'],
      [6, '"event.name" must be "error"'],
    ]);
    assert.ok(r.findings.every((f) => f.severity === 'error' || !f.message.startsWith('schema')));
  });
});

describe('semantic rules', () => {
  test('a stop without a matching start, and a stop twice', async () => {
    const r = await check(jsonl([...valid(), stop('Z', 'ghost', 0, 5), stop('B', 'child', 20, 30)]));
    assert.deepEqual(only(r.findings), [
      [5, 'error', 'stop of span "ghost" (Z) has no matching start'],
      [6, 'error', 'span "child" (B) is stopped twice (first stop at line 3)'],
    ]);
  });

  test('a span started again while running; a stop naming another span', async () => {
    const r = await check(jsonl([start('A', 'application', 0), start('A', 'application', 1), stop('A', 'renamed', 0, 100)]));
    assert.deepEqual(only(r.findings), [
      [2, 'error', 'span id A is started again while running (started at line 1)'],
      [3, 'error', 'stop names span A "renamed" but it was started as "application" (line 2)'],
    ]);
  });

  test('count must increase per pid (other pids have their own sequence; count 1 on a start is a new writer)', async () => {
    const r = await check(
      jsonl([
        { ...start('A', 'application', 0), count: 5 },
        { ...event('A', 'e', 1), count: 5 },
        { ...event('A', 'e', 2), count: 3 },
        { ...start('P', 'other', 3), count: 1, pid: 10 },
        { ...stop('A', 'application', 0, 50), count: 6 },
        { ...stop('P', 'other', 3, 60), count: 2, pid: 10 },
        { ...start('N', 'application', 70), count: 1 },
        { ...stop('N', 'application', 70, 80), count: 2 },
      ]),
    );
    assert.deepEqual(only(r.findings), [
      [2, 'error', 'count 5 does not increase (pid 9 had count 5 at line 1)'],
      [3, 'error', 'count 3 does not increase (pid 9 had count 5 at line 2)'],
    ]);
  });

  test('parents must exist and run; a span is not its own parent', async () => {
    const r = await check(
      jsonl([
        start('A', 'application', 0),
        complete('B', 'child', 1, 2, { parent_id: 'A' }),
        complete('C', 'orphan', 3, 4, { parent_id: 'NOPE' }),
        complete('D', 'late', 5, 6, { parent_id: 'B' }),
        complete('E', 'self', 7, 8, { parent_id: 'E' }),
        stop('A', 'application', 0, 100),
      ]),
    );
    assert.deepEqual(only(r.findings), [
      [3, 'error', 'parent span NOPE of "orphan" does not exist (no running span of this pid has that id)'],
      [4, 'warning', 'parent span B of "late" had already stopped (line 2)'],
      [5, 'error', 'span "self" is its own parent'],
    ]);
  });

  test('events and errors must be on a running span', async () => {
    const r = await check(
      jsonl([
        ...valid().slice(0, 3),
        event('B', 'after-stop', 40),
        { type: 'application_error', span_id: 'X', event: { name: 'error', attributes: { error_message: 'm', ...ts(41) } } },
        stop('A', 'application', 0, 100),
      ]),
    );
    assert.deepEqual(only(r.findings), [
      [4, 'error', 'event "after-stop" on span B, which stopped at line 3'],
      [5, 'error', 'error on span X, which has no start record in this pid'],
    ]);
  });

  test('timestamps: before 2000 (seconds instead of ms), far future, stop before start, going back, duration mismatch', async () => {
    const r = await check(
      jsonl([
        start('A', 'application', 0),
        { ...event('A', 'seconds', 0), event: { name: 'seconds', attributes: { timestamp_msec: Math.floor(T0 / 1000) } } },
        event('A', 'future', NOW - T0 + 2 * 86_400_000),
        { ...complete('B', 'backwards', 50, 40), attributes: { duration_msec: 0 } },
        event('A', 'late', 700_000),
        event('A', 'early', 10_000),
        { ...complete('C', 'drift', 800_000, 805_000), attributes: { duration_msec: 1000 } },
        stop('A', 'application', 0, 900_000),
      ]),
    );
    assert.deepEqual(only(r.findings), [
      [2, 'error', 'event timestamp_msec 1700000000 is before the year 2000 (looks like seconds, not milliseconds)'],
      [
        3,
        'error',
        `event timestamp_msec ${NOW + 2 * 86_400_000} (${new Date(NOW + 2 * 86_400_000).toISOString()}) is more than a day in the future`,
      ],
      [4, 'error', 'span "backwards" stops before it starts (1700000000040 < 1700000000050)'],
      [6, 'warning', 'event timestamp_msec 1700000010000 is 690.0 s before an earlier record of this pid'],
      [7, 'warning', 'span "drift" has duration_msec 1000 but its timestamps are 5000 ms apart'],
    ]);
  });

  test('a span never stopped is reported at its start line', async () => {
    const r = await check(
      jsonl([start('A', 'application', 0), start('B', 'hanging', 5, { parent_id: 'A' }), stop('A', 'application', 0, 10)]),
    );
    assert.deepEqual(only(r.findings), [
      [2, 'warning', 'span "hanging" (B) is never stopped (the writer was killed, or the job is still running)'],
    ]);
  });

  test('reading problems are findings too: not JSON inside the file is an error', async () => {
    const r = await check(jsonl([start('A', 'application', 0), '{not json', stop('A', 'application', 0, 10)]));
    assert.equal(r.errors, 2, 'the line, then the count of unreadable lines');
    assert.equal(r.findings[0]?.line, 2);
    assert.match(r.findings[0]?.message ?? '', /^line is not JSON/);
    assert.deepEqual(
      r.findings.find((f) => f.line === 0),
      { file: r.findings[0]?.file, line: 0, severity: 'error', message: '1 unreadable line skipped (line 2)' },
    );
  });
});
