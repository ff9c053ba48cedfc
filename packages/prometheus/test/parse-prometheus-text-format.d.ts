// Types for the CommonJS test dependency (it ships none). Summaries and histograms carry sum/count/buckets.
declare module 'parse-prometheus-text-format' {
  interface Sample {
    value?: string;
    labels?: Record<string, string>;
    timestamp_ms?: string;
    sum?: string;
    count?: string;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
  }
  interface MetricFamily {
    name: string;
    help: string;
    type: string;
    metrics: Sample[];
  }
  function parsePrometheusTextFormat(text: string): MetricFamily[];
  export default parsePrometheusTextFormat;
}
