/** A stream that may be a terminal (`process.stdout`, `process.stderr`, a test's stand-in). */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * True when `stream` is a terminal that may show animations (spinners, redrawn progress bars):
 * not a pipe or a file, not `TERM=dumb`, and no `NO_COLOR` (which also asks for plain output).
 *
 * @example
 * if (isLiveTerminal(process.stderr)) spinner.start("Waiting for the model");
 */
export function isLiveTerminal(stream: OutputStream, environment: NodeJS.ProcessEnv = process.env): boolean {
  if (stream.isTTY !== true) return false;
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== "") return false;
  return environment.TERM !== "dumb";
}

/** Erases the current line of a terminal and puts the cursor at its start. */
export const CLEAR_LINE = "\r\u001b[2K";
