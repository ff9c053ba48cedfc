import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CORE_PACKAGE_NAME, getVersion, readPackageVersion, VERSION } from '../src/internal/version.js';

const corePackage = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
const dir = mkdtempSync(join(tmpdir(), 'one-logger-version-'));

after(() => rmSync(dir, { recursive: true, force: true }));

function writePackage(name: string, content: string): URL {
  const path = join(dir, name);
  writeFileSync(path, content);
  return pathToFileURL(path);
}

describe('version', () => {
  test("VERSION is the core package.json's version (#157, adapted: npm metadata)", () => {
    assert.equal(corePackage.name, CORE_PACKAGE_NAME);
    assert.match(VERSION, /^\d+\.\d+\.\d+/);
    assert.equal(VERSION, corePackage.version);
    assert.equal(getVersion(), VERSION);
  });

  test('readPackageVersion reads the version of the named package (#158, adapted)', () => {
    const url = writePackage('ok.json', JSON.stringify({ name: CORE_PACKAGE_NAME, version: '2.3.1' }));
    assert.equal(readPackageVersion(url), '2.3.1');
    assert.equal(readPackageVersion(url, 'other-package'), 'unknown');
  });

  // B23: the reference's version lookup printed "Error: pyproject.toml file not found." to stdout and walked up
  // from its own directory, so it could report the version of an unrelated project above site-packages.
  test("B23: an unrelated package.json where core's would be gives 'unknown'; every fallback prints nothing", () => {
    // A bundled app: the module sits two levels below the app's own package.json, not core's.
    const app = join(dir, 'app');
    mkdirSync(join(app, 'dist', 'chunks'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '9.9.9' }));
    const moduleUrl = pathToFileURL(join(app, 'dist', 'chunks', 'index.js'));
    assert.equal(readPackageVersion(new URL('../../package.json', moduleUrl)), 'unknown');

    const writes: string[] = [];
    const originalStdout = process.stdout.write;
    const originalStderr = process.stderr.write;
    const capture = (chunk: unknown): boolean => {
      writes.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    let results: string[];
    try {
      results = [
        readPackageVersion(pathToFileURL(join(dir, 'missing.json'))),
        readPackageVersion(writePackage('broken.json', '{ not json')),
        readPackageVersion(writePackage('unrelated.json', JSON.stringify({ name: 'some-app', version: '9.9.9' }))),
        readPackageVersion(writePackage('noversion.json', JSON.stringify({ name: CORE_PACKAGE_NAME }))),
        readPackageVersion(writePackage('numeric.json', JSON.stringify({ name: CORE_PACKAGE_NAME, version: 1 }))),
        readPackageVersion(writePackage('null.json', 'null')),
      ];
    } finally {
      process.stdout.write = originalStdout;
      process.stderr.write = originalStderr;
    }
    assert.deepEqual(results, ['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    assert.deepEqual(writes, []);
  });
});
