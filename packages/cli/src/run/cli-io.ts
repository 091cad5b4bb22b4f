import type { OutputStream } from "../output/terminal.js";
import { processOutputClosed } from "./closed-output.js";
import type { SignalSource } from "./interruption.js";

/** What a command touches of the outside world; `processIo()` in the binaries, stand-ins in tests. */
export interface CliIo {
  stdout: OutputStream & NodeJS.WritableStream;
  stderr: OutputStream & NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  environment: NodeJS.ProcessEnv;
  cwd: string;
  signals: SignalSource;
  /** Ends the process at once (a second Ctrl-C). */
  forceExit(code: number): void;
  /**
   * Aborts when the reader of stdout or stderr goes away (EPIPE, as in `smolagent … | head`):
   * the run then stops quietly. Stand-in streams that cannot close leave it out.
   */
  outputClosed?: AbortSignal;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    environment: process.env,
    cwd: process.cwd(),
    signals: process,
    forceExit: (code) => process.exit(code),
    outputClosed: processOutputClosed(),
  };
}
