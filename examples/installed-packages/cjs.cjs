// A CommonJS application loading the ESM packages with require() (Node >= 20.19 loads ES modules from require).
// Usage: node cjs.cjs <telemetry.jsonl>
const { DefaultRecorder, Event, FileExporter, OneLoggerProvider, getRecorder, timedSpan } = require('@nv-one-logger/core');

const filePath = process.argv[2] ?? 'telemetry.jsonl';
OneLoggerProvider.instance().configure(
  { applicationName: 'installed_cjs', sessionTag: 'installed', worldSize: 1 },
  new DefaultRecorder({ exporters: [new FileExporter({ filePath })] }),
);
timedSpan('application', (span) => {
  getRecorder().event(span, Event.create('rows_done', { rows: 3 }));
});
OneLoggerProvider.instance()
  .shutdown()
  .then(() => console.log(`telemetry written to ${filePath}`));
