// Every code and configuration snippet of the docs (README.md files, docs/*.md) is executed: TypeScript is
// type-checked and run, JavaScript is run, YAML and JSON are parsed (exporter configurations are loaded by a
// real job), shell lines are checked against the scripts, files and CLI commands they name. A snippet that
// cannot run here carries a `<!-- snippet: skip: reason -->` line; see scripts/readme-snippets.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
// @ts-expect-error: a plain .mjs script without declarations
import { allSnippets } from '../scripts/readme-snippets.mjs';

interface Snippet {
  file: string;
  line: number;
  lang: string;
  kind: 'program' | 'yaml' | 'json' | 'jsonc' | 'shell';
  code: string;
  skip: string | undefined;
  env: Record<string, string>;
}

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO, 'packages/cli/bin/one-logger.js');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
// The tsx loader by path: snippets run in a temporary working directory, where a bare `tsx` does not resolve.
const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const snippets = allSnippets() as Snippet[];
// Inside the repository, so `@nv-one-logger/*` resolve to the workspace packages as they do for a user's app;
// one folder per run, so two runs at once do not share files.
let snippetDir: string;
const where = (s: Snippet): string => `${s.file}:${s.line} (${s.lang})`;
const slug = (s: Snippet): string => `${s.file.replace(/[^A-Za-z0-9]+/g, '_')}_${s.line}`;

before(() => {
  mkdirSync(join(REPO, '.snippets'), { recursive: true });
  snippetDir = mkdtempSync(join(REPO, '.snippets', 'run-'));
});
after(() => rmSync(snippetDir, { recursive: true, force: true }));

function runNode(args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 120_000) {
  return spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
  });
}

describe('doc snippets', () => {
  test('the docs have snippets, and every skipped one says why', () => {
    assert.ok(snippets.length >= 15, `only ${snippets.length} snippets found`);
    for (const s of snippets.filter((x) => x.skip !== undefined)) {
      assert.notEqual(s.skip, '(no reason given)', `${where(s)}: a skipped snippet needs a reason`);
      console.log(`skipped: ${where(s)}: ${s.skip}`);
    }
  });

  const typescript = snippets.filter((s) => s.kind === 'program' && (s.lang === 'ts' || s.lang === 'typescript') && s.skip === undefined);
  test(`every TypeScript snippet type-checks (${typescript.length})`, () => {
    const files = typescript.map((s) => {
      const name = `${slug(s)}.ts`;
      writeFileSync(join(snippetDir, name), `${s.code}\nexport {};\n`);
      return { name, s };
    });
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'ESNext.Disposable'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files: files.map((f) => f.name),
    };
    writeFileSync(join(snippetDir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const r = runNode([TSC, '-p', 'tsconfig.json'], snippetDir);
    // Report each error at the README line it comes from.
    const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS/.test(l));
    const located = errors.map((l) => {
      const m = /^([^()]+)\((\d+),\d+\): (.*)$/.exec(l);
      const f = files.find((x) => x.name === m?.[1]);
      return f && m ? `${f.s.file}:${f.s.line + Number(m[2])}: ${m[3]}` : l;
    });
    assert.deepEqual(located, [], 'TypeScript errors in doc snippets');
  });

  for (const s of snippets.filter((x) => x.kind === 'program')) {
    test(`${where(s)} runs`, { skip: s.skip }, () => {
      const ext = s.lang === 'ts' || s.lang === 'typescript' ? 'run.ts' : 'mjs';
      const file = join(snippetDir, `${slug(s)}.${ext}`);
      writeFileSync(file, `${s.code}\nexport {};\n`);
      const cwd = mkdtempSync(join(tmpdir(), 'snippet-'));
      try {
        const r = runNode(['--import', TSX, file], cwd, s.env);
        assert.equal(r.status, 0, `${where(s)} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }

  for (const s of snippets.filter((x) => x.kind === 'yaml')) {
    test(`${where(s)} is valid YAML${/^exporters:/m.test(s.code) ? ' and configures a job' : ''}`, { skip: s.skip }, () => {
      const doc = parseYaml(s.code, { uniqueKeys: true, strict: true }) as unknown;
      assert.ok(doc !== null && typeof doc === 'object', `${where(s)}: not a mapping`);
      if (!('exporters' in doc)) return;
      // Loaded by a real job from the working directory, with errors thrown instead of logged.
      const cwd = mkdtempSync(join(tmpdir(), 'snippet-yaml-'));
      try {
        writeFileSync(join(cwd, 'one_logger_exporters_config.yaml'), s.code);
        const job = join(snippetDir, `${slug(s)}.job.mjs`);
        writeFileSync(
          job,
          [
            "import { OneLoggerProvider, timedSpan } from '@nv-one-logger/core';",
            "OneLoggerProvider.instance().configure({ applicationName: 'snippet', sessionTag: 'snippet', worldSize: 1, errorHandlingStrategy: 'propagate_exceptions' });",
            "await timedSpan('application', () => undefined);",
            'await OneLoggerProvider.instance().shutdown();',
          ].join('\n'),
        );
        const r = runNode([job], cwd, s.env);
        assert.equal(r.status, 0, `${where(s)}: a job configured by it failed:\n${r.stdout}\n${r.stderr}`);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }

  for (const s of snippets.filter((x) => x.kind === 'json' || x.kind === 'jsonc')) {
    test(`${where(s)} is valid ${s.kind.toUpperCase()}`, { skip: s.skip }, () => {
      const text = s.kind === 'jsonc' ? s.code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:"])\/\/.*$/gm, '$1') : s.code;
      assert.doesNotThrow(() => JSON.parse(text), `${where(s)}`);
    });
  }

  const rootScripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  for (const s of snippets.filter((x) => x.kind === 'shell')) {
    test(`${where(s)}: every npm script, file and one-logger command it names exists`, { skip: s.skip }, () => {
      for (const raw of s.code.split('\n')) {
        for (const part of raw.replace(/\s#.*$/, '').split(/&&|\|\||;|\|/)) {
          const words = part.trim().split(/\s+/).filter(Boolean);
          if (words[0] === 'npm' && words[1] === 'run' && words[2] !== undefined) {
            assert.ok(words[2] in rootScripts, `${where(s)}: npm run ${words[2]}: no such script in package.json`);
          }
          if (words[0] === 'node' && words[1] !== undefined && !words[1].startsWith('-')) {
            assert.ok(existsSync(join(REPO, words[1])), `${where(s)}: node ${words[1]}: no such file`);
          }
          const at = words.indexOf('one-logger');
          if (at >= 0 && words[at + 1] !== undefined && !words[at + 1]?.startsWith('-')) {
            const r = runNode([CLI, words[at + 1] as string, '--help'], REPO);
            assert.equal(r.status, 0, `${where(s)}: one-logger ${words[at + 1]}: ${r.stderr}`);
          }
        }
      }
    });
  }
});
