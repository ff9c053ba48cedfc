// Writing to stdout/stderr with backpressure (validate can print millions of lines into a slow pipe) and a quiet
// exit when the reader goes away (`one-logger validate big.jsonl | head`).

export interface TextSink {
  write(text: string): Promise<void> | undefined;
}

export function streamSink(stream: NodeJS.WritableStream): TextSink {
  return {
    write(text) {
      if (stream.write(text)) return undefined;
      return new Promise<void>((resolve) => {
        stream.once('drain', resolve);
      });
    },
  };
}

/** A closed pipe on stdout ends the process with `code` instead of an EPIPE stack trace. */
export function exitQuietlyOnClosedPipe(
  stream: NodeJS.WritableStream & { on(e: 'error', f: (e: Error) => void): unknown },
  code: () => number,
): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(code());
    throw e;
  });
}
