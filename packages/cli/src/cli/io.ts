// The streams a command writes to (the process's own in the binary; others in tests).
import { printableLines } from '../model/printable.js';

export type CliStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

/** Findings and other diagnostics go to stderr, one line each; control characters (from input, argv) escaped. */
export function diagnostic(io: CliIo, line: string): void {
  io.stderr.write(`${printableLines(line)}\n`);
}
