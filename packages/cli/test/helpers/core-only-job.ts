// A core-only job (no training telemetry) written by the REAL core library with the fake clock: an application
// span and named child spans of known durations, so the per-span-name statistics are known exactly.
import { DefaultRecorder, FileExporter, OneLoggerProvider, setClock, timedSpan } from '@nv-one-logger/core';
import { clock, T0 } from './jobs.js';

/** load 200 ms; process ×3 (150, 250, 200 ms); save 100 ms; 100 ms outside any child span: 1000 ms in all. */
export const CORE_ONLY = { applicationMs: 1000, process: [150, 250, 200], loadMs: 200, saveMs: 100 } as const;

/** Appends one run of the job to `path`; `extraNames` more child spans of 1 ms, each with its own name. */
export async function writeCoreOnlyJob(path: string, options: { startWallMs?: number; extraNames?: number } = {}): Promise<void> {
  clock.install(options.startWallMs ?? T0);
  const recorder = new DefaultRecorder({ exporters: [new FileExporter({ filePath: path })] });
  try {
    OneLoggerProvider.instance().configure({ applicationName: 'core_only', sessionTag: 'core_only_session', worldSize: 1 }, recorder);
    timedSpan('application', () => {
      timedSpan('load', () => clock.advance(CORE_ONLY.loadMs));
      for (const ms of CORE_ONLY.process) timedSpan('process', () => clock.advance(ms));
      timedSpan('save', () => clock.advance(CORE_ONLY.saveMs));
      clock.advance(100);
      for (let i = 0; i < (options.extraNames ?? 0); i++) timedSpan(`item_${String(i).padStart(3, '0')}`, () => clock.advance(1));
    });
    await OneLoggerProvider.instance().shutdown();
  } finally {
    OneLoggerProvider.resetForTests();
    setClock(undefined);
  }
}
