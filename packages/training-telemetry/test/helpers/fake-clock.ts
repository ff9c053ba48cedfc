// A deterministic clock for the core `setClock` seam: the wall clock starts at T0 (epoch ms), the monotonic clock at
// a per-file origin, and both move together, only when a test moves them.
import { setClock } from '@nv-one-logger/core';

/** Wall clock (epoch ms) of "T0", where every fake clock starts. */
export const T0 = 1_700_000_000_000;

/** `timestamp_msec` (epoch ms) of T0 + `sec`. */
export function ms(sec: number): number {
  return T0 + Math.round(sec * 1000);
}

/** Seconds since the epoch of T0 + `sec`, as the recorder computes them. */
export function sec(s: number): number {
  return ms(s) / 1000;
}

/** Wall-clock seconds of T0 + `offsetMs` (as the recorder computes them: wall ms / 1000). */
export function secAtMs(offsetMs: number): number {
  return (T0 + offsetMs) / 1000;
}

export interface FakeClock {
  /** Moves the clock to T0 + `sec`. */
  at(sec: number): void;
  /** Advances the clock by `sec` seconds (rounded to whole milliseconds). */
  advance(sec: number): void;
  /** Advances the clock by `ms` milliseconds. */
  advanceMs(ms: number): void;
  /** Milliseconds since T0. */
  elapsedMs(): number;
  /** Seconds since T0. */
  elapsedSec(): number;
  /** The current wall clock (epoch ms). */
  wallMs(): number;
  /** Moves the clock back to T0 and installs it as the core clock (`setClock`). */
  install(): void;
  /** Restores the real core clock. */
  uninstall(): void;
}

/** A fake clock whose monotonic clock reads `perfOriginMs` at T0 (ms, arbitrary origin). */
export function createFakeClock(options: { perfOriginMs: number }): FakeClock {
  let nowMs = 0;
  return {
    at: (sec) => {
      nowMs = Math.round(sec * 1000);
    },
    advance: (sec) => {
      nowMs += Math.round(sec * 1000);
    },
    advanceMs: (ms) => {
      nowMs += ms;
    },
    elapsedMs: () => nowMs,
    elapsedSec: () => nowMs / 1000,
    wallMs: () => T0 + nowMs,
    install: () => {
      nowMs = 0;
      setClock({ wallMs: () => T0 + nowMs, perfMs: () => options.perfOriginMs + nowMs });
    },
    uninstall: () => {
      setClock(undefined);
    },
  };
}
