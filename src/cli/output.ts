/**
 * Command output goes to stdout through here. When the reader goes away (`report runs | head -1`),
 * the rest of the output is dropped and the command ends normally: a closed pipe is how a reader
 * says "enough", not a failure.
 */
export interface Output {
  write(text: string): void;
  /** True once the reader has gone. */
  readonly closed: boolean;
}

export function stdoutOutput(): Output {
  let closed = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") {
      closed = true;
      return;
    }
    throw error;
  });
  return {
    write(text) {
      if (!closed) process.stdout.write(text);
    },
    get closed() {
      return closed;
    },
  };
}
