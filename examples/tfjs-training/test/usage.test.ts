// The demo's command line: --help prints the usage, a bad option is one message and the usage (exit 2), never a
// stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.mjs', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });

test('--help and -h print the usage and exit 0 without training', () => {
  for (const flag of ['--help', '-h']) {
    const r = run([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: node examples\/tfjs-training\/main\.mjs \[options\]\n/);
    for (const option of [
      '--epochs',
      '--batch-size',
      '--checkpoint-every',
      '--async-checkpoints',
      '--session',
      '--out',
      '--resume',
      '--prometheus-port',
    ]) {
      assert.ok(r.stdout.includes(option), option);
    }
    assert.equal(r.stderr, '');
  }
});

test('an unknown option or a bad value is a usage error (exit 2), with no stack trace', () => {
  const unknown = run(['--bogus']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^Unknown option '--bogus'/);
  assert.match(unknown.stderr, /Usage: node examples\/tfjs-training\/main\.mjs/);
  assert.doesNotMatch(unknown.stderr, /^\s+at /m);
  const bad = run(['--epochs', 'zero']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, '--epochs must be a positive integer\n');
});
