/**
 * The reader of the command's output may go away before the command is done: `smolagent … |
 * head -3` closes the pipe after three lines. Writes then fail with EPIPE, which Node reports as
 * an 'error' event on the stream (sometimes after the command has returned); unhandled, it
 * crashes the process with a stack trace.
 */

/** A write to a pipe whose reader is gone, or to the stream that error has already destroyed. */
function isClosedOutputError(error: NodeJS.ErrnoException): boolean {
  return error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED";
}

/**
 * Handles EPIPE on these streams for as long as they live, and returns a signal that aborts
 * when it first happens, so that a command can stop what it is doing: there is no one left to
 * tell. Any other stream error is thrown as before.
 *
 * @example
 * const outputClosed = watchClosedOutput([process.stdout, process.stderr]);
 * outputClosed.addEventListener("abort", () => agent.interrupt());
 */
export function watchClosedOutput(streams: readonly NodeJS.WritableStream[]): AbortSignal {
  const controller = new AbortController();
  const onError = (error: NodeJS.ErrnoException) => {
    if (!isClosedOutputError(error)) throw error;
    if (!controller.signal.aborted) controller.abort(new Error("the output was closed by its reader"));
  };
  for (const stream of streams) stream.on("error", onError);
  return controller.signal;
}

let watchedProcessOutput: AbortSignal | undefined;

/** `watchClosedOutput` on this process's stdout and stderr, set up once however often asked. */
export function processOutputClosed(): AbortSignal {
  watchedProcessOutput ??= watchClosedOutput([process.stdout, process.stderr]);
  return watchedProcessOutput;
}
