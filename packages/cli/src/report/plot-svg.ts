// Server-side Observable Plot: charts are rendered into a linkedom document and serialized to inline SVG.
// linkedom escapes text (`<`, `>`, `&`) and attribute values (`"`, `&`); `hardenAttributes` also escapes `<` and
// `>` inside attribute values, so not even a quoted attribute of the output contains markup-like text.

import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { type Html, raw } from './html.js';

/** Class of every chart's <svg>; the page stylesheet themes it (background, sizing). */
export const PLOT_CLASS = 'ol-plot';
/** Width of every chart's viewBox: the page's content width on a desktop, scaled down by CSS elsewhere. */
export const CHART_WIDTH = 1100;

export function renderPlot(options: Plot.PlotOptions): Html {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...options, className: PLOT_CLASS, document: document as unknown as Document });
  return raw(hardenAttributes(node.outerHTML));
}

/** Escapes `<` and `>` inside quoted attribute values of serialized markup whose text is already escaped. */
export function hardenAttributes(markup: string): string {
  let out = '';
  let from = 0;
  let inTag = false;
  let quote = '';
  for (let i = 0; i < markup.length; i++) {
    const c = markup[i];
    if (!inTag) {
      if (c === '<') inTag = true;
    } else if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '<' || c === '>') {
        out += markup.slice(from, i) + (c === '<' ? '&lt;' : '&gt;');
        from = i + 1;
      }
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') inTag = false;
  }
  return out + markup.slice(from);
}
