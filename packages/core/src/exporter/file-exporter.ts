import { closeSync, constants as fsConstants, fstatSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExportError, messageOf, OneLoggerError } from '../core/errors.js';
import type { ErrorEvent, Event } from '../core/event.js';
import type { Span } from '../core/span.js';
import { BaseJsonExporter } from './base-json-exporter.js';
import { eventRecordLine, recordToJsonLine, spanRecordLine } from './json-line.js';
import type { JsonRecord, SpanRecord } from './record.js';

export interface FileBufferOptions {
  /** Write when this many bytes (UTF-16 code units) are buffered. Default 64 KiB. */
  maxBufferBytes?: number;
  /** Also write buffered lines this often, in milliseconds. Default 1000; 0 disables the timer. */
  flushIntervalMs?: number;
}

export interface FileExporterOptions {
  /** Path of the JSONL file; `{rank}` and `{pid}` are replaced. The file is appended to, never truncated. */
  filePath: string;
  /**
   * `false` (default): every record is written with one `write` call as soon as it is due.
   * `true` or options: records are buffered and written by size, by interval, on `flush()`/`close()`
   * and at process exit.
   */
  buffered?: boolean | FileBufferOptions;
  /** Rank used for `{rank}`; defaults to the `RANK` environment variable, else 0. */
  rank?: number;
  /**
   * Refuse a symbolic link at `filePath` and anything but a regular file there. Set for exporters built
   * from configuration files, where the path is data that must not redirect writes to another file.
   */
  strictPath?: boolean;
}

const DEFAULT_MAX_BUFFER = 64 * 1024;
const DEFAULT_FLUSH_INTERVAL_MS = 1000;
const PENDING_CHARS = 4096;

// One process-exit hook for all open file exporters: writes what is left, synchronously, so a process
// that ends without shutdown() (natural end, process.exit()) loses nothing.
const openExporters = new Set<FileExporter>();
let exitHookInstalled = false;
function trackOpen(exporter: FileExporter): void {
  openExporters.add(exporter);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const e of openExporters) e.writeEverythingAtExit();
    });
  }
}

/** Expands `{rank}` and `{pid}` in a file path template. */
export function expandFilePath(template: string, rank: number, pid = process.pid): string {
  return template.replaceAll('{rank}', String(rank)).replaceAll('{pid}', String(pid));
}

function rankFromEnv(): number {
  const raw = process.env.RANK;
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** Opens for appending without following a symlink, and only a regular file (see `strictPath`). */
function openStrict(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW, 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new Error('it is a symbolic link, which a path from configuration may not be');
    throw e;
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error('it is not a regular file, which a path from configuration must be');
  }
  return fd;
}

/** Writes one JSON record per line to a file (JSONL), in call order. */
export class FileExporter extends BaseJsonExporter {
  readonly filePath: string;
  private readonly template: string;
  private readonly rank: number;
  private readonly strictPath: boolean;
  private fd: number | undefined;
  private readonly buffered: boolean;
  private readonly maxBuffer: number;
  private readonly flushIntervalMs: number;
  /** Lines not yet encoded: a short string, so few of them are alive when the garbage collector runs. */
  private pendingLines = '';
  /** Encoded lines waiting to be written. */
  private bytes: Buffer = Buffer.allocUnsafeSlow(0);
  private byteLength = 0;
  private timer: NodeJS.Timeout | undefined;
  /** An I/O error from a background write, raised on the next call so the recorder counts it. */
  private deferredError: unknown;

  constructor(options: FileExporterOptions) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new OneLoggerError('FileExporter options must be an object like { filePath: "out.jsonl" }');
    }
    if (typeof options.filePath !== 'string' || options.filePath.trim() === '') {
      throw new OneLoggerError(`FileExporter.filePath: must be a non-empty string (got ${String(options.filePath)})`);
    }
    if (options.rank !== undefined && (!Number.isInteger(options.rank) || options.rank < 0)) {
      throw new OneLoggerError(`FileExporter.rank: must be a non-negative integer (got ${String(options.rank)})`);
    }
    this.template = options.filePath;
    this.rank = options.rank ?? rankFromEnv();
    this.strictPath = options.strictPath === true;
    this.filePath = resolve(expandFilePath(this.template, this.rank));
    const b = options.buffered;
    this.buffered = b === true || (typeof b === 'object' && b !== null);
    const bo: FileBufferOptions = typeof b === 'object' && b !== null ? b : {};
    this.maxBuffer = bo.maxBufferBytes ?? DEFAULT_MAX_BUFFER;
    this.flushIntervalMs = bo.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(this.maxBuffer > 0)) throw new OneLoggerError(`FileExporter.buffered.maxBufferBytes: must be positive (got ${this.maxBuffer})`);
    if (!(this.flushIntervalMs >= 0)) {
      throw new OneLoggerError(`FileExporter.buffered.flushIntervalMs: must be >= 0 (got ${this.flushIntervalMs})`);
    }
  }

  override initialize(): void {
    if (this.fd === undefined && !this.closed) {
      // Open before changing state: a failed open leaves the exporter not initialised.
      try {
        mkdirSync(dirname(this.filePath), { recursive: true });
        this.fd = this.strictPath ? openStrict(this.filePath) : openSync(this.filePath, 'a');
      } catch (e) {
        throw new ExportError(`FileExporter cannot open ${this.filePath} for appending: ${messageOf(e)}`);
      }
    }
    super.initialize();
    trackOpen(this);
    if (this.buffered && this.timer === undefined) {
      if (this.flushIntervalMs > 0) {
        this.timer = setInterval(() => this.flushSyncQuietly(), this.flushIntervalMs);
        this.timer.unref();
      }
    }
  }

  protected writeRecord(record: JsonRecord): void {
    this.writeLine(recordToJsonLine(record, true));
  }

  protected override writeSpanRecord(type: SpanRecord['type'], span: Span, count: number, pid: number): void {
    this.writeLine(spanRecordLine(type, span, count, pid, true));
  }

  protected override writeEventRecord(
    type: 'event' | 'application_error',
    event: Event | ErrorEvent,
    span: Span,
    count: number,
    pid: number,
  ): void {
    this.writeLine(eventRecordLine(type, event, span, count, pid, true));
  }

  /** Writes or buffers one line (ending with its newline). */
  private writeLine(line: string): void {
    if (this.fd === undefined) throw new ExportError('File exporter not initialized or already closed!');
    if (this.deferredError !== undefined) this.throwDeferredError();
    if (!this.buffered) {
      this.writeAll(line);
      return;
    }
    this.pendingLines += line;
    if (this.pendingLines.length >= PENDING_CHARS) this.encodePending();
    if (this.byteLength + this.pendingLines.length >= this.maxBuffer) this.drain();
  }

  /** Writes the held-back span start and the buffered lines now. */
  override flush(): void {
    this.writeHeldBackStart();
    if (this.byteLength + this.pendingLines.length > 0) this.drain();
    this.throwDeferredError();
  }

  /** Writes buffered lines and forces them to disk (`fsync`). */
  sync(): void {
    this.flush();
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  override close(): void {
    if (this.closed) return;
    try {
      super.close();
      if (this.byteLength + this.pendingLines.length > 0) this.drain();
    } finally {
      if (this.timer !== undefined) clearInterval(this.timer);
      this.timer = undefined;
      openExporters.delete(this);
      if (this.fd !== undefined) {
        const fd = this.fd;
        this.fd = undefined;
        closeSync(fd);
      }
    }
  }

  /** @internal Process-exit path: the held-back start and the buffer are written; errors are ignored. */
  writeEverythingAtExit(): void {
    try {
      this.writeHeldBackStart();
    } catch {
      // Nothing can report it any more.
    }
    this.flushSyncQuietly();
  }

  private throwDeferredError(): void {
    if (this.deferredError === undefined) return;
    const e = this.deferredError;
    this.deferredError = undefined;
    throw e instanceof ExportError ? e : new ExportError(`Error writing records to ${this.filePath}: ${messageOf(e)}`);
  }

  /** Timer path: errors are kept for the next call instead of thrown. */
  private flushSyncQuietly(): void {
    if (this.byteLength + this.pendingLines.length === 0 || this.fd === undefined) return;
    try {
      this.drain();
    } catch (e) {
      this.deferredError ??= e;
    }
  }

  private encodePending(): void {
    const s = this.pendingLines;
    this.pendingLines = '';
    if (this.byteLength + s.length * 3 > this.bytes.length) {
      if (this.byteLength > 0) this.writeBytes();
      if (s.length * 3 > this.bytes.length) this.bytes = Buffer.allocUnsafeSlow(Math.max(s.length * 3, this.maxBuffer + PENDING_CHARS * 3));
    }
    this.byteLength += this.bytes.write(s, this.byteLength);
  }

  private writeBytes(): void {
    const n = this.byteLength;
    this.byteLength = 0;
    this.writeFully(this.bytes, n);
  }

  private drain(): void {
    if (this.pendingLines.length > 0) this.encodePending();
    if (this.byteLength > 0) this.writeBytes();
  }

  /** Writes one line now (per-record mode). */
  private writeAll(line: string): void {
    let written: number;
    try {
      written = writeSync(this.fd as number, line);
    } catch (e) {
      throw new ExportError(`Error writing record to ${this.filePath}: ${messageOf(e)}`);
    }
    // A short write (rare: disk full, signals) is completed from the encoded bytes.
    const total = Buffer.byteLength(line);
    if (written < total) this.writeFully(Buffer.from(line).subarray(written), total - written);
  }

  /** Writes whole lines; a short write (rare: disk full, signals) is completed so no partial line stays. */
  private writeFully(bytes: Buffer, total: number): void {
    const fd = this.fd;
    if (fd === undefined) throw new ExportError('File exporter not initialized or already closed!');
    try {
      let written = 0;
      while (written < total) written += writeSync(fd, bytes, written, total - written);
    } catch (e) {
      throw new ExportError(`Error writing record to ${this.filePath}: ${messageOf(e)}`);
    }
  }
}
