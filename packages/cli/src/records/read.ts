// Streaming JSONL reader: yields records and reading problems in file order, one chunk at a time, keeping
// nothing but the current chunk and a partial line (bounded memory whatever the file size).
import { StringDecoder } from 'node:string_decoder';
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
  /** Longest line kept, in characters (default 16 Mi); longer lines are reported and skipped. */
  maxLineLength?: number;
  /**
   * Records the consumer needs only a few fields of: when their layout is the standard one they are yielded as
   * `light-span` / `light-event` items without JSON.parse. Without this option every record is parsed.
   */
  light?: LightOptions;
}

const DEFAULT_MAX_LINE = 16 * 1024 * 1024;
const RECORD_PREFIX = '{"type"';

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
  const reader = new LineReader(file, options.maxLineLength ?? DEFAULT_MAX_LINE, options.light);
  const { stream } = opened;
  let bytesRead = 0;
  let failure: string | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      const items = reader.push(chunk);
      if (items.length > 0) yield items;
      options.onProgress?.({ file, bytesRead, totalBytes: opened.totalBytes, records: reader.records });
      if (reader.stopped) break;
    }
  } catch (e) {
    failure = `${opened.compressed ? 'gzip data cannot be read' : 'read failed'}: ${errorText(e)}`;
  } finally {
    if (stream !== process.stdin) stream.destroy();
  }
  if (failure !== undefined) {
    yield [fileFinding(file, 'error', `${failure} (after line ${reader.lineNo})`)];
    return;
  }
  const rest = reader.end();
  if (rest.length > 0) yield rest;
}

/** One item at a time (convenient; `readRecordBatches` is faster for large files). */
export async function* readRecords(file: string, options: ReadOptions = {}): AsyncGenerator<ReadItem, void, undefined> {
  for await (const batch of readRecordBatches(file, options)) yield* batch;
}

function fileFinding(file: string, severity: Finding['severity'], message: string): FindingItem {
  return { kind: 'finding', finding: { file, line: 0, severity, message } };
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

  constructor(
    private readonly file: string,
    private readonly maxLine: number,
    private readonly light: LightOptions | undefined,
  ) {}

  push(chunk: Buffer): ReadItem[] {
    this.items = [];
    if (this.stopped) return this.items;
    const text = this.decoder.write(chunk);
    if (!this.sawBytes && text.length > 0) {
      this.sawBytes = true;
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
    if (this.partial.length > this.maxLine) {
      this.items.push(this.finding(this.lineNo + 1, 'error', `line is longer than ${this.maxLine} characters; skipped`));
      this.partial = '';
      this.skipping = true;
    }
  }

  private handleLine(raw: string, lastWithoutNewline: boolean): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const first = !this.sawContent;
    if (text.trim() === '') {
      this.items.push(this.finding(this.lineNo, 'warning', 'blank line'));
      return;
    }
    this.sawContent = true;
    if (text.length > this.maxLine) {
      this.items.push(this.finding(this.lineNo, 'error', `line is longer than ${this.maxLine} characters; skipped`));
      return;
    }
    if (this.light !== undefined) {
      const { spansExcept, eventsExcept } = this.light;
      const light =
        (spansExcept === undefined ? undefined : readLightSpan(text, this.lineNo, spansExcept)) ??
        (eventsExcept === undefined ? undefined : readLightEvent(text, this.lineNo, eventsExcept));
      if (light !== undefined) {
        this.records++;
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
        this.items.push(this.finding(this.lineNo, 'error', `line is ${detail}`));
      }
      return;
    }
    const value = parsed.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !isRecordType((value as { type?: unknown }).type)) {
      const what = describeNonRecord(value);
      if (first) this.stopForeign(`line 1 is ${what}`);
      else this.items.push(this.finding(this.lineNo, 'error', `not a one-logger record: ${what}`));
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
  return `a JSON object with unknown "type" ${JSON.stringify(type)}`;
}
