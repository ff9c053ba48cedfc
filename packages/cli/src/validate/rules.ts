// Semantic rules over the record sequence of one file, per process (pid): a stop has a matching start, `count`
// increases, parents and the spans of events are running, timestamps are plausible. State is the running spans
// plus a bounded memory of recently stopped ones, so any file size is checked in bounded memory.
import type { Finding } from '../model/types.js';
import { asAttrs, asEvent, eventTimeMs, num, payloadOf, pidOf, type RawRecord, str } from '../records/raw-record.js';

/** 2000-01-01T00:00:00Z: earlier epoch milliseconds are not plausible telemetry times. */
export const MIN_PLAUSIBLE_MS = 946_684_800_000;
/** Times may lie at most this far in the future (clock skew between hosts). */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;
/** Explicit callback times may lie 600 s in the past (spec/training.md §0.1); more than that backwards is suspicious. */
export const MAX_BACKWARDS_MS = 600_000;
const RECENTLY_STOPPED = 10_000;

interface OpenSpan {
  name: string;
  line: number;
  startMs: number | undefined;
}

interface PidState {
  lastCount: number | undefined;
  lastCountLine: number;
  open: Map<string, OpenSpan>;
  /** Recently stopped span ids → line of the stop; `ring` holds the ids in stop order to forget the oldest. */
  stopped: Map<string, number>;
  ring: string[];
  ringAt: number;
  maxTimeMs: number | undefined;
}

export class SemanticChecker {
  private readonly pids = new Map<number | undefined, PidState>();
  private findings: Finding[] = [];

  constructor(
    private readonly file: string,
    private readonly nowMs: number = Date.now(),
  ) {}

  /** Checks one record (in file order) and returns its findings. */
  check(r: RawRecord, line: number): Finding[] {
    this.findings = [];
    const pid = pidOf(r);
    const state = this.state(pid, r, line);
    this.checkTimes(r, line, state);
    switch (r.type) {
      case 'start':
        this.onStart(r, line, state, false);
        break;
      case 'complete':
        this.onStart(r, line, state, true);
        break;
      case 'stop':
        this.onStop(r, line, state);
        break;
      case 'event':
      case 'application_error':
        this.onEvent(r, line, state);
        break;
      default:
        break;
    }
    return this.findings;
  }

  /** Spans still running at the end of the file (a killed writer, or a job still running). */
  finish(): Finding[] {
    this.findings = [];
    for (const state of this.pids.values()) this.reportOpen(state);
    return this.findings;
  }

  private add(line: number, severity: Finding['severity'], message: string): void {
    this.findings.push({ file: this.file, line, severity, message });
  }

  private state(pid: number | undefined, r: RawRecord, line: number): PidState {
    let s = this.pids.get(pid);
    if (s === undefined) {
      s = { lastCount: undefined, lastCountLine: 0, open: new Map(), stopped: new Map(), ring: [], ringAt: 0, maxTimeMs: undefined };
      this.pids.set(pid, s);
    }
    const count = num(r.count);
    if (count === undefined) return s;
    if (s.lastCount !== undefined && count === 1 && (r.type === 'start' || r.type === 'complete')) {
      // A span record with count 1 again: a new writer with the same pid appended to the file (e.g. a restarted
      // container, where pids repeat). A writer's first record is always a span record.
      this.reportOpen(s);
      s.open.clear();
      s.stopped.clear();
      s.ring = [];
      s.ringAt = 0;
      s.maxTimeMs = undefined;
    } else if (s.lastCount !== undefined && count <= s.lastCount) {
      this.add(
        line,
        'error',
        `count ${count} does not increase (pid ${String(pidOf(r))} had count ${s.lastCount} at line ${s.lastCountLine})`,
      );
    }
    s.lastCount = count;
    s.lastCountLine = line;
    return s;
  }

  private reportOpen(s: PidState): void {
    for (const [id, span] of s.open) {
      this.add(span.line, 'warning', `span "${span.name}" (${id}) is never stopped (the writer was killed, or the job is still running)`);
    }
  }

  private onStart(r: RawRecord, line: number, s: PidState, complete: boolean): void {
    const id = str(r.id);
    const name = str(r.name) ?? '(unnamed)';
    if (id === undefined) return;
    const parentId = str(r.parent_id);
    if (parentId !== undefined) {
      const stoppedAt = s.stopped.get(parentId);
      if (parentId === id) this.add(line, 'error', `span "${name}" is its own parent`);
      else if (stoppedAt !== undefined)
        this.add(line, 'warning', `parent span ${parentId} of "${name}" had already stopped (line ${stoppedAt})`);
      else if (!s.open.has(parentId))
        this.add(line, 'error', `parent span ${parentId} of "${name}" does not exist (no running span of this pid has that id)`);
    }
    const existing = s.open.get(id);
    if (existing !== undefined) this.add(line, 'error', `span id ${id} is started again while running (started at line ${existing.line})`);
    const startMs = eventTimeMs(r.start_event);
    if (complete) {
      this.checkStop(r, line, name, startMs);
      this.markStopped(s, id, line);
    } else {
      s.open.set(id, { name, line, startMs });
    }
  }

  private onStop(r: RawRecord, line: number, s: PidState): void {
    const id = str(r.id);
    const name = str(r.name) ?? '(unnamed)';
    if (id === undefined) return;
    const span = s.open.get(id);
    if (span === undefined) {
      const stoppedAt = s.stopped.get(id);
      if (stoppedAt !== undefined) this.add(line, 'error', `span "${name}" (${id}) is stopped twice (first stop at line ${stoppedAt})`);
      else this.add(line, 'error', `stop of span "${name}" (${id}) has no matching start`);
      return;
    }
    if (span.name !== name)
      this.add(line, 'error', `stop names span ${id} "${name}" but it was started as "${span.name}" (line ${span.line})`);
    this.checkStop(r, line, name, span.startMs);
    s.open.delete(id);
    this.markStopped(s, id, line);
  }

  private checkStop(r: RawRecord, line: number, name: string, startMs: number | undefined): void {
    const stopMs = eventTimeMs(r.stop_event);
    if (startMs === undefined || stopMs === undefined) return;
    if (stopMs < startMs) {
      this.add(line, 'error', `span "${name}" stops before it starts (${stopMs} < ${startMs})`);
      return;
    }
    const duration = num(asAttrs(r.attributes).duration_msec);
    const wall = stopMs - startMs;
    // duration_msec comes from the monotonic clock, the timestamps from the wall clock (truncated to ms).
    if (duration !== undefined && Math.abs(duration - wall) > 1000 + 0.01 * wall) {
      this.add(line, 'warning', `span "${name}" has duration_msec ${duration} but its timestamps are ${wall} ms apart`);
    }
  }

  private markStopped(s: PidState, id: string, line: number): void {
    // A ring buffer, not Map insertion order: deleting a Map's first key over and over is slow in V8.
    if (s.ring.length < RECENTLY_STOPPED) s.ring.push(id);
    else {
      const oldest = s.ring[s.ringAt] as string;
      if (s.stopped.get(oldest) !== undefined && oldest !== id) s.stopped.delete(oldest);
      s.ring[s.ringAt] = id;
      s.ringAt = (s.ringAt + 1) % RECENTLY_STOPPED;
    }
    s.stopped.set(id, line);
  }

  private onEvent(r: RawRecord, line: number, s: PidState): void {
    const spanId = str(r.span_id);
    if (spanId === undefined) return;
    if (s.open.has(spanId)) return;
    const what = r.type === 'application_error' ? 'error' : `event "${String(asEvent(r.event)?.name ?? '(unnamed)')}"`;
    const stoppedAt = s.stopped.get(spanId);
    if (stoppedAt !== undefined) this.add(line, 'error', `${what} on span ${spanId}, which stopped at line ${stoppedAt}`);
    else this.add(line, 'error', `${what} on span ${spanId}, which has no start record in this pid`);
  }

  private checkTimes(r: RawRecord, line: number, s: PidState): void {
    const times: [string, number | undefined][] =
      r.type === 'start' || r.type === 'stop' || r.type === 'complete'
        ? [
            ['start_event', r.type === 'stop' ? undefined : eventTimeMs(r.start_event)],
            ['stop_event', r.type === 'start' ? undefined : eventTimeMs(r.stop_event)],
          ]
        : [[r.type === 'telemetry_data_error' ? 'error' : 'event', num(payloadOf(r)?.attributes?.timestamp_msec)]];
    for (const [where, t] of times) {
      if (t === undefined) continue;
      if (t < MIN_PLAUSIBLE_MS) {
        const hint = t > 0 && t < 1e11 && t * 1000 >= MIN_PLAUSIBLE_MS ? ' (looks like seconds, not milliseconds)' : '';
        this.add(line, 'error', `${where} timestamp_msec ${t} is before the year 2000${hint}`);
      } else if (t > this.nowMs + MAX_FUTURE_MS) {
        this.add(line, 'error', `${where} timestamp_msec ${t} (${new Date(t).toISOString()}) is more than a day in the future`);
      } else {
        if (s.maxTimeMs !== undefined && t < s.maxTimeMs - MAX_BACKWARDS_MS) {
          this.add(
            line,
            'warning',
            `${where} timestamp_msec ${t} is ${((s.maxTimeMs - t) / 1000).toFixed(1)} s before an earlier record of this pid`,
          );
        }
        if (s.maxTimeMs === undefined || t > s.maxTimeMs) s.maxTimeMs = t;
      }
    }
  }
}
