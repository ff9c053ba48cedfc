import { OneLoggerError } from '../core/errors.js';
import { TracingTimestamp } from '../core/time.js';

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
  private currentStart: TracingTimestamp | undefined;
  private firstStart: TracingTimestamp | undefined;
  private latestEnd: TracingTimestamp | undefined;
  private latestDurationSec = 0;
  private windowCount = 0;
  private completedCount = 0;
  private totalSec = 0;
  private minSec = Number.POSITIVE_INFINITY;
  private maxSec = 0;
  private avgSec = 0;

  get isActive(): boolean {
    return this.currentStart !== undefined;
  }

  get currentWindowStart(): TracingTimestamp | undefined {
    return this.currentStart;
  }

  get firstWindowStart(): TracingTimestamp | undefined {
    return this.firstStart;
  }

  get latestWindowEnd(): TracingTimestamp | undefined {
    return this.latestEnd;
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

  /** Opens a window at `startTime` (default now). */
  start(startTime?: TracingTimestamp): void {
    if (this.currentStart !== undefined) throw new OneLoggerError('Cannot start timer since it is already active');
    const start = startTime ?? TracingTimestamp.now();
    this.currentStart = start;
    this.windowCount += 1;
    if (this.firstStart === undefined) this.firstStart = start;
  }

  /** Closes the active window at `stopTime` (default now). The window is closed even when the stop is rejected. */
  stop(stopTime?: TracingTimestamp): void {
    const start = this.currentStart;
    if (start === undefined) throw new OneLoggerError('Cannot stop timer since it is not active');
    // Cleared first so a rejected stop leaves the timer idle, as the reference's try/finally does.
    this.currentStart = undefined;
    const stop = stopTime ?? TracingTimestamp.now();
    if (stop.perfMs < start.perfMs) {
      throw new OneLoggerError(
        `Cannot stop timer with a stop time that is before the start time. start: ${start.perfCounterSeconds} s, stop: ${stop.perfCounterSeconds} s (monotonic clock)`,
      );
    }
    const duration = (stop.perfMs - start.perfMs) / 1000;
    this.latestEnd = stop;
    this.latestDurationSec = duration;
    this.completedCount += 1;
    this.minSec = Math.min(this.minSec, duration);
    this.maxSec = Math.max(this.maxSec, duration);
    this.totalSec += duration;
    this.avgSec = this.totalSec / this.completedCount;
  }

  /** Back to the initial state. */
  reset(): void {
    this.currentStart = undefined;
    this.firstStart = undefined;
    this.latestEnd = undefined;
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
      sameTimestamp(other.currentStart, this.currentStart) &&
      sameTimestamp(other.firstStart, this.firstStart) &&
      sameTimestamp(other.latestEnd, this.latestEnd) &&
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
