// Training iterations through the callbacks, timed on a fake clock.
import { onTrainingSingleIterationEnd, onTrainingSingleIterationStart } from '../../src/index.js';
import type { FakeClock } from './fake-clock.js';

/** Returns `iteration(ms)`: one training iteration lasting `ms` on `clock`, returning the ms since T0 at its end. */
export function timedIteration(clock: FakeClock): (ms: number) => number {
  return (ms) => {
    onTrainingSingleIterationStart();
    clock.advanceMs(ms);
    onTrainingSingleIterationEnd();
    return clock.elapsedMs();
  };
}
