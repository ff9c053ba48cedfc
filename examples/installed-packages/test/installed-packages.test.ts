// The packages as a registry user gets them: every public workspace is packed with `npm pack` (which runs the
// prepack build), the tarballs are installed into a fresh temporary project with npm (no workspace links), and
// an ES module program, a CommonJS program, a TypeScript program type-checked under NodeNext and Bundler
// resolution, and `npx one-logger --help` run against them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script without declarations
import { manifestProblems, packageDirs } from '../../../scripts/package-manifests.mjs';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const REQUIRE_ESM = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);

let dir: string;
let project: string;
let tarballs: string[];

function publicPackages(): { dir: string; name: string }[] {
  return readdirSync(join(REPO, 'packages'))
    .sort()
    .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(REPO, 'packages', d, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => pkg.private !== true)
    .map(({ dir: d, pkg }) => ({ dir: d, name: pkg.name as string }));
}

function run(cmd: string, args: string[], cwd: string) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' } });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'installed-packages-'));
  const packs = join(dir, 'tarballs');
  project = join(dir, 'app');
  mkdirSync(packs);
  mkdirSync(project);
  const packages = publicPackages();
  // npm prints the prepack scripts' banners on stdout before the JSON: quiet them, keep stderr for a failure.
  const pack = spawnSync(
    NPM,
    ['pack', '--json', '--silent', '--pack-destination', packs, ...packages.flatMap((p) => ['-w', `packages/${p.dir}`])],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  assert.equal(pack.status, 0, `npm pack failed:\n${pack.stderr}`);
  const out = pack.stdout;
  const packed = JSON.parse(out) as { filename: string; files: { path: string }[]; name: string }[];
  assert.equal(packed.length, packages.length);
  tarballs = packed.map((p) => join(packs, p.filename));
  for (const p of packed) {
    const files = p.files.map((f) => f.path);
    assert.ok(files.includes('LICENSE'), `${p.name}: LICENSE in the tarball`);
    assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), `${p.name}: dist/ built by prepack`);
    assert.ok(!files.some((f) => f.endsWith('.tsbuildinfo')), `${p.name}: no build info in the tarball`);
    assert.ok(!files.some((f) => f.startsWith('test/')), `${p.name}: no tests in the tarball`);
    // Every source map points at a file that ships.
    for (const map of files.filter((f) => f.endsWith('.js.map'))) {
      const packageDir = packages.find((x) => x.name === p.name)?.dir as string;
      const json = JSON.parse(readFileSync(join(REPO, 'packages', packageDir, map), 'utf8')) as { sources: string[] };
      for (const source of json.sources) {
        const shipped = join(map, '..', source).replace(/\\/g, '/');
        assert.ok(files.includes(shipped), `${p.name}: ${map} points at ${source}, which is not in the tarball`);
      }
    }
  }
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`);
  const install = run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], project);
  assert.equal(install.status, 0, `npm install of the tarballs failed:\n${install.stdout}\n${install.stderr}`);
  for (const f of ['esm.mjs', 'cjs.cjs', 'typed.ts']) copyFileSync(join(EXAMPLE, f), join(project, f));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface EventBody {
  name: string;
  attributes: Record<string, unknown>;
}

function eventOf(record: Record<string, unknown> | undefined): EventBody {
  assert.ok(record !== undefined, 'record present');
  return record.event as EventBody;
}

function recordsOf(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the packed packages installed into a fresh project', () => {
  test('no workspace links: the packages are real folders from the tarballs', () => {
    for (const { name } of publicPackages()) {
      const manifest = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'));
      assert.equal(manifest.name, name);
      assert.equal(manifest.license, 'Apache-2.0');
    }
    assert.match(readFileSync(join(project, 'node_modules/@nv-one-logger/core/LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  });

  test('an ES module program records a training job', () => {
    const r = run(process.execPath, ['esm.mjs', 'esm.jsonl'], project);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /telemetry written to esm\.jsonl/);
    const records = recordsOf(join(project, 'esm.jsonl'));
    const spans = records.filter((x) => x.type === 'start' || x.type === 'complete').map((x) => x.name);
    for (const n of ['application', 'load_data', 'training_loop']) assert.ok(spans.includes(n), `span ${n}`);
    const init = records.find((x) => (x.event as { name?: string } | undefined)?.name === 'one_logger_initialization');
    assert.equal(eventOf(init).attributes.session_tag, 'installed');
  });

  test('a CommonJS program loads the packages with require()', {
    skip: REQUIRE_ESM ? false : `Node ${process.version} cannot require() ES modules (needs >= 20.19)`,
  }, () => {
    const r = run(process.execPath, ['cjs.cjs', 'cjs.jsonl'], project);
    assert.equal(r.status, 0, r.stderr);
    const records = recordsOf(join(project, 'cjs.jsonl'));
    assert.ok(
      records.some((x) => x.name === 'application'),
      'application span recorded',
    );
    const event = records.find((x) => x.type === 'event');
    assert.equal(eventOf(event).name, 'rows_done');
    assert.equal(eventOf(event).attributes.rows, 3);
  });

  for (const resolution of ['NodeNext', 'Bundler'] as const) {
    test(`a TypeScript program type-checks with ${resolution} resolution`, () => {
      const tsconfig = {
        compilerOptions: {
          target: 'ES2022',
          module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
          moduleResolution: resolution,
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(REPO, 'node_modules/@types')],
          lib: ['ES2022', 'ESNext.Disposable'],
        },
        files: ['typed.ts'],
      };
      writeFileSync(join(project, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig, null, 2));
      const r = run(process.execPath, [TSC, '-p', `tsconfig.${resolution}.json`], project);
      assert.equal(r.status, 0, `tsc (${resolution}) failed:\n${r.stdout}${r.stderr}`);
    });
  }

  test('npx one-logger --help', () => {
    const r = run(NPM.replace('npm', 'npx'), ['--no-install', 'one-logger', '--help'], project);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage:/);
    assert.match(r.stdout, /summarize/);
  });
});

describe('package manifests', () => {
  test('every public package has the metadata, files, prepack, export conditions and ranges a registry user needs', () => {
    const problems = (packageDirs() as string[]).flatMap((d) => manifestProblems(d) as string[]);
    assert.deepEqual(problems, [], 'run: node scripts/package-manifests.mjs --write');
  });
});
