// HTML building blocks. Every string that comes from telemetry goes through `esc`; markup is assembled from
// trusted literals only, so span names, attributes and file names can never become markup.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and (double- or single-quoted) attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Trusted HTML: produced by this module's helpers or by Plot's serializer (which escapes text and attributes). */
export interface Html {
  readonly html: string;
}

export function raw(html: string): Html {
  return { html };
}

/** Joins trusted fragments and escaped plain values. */
export function join(parts: readonly (Html | string | undefined)[], sep = ''): Html {
  return raw(
    parts
      .filter((p): p is Html | string => p !== undefined)
      .map((p) => (typeof p === 'string' ? esc(p) : p.html))
      .join(sep),
  );
}

type AttrValue = string | number | boolean | undefined;

/** `<tag attrs>children</tag>`; attribute values and string children are escaped. */
export function el(tag: string, attrs: Record<string, AttrValue>, ...children: (Html | string | undefined)[]): Html {
  let open = '<' + tag;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    open += value === true ? ' ' + name : ' ' + name + '="' + esc(value) + '"';
  }
  return raw(open + '>' + join(children).html + '</' + tag + '>');
}
