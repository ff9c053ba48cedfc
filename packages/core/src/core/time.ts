// The module's binding, not the global: Node defines the global `performance` as a lazy accessor, and reading it
// was a call of its own on every timestamp (3 % of a training iteration, --cpu-prof).
import { performance } from 'node:perf_hooks';
import { assertThat, OneLoggerError } from './errors.js';

/** A source of time. The default reads `performance.now()` once per timestamp. */
export interface Clock {
  /** Wall clock in milliseconds since the Unix epoch. */
  wallMs(): number;
  /** Monotonic clock in milliseconds (arbitrary origin). */
  perfMs(): number;
}

const timeOrigin = performance.timeOrigin;
let injected: Clock | undefined;

/** Replaces the clock (tests). Pass `undefined` to restore the real one. */
export function setClock(clock: Clock | undefined): void {
  injected = clock;
}

/** Current monotonic time in milliseconds. */
export function perfNowMs(): number {
  return injected === undefined ? performance.now() : injected.perfMs();
}

/** Current wall-clock time in milliseconds since the epoch. */
export function wallNowMs(): number {
  return injected === undefined ? timeOrigin + performance.now() : injected.wallMs();
}

/**
 * The wall-clock time that goes with a monotonic reading just taken by `perfNowMs()`: `timeOrigin + perfMs`, or the
 * injected clock's wall reading. The pair is a timestamp's two numbers from one reading, without the object.
 */
export function wallMsOf(perfMs: number): number {
  return injected === undefined ? timeOrigin + perfMs : injected.wallMs();
}

/** How far a user-supplied timestamp may lie from now (the reference's 600 s window). */
export const TIMESTAMP_TOLERANCE_SEC = 600;

/**
 * An instant as wall-clock seconds since the epoch plus a monotonic counter in seconds.
 * Durations are always computed from the monotonic part.
 */
export class TracingTimestamp {
  /** Wall clock, milliseconds since the epoch (so `timestamp_msec` needs no seconds round trip). */
  readonly wallMs: number;
  /** Monotonic counter, milliseconds. */
  readonly perfMs: number;
  // Seconds given explicitly, else undefined: derived from the milliseconds when read. A timestamp taken per
  // training iteration is mostly used for its milliseconds only, and each stored fractional number is a heap
  // allocation of its own (`undefined` is not): 2 of the 5 allocations of such a timestamp are saved.
  readonly #seconds: number | undefined;
  readonly #perfSeconds: number | undefined;

  private constructor(wallMs: number, perfMs: number, seconds: number | undefined, perfSeconds: number | undefined) {
    this.wallMs = wallMs;
    this.perfMs = perfMs;
    this.#seconds = seconds;
    this.#perfSeconds = perfSeconds;
  }

  /** Wall clock in seconds since the epoch, exactly as given (or `wallMs / 1000`). */
  get secondsSinceEpoch(): number {
    return this.#seconds ?? this.wallMs / 1000;
  }

  /** Monotonic counter in seconds, exactly as given (or `perfMs / 1000`). */
  get perfCounterSeconds(): number {
    return this.#perfSeconds ?? this.perfMs / 1000;
  }

  private static fromMs(wallMs: number, perfMs: number): TracingTimestamp {
    return new TracingTimestamp(wallMs, perfMs, undefined, undefined);
  }

  /** Now, from a single clock read. */
  static now(): TracingTimestamp {
    if (injected === undefined) {
      const p = performance.now();
      return TracingTimestamp.fromMs(timeOrigin + p, p);
    }
    return TracingTimestamp.fromMs(injected.wallMs(), injected.perfMs());
  }

  /** From explicit values in seconds (no validation). */
  static of(secondsSinceEpoch: number, perfCounterSeconds: number): TracingTimestamp {
    return new TracingTimestamp(secondsSinceEpoch * 1000, perfCounterSeconds * 1000, secondsSinceEpoch, perfCounterSeconds);
  }

  /** From explicit values in milliseconds (no validation). */
  static ofMillis(wallMs: number, perfMs: number): TracingTimestamp {
    return TracingTimestamp.fromMs(wallMs, perfMs);
  }

  /**
   * A timestamp for a wall-clock time in seconds. Without `perfCounterSeconds` the monotonic value is
   * estimated as `perfNow - (wallNow - timestampSec)`; `0` is a valid counter value (unlike the reference).
   * With `validate` (default) the time must be within 600 s of now.
   */
  static forTimestamp(timestampSec: number, options: { perfCounterSeconds?: number; validate?: boolean } = {}): TracingTimestamp {
    if (typeof timestampSec !== 'number' || !Number.isFinite(timestampSec)) {
      throw new OneLoggerError(`timestamp must be a finite number of seconds since epoch (got ${String(timestampSec)})`);
    }
    const wallNow = wallNowMs() / 1000;
    if (options.validate !== false) {
      if (timestampSec > wallNow + TIMESTAMP_TOLERANCE_SEC) {
        throw new OneLoggerError('timestamp is in the future. This is meant to be the time in seconds since epoch.');
      }
      if (timestampSec < wallNow - TIMESTAMP_TOLERANCE_SEC) {
        throw new OneLoggerError('timestamp is too old. This is meant to be the time in seconds since epoch.');
      }
    }
    const perfSec = options.perfCounterSeconds !== undefined ? options.perfCounterSeconds : perfNowMs() / 1000 - (wallNow - timestampSec);
    return new TracingTimestamp(timestampSec * 1000, perfSec * 1000, timestampSec, perfSec);
  }

  /** A timestamp for a wall-clock time in epoch milliseconds (the unit the training callbacks take). */
  static forMillis(timestampMs: number, options: { validate?: boolean } = {}): TracingTimestamp {
    const ts = TracingTimestamp.forTimestamp(timestampMs / 1000, options);
    return TracingTimestamp.fromMs(timestampMs, ts.perfMs);
  }

  /** Truncated toward zero, as the reference's `int(seconds * 1000)`. */
  get millisecondsSinceEpoch(): number {
    return Math.trunc(this.wallMs);
  }

  toJSON(): { seconds_since_epoch: number; perf_counter_seconds: number } {
    return { seconds_since_epoch: this.secondsSinceEpoch, perf_counter_seconds: this.perfCounterSeconds };
  }

  static fromJSON(data: { seconds_since_epoch?: unknown; perf_counter_seconds?: unknown } | null | undefined): TracingTimestamp {
    assertThat(data !== null && data !== undefined, 'TracingTimestamp data cannot be None.');
    const s = data.seconds_since_epoch;
    const p = data.perf_counter_seconds;
    assertThat(
      typeof s === 'number' && typeof p === 'number' && Number.isFinite(s) && Number.isFinite(p),
      `TracingTimestamp must have seconds_since_epoch and perf_counter_seconds: ${JSON.stringify(data)}`,
    );
    return TracingTimestamp.of(s, p);
  }

  equals(other: unknown): boolean {
    return (
      other instanceof TracingTimestamp &&
      other.secondsSinceEpoch === this.secondsSinceEpoch &&
      other.perfCounterSeconds === this.perfCounterSeconds
    );
  }
}

/** An accumulating stopwatch on the monotonic clock. */
export class Timer {
  private startTime: TracingTimestamp | undefined;
  private elapsedSec = 0;
  private isRunning = false;

  get running(): boolean {
    return this.isRunning;
  }

  get startedAt(): TracingTimestamp | undefined {
    return this.startTime;
  }

  get elapsedSeconds(): number {
    return this.elapsedSec;
  }

  start(startTime?: TracingTimestamp): void {
    assertThat(!this.isRunning, 'start called when the timer was already running');
    this.startTime = startTime ?? TracingTimestamp.now();
    this.isRunning = true;
  }

  /** Stops and returns the accumulated seconds; `reset` zeroes the total afterwards. */
  stop(options: { stopTime?: TracingTimestamp; reset?: boolean } = {}): number {
    assertThat(this.isRunning && this.startTime !== undefined, 'stop called when the timer was not running');
    const stopPerf = options.stopTime?.perfMs ?? perfNowMs();
    this.isRunning = false;
    this.elapsedSec += (stopPerf - this.startTime.perfMs) / 1000;
    const elapsed = this.elapsedSec;
    if (options.reset) this.reset();
    return elapsed;
  }

  reset(start = false): void {
    this.startTime = undefined;
    this.elapsedSec = 0;
    this.isRunning = false;
    if (start) this.start();
  }
}
