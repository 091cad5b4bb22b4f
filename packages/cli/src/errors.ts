import { SmolError } from "@smol/core";

/** The exit codes of `smolagent` and `webagent`. */
export const ExitCode = {
  /** The agent answered. */
  answered: 0,
  /** The run failed: the model could not be reached, the sandbox broke, a package is missing. */
  failed: 1,
  /** The command line (or the config file) asks for something that does not exist. */
  usage: 2,
  /** Ctrl-C (SIGINT): the agent was stopped and its sandbox removed. */
  interrupted: 130,
  /**
   * The output was closed before the run ended (`smolagent … | head -3`): the run was stopped
   * and its sandbox removed. 128 + SIGPIPE, what a shell reports for a program a pipe ended.
   */
  outputClosed: 141,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A mistake in how the command was called: an unknown flag, tool or model type, a value that
 * cannot be parsed. The CLI prints its message on one line and exits with code 2.
 *
 * @example
 * throw new CliUsageError('Unknown tool "web_serch". Known tools: web_search, visit_webpage, …');
 */
export class CliUsageError extends SmolError {
  static override readonly errorName: string = "CliUsageError";
}

/**
 * No model could be found or prepared (no key, no local server, and the default model could not
 * be downloaded). The message lists the ways to point smol at a model; exit code 1.
 */
export class NoModelAvailableError extends SmolError {
  static override readonly errorName: string = "NoModelAvailableError";
}

/** A browser for `webagent` is missing or could not start; the message says how to install one. */
export class BrowserUnavailableError extends SmolError {
  static override readonly errorName: string = "BrowserUnavailableError";
}
