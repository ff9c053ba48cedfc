// The chart wrapper: `<figure data-chart="…">` is how tests and readers find a chart.

import { el, type Html } from './html.js';
import { type LegendItem, legend } from './legend.js';

export function figure(chart: string, title: string, svg: Html, items: readonly LegendItem[], caption: Html | string): Html {
  return el(
    'figure',
    { 'data-chart': chart },
    el('h3', {}, title),
    items.length > 0 ? legend(items) : undefined,
    el('div', { class: 'chart' }, svg),
    el('figcaption', {}, caption),
  );
}
