// The core quick-start program, exactly as in the README: three concurrent shards, each with a nested
// `load` span and an event. Run it after `npm run build`; it writes out/core.jsonl in the working directory.
import { resolve } from 'node:path';
import { DefaultRecorder, Event, FileExporter, getRecorder, OneLoggerProvider, timedSpan } from '@nv-one-logger/core';

OneLoggerProvider.instance().configure(
  { applicationName: 'etl_job', sessionTag: 'nightly', worldSize: 1 },
  new DefaultRecorder({ exporters: [new FileExporter({ filePath: 'out/core.jsonl' })] }),
);
await timedSpan('application', async () => {
  await Promise.all(
    ['a', 'b', 'c'].map((shard) =>
      timedSpan(
        'process_shard',
        async (span) => {
          await timedSpan('load', () => new Promise((r) => setTimeout(r, 5)));
          getRecorder().event(span, Event.create('shard_done', { rows: 100, shard }));
        },
        { spanAttributes: { shard } },
      ),
    ),
  );
});
await OneLoggerProvider.instance().shutdown();
console.log(`telemetry written to ${resolve('out/core.jsonl')} (summarize it: npx one-logger summarize out/core.jsonl)`);
