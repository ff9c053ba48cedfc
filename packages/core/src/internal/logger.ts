import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const LogLevel = { DEBUG: 'DEBUG', INFO: 'INFO', WARNING: 'WARNING', ERROR: 'ERROR', CRITICAL: 'CRITICAL' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];
const LEVEL_VALUE: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

export interface InternalLoggerSettings {
  level: LogLevel;
  /** `%(name)s`, `%(levelname)s`, `%(message)s` and `%(asctime)s` are replaced. */
  format: string;
  /** INFO and above go here when set. */
  infoFilePath?: string | undefined;
  /** ERROR and above go here when set. */
  errorFilePath?: string | undefined;
}

export const DEFAULT_LOG_FORMAT = '%(name)s - %(levelname)s - %(message)s';

/**
 * The library's own diagnostics. Without configured files, WARNING and above go to stderr and nothing is
 * written to the working directory. Logging never throws: a failing sink is dropped silently.
 */
class InternalLogger {
  private settings: InternalLoggerSettings = { level: 'INFO', format: DEFAULT_LOG_FORMAT };
  private readonly onceKeys = new Set<string>();
  /** Extra sink for tests and embedding applications. */
  listener: ((level: LogLevel, message: string) => void) | undefined;
  /**
   * Takes every line instead of stderr while set (configured files still get theirs): how a test captures
   * the diagnostics it provokes. Unlike `listener`, configure() and reset() leave it in place, so it lasts
   * across the providers a test configures and resets.
   */
  capture: ((level: LogLevel, message: string) => void) | undefined;
  private delivering = false;

  configure(settings: InternalLoggerSettings): void {
    this.settings = { ...settings };
  }

  /** A copy of the current settings (so a failed configuration can put them back). */
  currentSettings(): InternalLoggerSettings {
    return { ...this.settings };
  }

  reset(): void {
    this.settings = { level: 'INFO', format: DEFAULT_LOG_FORMAT };
    this.onceKeys.clear();
    this.listener = undefined;
  }

  get level(): LogLevel {
    return this.settings.level;
  }

  isEnabledFor(level: LogLevel): boolean {
    return LEVEL_VALUE[level] >= LEVEL_VALUE[this.settings.level];
  }

  debug(message: string): void {
    this.log('DEBUG', message);
  }
  info(message: string): void {
    this.log('INFO', message);
  }
  warning(message: string): void {
    this.log('WARNING', message);
  }
  error(message: string): void {
    this.log('ERROR', message);
  }

  /** Logs `message` only the first time `key` is seen (until reset). */
  once(level: LogLevel, key: string, message: string): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.log(level, message);
  }

  log(level: LogLevel, message: string): void {
    if (!this.isEnabledFor(level)) return;
    // A line logged while a listener runs (the listener called into the library) is not handed to the listeners
    // again: that could recurse without end. It still goes to the files or stderr.
    if (!this.delivering) {
      this.delivering = true;
      try {
        for (const sink of [this.listener, this.capture]) {
          try {
            sink?.(level, message);
          } catch {
            // A listener's failure is its own.
          }
        }
      } finally {
        this.delivering = false;
      }
    }
    const line = `${this.format(level, message)}\n`;
    const { infoFilePath, errorFilePath } = this.settings;
    const value = LEVEL_VALUE[level];
    // Each sink on its own: an unwritable info file must not cost the error file its line. A line that no
    // configured file takes (WARNING and above) goes to stderr.
    let taken = false;
    if (infoFilePath !== undefined) {
      appendLine(infoFilePath, line);
      taken = true;
    }
    if (errorFilePath !== undefined && value >= LEVEL_VALUE.ERROR) {
      appendLine(errorFilePath, line);
      taken = true;
    }
    if (!taken && value >= LEVEL_VALUE.WARNING && this.capture === undefined) {
      try {
        process.stderr.write(line);
      } catch {
        // Diagnostics must never hurt the job.
      }
    }
  }

  private format(level: LogLevel, message: string): string {
    return this.settings.format
      .replaceAll('%(name)s', 'nv_one_logger')
      .replaceAll('%(levelname)s', level)
      .replaceAll('%(asctime)s', new Date().toISOString())
      .replaceAll('%(message)s', message);
  }
}

const createdDirs = new Set<string>();
/** Appends one line; never throws (diagnostics must never hurt the job). */
function appendLine(path: string, line: string): void {
  const dir = dirname(path);
  try {
    if (!createdDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      createdDirs.add(dir);
    }
    appendFileSync(path, line);
  } catch {
    // The directory may have been removed since: create it again next time.
    createdDirs.delete(dir);
  }
}

export const internalLogger = new InternalLogger();
