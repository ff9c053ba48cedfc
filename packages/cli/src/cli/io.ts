// The streams a command writes to (the process's own in the binary; others in tests).

export type CliStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

/** Findings and other diagnostics go to stderr, one line each. */
export function diagnostic(io: CliIo, line: string): void {
  io.stderr.write(`${line}\n`);
}
