// The clock of the reference's v1 adapter tests: wall time frozen at 3,500,000 s, moved only by the test.
import { setClock, TracingTimestamp } from '@nv-one-logger/core';

/** Wall-clock ms of the pinned examples' "now". */
export const NOW_MS = 3_500_000_000;

export interface V1Clock {
  /** Moves both clocks to NOW + `sec`. */
  at(sec: number): TracingTimestamp;
  install(): void;
  uninstall(): void;
}

export function createV1Clock(): V1Clock {
  let offsetMs = 0;
  return {
    at(sec) {
      offsetMs = Math.round(sec * 1000);
      return TracingTimestamp.now();
    },
    install() {
      offsetMs = 0;
      setClock({ wallMs: () => NOW_MS + offsetMs, perfMs: () => 10_000 + offsetMs });
    },
    uninstall() {
      setClock(undefined);
    },
  };
}
