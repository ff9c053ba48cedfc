import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExportError, messageOf, OneLoggerError } from '../core/errors.js';
import { type ErrorEvent, type Event, TelemetryDataError, TelemetryDataErrorType } from '../core/event.js';
import type { Span } from '../core/span.js';
import { internalLogger } from '../internal/logger.js';
import { BaseJsonExporter } from './base-json-exporter.js';
import { eventRecordLine, recordToJsonLine, spanRecordLine } from './json-line.js';
import { type JsonRecord, MAX_RECORD_LINE_BYTES, type SpanRecord } from './record.js';

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
  /**
   * How often to check, in milliseconds, whether the file was renamed or deleted while open (log rotation);
   * if so, `filePath` is opened again and the change is reported once. Default 1000; 0 disables the check
   * (call `reopen()` yourself). The check is one `stat` + `fstat` per interval, off the write path.
   */
  rotationCheckIntervalMs?: number;
}

const DEFAULT_MAX_BUFFER = 64 * 1024;
const DEFAULT_FLUSH_INTERVAL_MS = 1000;
const DEFAULT_ROTATION_CHECK_MS = 1000;
const PENDING_CHARS = 4096;
/** A line of at most this many UTF-16 code units cannot exceed the limit in UTF-8 (3 bytes per unit at most). */
const SURELY_SHORT_LINE = Math.floor(MAX_RECORD_LINE_BYTES / 3);
const NEWLINE = 0x0a;
/** Names quoted in messages are cut to this length (a span name can be as long as the caller likes). */
const QUOTED_NAME_CHARS = 200;

/** Write errors that mean "no space now" and may go away: records are dropped and counted, not thrown. */
function isNoSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function shortName(name: string): string {
  return name.length > QUOTED_NAME_CHARS ? `${name.slice(0, QUOTED_NAME_CHARS)}... (${name.length} characters)` : name;
}

/** Number of newlines in `bytes[from, to)`: the number of records in that range of whole lines. */
function countLines(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE, from); i !== -1 && i < to; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** The `count` of the last record line in `text` (every line ends with `,"count":<n>,"pid":<pid>}`). */
function lastCountIn(text: string): number {
  const at = text.lastIndexOf('"count":');
  return at === -1 ? 0 : Number.parseInt(text.slice(at + 8, at + 30), 10) || 0;
}

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

/**
 * Writes one JSON record per line to a file (JSONL), in call order.
 *
 * The file always holds whole lines. A write that fails part-way leaves the file cut back to its last
 * complete line. When the disk is full (`ENOSPC`, `EDQUOT`), records are dropped and counted instead of
 * failing the exporter; once writing succeeds again, a telemetry-data error in the file says how many were
 * lost. A record whose line would exceed `MAX_RECORD_LINE_BYTES` is replaced by a telemetry-data error.
 * A file renamed or deleted while open (log rotation) is noticed and `filePath` opened again; `reopen()`
 * does that on request.
 */
export class FileExporter extends BaseJsonExporter {
  readonly filePath: string;
  private readonly template: string;
  private readonly rank: number;
  private readonly strictPath: boolean;
  private fd: number | undefined;
  private readonly buffered: boolean;
  private readonly maxBuffer: number;
  private readonly flushIntervalMs: number;
  private readonly rotationCheckMs: number;
  /** Lines not yet encoded: a short string, so few of them are alive when the garbage collector runs. */
  private pendingLines = '';
  /** Encoded lines waiting to be written. */
  private bytes: Buffer = Buffer.allocUnsafeSlow(0);
  private byteLength = 0;
  private timer: NodeJS.Timeout | undefined;
  private rotationTimer: NodeJS.Timeout | undefined;
  /** An I/O error from a background write, raised at the end of the next export call so the recorder counts it. */
  private deferredError: unknown;
  /** Records dropped for lack of space and not yet reported in the file. */
  private unreportedLost = 0;
  /** `count` of the last dropped record: the loss report takes it (that count is never written otherwise). */
  private lastLostCount = 0;
  private lostCause = '';
  private lostTotal = 0;
  /** A torn line could not be cut off (see `cutTornLine`): it is ended with a newline before the next write. */
  private tornLineLeft = false;
  private reopenFailureLogged = false;
  /** Bytes of the failed write that formed whole lines (kept in the file); set by `writeRange`. */
  private keptBytes = 0;

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
    this.rotationCheckMs = options.rotationCheckIntervalMs ?? DEFAULT_ROTATION_CHECK_MS;
    if (!(this.maxBuffer > 0)) throw new OneLoggerError(`FileExporter.buffered.maxBufferBytes: must be positive (got ${this.maxBuffer})`);
    if (!(this.flushIntervalMs >= 0)) {
      throw new OneLoggerError(`FileExporter.buffered.flushIntervalMs: must be >= 0 (got ${this.flushIntervalMs})`);
    }
    if (!(this.rotationCheckMs >= 0 && Number.isFinite(this.rotationCheckMs))) {
      throw new OneLoggerError(
        `FileExporter.rotationCheckIntervalMs: must be a finite number >= 0 (got ${String(options.rotationCheckIntervalMs)})`,
      );
    }
  }

  /** Records dropped because the disk was full, over the exporter's life (each also reported, see the class). */
  get lostRecordCount(): number {
    return this.lostTotal;
  }

  override initialize(): void {
    if (this.fd === undefined && !this.closed) {
      // Open before changing state: a failed open leaves the exporter not initialised.
      try {
        this.fd = this.openPath();
      } catch (e) {
        throw new ExportError(`FileExporter cannot open ${this.filePath} for appending: ${messageOf(e)}`);
      }
    }
    super.initialize();
    trackOpen(this);
    if (this.buffered && this.timer === undefined && this.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.flushSyncQuietly(), this.flushIntervalMs);
      this.timer.unref();
    }
    if (this.rotationTimer === undefined && this.rotationCheckMs > 0) {
      this.rotationTimer = setInterval(() => this.checkRotation(), this.rotationCheckMs);
      this.rotationTimer.unref();
    }
  }

  private openPath(): number {
    mkdirSync(dirname(this.filePath), { recursive: true });
    return this.strictPath ? openStrict(this.filePath) : openSync(this.filePath, 'a');
  }

  /**
   * Closes the file and opens `filePath` again for appending, as log rotation needs (call it from the
   * handler of the signal your rotation sends, see the README). Buffered lines not yet written go to the
   * newly opened file. Never throws: if the path cannot be opened, the error is logged and records keep
   * going to the file opened before. Does nothing before `initialize()` or after `close()`.
   */
  reopen(): void {
    const e = this.openAgain();
    if (e !== undefined) internalLogger.error(this.reopenFailure(e));
  }

  private reopenFailure(e: unknown): string {
    return `FileExporter cannot reopen ${this.filePath}: ${messageOf(e)}; records still go to the file opened before`;
  }

  /** Opens the path again and closes the old descriptor; returns the error if the path cannot be opened. */
  private openAgain(): unknown {
    const old = this.fd;
    if (old === undefined) return undefined;
    let fd: number;
    try {
      fd = this.openPath();
    } catch (e) {
      return e;
    }
    this.fd = fd;
    // A torn line belongs to the old file: ended there if it can be (best effort: readers tolerate a torn line);
    // a pending loss report goes to the new one.
    if (this.tornLineLeft) this.endTornLine(old);
    this.tornLineLeft = false;
    try {
      closeSync(old);
    } catch {
      // The old descriptor is gone either way.
    }
    return undefined;
  }

  /** Reopens the path if the open file is no longer the one at `filePath` (renamed or deleted). */
  private checkRotation(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    let deleted: boolean;
    try {
      const open = fstatSync(fd);
      const atPath = statSync(this.filePath, { throwIfNoEntry: false });
      if (atPath !== undefined && atPath.ino === open.ino && atPath.dev === open.dev) return;
      deleted = open.nlink === 0;
    } catch {
      return;
    }
    const failure = this.openAgain();
    if (failure !== undefined) {
      // Checked again at every interval: said once, until a reopen works.
      if (!this.reopenFailureLogged) internalLogger.error(this.reopenFailure(failure));
      this.reopenFailureLogged = true;
      return;
    }
    this.reopenFailureLogged = false;
    const loss = `records written between the deletion and this check (at most ${this.rotationCheckMs} ms) are lost`;
    const what = deleted ? `was deleted while open; ${loss}` : 'was renamed while open; the records written before are in the renamed file';
    internalLogger.warning(`FileExporter: ${this.filePath} ${what}. Opened ${this.filePath} again.`);
    if (!deleted || !this.ready) return;
    try {
      this.writeOwnTelemetryDataError(
        TelemetryDataError.of(
          TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA,
          `The file ${this.filePath} was deleted while open; ${loss}`,
        ),
      );
    } catch (e) {
      this.deferredError ??= e;
    }
  }

  // The limit check is one length comparison per record; the byte count and the replacement live in
  // separate methods so the per-record methods stay small enough to be inlined.
  protected writeRecord(record: JsonRecord): void {
    const line = recordToJsonLine(record, true);
    this.writeLine(line.length > SURELY_SHORT_LINE ? this.recordWithinLimit(line, record) : line);
  }

  protected override writeSpanRecord(type: SpanRecord['type'], span: Span, count: number, pid: number): void {
    const line = spanRecordLine(type, span, count, pid, true);
    this.writeLine(line.length > SURELY_SHORT_LINE ? this.spanWithinLimit(line, type, span, count, pid) : line);
  }

  protected override writeEventRecord(
    type: 'event' | 'application_error',
    event: Event | ErrorEvent,
    span: Span,
    count: number,
    pid: number,
  ): void {
    const line = eventRecordLine(type, event, span, count, pid, true);
    this.writeLine(line.length > SURELY_SHORT_LINE ? this.eventWithinLimit(line, type, event, span, count, pid) : line);
  }

  private recordWithinLimit(line: string, record: JsonRecord): string {
    const bytes = Buffer.byteLength(line);
    if (bytes <= MAX_RECORD_LINE_BYTES) return line;
    return this.tooLongLine(`The ${record.type} record`, {}, bytes, record.type, record.count, record.pid);
  }

  private spanWithinLimit(line: string, type: SpanRecord['type'], span: Span, count: number, pid: number): string {
    const bytes = Buffer.byteLength(line);
    if (bytes <= MAX_RECORD_LINE_BYTES) return line;
    const about = `The ${type} record of span ${shortName(span.name)} (id=${span.id})`;
    return this.tooLongLine(about, { span_name: shortName(span.name), span_id: span.id }, bytes, type, count, pid);
  }

  private eventWithinLimit(line: string, type: string, event: Event, span: Span, count: number, pid: number): string {
    const bytes = Buffer.byteLength(line);
    if (bytes <= MAX_RECORD_LINE_BYTES) return line;
    const about = `The ${type} record ${shortName(event.name)} of span ${shortName(span.name)} (id=${span.id})`;
    const attributes = { span_name: shortName(span.name), span_id: span.id, event_name: shortName(event.name) };
    return this.tooLongLine(about, attributes, bytes, type, count, pid);
  }

  /** The telemetry-data error that replaces a record whose line is over the limit (it takes the record's count). */
  private tooLongLine(about: string, attributes: Record<string, string>, bytes: number, type: string, count: number, pid: number): string {
    const message = `${about} was not written: its line is ${bytes} bytes, over the limit of ${MAX_RECORD_LINE_BYTES} bytes per record line`;
    internalLogger.warning(`FileExporter: ${message}`);
    const error = TelemetryDataError.of(TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA, message, {
      ...attributes,
      record_type: type,
      line_bytes: bytes,
      max_line_bytes: MAX_RECORD_LINE_BYTES,
    });
    return recordToJsonLine({ type: 'telemetry_data_error', error: { name: error.name, attributes: error.attributes }, count, pid }, true);
  }

  /** Writes or buffers one line (ending with its newline). */
  private writeLine(line: string): void {
    if (this.fd === undefined) throw new ExportError('File exporter not initialized or already closed!');
    if (!this.buffered) {
      this.writeAll(line);
      return;
    }
    this.pendingLines += line;
    if (this.pendingLines.length >= PENDING_CHARS) this.encodePending();
    if (this.byteLength + this.pendingLines.length >= this.maxBuffer) this.drain();
  }

  // The records of the call are taken first (see BaseJsonExporter.afterExport).
  protected override afterExport(): void {
    if (this.deferredError !== undefined) this.throwDeferredError();
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
      // A last chance to put the loss report in the file.
      if (this.unreportedLost > 0 && this.fd !== undefined) this.writeLossReportAlone();
      this.throwDeferredError();
    } finally {
      if (this.timer !== undefined) clearInterval(this.timer);
      if (this.rotationTimer !== undefined) clearInterval(this.rotationTimer);
      this.timer = undefined;
      this.rotationTimer = undefined;
      openExporters.delete(this);
      this.logUnreportedLoss();
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
    if (this.unreportedLost > 0 && this.fd !== undefined) {
      try {
        this.writeLossReportAlone();
      } catch {
        // Logged below.
      }
    }
    this.logUnreportedLoss();
  }

  /** Records lost that the file could not be told about: the logger is the last place to say so. */
  private logUnreportedLoss(): void {
    if (this.unreportedLost === 0) return;
    internalLogger.error(`FileExporter: ${this.lossMessage()}; the file was closed before writing succeeded again`);
    this.unreportedLost = 0;
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

  /** Writes the encoded lines; on failure the lines not written are counted as lost (see `failed`). */
  private writeBytes(): void {
    const n = this.byteLength;
    this.byteLength = 0;
    if (this.unreportedLost > 0 || this.tornLineLeft) {
      this.writeAfterLoss(this.bytes, n);
      return;
    }
    const e = this.writeRange(this.bytes, 0, n);
    if (e !== undefined) this.failed(e, this.bytes, this.keptBytes, n);
  }

  private drain(): void {
    if (this.pendingLines.length > 0) this.encodePending();
    if (this.byteLength > 0) this.writeBytes();
  }

  /** Writes one line now (per-record mode). */
  private writeAll(line: string): void {
    if (this.unreportedLost > 0 || this.tornLineLeft) {
      this.writeAllAfterLoss(line);
      return;
    }
    let written: number;
    try {
      written = writeSync(this.fd as number, line);
    } catch (e) {
      // A write that fails writes nothing: the file still ends at a line boundary.
      this.failed(e, undefined, 0, 0, line);
      return;
    }
    // A short write (rare: disk full, signals) is completed from the encoded bytes.
    const total = Buffer.byteLength(line);
    if (written < total) this.finishShortWrite(line, written, total);
  }

  private writeAllAfterLoss(line: string): void {
    const bytes = Buffer.from(line);
    this.writeAfterLoss(bytes, bytes.length);
  }

  private finishShortWrite(line: string, written: number, total: number): void {
    const bytes = Buffer.from(line);
    const e = this.writeRange(bytes, written, total);
    if (e !== undefined) this.failed(e, bytes, this.keptBytes, total);
  }

  /**
   * Writes `bytes[from, to)` (the part before `from` is already in the file). Returns the error of a failed
   * write, after cutting off the torn line it left; `keptBytes` then tells how much of `bytes` stays in the
   * file as whole lines. `bytes[0, unit)` is written whole or not at all.
   */
  private writeRange(bytes: Buffer, from: number, to: number, unit = 0): unknown {
    const fd = this.fd as number;
    let written = from;
    try {
      while (written < to) written += writeSync(fd, bytes, written, to - written);
      return undefined;
    } catch (e) {
      let kept = written === 0 ? 0 : bytes.lastIndexOf(NEWLINE, written - 1) + 1;
      if (kept < unit) kept = 0;
      if (kept < written) this.cutTornLine(fd, bytes.subarray(kept, written));
      this.keptBytes = kept;
      return e;
    }
  }

  /**
   * Removes `torn` (the start of a line that could not be finished) from the end of the file. It is cut only
   * when the file really ends with those bytes (another process appending to the same file could have
   * written after them); otherwise the line is ended with a newline before the next write.
   */
  private cutTornLine(fd: number, torn: Buffer): void {
    try {
      const size = fstatSync(fd).size;
      const at = size - torn.length;
      if (at >= 0 && this.fileEndsWith(fd, torn, at)) {
        ftruncateSync(fd, at);
        return;
      }
    } catch {
      // Fall through: end the line instead.
    }
    this.tornLineLeft = true;
  }

  /**
   * Whether the file of `fd` holds `bytes` at `at`, read through a second, read-only descriptor of the same file:
   * opened by the path, or, when the path no longer leads to it (renamed or deleted by log rotation not yet
   * noticed), through `/proc/self/fd` (Linux), so a torn line is cut back in a rotated file too.
   */
  private fileEndsWith(fd: number, bytes: Buffer, at: number): boolean {
    const open = fstatSync(fd);
    for (const path of [this.filePath, `/proc/self/fd/${fd}`]) {
      let rfd: number;
      try {
        rfd = openSync(path, 'r');
      } catch {
        continue;
      }
      try {
        const a = fstatSync(rfd);
        if (a.ino !== open.ino || a.dev !== open.dev) continue;
        const back = Buffer.allocUnsafe(bytes.length);
        return readSync(rfd, back, 0, bytes.length, at) === bytes.length && back.equals(bytes);
      } finally {
        closeSync(rfd);
      }
    }
    return false;
  }

  /**
   * Writes `data[0, to)` (whole lines) after records were lost: first ends a torn line that could not be cut,
   * then writes the loss report together with the first line. The two go in one write and stay only
   * together, so the report appears once records really fit again, not while the disk is still full.
   */
  private writeAfterLoss(data: Buffer, to: number): void {
    if (this.tornLineLeft) {
      const e = this.endTornLine(this.fd as number);
      if (e !== undefined) {
        this.failed(e, data, 0, to);
        return;
      }
    }
    if (this.unreportedLost === 0) {
      const e = this.writeRange(data, 0, to);
      if (e !== undefined) this.failed(e, data, this.keptBytes, to);
      return;
    }
    const report = this.lossReport();
    const chunk = Buffer.concat([report, data.subarray(0, to)]);
    const unit = report.length + data.indexOf(NEWLINE) + 1;
    const e = this.writeRange(chunk, 0, chunk.length, unit);
    if (e === undefined || this.keptBytes >= unit) this.lossReported();
    if (e !== undefined) this.failed(e, chunk, Math.max(this.keptBytes, report.length), chunk.length);
  }

  /** Ends a torn line that could not be cut back (see `cutTornLine`) with a newline; returns the write's error. */
  private endTornLine(fd: number): unknown {
    try {
      writeSync(fd, '\n');
      this.tornLineLeft = false;
      return undefined;
    } catch (e) {
      return e;
    }
  }

  /** At close: the loss report on its own, if it fits. */
  private writeLossReportAlone(): void {
    if (this.tornLineLeft && this.endTornLine(this.fd as number) !== undefined) return;
    const report = this.lossReport();
    const e = this.writeRange(report, 0, report.length, report.length);
    if (e === undefined) this.lossReported();
  }

  /** The `telemetry_data_error` line about the records lost so far (it takes the last lost record's count). */
  private lossReport(): Buffer {
    const error = TelemetryDataError.of(TelemetryDataErrorType.INCOMPLETE_TELEMETRY_DATA, this.lossMessage(), {
      lost_record_count: this.unreportedLost,
    });
    const line = recordToJsonLine(
      {
        type: 'telemetry_data_error',
        error: { name: error.name, attributes: error.attributes },
        count: this.lastLostCount,
        pid: process.pid,
      },
      true,
    );
    return Buffer.from(line);
  }

  private lossMessage(): string {
    return `${this.unreportedLost} records could not be written to ${this.filePath} (${this.lostCause}) and are lost`;
  }

  private lossReported(): void {
    const message = `FileExporter: writing to ${this.filePath} resumed; ${this.lossMessage()}`;
    // State first, then the log line: a log listener may call back into the recorder and write through here.
    this.unreportedLost = 0;
    internalLogger.warning(message);
  }

  /**
   * A write failed: the lines of `bytes[kept, to)` (or the single `line`) were not written. For lack of space
   * they are counted and reported; any other error is thrown for the recorder to count.
   */
  private failed(e: unknown, bytes: Buffer | undefined, kept: number, to: number, line?: string): void {
    const lost = bytes === undefined ? 1 : countLines(bytes, kept, to);
    if (!isNoSpace(e)) {
      const what = lost === 1 ? 'record' : `${lost} records`;
      throw new ExportError(`Error writing ${what} to ${this.filePath}: ${messageOf(e)}`);
    }
    if (lost === 0) return;
    const first = this.unreportedLost === 0;
    // State first, then the log line (see lossReported).
    this.unreportedLost += lost;
    this.lostTotal += lost;
    this.lostCause = (e as NodeJS.ErrnoException).code ?? messageOf(e);
    this.lastLostCount = lastCountIn(line ?? (bytes as Buffer).toString('utf8', Math.max(kept, to - 64), to));
    if (first) {
      internalLogger.error(
        `FileExporter cannot write to ${this.filePath}: ${messageOf(e)}. Records are dropped and counted until writing succeeds again; the file keeps whole lines.`,
      );
    }
  }
}
