// Point-in-time markers for the charts, taken from span events: successful checkpoint saves and recorded errors.
// They come from the spans (not the summary) because the timeline places each marker on its span's row.

import type { SpanNode } from '../model/types.js';

/** Mark options that make marker groups findable: `<g class="ol-checkpoint">` and `<g class="ol-error">`. */
export const CHECKPOINT_MARKS = { className: 'ol-checkpoint', ariaDescription: 'successful checkpoint saves' } as const;
export const ERROR_MARKS = { className: 'ol-error', ariaDescription: 'errors' } as const;

export interface Marker {
  kind: 'checkpoint' | 'error';
  timeMs: number;
  spanId: string;
  spanName: string;
  /** One-line description for the SVG <title> tooltip. */
  label: string;
}

export function collectMarkers(spans: readonly SpanNode[]): { checkpoints: Marker[]; errors: Marker[] } {
  const checkpoints: Marker[] = [];
  const errors: Marker[] = [];
  for (const span of spans) {
    for (const event of span.events) {
      if (event.timeMs === undefined || !Number.isFinite(event.timeMs)) continue;
      const base = { timeMs: event.timeMs, spanId: span.id, spanName: span.name };
      if (event.kind === 'application_error') {
        const a = event.attributes;
        const text = [a['exception_type'], a['error_message'], a['exception_message']].filter((v) => typeof v === 'string' && v !== '');
        errors.push({ ...base, kind: 'error', label: `error in ${span.name}: ${text.join(' ') || '(no message)'}` });
      } else if (event.name === 'save_checkpoint_success') {
        const step = event.attributes['current_iteration'];
        checkpoints.push({ ...base, kind: 'checkpoint', label: `checkpoint saved${typeof step === 'number' ? ` at step ${step}` : ''}` });
      }
    }
  }
  const byTime = (a: Marker, b: Marker): number => a.timeMs - b.timeMs;
  return { checkpoints: checkpoints.sort(byTime), errors: errors.sort(byTime) };
}
