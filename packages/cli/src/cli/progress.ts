// A one-line progress indicator on stderr, only when stderr is a terminal (never in pipes or logs), shown once an
// input takes longer than a moment and redrawn at most ten times a second.
import { printable } from '../model/printable.js';
import type { ReadProgress } from '../records/read.js';
import { formatBytes, formatCount } from './format.js';

const SHOW_AFTER_MS = 300;
const REDRAW_MS = 100;

type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export class ProgressLine {
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    readonly enabled: boolean = stream.isTTY === true,
  ) {}

  update(p: ReadProgress & { fileIndex: number; fileCount: number }): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.started < SHOW_AFTER_MS || now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const pct = p.totalBytes ? ` ${Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100))}%` : '';
    const of = p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : '';
    const files = p.fileCount > 1 ? ` [${p.fileIndex + 1}/${p.fileCount}]` : '';
    let line = `one-logger:${files}${pct} ${formatBytes(p.bytesRead)}${of}, ${formatCount(p.records)} records — ${printable(p.file)}`;
    const cols = this.stream.columns ?? 80;
    if (line.length > cols - 1) line = `${line.slice(0, cols - 2)}…`;
    this.stream.write(`\r\x1b[K${line}`);
    this.drawn = true;
  }

  /** Clears the line before anything else is written. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
