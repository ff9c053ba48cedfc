// The `one-logger` command as a real child process (the built dist/, like users run it): help, exit codes,
// stdout/stderr, --json, bad inputs, validate, report, stdin, pipes, and `npx one-logger` from the repo root.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CORE_ONLY, writeCoreOnlyJob } from './helpers/core-only-job.js';
import { T0 } from './helpers/jobs.js';
import { writeFullJob, writeKilledAsyncJob } from './helpers/scenarios.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'packages/cli/bin/one-logger.js');
const PYTHON_FIXTURE = fileURLToPath(new URL('./fixtures/python-reference.jsonl', import.meta.url));

let dir: string;
let full: string;
let killed: string;

before(async () => {
  assert.ok(existsSync(join(REPO, 'packages/cli/dist/cli.js')), 'build first: npm run build');
  dir = mkdtempSync(join(tmpdir(), 'cli-bin-'));
  full = join(dir, 'full.jsonl');
  killed = join(dir, 'killed.jsonl');
  await writeFullJob(full);
  await writeKilledAsyncJob(killed, 'killed_session');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, cwd: dir, env: { ...process.env, ONE_LOGGER_DEBUG: '' } });
}

/** No stack trace ever reaches the user. */
function assertNoStack(r: SpawnSyncReturns<string>): void {
  assert.doesNotMatch(r.stderr, /^\s+at .+[(:]\d+/m, r.stderr);
  assert.doesNotMatch(r.stdout, /^\s+at .+[(:]\d+/m);
}

describe('help, version and usage errors', () => {
  test('--help for the command and every subcommand (exit 0, stdout)', () => {
    for (const args of [
      ['--help'],
      ['-h'],
      ['help'],
      ['summarize', '--help'],
      ['validate', '-h'],
      ['report', '--help'],
      ['help', 'validate'],
    ]) {
      const r = run(args);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, /Usage:/);
      assert.match(r.stdout, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /);
      assert.equal(r.stderr, '');
    }
    assert.match(run(['summarize', '--help']).stdout, /--json/);
    assert.match(run(['report', '--help']).stdout, /-o, --output/);
  });

  test('--version', () => {
    const r = run(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8')).version}\n`);
  });

  test('usage errors exit 2 with one message and a pointer to --help', () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage:/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['--bogus'], /unknown option "--bogus"/],
      [['summarize'], /summarize needs at least one file/],
      [['summarize', '--bogus', 'x'], /Unknown option '--bogus'/],
      [['validate'], /validate needs at least one file/],
      [['validate', '--max-findings', 'abc', 'x'], /--max-findings needs a positive integer/],
      [['report', 'x.jsonl', '-o', ''], /-o needs a file name/],
      [['report'], /report needs at least one file/],
      [['help', 'nope'], /unknown command "nope"/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
      assertNoStack(r);
    }
    assert.match(run(['summarize', '--bogus', 'x']).stderr, /Run "one-logger summarize --help" for usage/);
  });
});

describe('summarize', () => {
  test('a readable terminal summary: sections, aligned values, units, durations', () => {
    const r = run(['summarize', full]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = r.stdout;
    assert.match(out, new RegExp(`^== ${full.replaceAll('/', '\\/')} =+$`, 'm'));
    for (const section of [
      'Application',
      'Phases',
      'Training',
      'Validation and testing',
      'Checkpoints',
      'Time breakdown (share of application time)',
    ]) {
      assert.match(out, new RegExp(`^${section.replace(/[()]/g, '\\$&')}$`, 'm'));
    }
    assert.match(out, /^ {2}duration {18}30\.0s$/m);
    assert.match(out, /^ {2}start {21}2023-11-14 22:13:20\.000 UTC$/m);
    assert.match(out, /^ {2}ended cleanly {13}yes$/m);
    assert.match(out, /^ {2}model init {16}2\.00s$/m);
    assert.match(out, /^ {2}iterations {16}12 this job, 22 overall$/m);
    assert.match(out, /^ {2}samples {19}384 this job, 704 overall$/m);
    assert.match(out, /^ {2}iteration time {12}avg 1\.58s, min 1\.00s, max 3\.00s$/m);
    assert.match(out, /^ {2}validation {16}1 loop, 3 iterations, 700 ms$/m);
    assert.match(out, /^ {2}saves {21}3 \(3 sync, 0 async\), 2 successful$/m);
    assert.match(out, /^ {2}since last checkpoint {5}2 iterations/m);
    assert.match(out, /^ {2}training iterations {8}63\.3% {2}#+$/m);
    assert.match(out, /^Errors \(1\)\n {2}2023-11-14 22:13:48\.000 UTC {2}\[training_loop\] RangeError: loss spiked$/m);
    assert.match(out, /^Telemetry-data errors \(1\)$/m);
    // A training job keeps its sections and gets its five largest span names after them.
    const top = out
      .slice(out.indexOf('\nTop spans') + 1)
      .split('\n')
      .slice(0, 3);
    assert.deepEqual(top, [
      'Top spans (by total time: total, share of application time, count, mean, max)',
      '  training_loop                 23.0s   76.7%  1 span, mean 23.0s, max 23.0s',
      '  checkpoint_save_sync          2.25s    7.5%  3 spans, mean 750 ms, max 1.50s',
    ]);
    assert.ok(!out.includes('\r') && !out.includes('\u001b') && !r.stderr.includes('\r'), 'no progress or escape codes in pipes');
  });

  test('a core-only job: its spans by total time instead of the empty training sections; --json spanStats', async () => {
    const core = join(dir, 'core-only.jsonl');
    await writeCoreOnlyJob(core);
    const r = run(['summarize', core]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const sections = r.stdout.split('\n').filter((l) => /^[A-Z]/.test(l));
    assert.deepEqual(sections, [
      'Application',
      'Spans (by total time: total, share of application time, count, mean, max)',
      'Errors: none',
      'Telemetry-data errors: none',
    ]);
    const spans = r.stdout.slice(r.stdout.indexOf('Spans (')).split('\n').slice(1, 4);
    assert.deepEqual(spans, [
      '  process                      600 ms   60.0%  3 spans, mean 200 ms, max 250 ms',
      '  load                         200 ms   20.0%  1 span, mean 200 ms, max 200 ms',
      '  save                         100 ms   10.0%  1 span, mean 100 ms, max 100 ms',
    ]);
    assert.doesNotMatch(r.stdout, /none recorded|^ {2}application /m);

    const doc = JSON.parse(run(['summarize', '--json', core]).stdout);
    const stats = doc.files[0].spanStats;
    assert.deepEqual(stats.byName[0], { name: 'process', count: 3, totalMs: 600, meanMs: 200, maxMs: 250, shareOfApplication: 0.6 });
    assert.deepEqual(
      stats.byName.map((s: { name: string }) => s.name),
      ['process', 'load', 'save'],
      'the application span is not listed',
    );
    assert.deepEqual(stats.other, { count: 0, totalMs: 0, maxMs: null, shareOfApplication: null });
    assert.equal(
      CORE_ONLY.process.reduce((a, b) => a + b, 0),
      stats.byName[0].totalMs,
    );
  });

  test('span statistics: at most 100 names (the rest counted as other), runs of one file add up', async () => {
    const many = join(dir, 'many-names.jsonl');
    await writeCoreOnlyJob(many, { extraNames: 105 });
    const doc = JSON.parse(run(['summarize', '--json', many]).stdout);
    const stats = doc.files[0].spanStats;
    assert.equal(stats.byName.length, 100);
    // The first 100 names seen keep a row: load, process, save and item_000..item_096.
    assert.equal(stats.byName.at(-1).name, 'item_096');
    assert.deepEqual(stats.other, { count: 8, totalMs: 8, maxMs: 1, shareOfApplication: 8 / 1105 });
    const out = run(['summarize', many]).stdout;
    assert.match(out, /^ {28}… 80 more names \(see --json\)\n {2}\(other names\) {18}8 ms {4}0\.7% {2}8 spans, mean 1 ms, max 1 ms$/m);

    const resumed = join(dir, 'core-two-runs.jsonl');
    await writeCoreOnlyJob(resumed);
    await writeCoreOnlyJob(resumed, { startWallMs: T0 + 10_000 });
    const two = JSON.parse(run(['summarize', '--json', resumed]).stdout).files[0];
    assert.equal(two.application.durationMs, 11_000);
    // Shares are over the runs' own application time (2 s), not the idle gap between them.
    assert.deepEqual(two.spanStats.byName[0], {
      name: 'process',
      count: 6,
      totalMs: 1200,
      meanMs: 200,
      maxMs: 250,
      shareOfApplication: 0.6,
    });
  });

  test('several files: a section per file, a combined view per session of several files; input warnings on stderr', () => {
    const copy = join(dir, 'killed-copy.jsonl');
    writeFileSync(copy, readFileSync(killed, 'utf8'));
    const r = run(['summarize', full, PYTHON_FIXTURE, killed]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.match(/^== /gm)?.length, 3, 'one section per file, no session spans two files');
    assert.match(r.stdout, /^Problems in the input: 0 errors, 3 warnings \(listed on stderr\)$/m);
    assert.deepEqual(
      r.stderr
        .trim()
        .split('\n')
        .map((l) => l.split(': ').slice(0, 2).join(': ')),
      [`${PYTHON_FIXTURE}:4: warning`, `${PYTHON_FIXTURE}:11: warning`, `${PYTHON_FIXTURE}:13: warning`],
    );
    const two = run(['summarize', killed, copy]);
    assert.match(two.stdout, /^== session killed_session \(2 files, ranks 0\) =+$/m);
  });

  test('--json: the documented document, every key present (null when unknown)', () => {
    const r = run(['summarize', '--json', full, PYTHON_FIXTURE]);
    assert.equal(r.status, 0);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['schemaVersion', 'generator', 'files', 'sessions', 'jobs']);
    assert.equal(doc.schemaVersion, '1.2.0');
    assert.equal(doc.generator.name, 'one-logger');
    assert.equal(doc.files.length, 2);
    assert.equal(doc.sessions.length, 2);
    const f = doc.files[0];
    assert.deepEqual(Object.keys(f), [
      'schemaVersion',
      'files',
      'application',
      'phases',
      'training',
      'validation',
      'testing',
      'modelMetrics',
      'checkpoints',
      'timeBreakdown',
      'spanStats',
      'errors',
      'telemetryDataErrors',
      'findings',
      'records',
    ]);
    assert.equal(f.application.name, 'cli_test_app');
    assert.equal(f.application.backend, null);
    assert.equal(f.training.iterationsOverall, 22);
    assert.deepEqual(f.modelMetrics, { training: [], validation: [] });
    assert.equal(doc.files[1].application.name, null, 'the Python library does not record the application name');
    assert.deepEqual(Object.keys(f.training.throughputPerGpuTflops), ['latest', 'min', 'max']);
    const py = doc.files[1];
    assert.equal(py.phases.modelInitMs, null, 'unknown values are null, never missing');
    assert.equal(py.findings.length, 3);
  });

  test('bad inputs: one clear message each on stderr, exit 1, never a stack trace', () => {
    const sub = join(dir, 'subdir');
    mkdirSync(sub, { recursive: true });
    const inputs: [string, string, RegExp][] = [
      ['text.txt', 'this is not json\n', /text\.txt: error: is not one-logger JSONL telemetry: line 1 is not JSON/],
      ['bin.dat', '\u0000\u0001\u0002ELF\u0000', /bin\.dat: error: is binary data, not JSONL text/],
      ['empty.jsonl', '', /empty\.jsonl: error: is empty: no records/],
      ['missing.jsonl', '', /missing\.jsonl: error: no such file/],
      ['subdir', '', /subdir: error: is a directory without telemetry files \(\*\.jsonl, \*\.jsonl\.gz\)/],
    ];
    for (const [name, content, message] of inputs) {
      const path = join(dir, name);
      if (name !== 'missing.jsonl' && name !== 'subdir') writeFileSync(path, content);
      for (const json of [false, true]) {
        const r = run(['summarize', ...(json ? ['--json'] : []), path]);
        assert.equal(r.status, 1, `${name}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr); // the problem + the final count
        assertNoStack(r);
        // A directory stands for the telemetry files in it; an empty one leaves nothing to summarize.
        if (json && name === 'subdir') assert.deepEqual(JSON.parse(r.stdout).files, []);
        else if (json) assert.equal(JSON.parse(r.stdout).files[0].findings[0].severity, 'error');
        else assert.equal(r.stdout, '');
      }
    }
  });

  test('a corrupt line inside a good file: the summary is still printed, exit 1', () => {
    const path = join(dir, 'corrupt.jsonl');
    const lines = readFileSync(full, 'utf8').split('\n');
    lines.splice(3, 0, '{"type":"event","span_id":');
    writeFileSync(path, lines.join('\n'));
    const r = run(['summarize', path]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /corrupt\.jsonl:4: error: line is not JSON/);
    assert.match(r.stdout, /iterations {16}12 this job, 22 overall/);
  });

  test('a torn last line is a warning: exit 0', () => {
    const path = join(dir, 'torn.jsonl');
    writeFileSync(path, `${readFileSync(killed, 'utf8')}{"type":"ev`);
    const r = run(['summarize', path]);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /torn\.jsonl:\d+: warning: incomplete last line/);
    assert.match(r.stdout, /ended cleanly {13}no/);
  });

  test('standard input with "-"', () => {
    const r = run(['summarize', '--json', '-'], readFileSync(PYTHON_FIXTURE, 'utf8'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files[0].training.iterationsOverall, 3);
  });
});

describe('validate', () => {
  test('clean files: exit 0 and a tally', () => {
    const r = run(['validate', full, killed, PYTHON_FIXTURE]);
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /^valid: 3 files, \d+ records, 0 errors, \d+ warnings$/m);
    assert.match(r.stdout, new RegExp(`^${PYTHON_FIXTURE}:4: warning: non-standard JSON token NaN`, 'm'));
  });

  test('problems: file:line: problem for each, exit 1', () => {
    const path = join(dir, 'broken.jsonl');
    const lines = readFileSync(full, 'utf8').trim().split('\n');
    lines.splice(
      2,
      0,
      '{"type":"stop","id":"nope","name":"x","attributes":{"duration_msec":1},"stop_event":{"name":"span_stop","attributes":{"timestamp_msec":1700000000001}},"count":3,"pid":1}',
    );
    writeFileSync(path, `${lines.join('\n')}\n`);
    const r = run(['validate', path, join(dir, 'missing.jsonl')]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`^${path}:3: error: stop of span "x" \\(nope\\) has no matching start$`, 'm'));
    assert.match(r.stdout, /missing\.jsonl: error: no such file/);
    assert.match(r.stdout, /^invalid: 2 files, \d+ records, 2 errors, 0 warnings$/m);
    assertNoStack(r);
  });

  test('--max-findings limits the lines per file, not the count', () => {
    const path = join(dir, 'many.jsonl');
    writeFileSync(path, `${readFileSync(full, 'utf8')}${'{bad\n'.repeat(10)}`);
    const r = run(['validate', '--max-findings', '3', path]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout.match(/: error: line is not JSON/g)?.length, 3);
    // 10 lines, then the count of unreadable lines (a whole-file error).
    assert.match(r.stdout, /… 8 more findings not shown \(--max-findings 3\)/);
    assert.match(r.stdout, /11 errors/);
  });

  test('a reader that goes away (| head) ends the command quietly', async () => {
    const path = join(dir, 'huge-bad.jsonl');
    writeFileSync(path, `${readFileSync(full, 'utf8')}${'{bad\n'.repeat(200_000)}`);
    const child = spawn(process.execPath, [BIN, 'validate', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.notEqual(code, null);
  });
});

describe('report', () => {
  test('writes one HTML file from the summaries, span forests and metrics (exit 0)', () => {
    const out = join(dir, 'report.html');
    const r = run(['report', full, PYTHON_FIXTURE, '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^report written to .*report\.html \(\d/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<html/i);
    assert.match(html, /full_session/);
    assert.match(r.stderr, /python-reference\.jsonl:4: warning/);
  });

  test('inputs with problems: the report is still written, exit 1; an unwritable output is one message', () => {
    const out = join(dir, 'partial.html');
    const r = run(['report', full, join(dir, 'missing.jsonl'), '--output', out]);
    assert.equal(r.status, 1);
    assert.ok(existsSync(out));
    assert.match(r.stderr, /missing\.jsonl: error: no such file/);
    const bad = run(['report', full, '-o', join(dir, 'no-such-dir', 'x.html')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /one-logger: cannot write .*x\.html: .*ENOENT/);
    assertNoStack(bad);
  });
});

describe('installation', () => {
  test('npx one-logger works from the repo root (workspace bin link)', () => {
    const link = join(REPO, 'node_modules/.bin/one-logger');
    assert.ok(existsSync(link), 'node_modules/.bin/one-logger is missing: run npm install (npm links workspace bins)');
    const r = spawnSync('npx', ['--no-install', 'one-logger', 'summarize', '--json', PYTHON_FIXTURE], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files[0].application.sessionTag, 'demo_session');
  });
});
