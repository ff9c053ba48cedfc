// Chart legends as plain HTML (swatches coloured by the same CSS variables as the marks).

import { el, type Html, join } from './html.js';

export interface LegendItem {
  label: string;
  color: string;
  shape: 'box' | 'dot' | 'line' | 'dash' | 'diamond' | 'cross';
}

export function legend(items: readonly LegendItem[]): Html {
  return el(
    'ul',
    { class: 'legend' },
    join(
      items.map((i) =>
        el('li', {}, el('span', { class: 'swatch ' + i.shape, style: `--swatch:${i.color}`, 'aria-hidden': 'true' }), i.label),
      ),
    ),
  );
}
