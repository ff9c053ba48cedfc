// Faults that come from outside the library, on real processes and files: several processes appending to one
// file at once, and a job ended by SIGTERM when it installed no exit handlers. Each leaves only whole lines.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CORE = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'process-faults-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function lines(file: string): Record<string, unknown>[] {
  const text = readFileSync(file, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the file ends at a whole line');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i): Record<string, unknown> => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return assert.fail(`line ${i + 1} is not a whole record: ${l.slice(0, 120)}`);
      }
    });
}

function start(script: string, args: string[] = []) {
  const child = spawn(process.execPath, [script, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited, stdout: () => stdout };
}

describe('process faults', () => {
  for (const buffered of [false, true]) {
    test(`four processes append to one file at once (${buffered ? 'buffered' : 'per-record'}): every line is a whole record, none is lost`, async () => {
      const file = join(dir, `shared-${buffered}.jsonl`);
      const script = join(dir, `writer-${buffered}.mjs`);
      writeFileSync(
        script,
        [
          `import * as lib from ${JSON.stringify(CORE)};`,
          'const id = process.argv[2];',
          'lib.OneLoggerProvider.instance().configure(',
          "  { applicationName: 'writer', sessionTag: 'shared', worldSize: 4 },",
          `  new lib.DefaultRecorder({ exporters: [new lib.FileExporter({ filePath: ${JSON.stringify(file)}, buffered: ${buffered ? '{ maxBufferBytes: 4096 }' : 'false'} })] }),`,
          ');',
          "const pad = 'x'.repeat(300);",
          'for (let i = 0; i < 3000; i++) lib.timedSpan(`step`, () => i, { spanAttributes: { writer: id, i, pad } });',
          'await lib.OneLoggerProvider.instance().shutdown();',
        ].join('\n'),
      );
      const runs = ['a', 'b', 'c', 'd'].map((id) => start(script, [id]));
      for (const r of runs) assert.equal((await r.exited).code, 0);
      const records = lines(file);
      for (const id of ['a', 'b', 'c', 'd']) {
        const steps = records.filter((r) => r.name === 'step' && (r.attributes as { writer?: string } | undefined)?.writer === id);
        assert.equal(steps.length, 3000, `writer ${id}: every span is in the file once`);
        assert.deepEqual(
          steps.map((s) => (s.attributes as { i: number }).i),
          Array.from({ length: 3000 }, (_, i) => i),
          `writer ${id}: in order`,
        );
      }
    });
  }

  test('SIGTERM without installExitHandlers(): the process dies by the signal; the per-record file holds whole lines up to the kill, the buffered one whole lines of what it had written', async () => {
    const perRecord = join(dir, 'sigterm-per-record.jsonl');
    const buffered = join(dir, 'sigterm-buffered.jsonl');
    const script = join(dir, 'sigterm.mjs');
    writeFileSync(
      script,
      [
        `import * as lib from ${JSON.stringify(CORE)};`,
        'lib.OneLoggerProvider.instance().configure(',
        "  { applicationName: 'killed', sessionTag: 'sigterm', worldSize: 1 },",
        '  new lib.DefaultRecorder({ exporters: [',
        `    new lib.FileExporter({ filePath: ${JSON.stringify(perRecord)} }),`,
        `    new lib.FileExporter({ filePath: ${JSON.stringify(buffered)}, buffered: { maxBufferBytes: 8192, flushIntervalMs: 60000 } }),`,
        '  ] }),',
        ');',
        "import { statSync } from 'node:fs';",
        "const app = lib.startTimedSpan('application');",
        'let i = 0;',
        // Spans in turns of the event loop, then one more at a time until one stays in the buffer (the file did not
        // grow): the kill then always finds the buffered exporter holding records.
        `const size = () => statSync(${JSON.stringify(buffered)}).size;`,
        "const held = () => { let before; do { before = size(); lib.timedSpan('step', () => i++, { spanAttributes: { i } }); } while (size() !== before); console.log('ready'); setInterval(() => {}, 1000); };",
        "const tick = () => { for (let k = 0; k < 200; k++) lib.timedSpan('step', () => i++, { spanAttributes: { i } }); if (i >= 2000) held(); else setImmediate(tick); };",
        'tick();',
      ].join('\n'),
    );
    const run = start(script);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (run.stdout().includes('ready')) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    run.child.kill('SIGTERM');
    const result = await run.exited;
    assert.equal(result.signal, 'SIGTERM', 'no handler was installed: the default action ends the process');
    const direct = lines(perRecord);
    assert.ok(
      direct.some((r) => r.type === 'start' && r.name === 'application'),
      'the application start is on disk',
    );
    assert.ok(direct.filter((r) => r.name === 'step').length >= 2000, 'every span completed before the kill is on disk');
    // The buffer still in memory is lost (no handler ran); what was written is whole lines.
    const written = lines(buffered);
    assert.ok(written.length < direct.length, 'the buffered exporter lost what it held');
  });
});
