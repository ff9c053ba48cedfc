#!/usr/bin/env node
// Keeps every publishable package.json under packages/ in the shape a registry user needs:
// metadata (repository, homepage, bugs, keywords, license), a prepack build, files that ship the sources the
// source maps point to and the license but not the build info, `default` export conditions (so `require()` works
// where Node loads ESM from require), and caret ranges for runtime dependencies (exact pins live in the lockfile).
// Usage: node scripts/package-manifests.mjs --check [dir ...]   (exit 1 and list the problems)
//        node scripts/package-manifests.mjs --write [dir ...]   (fix them in place)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_WEB = 'https://github.com/nv-one-logger/nv-one-logger-ts';
const root = fileURLToPath(new URL('..', import.meta.url));
const REQUIRED_FILES = ['dist', '!dist/.tsbuildinfo', 'src', 'README.md', 'LICENSE'];
const PREPACK = 'node ../../scripts/prepack.mjs';
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** The expected manifest for the package in folder `dir` (a pure function of the current one). */
export function expectedManifest(pkg, dir) {
  const out = { ...pkg };
  out.license = 'Apache-2.0';
  out.repository = { type: 'git', url: `git+${REPOSITORY_WEB}.git`, directory: `packages/${dir}` };
  out.homepage = `${REPOSITORY_WEB}/tree/main/packages/${dir}#readme`;
  out.bugs = { url: `${REPOSITORY_WEB}/issues` };
  const keywords = new Set(pkg.keywords ?? []);
  for (const k of ['nv-one-logger', 'telemetry', 'observability']) keywords.add(k);
  out.keywords = [...keywords];
  const files = [...(pkg.files ?? [])];
  for (const f of REQUIRED_FILES) if (!files.includes(f)) files.push(f);
  out.files = files;
  out.scripts = { ...(pkg.scripts ?? {}), prepack: PREPACK };
  out.exports = withDefaultConditions(pkg.exports);
  if (pkg.dependencies !== undefined) out.dependencies = caretRanges(pkg.dependencies);
  out.publishConfig = { access: 'public' };
  return out;
}

function withDefaultConditions(exports) {
  if (exports === null || typeof exports !== 'object') return exports;
  const out = {};
  for (const [key, target] of Object.entries(exports)) {
    if (target !== null && typeof target === 'object' && typeof target.import === 'string') {
      const { default: _ignored, ...rest } = target;
      out[key] = { ...rest, default: target.import };
    } else {
      out[key] = target;
    }
  }
  return out;
}

function caretRanges(deps) {
  const out = {};
  for (const [name, spec] of Object.entries(deps)) out[name] = EXACT.test(spec) ? `^${spec}` : spec;
  return out;
}

export function packageDirs() {
  return readdirSync(join(root, 'packages'))
    .filter((d) => {
      try {
        return !JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')).private;
      } catch {
        return false;
      }
    })
    .sort();
}

/** Problems of one manifest, as "packages/dir: field: what is wrong" lines. */
export function manifestProblems(dir) {
  const file = join(root, 'packages', dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const want = expectedManifest(pkg, dir);
  const problems = [];
  for (const key of Object.keys(want)) {
    if (JSON.stringify(pkg[key]) !== JSON.stringify(want[key])) {
      problems.push(`packages/${dir}/package.json: ${key}: is ${JSON.stringify(pkg[key])}, expected ${JSON.stringify(want[key])}`);
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode !== '--check' && mode !== '--write') {
    console.error('usage: node scripts/package-manifests.mjs --check | --write');
    process.exit(2);
  }
  const only = process.argv.slice(3);
  let problems = 0;
  for (const dir of packageDirs().filter((d) => only.length === 0 || only.includes(d))) {
    const found = manifestProblems(dir);
    if (found.length === 0) continue;
    if (mode === '--write') {
      const file = join(root, 'packages', dir, 'package.json');
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, `${JSON.stringify(expectedManifest(pkg, dir), null, 2)}\n`);
      console.log(`fixed packages/${dir}/package.json`);
    } else {
      for (const p of found) console.error(p);
      problems += found.length;
    }
  }
  process.exit(problems > 0 ? 1 : 0);
}
