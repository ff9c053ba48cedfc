// Streaming JSONL reader: yields records and reading problems in file order, one chunk at a time, keeping
// nothing but the current chunk and a partial line (bounded memory whatever the file size).
import { StringDecoder } from 'node:string_decoder';
import { MAX_RECORD_LINE_BYTES } from '@nv-one-logger/core';
import { printable } from '../model/printable.js';
import type { Finding } from '../model/types.js';
import { type LightEventItem, type LightSpanItem, readLightEvent, readLightSpan } from './light-record.js';
import { errorText, openInput } from './open-input.js';
import { LineSyntaxError, parseJsonLine } from './parse-line.js';
import { isRecordType, type RawRecord } from './raw-record.js';

export interface RecordItem {
  kind: 'record';
  line: number;
  record: RawRecord;
  /** Non-standard tokens (NaN, Infinity, -Infinity) read as null on this line; a warning finding precedes the item. */
  nonStandardTokens: string[] | undefined;
}

export interface FindingItem {
  kind: 'finding';
  finding: Finding;
}

/** Items of `ReadOptions.light` (see light-record.ts). */
export type { LightEventItem, LightSpanItem } from './light-record.js';

export type ReadItem = RecordItem | FindingItem | LightSpanItem | LightEventItem;

/** Which records may skip JSON.parse (see light-record.ts). */
export interface LightOptions {
  /** Span records of every span name NOT in this set come as `light-span` items (none when absent). */
  spansExcept?: ReadonlySet<string>;
  /** Event records of every event name NOT in this set come as `light-event` items (none when absent). */
  eventsExcept?: ReadonlySet<string>;
}

export interface ReadProgress {
  file: string;
  bytesRead: number;
  totalBytes: number | undefined;
  records: number;
}

export interface ReadOptions {
  /** Called after every chunk (about 1 MiB). */
  onProgress?: (progress: ReadProgress) => void;
  /**
   * Longest line accepted, in UTF-8 bytes including its newline (default `MAX_RECORD_LINE_BYTES` of
   * @nv-one-logger/core, 8 MiB: the limit the writer enforces); longer lines are reported and skipped.
   */
  maxLineBytes?: number;
  /** Lines in a row without a record (unreadable or blank) after which reading stops (default 1,000). */
  maxConsecutiveBadLines?: number;
  /** gzip input: most decompressed bytes per compressed byte before reading stops (default 200; see below). */
  maxExpansionRatio?: number;
  /**
   * Records the consumer needs only a few fields of: when their layout is the standard one they are yielded as
   * `light-span` / `light-event` items without JSON.parse. Without this option every record is parsed.
   */
  light?: LightOptions;
}

const RECORD_PREFIX = '{"type"';

/**
 * Reading stops after this many lines in a row that hold no record (not JSON, not a record, too long, blank):
 * such input is not telemetry any more (e.g. a decompression bomb of garbage), and reading it to the end would
 * only print the same problem millions of times.
 */
export const MAX_CONSECUTIVE_BAD_LINES = 1_000;

/**
 * gzip input stops when it expands to more than this many times its compressed size (and past
 * `EXPANSION_FLOOR_BYTES`). Telemetry compresses about 5–30 times (random span ids); gzip cannot exceed about
 * 1,030, which bombs get close to.
 */
export const MAX_GZIP_EXPANSION_RATIO = 200;
const EXPANSION_FLOOR_BYTES = 64 * 1024 * 1024;

/** Line numbers quoted in the count of unreadable lines. */
const UNREADABLE_LINES_LISTED = 10;

/**
 * Reads `file` (`-` for stdin; gzip is decompressed) and yields its items in batches (one batch per chunk), which
 * is much cheaper than one promise per record. Never throws for bad input: every problem is a finding.
 */
export async function* readRecordBatches(file: string, options: ReadOptions = {}): AsyncGenerator<ReadItem[], void, undefined> {
  const opened = await openInput(file);
  if ('problem' in opened) {
    yield [fileFinding(file, 'error', opened.problem)];
    return;
  }
  const reader = new LineReader(
    file,
    options.maxLineBytes ?? MAX_RECORD_LINE_BYTES,
    options.maxConsecutiveBadLines ?? MAX_CONSECUTIVE_BAD_LINES,
    options.light,
  );
  const { stream } = opened;
  const ratio = options.maxExpansionRatio ?? MAX_GZIP_EXPANSION_RATIO;
  const expansionLimit =
    opened.compressed && opened.totalBytes !== undefined ? Math.max(EXPANSION_FLOOR_BYTES, opened.totalBytes * ratio) : undefined;
  let bytesRead = 0;
  let stop: FindingItem | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      const items = reader.push(chunk);
      if (items.length > 0) yield items;
      options.onProgress?.({ file, bytesRead, totalBytes: opened.totalBytes, records: reader.records });
      if (reader.stopped) break;
      if (expansionLimit !== undefined && bytesRead > expansionLimit) {
        stop = fileFinding(
          file,
          'error',
          `reading stopped after line ${count(reader.lineNo)}: the gzip data expands to more than ${ratio} times its ` +
            `compressed size of ${count(opened.totalBytes ?? 0)} bytes (${count(bytesRead)} bytes so far; the limit against ` +
            `decompression bombs); the rest is not read`,
        );
        break;
      }
    }
  } catch (e) {
    const failure = `${opened.compressed ? 'gzip data cannot be read' : 'read failed'}: ${errorText(e)}`;
    stop = fileFinding(file, 'error', `${failure} (after line ${reader.lineNo})`);
  } finally {
    if (stream !== process.stdin) stream.destroy();
  }
  // After a stop the partial last line is not a torn line: it is where reading stopped.
  if (stop !== undefined) reader.stopped = true;
  const rest = reader.end();
  if (stop !== undefined) rest.unshift(stop);
  if (rest.length > 0) yield rest;
}

/** One item at a time (convenient; `readRecordBatches` is faster for large files). */
export async function* readRecords(file: string, options: ReadOptions = {}): AsyncGenerator<ReadItem, void, undefined> {
  for await (const batch of readRecordBatches(file, options)) yield* batch;
}

function fileFinding(file: string, severity: Finding['severity'], message: string): FindingItem {
  return { kind: 'finding', finding: { file, line: 0, severity, message } };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Splits decoded text into lines and classifies each; state survives across chunks. */
class LineReader {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** Skipping the rest of an over-long line. */
  private skipping = false;
  private sawBytes = false;
  private sawContent = false;
  lineNo = 0;
  records = 0;
  stopped = false;
  items: ReadItem[] = [];
  /** Lines that held no record because they could not be read (blank lines and a torn last line excluded). */
  private unreadable = 0;
  private readonly unreadableLines: number[] = [];
  /** Lines in a row without a record, blank ones included. */
  private badRun = 0;

  constructor(
    private readonly file: string,
    private readonly maxLineBytes: number,
    private readonly maxBadRun: number,
    private readonly light: LightOptions | undefined,
  ) {}

  push(chunk: Buffer): ReadItem[] {
    this.items = [];
    if (this.stopped) return this.items;
    let text = this.decoder.write(chunk);
    if (!this.sawBytes && text.length > 0) {
      this.sawBytes = true;
      // A UTF-8 byte-order mark (some editors and Windows tools write one) is not part of the first line.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // NUL bytes never occur in JSONL text: one message for the whole file instead of one per "line".
      if (text.slice(0, 8192).includes('\u0000')) {
        this.items.push(fileFinding(this.file, 'error', 'is binary data, not JSONL text'));
        this.stopped = true;
        return this.items;
      }
    }
    this.split(text);
    return this.items;
  }

  end(): ReadItem[] {
    this.items = [];
    if (!this.stopped) {
      const tail = this.partial + this.decoder.end();
      this.partial = '';
      if (!this.skipping && tail.length > 0) {
        this.lineNo++;
        this.handleLine(tail, true);
      }
    }
    if (!this.stopped && this.records === 0) {
      const problem = this.sawBytes ? 'contains no records' : 'is empty: no records';
      this.items.push(fileFinding(this.file, 'error', problem));
    }
    if (this.unreadable > 0) {
      const listed = this.unreadableLines.map(count).join(', ');
      const more = this.unreadable > this.unreadableLines.length ? ` and ${count(this.unreadable - this.unreadableLines.length)} more` : '';
      const what = this.unreadable === 1 ? 'unreadable line skipped' : 'unreadable lines skipped';
      this.items.push(fileFinding(this.file, 'error', `${count(this.unreadable)} ${what} (line ${listed}${more})`));
    }
    return this.items;
  }

  finding(line: number, severity: Finding['severity'], message: string): FindingItem {
    return { kind: 'finding', finding: { file: this.file, line, severity, message } };
  }

  private split(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl !== -1 && (this.partial.length > 0 || this.skipping)) {
      this.lineNo++;
      if (!this.skipping) this.handleLine(this.partial + text.slice(0, nl), false);
      this.partial = '';
      this.skipping = false;
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1 && !this.stopped) {
      this.lineNo++;
      this.handleLine(text.slice(start, nl), false);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (this.stopped || this.skipping) return;
    this.partial = start === 0 && this.partial.length > 0 ? this.partial + text : text.slice(start);
    // A line has at least as many bytes as characters: this many characters are already too long.
    if (this.partial.length + 1 > this.maxLineBytes) {
      this.badLine(this.lineNo + 1, this.tooLong());
      this.partial = '';
      this.skipping = true;
    }
  }

  private tooLong(): string {
    return `line is longer than ${count(this.maxLineBytes)} bytes, the record-line limit the writer enforces; skipped`;
  }

  /** Bytes of `raw` plus its newline exceed the limit (UTF-8 is only measured when characters alone cannot tell). */
  private isTooLong(raw: string): boolean {
    if (raw.length + 1 > this.maxLineBytes) return true;
    return raw.length * 3 + 1 > this.maxLineBytes && Buffer.byteLength(raw, 'utf8') + 1 > this.maxLineBytes;
  }

  /** A line that held no record because it could not be read: reported, counted, and it extends the bad run. */
  private badLine(line: number, message: string): void {
    this.items.push(this.finding(line, 'error', message));
    this.unreadable++;
    if (this.unreadableLines.length < UNREADABLE_LINES_LISTED) this.unreadableLines.push(line);
    this.extendBadRun(line);
  }

  private extendBadRun(line: number): void {
    if (++this.badRun < this.maxBadRun) return;
    this.items.push(
      fileFinding(
        this.file,
        'error',
        `reading stopped at line ${count(line)}: ${count(this.badRun)} lines in a row hold no record (the limit is ` +
          `${count(this.maxBadRun)}; the input is not telemetry any more, e.g. a decompression bomb); the rest is not read`,
      ),
    );
    this.stopped = true;
  }

  private handleLine(raw: string, lastWithoutNewline: boolean): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const first = !this.sawContent;
    if (text.trim() === '') {
      this.items.push(this.finding(this.lineNo, 'warning', 'blank line'));
      this.extendBadRun(this.lineNo);
      return;
    }
    this.sawContent = true;
    if (this.isTooLong(raw)) {
      this.badLine(this.lineNo, this.tooLong());
      return;
    }
    if (this.light !== undefined) {
      const { spansExcept, eventsExcept } = this.light;
      const light =
        (spansExcept === undefined ? undefined : readLightSpan(text, this.lineNo, spansExcept)) ??
        (eventsExcept === undefined ? undefined : readLightEvent(text, this.lineNo, eventsExcept));
      if (light !== undefined) {
        this.records++;
        this.badRun = 0;
        this.items.push(light);
        return;
      }
    }
    let parsed: ReturnType<typeof parseJsonLine>;
    try {
      parsed = parseJsonLine(text);
    } catch (e) {
      const detail = e instanceof LineSyntaxError ? e.message : errorText(e);
      if (lastWithoutNewline) {
        this.items.push(
          this.finding(this.lineNo, 'warning', `incomplete last line (the writer was probably killed mid-write), ignored: ${detail}`),
        );
      } else if (first && !text.startsWith(RECORD_PREFIX)) {
        this.stopForeign(`line 1 is ${detail}`);
      } else {
        this.badLine(this.lineNo, `line is ${detail}`);
      }
      return;
    }
    const value = parsed.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !isRecordType((value as { type?: unknown }).type)) {
      const what = describeNonRecord(value);
      if (first) this.stopForeign(`line 1 is ${what}`);
      else this.badLine(this.lineNo, `not a one-logger record: ${what}`);
      return;
    }
    if (parsed.nonStandardTokens !== undefined) {
      const tokens = [...new Set(parsed.nonStandardTokens)].join(', ');
      this.items.push(
        this.finding(
          this.lineNo,
          'warning',
          `non-standard JSON token${parsed.nonStandardTokens.length > 1 ? 's' : ''} ${tokens} (Python writes non-finite floats this way) read as null`,
        ),
      );
    }
    this.records++;
    this.badRun = 0;
    this.items.push({ kind: 'record', line: this.lineNo, record: value as RawRecord, nonStandardTokens: parsed.nonStandardTokens });
  }

  /** The first line already shows this is not one-logger telemetry: one message, and stop reading. */
  private stopForeign(detail: string): void {
    this.items.push(fileFinding(this.file, 'error', `is not one-logger JSONL telemetry: ${detail}`));
    this.stopped = true;
  }
}

function describeNonRecord(value: unknown): string {
  if (Array.isArray(value)) return 'a JSON array, not a record object';
  if (value === null || typeof value !== 'object') return `a JSON ${value === null ? 'null' : typeof value}, not a record object`;
  const type = (value as { type?: unknown }).type;
  if (type === undefined) return 'a JSON object without "type"';
  const shown = typeof type === 'string' && type.length > 60 ? `${type.slice(0, 60)}…` : type;
  return `a JSON object with unknown "type" ${printable(JSON.stringify(shown) ?? String(shown))}`;
}
