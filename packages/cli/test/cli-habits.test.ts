// What a new user runs into first, through the real `one-logger` binary: a mistyped command gets a suggestion,
// `--version` works after any command, `report` without `-o` says where it wrote, a UTF-8 byte-order mark is
// accepted, and `replay` says why it dropped spans.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeFullJob } from './helpers/scenarios.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'packages/cli/bin/one-logger.js');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

let dir: string;
let full: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-habits-'));
  mkdirSync(join(dir, 'runs'));
  full = join(dir, 'runs', 'full.jsonl');
  await writeFullJob(full);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd = dir): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd });
}

describe('one-logger for a new user', () => {
  test('a mistyped command is answered with the closest command', () => {
    for (const [typed, meant] of [
      ['sumarize', 'summarize'],
      ['summarise', 'summarize'],
      ['reprot', 'report'],
      ['valid', 'validate'],
      ['replya', 'replay'],
    ]) {
      const r = run([typed as string, full]);
      assert.equal(r.status, 2, typed);
      assert.match(r.stderr, new RegExp(`unknown command "${typed}"; did you mean "${meant}"\\?`));
      assert.equal(r.stdout, '');
    }
    const far = run(['frobnicate']);
    assert.equal(far.status, 2);
    assert.match(far.stderr, /unknown command "frobnicate"\n/);
    assert.match(run(['help', 'sumarize']).stderr, /did you mean "summarize"/);
  });

  test('--version works on its own and after every command', () => {
    for (const args of [
      ['--version'],
      ['-v'],
      ['summarize', '--version'],
      ['report', '--version'],
      ['validate', 'x.jsonl', '--version'],
      ['replay', '--version'],
    ]) {
      const r = run(args);
      assert.equal(r.status, 0, args.join(' '));
      assert.equal(r.stdout, `${VERSION}\n`, args.join(' '));
    }
    // After `--`, "--version" is a file name.
    assert.equal(run(['summarize', '--', '--version']).status, 1);
  });

  test('report without -o writes report.html next to the first input and says so', () => {
    const r = run(['report', full]);
    assert.equal(r.status, 0, r.stderr);
    const written = join(dir, 'runs', 'report.html');
    assert.ok(existsSync(written));
    assert.match(r.stdout, new RegExp(`report written to ${written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`));
    assert.match(readFileSync(written, 'utf8'), /^<!doctype html>/i);
    assert.equal(run(['report', full, '-o', '']).status, 2);
    assert.match(run(['report', '--help']).stdout, /default: report\.html next to the first input/);
  });

  test('a UTF-8 byte-order mark at the start of a file is accepted', () => {
    const bom = join(dir, 'bom.jsonl');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(full)]));
    const plain = run(['summarize', '--json', full]);
    const withBom = run(['summarize', '--json', bom]);
    assert.equal(withBom.status, 0, withBom.stderr);
    const records = (s: string) => (JSON.parse(s) as { files: { records: number }[] }).files[0]?.records;
    assert.equal(records(withBom.stdout), records(plain.stdout));
    const v = run(['validate', bom]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /0 errors, 0 warnings/);
  });

  test('replay says why it dropped spans', async () => {
    // A port that refuses connections: bound, then closed again.
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const child = spawn(process.execPath, [BIN, 'replay', full, '--otlp', `http://127.0.0.1:${port}`, '--timeout-ms', '1500'], {
      cwd: dir,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /spans dropped: (export failed|shutdown timeout).*(ECONNREFUSED|refused)/);
  });
});
