import { constants as osConstants } from 'node:os';
import { messageOf } from '../core/errors.js';
import { internalLogger } from '../internal/logger.js';
import { OneLoggerProvider } from './provider.js';

export interface ExitHandlerOptions {
  /** Signals to handle. Default SIGINT and SIGTERM. */
  signals?: readonly NodeJS.Signals[];
  /** Upper bound for the shutdown before the process exits anyway. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Opt-in: on the given signals, shut the library down (bounded by `timeoutMs`), then exit with the
 * conventional code 128 + signal number. The library installs no signal handler unless this is called.
 * Returns a function that removes the handlers.
 */
export function installExitHandlers(options: ExitHandlerOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const timeoutMs = options.timeoutMs ?? 5000;
  const handler = (signal: NodeJS.Signals): void => {
    const code = 128 + (osConstants.signals[signal] ?? 1);
    // Also the exit code if the process ends by itself while the shutdown is still pending.
    process.exitCode = code;
    const timer = setTimeout(() => process.exit(code), timeoutMs);
    timer.unref();
    OneLoggerProvider.instance()
      .shutdown()
      .catch((e: unknown) => internalLogger.error(`Shutdown on ${signal} failed: ${messageOf(e)}`))
      .finally(() => process.exit(code));
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
