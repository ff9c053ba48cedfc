// Input built to break the CLI, run through the real `one-logger` binary (the built dist/) on real files:
// deep span trees, record lines at the writer's size limit, corrupt lines, control characters, gzip bombs.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { MAX_RECORD_LINE_BYTES } from '@nv-one-logger/core';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'packages/cli/bin/one-logger.js');
const DEEP_TREE_WRITER = fileURLToPath(new URL('./fixtures/write-deep-tree.mjs', import.meta.url));
const T = 1_700_000_000_000;

let dir: string;
before(() => {
  assert.ok(existsSync(join(REPO, 'packages/cli/dist/cli.js')), 'build first: npm run build');
  dir = mkdtempSync(join(tmpdir(), 'cli-hostile-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ONE_LOGGER_DEBUG: '' },
  });
}

// Records in the writer's layout (spec/core.md §5.4), for inputs the library itself would never write.
const start = (id: string, name: string, count: number, ms: number) =>
  `{"type":"start","id":"${id}","name":"${name}","start_event":{"name":"span_start","attributes":{"timestamp_msec":${T + ms}}},"count":${count},"pid":7}`;
const stop = (id: string, name: string, count: number, ms: number, duration: number) =>
  `{"type":"stop","id":"${id}","name":"${name}","attributes":{"duration_msec":${duration}},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":${T + ms}}},"count":${count},"pid":7}`;

function write(name: string, lines: string[], trailingNewline = true): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + (trailingNewline ? '\n' : ''));
  return path;
}

describe('deep span trees', () => {
  for (const depth of [5_000, 100_000]) {
    test(`issue 12 item 10: validate, summarize, summarize --json and report on a ${depth.toLocaleString('en-US')}-deep tree written by the library`, () => {
      const path = join(dir, `deep-${depth}.jsonl`);
      const writer = spawnSync(process.execPath, [DEEP_TREE_WRITER, path, String(depth)], { encoding: 'utf8', cwd: REPO });
      assert.equal(writer.status, 0, writer.stderr);
      const records = readFileSync(path, 'utf8').trimEnd().split('\n').length;
      // The innermost span is written as one `complete` record, every other span as a start and a stop.
      assert.equal(records, 2 * depth - 1);
      const shown = records.toLocaleString('en-US');

      const validate = run(['validate', path]);
      assert.equal(validate.status, 0, validate.stdout.slice(0, 2000));
      assert.equal(validate.stdout, `valid: 1 file, ${shown} records, 0 errors, 0 warnings\n`);

      const text = run(['summarize', path]);
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, new RegExp(`records {2,}${shown}\\n`));
      assert.match(text.stdout, /ended cleanly {2,}yes/);

      const json = run(['summarize', '--json', path]);
      assert.equal(json.status, 0, json.stderr);
      assert.equal(JSON.parse(json.stdout).files[0].records, records);

      const out = join(dir, `deep-${depth}.html`);
      const report = run(['report', path, '-o', out]);
      assert.equal(report.status, 0, report.stderr);
      assert.equal(report.stderr, '');
      const html = readFileSync(out, 'utf8');
      assert.match(html, /data-chart="timeline"/);
      // The deepest levels are past the row cap: the report says so instead of dropping them silently.
      assert.match(html, /more rows \([\d,]+ spans\) not shown/);
      for (const r of [validate, text, json, report]) assert.doesNotMatch(r.stderr, /call stack/);
    });
  }

  test('issue 12 item 10: a 100,000-deep tree without parent_id (parents inferred from time nesting, as for Python files)', () => {
    const lines: string[] = [];
    const depth = 100_000;
    for (let i = 0; i < depth; i++) lines.push(start(`s${i}`, `level_${i % 10}`, i + 1, i));
    for (let i = depth - 1; i >= 0; i--) lines.push(stop(`s${i}`, `level_${i % 10}`, 2 * depth - i, 2 * depth - i, 2 * depth - 2 * i));
    const path = write('deep-inferred.jsonl', lines);
    const out = join(dir, 'deep-inferred.html');
    const report = run(['report', path, '-o', out]);
    assert.equal(report.status, 0, report.stderr);
    assert.match(readFileSync(out, 'utf8'), /parent inferred from timing/);
    assert.equal(run(['validate', path]).status, 0);
  });

  test('issue 12 item 10: attribute values nested 100,000 levels deep are reported, not followed', () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const path = write('deep-values.jsonl', [
      start('app', 'application', 1, 0).replace('"name":"application"', `"name":"application","attributes":{"deep":${deep}}`),
      `{"type":"application_error","span_id":"app","event":{"name":"error","attributes":{"error_message":${deep},"exception_type":${deep},"timestamp_msec":${T + 1}}},"count":2,"pid":7}`,
      stop('app', 'application', 3, 5, 5),
    ]);
    const validate = run(['validate', path]);
    assert.equal(validate.status, 1);
    assert.match(
      validate.stdout,
      /deep-values\.jsonl:1: error: schema: "attributes\.deep" must be a string, a finite number, a boolean or an array/,
    );
    assert.match(validate.stdout, /invalid: 1 file, 3 records, 3 errors, 0 warnings\n/);
    for (const args of [
      ['summarize', path],
      ['summarize', '--json', path],
      ['report', path, '-o', join(dir, 'deep-values.html')],
    ]) {
      const r = run(args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /call stack|internal error/);
    }
    assert.match(readFileSync(join(dir, 'deep-values.html'), 'utf8'), /deep = \[array of 1 values\]/);
  });
});

describe('record-line limit', () => {
  /** A start record of exactly `bytes` UTF-8 bytes (without its newline), padded with 2-byte characters. */
  function recordOfBytes(bytes: number): string {
    const empty = `{"type":"start","id":"big","name":"big","attributes":{"payload":""},"start_event":{"name":"span_start","attributes":{"timestamp_msec":${T}}},"count":1,"pid":7}`;
    const room = bytes - Buffer.byteLength(empty);
    const padding = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2);
    const line = empty.replace('"payload":""', `"payload":"${padding}"`);
    assert.equal(Buffer.byteLength(line), bytes);
    return line;
  }

  test('issue 12 item 6: a line of MAX_RECORD_LINE_BYTES (newline included) is read by summarize and validate; one byte more is reported', () => {
    assert.equal(MAX_RECORD_LINE_BYTES, 8 * 1024 * 1024);
    const atLimit = write('at-limit.jsonl', [recordOfBytes(MAX_RECORD_LINE_BYTES - 1), stop('big', 'big', 2, 10, 10)]);
    const validate = run(['validate', atLimit]);
    assert.equal(validate.status, 0, validate.stdout.slice(0, 500));
    assert.equal(validate.stdout, 'valid: 1 file, 2 records, 0 errors, 0 warnings\n');
    const summary = run(['summarize', atLimit]);
    assert.equal(summary.status, 0, summary.stderr.slice(0, 500));
    assert.match(summary.stdout, /records {2,}2\n/);
    assert.equal(summary.stderr, '');

    const over = write('over-limit.jsonl', [recordOfBytes(MAX_RECORD_LINE_BYTES), stop('big', 'big', 2, 10, 10)]);
    const refused = run(['summarize', over]);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      /over-limit\.jsonl:1: error: line is longer than 8,388,608 bytes, the record-line limit the writer enforces; skipped\n/,
    );
  });
});

describe('corrupt lines', () => {
  const good = () => [
    start('app', 'application', 1, 0),
    start('a', 'load', 2, 10),
    stop('a', 'load', 3, 20, 10),
    start('b', 'train', 4, 30),
    stop('b', 'train', 5, 40, 10),
    stop('app', 'application', 6, 50, 50),
  ];

  test('issue 12 item 11: bad lines inside the file: summarize prints what it read, lists the lines and their count, exits 1', () => {
    const lines = good();
    lines.splice(2, 0, '{"type":"start","id":"x"'); // line 3
    lines.splice(4, 0, 'not json at all'); // line 5
    const path = write('corrupt-middle.jsonl', lines);
    const r = run(['summarize', path]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /records {2,}6\n/, 'the summary of the readable records is printed');
    assert.match(r.stdout, /ended cleanly {2,}yes/);
    assert.match(r.stderr, /corrupt-middle\.jsonl:3: error: line is not JSON/);
    assert.match(r.stderr, /corrupt-middle\.jsonl:5: error: line is not JSON/);
    assert.match(r.stderr, /corrupt-middle\.jsonl: error: 2 unreadable lines skipped \(line 3, 5\)\n/);

    const json = run(['summarize', '--json', path]);
    assert.equal(json.status, 1);
    const findings = JSON.parse(json.stdout).files[0].findings as { line: number; message: string }[];
    assert.deepEqual(
      findings.map((f) => f.line),
      [3, 5, 0],
    );

    const out = join(dir, 'corrupt-middle.html');
    const report = run(['report', path, '-o', out]);
    assert.equal(report.status, 1);
    assert.ok(existsSync(out), 'the report is still written');
    assert.match(report.stderr, /2 unreadable lines skipped \(line 3, 5\)/);
    assert.match(readFileSync(out, 'utf8'), /2 unreadable lines skipped \(line 3, 5\)/);

    const validate = run(['validate', path]);
    assert.equal(validate.status, 1);
    assert.match(validate.stdout, /corrupt-middle\.jsonl: error: 2 unreadable lines skipped \(line 3, 5\)\n/);
  });

  test('issue 12 item 11: only the first 10 line numbers are quoted, the rest counted', () => {
    const lines = good();
    for (let i = 0; i < 25; i++) lines.splice(1, 0, `garbage ${i}`);
    const r = run(['summarize', write('many-bad.jsonl', lines)]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /many-bad\.jsonl: error: 25 unreadable lines skipped \(line 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 15 more\)\n/);
  });

  test('issue 12 item 11: a torn last line (a writer killed mid-write) stays a warning: exit 0', () => {
    const lines = good();
    lines.push(start('c', 'late', 7, 60).slice(0, 45));
    const path = write('torn-last.jsonl', lines, false);
    for (const args of [
      ['summarize', path],
      ['validate', path],
      ['report', path, '-o', join(dir, 'torn.html')],
    ]) {
      const r = run(args);
      assert.equal(r.status, 0, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, /torn-last\.jsonl:7: warning: incomplete last line/);
      assert.doesNotMatch(r.stdout + r.stderr, /unreadable/);
    }
  });
});

describe('control characters', () => {
  // Raw C0 (except the line break the CLI writes itself), DEL and C1 characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding raw control characters is the point.
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
  const ESC = '\u001b';
  const BEL = '\u0007';
  const CSI = '\u009b';

  test('issue 12 item 12: no raw ESC, BEL or C1 from the data or the file name reaches stdout or stderr', () => {
    const name = `evil${ESC}]0;pwned${BEL}.jsonl`;
    const tag = `tag${ESC}[2J${CSI}31m`;
    const init = `{"type":"event","span_id":"app","event":{"name":"one_logger_initialization","attributes":{"world_size":1,"session_tag":${JSON.stringify(tag)},"rank":0,"timestamp_msec":${T}}},"count":2,"pid":7}`;
    const error = `{"type":"application_error","span_id":"app","event":{"name":"error","attributes":{"error_message":${JSON.stringify(`boom${BEL}${ESC}[31m\u007f`)},"exception_type":"Error","timestamp_msec":${T + 5}}},"count":3,"pid":7}`;
    const lines = [
      start('app', 'application', 1, 0),
      init,
      error,
      `${ESC}[2J${ESC}]0;title${BEL} corrupt line`,
      `{"type":${JSON.stringify(`${ESC}[5m${CSI}`)}}`, // JSON escapes ESC; the C1 character stays raw
      start(`id${ESC}`, `span${ESC}[1m`, 4, 10),
      stop('app', 'application', 5, 50, 50),
    ];
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const runs = {
      summarize: run(['summarize', name]),
      json: run(['summarize', '--json', name]),
      validate: run(['validate', name]),
      report: run(['report', name, '-o', join(dir, 'evil.html')]),
      missing: run(['summarize', `missing${ESC}${BEL}.jsonl`]),
      usage: run([`bogus${ESC}[2J${BEL}`]),
    };
    for (const [what, r] of Object.entries(runs)) {
      assert.doesNotMatch(r.stdout, RAW_CONTROL, `${what} stdout`);
      assert.doesNotMatch(r.stderr, RAW_CONTROL, `${what} stderr`);
    }
    const s = runs.summarize;
    assert.equal(s.status, 1);
    assert.ok(s.stderr.includes(String.raw`evil\x1b]0;pwned\x07.jsonl:4: error: line is not JSON`), s.stderr);
    assert.ok(s.stderr.includes(String.raw`(Unexpected token '\x1b', "\x1b[2J\x1b]0;ti"... is not valid JSON)`), s.stderr);
    assert.ok(s.stderr.includes(String.raw`unknown "type" "\u001b[5m\x9b"`), s.stderr);
    assert.ok(s.stdout.includes(String.raw`session tag               tag\x1b[2J\x9b31m`), s.stdout);
    assert.ok(s.stdout.includes(String.raw`Error: boom\x07\x1b[31m\x7f`), s.stdout);
    assert.ok(s.stdout.includes(String.raw`== evil\x1b]0;pwned\x07.jsonl ==`), s.stdout);
    // --json stays valid JSON and keeps the values: the escapes are JSON escapes.
    assert.equal(JSON.parse(runs.json.stdout).files[0].application.sessionTag, tag);
    assert.ok(runs.validate.stdout.includes(String.raw`evil\x1b]0;pwned\x07.jsonl:4: error:`));
    assert.ok(runs.missing.stderr.includes(String.raw`missing\x1b\x07.jsonl: error: no such file`), runs.missing.stderr);
    assert.equal(runs.usage.status, 2);
    assert.ok(runs.usage.stderr.includes(String.raw`unknown command "bogus\x1b[2J\x07"`), runs.usage.stderr);
  });
});

describe('decompression bombs', () => {
  /** Streams `total` bytes of `fill` (after `head`) through gzip into `path`: small on disk, huge expanded. */
  async function gzipBomb(path: string, head: string, fill: string, total: number): Promise<void> {
    const chunk = Buffer.from(fill.repeat(Math.ceil((1 << 20) / fill.length)));
    async function* data() {
      yield Buffer.from(head);
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
    }
    await pipeline(data(), createGzip({ level: 9 }), createWriteStream(path));
  }

  test('issue 12 item 13: a gzip bomb of garbage lines stops after 1,000 lines in a row without a record', async () => {
    const path = join(dir, 'lines-bomb.jsonl.gz');
    await gzipBomb(path, `${start('app', 'application', 1, 0)}\n`, 'garbage\n', 256 * 1024 * 1024);
    assert.ok(statSync(path).size < 1024 * 1024, 'under 1 MB compressed');
    const r = run(['summarize', path]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /lines-bomb\.jsonl\.gz: error: reading stopped at line 1,001: 1,000 lines in a row hold no record \(the limit is 1,000; the input is not telemetry any more, e\.g\. a decompression bomb\); the rest is not read\n/,
    );
    assert.match(r.stderr, /lines-bomb\.jsonl\.gz: error: 1,000 unreadable lines skipped \(line 2, 3,/);
    assert.match(r.stdout, /records {2,}1\n/, 'the record before the garbage is summarized');
    assert.ok(r.stderr.split('\n').length < 200, 'findings are capped, not printed once per line');
  });

  test('issue 12 item 13: a gzip bomb that is one endless line stops at the expansion-ratio limit', async () => {
    const path = join(dir, 'ratio-bomb.jsonl.gz');
    await gzipBomb(path, `${start('app', 'application', 1, 0)}\n`, 'x', 256 * 1024 * 1024);
    const compressed = statSync(path).size;
    assert.ok(compressed * 200 < 64 * 1024 * 1024, 'the ratio floor of 64 MiB applies');
    const r = run(['validate', path]);
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      new RegExp(
        `ratio-bomb\\.jsonl\\.gz: error: reading stopped after line 1: the gzip data expands to more than 200 times its compressed size of ${compressed.toLocaleString('en-US')} bytes \\([\\d,]+ bytes so far; the limit against decompression bombs\\); the rest is not read\\n`,
      ),
    );
    assert.match(r.stdout, /ratio-bomb\.jsonl\.gz:2: error: line is longer than 8,388,608 bytes/);
    assert.match(r.stdout, /invalid: 1 file, 1 record, /);
  });
});
