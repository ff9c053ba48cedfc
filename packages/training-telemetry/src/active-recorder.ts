import type { TrainingRecorder } from './training-recorder.js';

// The configured recorder, read by every callback: one module variable instead of provider lookups per call.
let active: TrainingRecorder | undefined;

export function activeRecorder(): TrainingRecorder | undefined {
  return active;
}

export function setActiveRecorder(recorder: TrainingRecorder | undefined): void {
  active = recorder;
}
