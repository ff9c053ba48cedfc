// Paths in exporter configuration are data, not code (spec/core.md §9 S4): a config file must not redirect
// telemetry into another file through a symbolic link, nor into a device; relative paths resolve against the
// manager's working directory. Also B9's second half: a failed write leaves no gap in `count`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Span } from '../src/core/span.js';
import { ExporterConfigManager } from '../src/exporter/exporter-config-manager.js';
import { FileExporter } from '../src/exporter/file-exporter.js';
import { readRecords } from './helpers/records.js';

const root = mkdtempSync(join(tmpdir(), 'olg-paths-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fromConfig(filePath: string, cwd?: string): FileExporter {
  const manager = new ExporterConfigManager(cwd === undefined ? {} : { cwd });
  const [exporter] = manager.createExporters([{ class_name: 'file', config: { file_path: filePath } }]);
  assert.ok(exporter instanceof FileExporter);
  return exporter;
}

/** Initializes the exporter, writes one `complete` record and closes it. */
function writeOneSpan(exporter: FileExporter): void {
  exporter.initialize();
  const span = Span.create('work');
  exporter.exportStart(span);
  span.stop();
  exporter.exportStop(span);
  exporter.close();
}

describe('S4: file paths from configuration', () => {
  test('a symbolic link is refused and its target left untouched (the reference follows it)', () => {
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const link = join(root, 'telemetry-link.jsonl');
    symlinkSync(victim, link);
    const exporter = fromConfig(link);
    assert.throws(() => exporter.initialize(), {
      name: 'ExportError',
      message: `FileExporter cannot open ${link} for appending: it is a symbolic link, which a path from configuration may not be`,
    });
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  });

  test('a device or other non-regular file is refused', () => {
    const exporter = fromConfig('/dev/null');
    assert.throws(() => exporter.initialize(), {
      name: 'ExportError',
      message: 'FileExporter cannot open /dev/null for appending: it is not a regular file, which a path from configuration must be',
    });
    const dir = join(root, 'a-directory.jsonl');
    mkdirSync(dir);
    assert.throws(() => fromConfig(dir).initialize(), {
      name: 'ExportError',
      message: /cannot open .*a-directory\.jsonl for appending: EISDIR/,
    });
  });

  test('a regular file from configuration is appended to as usual', () => {
    const file = join(root, 'regular.jsonl');
    writeFileSync(file, '');
    const exporter = fromConfig(file);
    writeOneSpan(exporter);
    assert.deepEqual(
      readRecords(file).map((r) => r.type),
      ['complete'],
    );
  });

  test('a relative path resolves against the manager cwd, not the process working directory', () => {
    const cwd = join(root, 'job-dir');
    mkdirSync(cwd);
    const exporter = fromConfig('out/telemetry.jsonl', cwd);
    assert.equal(exporter.filePath, join(cwd, 'out', 'telemetry.jsonl'));
    exporter.initialize();
    exporter.close();
    assert.equal(existsSync(join(cwd, 'out', 'telemetry.jsonl')), true);
  });

  test('an exporter created in code may still write through a symbolic link (the path is the program’s own)', () => {
    const target = join(root, 'real-target.jsonl');
    writeFileSync(target, '');
    const link = join(root, 'code-link.jsonl');
    symlinkSync(target, link);
    const exporter = new FileExporter({ filePath: link });
    writeOneSpan(exporter);
    assert.equal(readRecords(target).length, 1);
  });
});

describe('B9: a failed write leaves no gap in count', () => {
  test('the record after a failed one gets the next count', () => {
    // A FileExporter whose second write fails (as a full disk would), then recovers.
    class FlakyFile extends FileExporter {
      writes = 0;
      protected override writeSpanRecord(...args: Parameters<FileExporter['writeSpanRecord']>): void {
        this.writes++;
        if (this.writes === 2) throw new Error('disk full');
        super.writeSpanRecord(...args);
      }
    }
    const file = join(root, 'flaky.jsonl');
    const exporter = new FlakyFile({ filePath: file });
    exporter.initialize();
    for (let i = 0; i < 3; i++) {
      const span = Span.create(`s${i}`);
      exporter.exportStart(span);
      span.stop();
      if (i === 1) assert.throws(() => exporter.exportStop(span), /disk full/);
      else exporter.exportStop(span);
    }
    exporter.close();
    assert.deepEqual(
      readRecords(file).map((r) => [r.name, r.count]),
      [
        ['s0', 1],
        ['s2', 2],
      ],
    );
    assert.equal(exporter.count, 2);
  });
});
