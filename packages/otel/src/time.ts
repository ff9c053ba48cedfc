import type { HrTime } from '@opentelemetry/api';

/**
 * Epoch milliseconds (possibly fractional) as an OTel `HrTime` `[seconds, nanoseconds]`, computed from the
 * integer and fractional parts separately so no precision is lost to a float multiply by 1e9. A plain
 * number would be misread by the SDK as a `performance.now()` offset when small, so we never pass one.
 */
export function hrTimeFromEpochMs(epochMs: number): HrTime {
  let seconds = Math.floor(epochMs / 1000);
  let nanos = Math.round((epochMs - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}
