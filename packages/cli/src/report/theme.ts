// Colours are CSS variables (light and dark values live in the stylesheet), so one SVG serves both schemes.

export const COLOR = {
  application: 'var(--c-application)',
  init: 'var(--c-init)',
  training: 'var(--c-training)',
  validation: 'var(--c-validation)',
  testing: 'var(--c-testing)',
  checkpoint: 'var(--c-checkpoint)',
  other: 'var(--c-other)',
  error: 'var(--c-error)',
  throughput: 'var(--c-throughput)',
  background: 'var(--bg)',
} as const;

export type SpanCategory = 'application' | 'init' | 'training' | 'validation' | 'testing' | 'checkpoint' | 'other';

export const CATEGORY_LABEL: Record<SpanCategory, string> = {
  application: 'application',
  init: 'initialization',
  training: 'training',
  validation: 'validation',
  testing: 'testing',
  checkpoint: 'checkpoint',
  other: 'other',
};

const INIT_SPANS = new Set([
  'distributed_code_initialization',
  'data_loader_initialization',
  'model_initialization',
  'optimizer_initialization',
  'checkpoint_load',
]);
const TRAINING_SPANS = new Set([
  'training_loop',
  'training_single_iteration',
  'data_loading',
  'model_forward',
  'zero_grad',
  'model_backward',
  'optimizer_update',
]);

/** Category of a standard span name (spec training.md §5.1); custom names are `other`. */
export function spanCategory(name: string): SpanCategory {
  if (name === 'application') return 'application';
  if (INIT_SPANS.has(name)) return 'init';
  if (TRAINING_SPANS.has(name)) return 'training';
  if (name === 'validation_loop' || name === 'validation_single_iteration') return 'validation';
  if (name === 'testing_loop' || name === 'TESTING_SINGLE_ITERATION') return 'testing';
  if (name.startsWith('checkpoint_save')) return 'checkpoint';
  return 'other';
}
