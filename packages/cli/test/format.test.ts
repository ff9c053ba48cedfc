// Terminal formatting (durations, counts, TFLOP/s, ranks) and the progress line (terminal only, never in pipes).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { formatCount, formatDuration, formatPercent, formatRanks, formatTflops, formatTime } from '../src/cli/format.js';
import { ProgressLine } from '../src/cli/progress.js';
import { fmtDuration } from '../src/report/format.js';

describe('formatting', () => {
  test('durations: ms, seconds, minutes, hours, days', () => {
    const cases: [number | undefined, string][] = [
      [undefined, '—'],
      [0, '0 ms'],
      [2.5, '2.5 ms'],
      [850, '850 ms'],
      [1500, '1.50s'],
      [12_900, '12.9s'],
      [59_960, '1m 0.0s'],
      [83_400, '1m 23.4s'],
      [7_390_000, '2h 03m 10s'],
      [93_780_000, '1d 02h 03m'],
      [-1500, '-1.50s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
  });

  test('sub-millisecond times keep three significant digits (never "avg 0.0 ms")', () => {
    const cases: [number, string][] = [
      [0.04, '40 µs'],
      [0.0486412, '48.6 µs'],
      [0.9996, '1000 µs'],
      [3.257, '3.26 ms'],
      [0.000_123_4, '0.123 µs'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
    assert.equal(fmtDuration(0.0486412), '48.64 µs');
    assert.equal(fmtDuration(0.25), '250 µs');
    assert.equal(fmtDuration(2.5), '2.5 ms');
  });

  test('counts, percentages, TFLOP/s, times, ranks', () => {
    assert.equal(formatCount(1_234_567), '1,234,567');
    assert.equal(formatPercent(0.2325), '23.3%');
    assert.equal(formatTflops(312.456), '312.5');
    assert.equal(formatTflops(45.678), '45.68');
    assert.equal(formatTflops(2.6666666666666666e-9), '2.67e-9');
    assert.equal(formatTime(1_700_000_000_000), '2023-11-14 22:13:20.000 UTC');
    assert.equal(formatRanks([0, 1, 2, 3, 5, 7, 8]), '0-3, 5, 7-8');
    assert.equal(formatRanks([]), '—');
  });
});

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const progress = {
  file: 'big.jsonl',
  bytesRead: 512 * 1024 * 1024,
  totalBytes: 1024 * 1024 * 1024,
  records: 1_234_567,
  fileIndex: 0,
  fileCount: 2,
};

describe('progress line', () => {
  test('on a terminal: one redrawn line after a moment, cleared at the end', async () => {
    const tty = new Capture(true);
    const line = new ProgressLine(tty);
    line.update(progress);
    assert.equal(tty.text, '', 'not for inputs that take less than a moment');
    await new Promise((r) => setTimeout(r, 350));
    line.update(progress);
    assert.equal(tty.text, '\r\u001b[Kone-logger: [1/2] 50% 512 MiB of 1.0 GiB, 1,234,567 records — big.jsonl');
    line.done();
    // (read as a string again: the assertions above narrowed tty.text to their literals)
    assert.ok((tty.text as string).endsWith('\r\u001b[K'));
  });

  test('never in pipes', async () => {
    const pipe = new Capture(false);
    const line = new ProgressLine(pipe);
    await new Promise((r) => setTimeout(r, 350));
    line.update(progress);
    line.done();
    assert.equal(pipe.text, '');
  });
});
