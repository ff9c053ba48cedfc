// How span and event attributes become W&B metric names (the reference's MetricNamingStrategy).

/** What a strategy may read from a span or an event: its name (live spans and replayed records both have one). */
export interface Named {
  readonly name: string;
}

export interface MetricNamingStrategy {
  /** The metric name of span attribute `attributeName`. */
  fromSpanAttribute(span: Named, attributeName: string): string;
  /** The metric name of attribute `attributeName` of an event (`span_start`, `span_stop` or a custom one) of `span`. */
  fromEventAttribute(span: Named, event: Named, attributeName: string): string;
}

/** `<span>.<attribute>` and `<span>.<event>.<attribute>` (the reference's default; W&B groups charts by prefix). */
export class HierarchicalMetricNamingStrategy implements MetricNamingStrategy {
  constructor(readonly separator = '.') {}

  fromSpanAttribute(span: Named, attributeName: string): string {
    return `${span.name}${this.separator}${attributeName}`;
  }

  fromEventAttribute(span: Named, event: Named, attributeName: string): string {
    return `${span.name}${this.separator}${event.name}${this.separator}${attributeName}`;
  }
}

/** The attribute name alone; within one logged row a later attribute of the same name wins. */
export class FlatMetricNamingStrategy implements MetricNamingStrategy {
  fromSpanAttribute(_span: Named, attributeName: string): string {
    return attributeName;
  }

  fromEventAttribute(_span: Named, _event: Named, attributeName: string): string {
    return attributeName;
  }
}

export const MetricNaming = { HIERARCHICAL: 'hierarchical', FLAT: 'flat' } as const;
export type MetricNaming = (typeof MetricNaming)[keyof typeof MetricNaming];

/** The strategy for an option value: a name, or an object with both methods. */
export function namingStrategy(value: MetricNaming | MetricNamingStrategy): MetricNamingStrategy {
  if (value === MetricNaming.FLAT) return new FlatMetricNamingStrategy();
  if (value === MetricNaming.HIERARCHICAL) return new HierarchicalMetricNamingStrategy();
  return value;
}
