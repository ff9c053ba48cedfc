import { OneLoggerError } from '../core/errors.js';
import { perfNowMs, TracingTimestamp, wallMsOf } from '../core/time.js';

/**
 * Measures an activity that happens in several non-overlapping windows (e.g. every data-loading phase).
 * Durations come from the monotonic clock only.
 *
 * Differences from the reference (spec/core.md §9 U10):
 * - `avgWindowDurationSec` divides by the number of completed windows, so a rejected stop does not bias it.
 *   `totalWindowCount` still counts a window as soon as it starts (including the active one), as the reference does.
 * - A stop is rejected when it precedes the start on the monotonic clock; a wall-clock step back (NTP) is harmless.
 *
 * `minWindowDurationSec` is `+Infinity` until the first window completes (reference parity). Callers must not
 * serialise it as is (`JSON.stringify` turns it into `null`); check `completedWindowCount > 0` first.
 */
export class MultiWindowTimer {
  // Window boundaries are kept as numbers (wall-clock and monotonic milliseconds), so a timer started and stopped
  // at "now" (every training iteration) makes no TracingTimestamp; the getters make one when read and keep it (a
  // timestamp given to `start`/`stop` is kept as given). The first start is set once a window has started
  // (`windowCount > 0`), the latest end once one has completed (`completedCount > 0`).
  private active = false;
  private startWallMs = 0;
  private startPerfMs = 0;
  private startStamp: TracingTimestamp | undefined;
  private firstWallMs = 0;
  private firstPerfMs = 0;
  private firstStamp: TracingTimestamp | undefined;
  private endWallMs = 0;
  private endPerfMs = 0;
  private endStamp: TracingTimestamp | undefined;
  private latestDurationSec = 0;
  private windowCount = 0;
  private completedCount = 0;
  private totalSec = 0;
  private minSec = Number.POSITIVE_INFINITY;
  private maxSec = 0;
  private avgSec = 0;

  get isActive(): boolean {
    return this.active;
  }

  get currentWindowStart(): TracingTimestamp | undefined {
    if (!this.active) return undefined;
    // The first window's start is one timestamp, whichever getter makes it.
    this.startStamp ??=
      this.windowCount === 1 && this.firstStamp !== undefined
        ? this.firstStamp
        : TracingTimestamp.ofMillis(this.startWallMs, this.startPerfMs);
    return this.startStamp;
  }

  get firstWindowStart(): TracingTimestamp | undefined {
    if (this.windowCount === 0) return undefined;
    this.firstStamp ??=
      this.active && this.windowCount === 1 ? this.currentWindowStart : TracingTimestamp.ofMillis(this.firstWallMs, this.firstPerfMs);
    return this.firstStamp;
  }

  get latestWindowEnd(): TracingTimestamp | undefined {
    if (this.completedCount === 0) return undefined;
    this.endStamp ??= TracingTimestamp.ofMillis(this.endWallMs, this.endPerfMs);
    return this.endStamp;
  }

  /** @internal `latestWindowEnd` as wall-clock milliseconds, without making the timestamp. */
  get latestWindowEndWallMs(): number | undefined {
    return this.completedCount === 0 ? undefined : this.endWallMs;
  }

  /** Windows started so far, including the active one and any whose stop was rejected. */
  get totalWindowCount(): number {
    return this.windowCount;
  }

  /** Windows that were stopped successfully (the divisor of the average). */
  get completedWindowCount(): number {
    return this.completedCount;
  }

  get totalTimeSec(): number {
    return this.totalSec;
  }

  /** `+Infinity` until the first window completes; do not serialise it before then. */
  get minWindowDurationSec(): number {
    return this.minSec;
  }

  get maxWindowDurationSec(): number {
    return this.maxSec;
  }

  get avgWindowDurationSec(): number {
    return this.avgSec;
  }

  get latestWindowDurationSec(): number {
    return this.latestDurationSec;
  }

  /** Opens a window at `startTime` (default now: one clock reading, kept as numbers). */
  start(startTime?: TracingTimestamp): void {
    if (this.active) throw new OneLoggerError('Cannot start timer since it is already active');
    if (startTime === undefined) {
      const perf = perfNowMs();
      this.open(wallMsOf(perf), perf);
      return;
    }
    this.open(startTime.wallMs, startTime.perfMs);
    this.startStamp = startTime;
    if (this.windowCount === 1) this.firstStamp = startTime;
  }

  /** Closes the active window at `stopTime` (default now). The window is closed even when the stop is rejected. */
  stop(stopTime?: TracingTimestamp): void {
    if (!this.active) throw new OneLoggerError('Cannot stop timer since it is not active');
    if (stopTime === undefined) {
      const perf = perfNowMs();
      this.close(wallMsOf(perf), perf, undefined);
      return;
    }
    this.close(stopTime.wallMs, stopTime.perfMs, stopTime);
  }

  private open(wallMs: number, perfMs: number): void {
    this.active = true;
    this.startWallMs = wallMs;
    this.startPerfMs = perfMs;
    this.startStamp = undefined;
    this.windowCount += 1;
    if (this.windowCount === 1) {
      this.firstWallMs = wallMs;
      this.firstPerfMs = perfMs;
      this.firstStamp = undefined;
    }
  }

  /** `given`: the stop time as given (kept, and its exact seconds named if the stop is rejected). */
  private close(wallMs: number, perfMs: number, given: TracingTimestamp | undefined): void {
    // Cleared first so a rejected stop leaves the timer idle, as the reference's try/finally does.
    this.active = false;
    if (perfMs < this.startPerfMs) throw this.stopBeforeStart(given?.perfCounterSeconds ?? perfMs / 1000);
    const duration = (perfMs - this.startPerfMs) / 1000;
    this.endWallMs = wallMs;
    this.endPerfMs = perfMs;
    this.endStamp = given;
    this.latestDurationSec = duration;
    this.completedCount += 1;
    if (duration < this.minSec) this.minSec = duration;
    if (duration > this.maxSec) this.maxSec = duration;
    this.totalSec += duration;
    this.avgSec = this.totalSec / this.completedCount;
  }

  private stopBeforeStart(stopSec: number): OneLoggerError {
    const startSec = this.startStamp?.perfCounterSeconds ?? this.startPerfMs / 1000;
    return new OneLoggerError(
      `Cannot stop timer with a stop time that is before the start time. start: ${startSec} s, stop: ${stopSec} s (monotonic clock)`,
    );
  }

  /** Back to the initial state. */
  reset(): void {
    this.active = false;
    this.startStamp = undefined;
    this.firstStamp = undefined;
    this.endStamp = undefined;
    this.latestDurationSec = 0;
    this.windowCount = 0;
    this.completedCount = 0;
    this.totalSec = 0;
    this.minSec = Number.POSITIVE_INFINITY;
    this.maxSec = 0;
    this.avgSec = 0;
  }

  /** Same state in every field (timestamps compared by value). */
  equals(other: unknown): boolean {
    return (
      other instanceof MultiWindowTimer &&
      sameTimestamp(other.currentWindowStart, this.currentWindowStart) &&
      sameTimestamp(other.firstWindowStart, this.firstWindowStart) &&
      sameTimestamp(other.latestWindowEnd, this.latestWindowEnd) &&
      other.latestDurationSec === this.latestDurationSec &&
      other.windowCount === this.windowCount &&
      other.completedCount === this.completedCount &&
      other.totalSec === this.totalSec &&
      other.minSec === this.minSec &&
      other.maxSec === this.maxSec &&
      other.avgSec === this.avgSec
    );
  }
}

function sameTimestamp(a: TracingTimestamp | undefined, b: TracingTimestamp | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}
