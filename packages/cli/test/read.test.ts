// The streaming reader: tolerant line parsing (NaN/Infinity), torn last lines, and one clear message for each
// kind of bad input (not JSON, foreign JSON, binary, empty, missing, directory, compressed), plus the light path.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Finding } from '../src/model/types.js';
import { readLightEvent, readLightSpan } from '../src/records/light-record.js';
import { LineSyntaxError, parseJsonLine, replaceNonStandardTokens } from '../src/records/parse-line.js';
import { type ReadItem, readRecords } from '../src/records/read.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-read-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const REC = (n: number, pid = 7) =>
  `{"type":"start","id":"id-${n}","name":"s${n}","start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000000000}},"count":${n},"pid":${pid}}`;

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function readAll(path: string, options = {}): Promise<{ lines: number[]; findings: Finding[]; items: ReadItem[] }> {
  const items: ReadItem[] = [];
  for await (const item of readRecords(path, options)) items.push(item);
  return {
    items,
    lines: items.flatMap((i) => (i.kind === 'record' ? [i.line] : [])),
    findings: items.flatMap((i) => (i.kind === 'finding' ? [i.finding] : [])),
  };
}

describe('parseJsonLine', () => {
  test('standard JSON takes the fast path', () => {
    assert.deepEqual(parseJsonLine('{"a":1}'), { value: { a: 1 }, nonStandardTokens: undefined });
  });

  test('NaN, Infinity and -Infinity outside strings become null and are named', () => {
    const r = parseJsonLine('{"a":NaN,"b":[Infinity,-Infinity,1],"c":{"d":NaN}}');
    assert.deepEqual(r.value, { a: null, b: [null, null, 1], c: { d: null } });
    assert.deepEqual(r.nonStandardTokens, ['NaN', 'Infinity', '-Infinity', 'NaN']);
  });

  test('the tokens inside strings (also after escaped quotes) are left alone', () => {
    const r = parseJsonLine('{"s":"NaN \\"Infinity\\" -Infinity","x":NaN}');
    assert.deepEqual(r.value, { s: 'NaN "Infinity" -Infinity', x: null });
    assert.equal(replaceNonStandardTokens('{"s":"NaN"}'), undefined);
  });

  test('a line that is not JSON, even with the tokens tolerated, throws a LineSyntaxError with the cause', () => {
    assert.throws(() => parseJsonLine('{"a":NaN,'), LineSyntaxError);
    assert.throws(() => parseJsonLine('{"a":Nope}'), /not JSON/);
  });
});

describe('readRecords', () => {
  test('records with 1-based line numbers; CRLF and a missing final newline are fine', async () => {
    const r = await readAll(file('ok.jsonl', `${REC(1)}\r\n${REC(2)}\n${REC(3)}`));
    assert.deepEqual(r.lines, [1, 2, 3]);
    assert.deepEqual(r.findings, []);
  });

  test('NaN tokens: the record is kept and a warning names the tokens', async () => {
    const p = file('nan.jsonl', `${REC(1)}\n${REC(2).replace('"count":2', '"x":NaN,"count":2')}\n`);
    const r = await readAll(p);
    assert.deepEqual(r.lines, [1, 2]);
    assert.deepEqual(
      r.findings.map((f) => [f.line, f.severity]),
      [[2, 'warning']],
    );
    assert.match(r.findings[0]?.message ?? '', /non-standard JSON token NaN .*read as null/);
  });

  test('a torn last line is a warning; the same damage inside the file is an error', async () => {
    const torn = await readAll(file('torn.jsonl', `${REC(1)}\n${REC(2).slice(0, 40)}`));
    assert.deepEqual(torn.lines, [1]);
    assert.deepEqual(
      torn.findings.map((f) => [f.line, f.severity]),
      [[2, 'warning']],
    );
    assert.match(torn.findings[0]?.message ?? '', /incomplete last line/);
    const middle = await readAll(file('middle.jsonl', `${REC(1)}\n${REC(2).slice(0, 40)}\n${REC(3)}\n`));
    assert.deepEqual(middle.lines, [1, 3]);
    assert.deepEqual(
      middle.findings.map((f) => [f.line, f.severity]),
      [
        [2, 'error'],
        [0, 'error'],
      ],
    );
    assert.match(middle.findings[0]?.message ?? '', /^line is not JSON/);
    assert.equal(middle.findings[1]?.message, '1 unreadable line skipped (line 2)');
  });

  test('JSON that is not a record inside a file: an error for that line', async () => {
    const r = await readAll(file('mixed.jsonl', `${REC(1)}\n{"type":"bogus"}\n[1]\n${REC(4)}\n`));
    assert.deepEqual(r.lines, [1, 4]);
    assert.deepEqual(
      r.findings.map((f) => [f.line, f.message]),
      [
        [2, 'not a one-logger record: a JSON object with unknown "type" "bogus"'],
        [3, 'not a one-logger record: a JSON array, not a record object'],
        [0, '2 unreadable lines skipped (line 2, 3)'],
      ],
    );
  });

  test('blank lines are warnings', async () => {
    const r = await readAll(file('blank.jsonl', `${REC(1)}\n\n${REC(3)}\n`));
    assert.deepEqual(r.lines, [1, 3]);
    assert.deepEqual(
      r.findings.map((f) => [f.line, f.severity, f.message]),
      [[2, 'warning', 'blank line']],
    );
  });

  const oneProblem = async (path: string) => {
    const r = await readAll(path);
    assert.equal(r.lines.length, 0);
    assert.equal(r.findings.length, 1, JSON.stringify(r.findings));
    const f = r.findings[0] as Finding;
    assert.equal(f.line, 0);
    assert.equal(f.severity, 'error');
    assert.equal(f.file, path);
    return f.message;
  };

  test('one clear message per bad input', async () => {
    assert.equal(await oneProblem(join(dir, 'nope.jsonl')), 'no such file');
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    assert.equal(await oneProblem(sub), 'is a directory, not a JSONL file');
    assert.equal(await oneProblem(file('empty.jsonl', '')), 'is empty: no records');
    assert.equal(
      await oneProblem(file('bin.dat', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 10, 0, 0]))),
      'is binary data, not JSONL text',
    );
    assert.match(await oneProblem(file('text.txt', 'hello\nworld\n')), /^is not one-logger JSONL telemetry: line 1 is not JSON/);
    assert.equal(
      await oneProblem(file('pkg.json', '{"name":"x"}\n{"name":"y"}\n')),
      'is not one-logger JSONL telemetry: line 1 is a JSON object without "type"',
    );
    assert.equal(
      await oneProblem(file('x.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]))),
      'is xz-compressed (not JSONL text); decompress it first',
    );
  });

  test('only-blank file: the blank line warnings and one error', async () => {
    const r = await readAll(file('blank2.jsonl', '\n\n'));
    assert.deepEqual(
      r.findings.map((f) => f.severity),
      ['warning', 'warning', 'error'],
    );
  });

  test('gzip input is decompressed; corrupt gzip is one error', async () => {
    const r = await readAll(file('ok.jsonl.gz', gzipSync(`${REC(1)}\n${REC(2)}\n`)));
    assert.deepEqual(r.lines, [1, 2]);
    const bad = await readAll(file('bad.gz', Buffer.concat([gzipSync(`${REC(1)}\n`).subarray(0, 12), Buffer.from('garbage')])));
    assert.ok(bad.findings.some((f) => f.severity === 'error' && /gzip data cannot be read/.test(f.message)));
  });

  test('lines across chunk boundaries and multi-byte characters are read intact', async () => {
    // ~3 MiB: several 1 MiB chunks; a 3-byte character sits on many chunk edges.
    const lines: string[] = [];
    for (let i = 1; i <= 12_000; i++) lines.push(REC(i).replace(`"name":"s${i}"`, `"name":"s€${'é'.repeat(i % 200)}"`));
    const r = await readAll(file('big.jsonl', `${lines.join('\n')}\n`));
    assert.equal(r.lines.length, 12_000);
    assert.deepEqual(r.findings, []);
    const last = r.items[r.items.length - 1];
    assert.ok(last?.kind === 'record');
    assert.equal(last.record.name, `s€${'é'.repeat(12_000 % 200)}`);
  });

  test('an over-long line is skipped with an error and reading goes on', async () => {
    const p = file('long.jsonl', `${REC(1)}\n{"type":"start","pad":"${'x'.repeat(5000)}"}\n${REC(3)}\n`);
    const r = await readAll(p, { maxLineBytes: 1000 });
    assert.deepEqual(r.lines, [1, 3]);
    assert.deepEqual(
      r.findings.map((f) => [f.line, f.severity]),
      [
        [2, 'error'],
        [0, 'error'],
      ],
    );
    assert.match(r.findings[0]?.message ?? '', /longer than 1,000 bytes, the record-line limit/);
  });
});

describe('light records (summaries skip JSON.parse for records they do not look into)', () => {
  const tracked = new Set(['application']);
  const complete =
    '{"type":"complete","id":"abc","name":"training_single_iteration","parent_id":"p","attributes":{"duration_msec":5},' +
    '"start_event":{"name":"span_start","attributes":{"timestamp_msec":1700000000000}},' +
    '"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000000005}},"count":9,"pid":42}';

  test('reads type, id, name, pid, both timestamps and the duration', () => {
    assert.deepEqual(readLightSpan(complete, 3, tracked), {
      kind: 'light-span',
      line: 3,
      type: 'complete',
      id: 'abc',
      name: 'training_single_iteration',
      pid: 42,
      startMs: 1_700_000_000_000,
      stopMs: 1_700_000_000_005,
      durationMs: 5,
    });
    const stop =
      '{"type":"stop","id":"q","name":"fwd","attributes":{"duration_msec":5},"stop_event":{"name":"span_stop","attributes":{"k":1,"timestamp_msec":12}},"count":2,"pid":1}';
    assert.deepEqual(readLightSpan(stop, 1, tracked), {
      kind: 'light-span',
      line: 1,
      type: 'stop',
      id: 'q',
      name: 'fwd',
      pid: 1,
      startMs: undefined,
      stopMs: 12,
      durationMs: 5,
    });
    // The recorded duration, not the difference of the millisecond timestamps (a 0 ms span across a tick).
    const tick = complete.replace('"duration_msec":5', '"duration_msec":0');
    assert.equal(readLightSpan(tick, 1, tracked)?.durationMs, 0);
    // Without duration_msec, the timestamps are what both paths use.
    assert.equal(readLightSpan(complete.replace('"duration_msec":5', '"k":1'), 1, tracked)?.durationMs, undefined);
  });

  test('anything unusual is left to the full parse', () => {
    const cases = {
      tracked: complete.replace('training_single_iteration', 'application'),
      escapes: complete.replace('"p"', '"p\\u0041"'),
      nan: complete.replace('"duration_msec":5', '"duration_msec":NaN'),
      'fractional duration': complete.replace('"duration_msec":5', '"duration_msec":5.5'),
      'duration not last': complete.replace('"duration_msec":5', '"duration_msec":5,"k":1'),
      glued: complete.slice(0, 80) + complete,
      'no pid': complete.replace(',"pid":42', ''),
      'pid not a number': complete.replace('"pid":42', '"pid":"42"'),
      'timestamp not last': complete.replace('"timestamp_msec":1700000000005}', '"timestamp_msec":1700000000005,"x":1}'),
      'no stop timestamp': complete.replace('"timestamp_msec":1700000000005', '"ts":1'),
      'other layout': `{"id":"abc",${complete.slice(1)}`,
      event: '{"type":"event","span_id":"x","event":{"name":"e","attributes":{"timestamp_msec":1}},"count":1,"pid":1}',
    };
    for (const [what, line] of Object.entries(cases)) assert.equal(readLightSpan(line, 1, tracked), undefined, what);
  });

  test('the reader yields light items only when asked', async () => {
    const p = file('light.jsonl', `${complete}\n`);
    const plain = await readAll(p);
    assert.equal(plain.items[0]?.kind, 'record');
    const light = await readAll(p, { light: { spansExcept: tracked } });
    assert.equal(light.items[0]?.kind, 'light-span');
  });

  const update =
    '{"type":"event","span_id":"loop","event":{"name":"training_metrics_update","attributes":{"current_iteration":9,"num_iterations":10,' +
    '"avg_iteration_time_sec":1.5,"timestamp_msec":1700000004500}},"count":5,"pid":42}';

  test('events: span id, name, pid, time and the text kept for a later parse', () => {
    assert.deepEqual(readLightEvent(update, 5, new Set()), {
      kind: 'light-event',
      line: 5,
      name: 'training_metrics_update',
      spanId: 'loop',
      pid: 42,
      timeMs: 1_700_000_004_500,
      text: update,
    });
    const cases = {
      tracked: [update, new Set<string>(['training_metrics_update'])],
      nan: [update.replace('1.5', 'NaN'), new Set<string>()],
      glued: [update.slice(0, 50) + update, new Set<string>()],
      'time not last': [update.replace('"timestamp_msec":1700000004500}', '"timestamp_msec":1700000004500,"x":1}'), new Set<string>()],
      'span record': [
        '{"type":"start","id":"a","name":"n","start_event":{"name":"span_start","attributes":{"timestamp_msec":1}},"count":1,"pid":1}',
        new Set<string>(),
      ],
    } as const;
    for (const [what, [line, tracked]] of Object.entries(cases)) assert.equal(readLightEvent(line, 1, tracked), undefined, what);
  });
});
